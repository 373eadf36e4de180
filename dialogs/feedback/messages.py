"""What people read: the report form with its warning, the answers to the reporter, the Communications Team's
card (never the draft: it may hold personal data and a channel has more readers than the team), the review form,
the list of waiting cases, and the cards after a review or deletion."""
from __future__ import annotations

from chat.commands import typed
from chat.messages import Button, Buttons, CopyText, Fields, Form, Header, Input, Message, Note, Text, message
from chat.quoting import inert
from dialogs.check.rules import label

from .rules import CATEGORIES, VERDICT_WORDS, display_ref

REPORT_FORM = "feedback_report"
REVIEW_FORM = "feedback_review"
OPEN_ACTION = "feedback.open"
REVIEW_ACTION = "feedback.review"
BUTTON_LABEL = "This verdict is wrong"

CORRECTIONS = (("stop", "Stop – it must not be posted as it is"),
               ("sign_off", "Get sign-off – someone must approve it first"),
               ("ok", "OK – it can be posted"))


def _label(category: str) -> str:
    """The checker's own words for its categories."""
    return label(category)


def wrong_button(value: str) -> Button:
    """The button every verdict carries; `value` is rules.button_value(...). Private: on Teams the form opens in a
    dialog, so the draft never becomes a message in the conversation."""
    return Button(BUTTON_LABEL, OPEN_ACTION, value, private=True)


def category_options() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((c, _label(c)) for c in CATEGORIES), key=lambda o: o[1]))


def said(verdict: str | None, categories) -> str:
    words = VERDICT_WORDS.get(verdict or "", verdict or "?")
    cats = ", ".join(_label(c) for c in categories or ())
    return f"{words} ({cats})" if cats else words


def _day(when, tz) -> str:
    local = when.astimezone(tz)
    return f"{local.day} {local:%B %Y}"


def _photo(has_image: bool) -> str:
    return "yes" if has_image else "no"


# --- the reporter -------------------------------------------------------------------------------------------------

def warning(days: int) -> str:
    return ("*Before you send it:* your draft may contain personal data – names, phone numbers, addresses or "
            "someone's circumstances (3.4). If you tick the box below, the draft, your correction and your note go "
            "to the Communications Team's review queue. Only the Communications Team can read them there, and they "
            f"are deleted after {days} days. If you don't tick it, nothing is sent and nothing is kept.")


def report_form(days: int, private: str, draft: str | None, values: dict | None = None) -> Form:
    values = values or {}
    draft = values.get("draft", draft)
    return Form(
        REPORT_FORM, "Report a wrong verdict",
        (Input("draft", "Your draft", "long_text", initial=draft,
               hint=("I check it again when you send this. Leave out anything that isn't needed to show the mistake."
                     if draft else "Paste the draft you checked: I don't keep checked text, so I can't fill it in.")),
         Input("correction", "What should the verdict have been?", "choice", options=CORRECTIONS,
               initial=values.get("correction")),
         Input("category", "Which category should it have found? (optional)", "choice", options=category_options(),
               required=False, initial=values.get("category"),
               hint="Leave it empty if you're not sure, or if it should have found nothing."),
         Input("note", "Anything the Communications Team should know? (optional)", "long_text", required=False,
               initial=values.get("note")),
         Input("consent", f"Send my draft to the Communications Team's review queue (kept {days} days, then deleted)",
               "checkbox", required=False, initial=bool(values.get("consent")))),
        submit="Send", private=private,
        intro=(Text("Tell the Communications Team what the checker should have said. They review each case and "
                    "use the reviewed ones to teach the checker (4.2)."),
               Text(warning(days))),
    )


def nothing_kept() -> Message:
    return message(Text("Nothing was sent and nothing was kept, because the consent box wasn't ticked. If you'd "
                        "still like the Communications Team to know, tell them in your own words what the checker "
                        "got wrong, without the draft."))


def already_sent() -> Message:
    return message(Text("Your report was already sent to the Communications Team's review queue. Thank you."))


def thanks(ref: str, days: int, deleted: str, told: bool, platform: str | None = None) -> Message:
    lines = [f"Thank you. Case *{display_ref(ref)}* is in the Communications Team's review queue. Only they can "
             f"read your draft there, and it is deleted on {deleted} ({days} days)."]
    if not told:
        lines.append("The Communications Team's channel isn't connected here, so nobody was told; the team will "
                     "still find the case in their list of reported verdicts "
                     f"(`{typed('smpolicy', 'feedback', platform)}`).")
    return message(Text("\n".join(lines)), Note("Reviewed cases can be added to the checker's training examples."))


# --- the Communications Team --------------------------------------------------------------------------------------

def _verdicts(case, reporter: str) -> list[tuple[str, str]]:
    """The case, what the checker said and what its reporter says it should have said."""
    return [("Case", display_ref(case.ref)), ("The checker said", said(case.checker_verdict, case.checker_categories)),
            (reporter, said(case.correction, [case.correction_category] if case.correction_category else []))]


def comms_card(case, *, waiting: int, month_checks: int, month_reported: int, deleted: str) -> Message:
    rate = f" ({month_reported / month_checks:.1%})" if month_checks else ""
    return message(
        Header("A verdict was reported wrong"),
        Fields([*_verdicts(case, "The reporter says"), ("Account", case.profile), ("Photo", _photo(case.has_image)),
                ("Waiting for review", str(waiting)),
                ("This month", f"{month_reported} reported wrong of {month_checks} checks{rate}")]),
        Buttons(Button("Review", REVIEW_ACTION, case.ref, style="primary", private=True)),
        Note("The draft isn't shown here because it may contain personal data (3.4): only the Communications Team "
             f"can open it, with Review. It is deleted on {deleted}."),
        text=f"A verdict was reported wrong ({display_ref(case.ref)})")


def reviewed_card(case, reviewer_name: str, when: str) -> Message:
    return message(
        Header("Reported verdict: reviewed"),
        Fields([*_verdicts(case, "The reporter said"),
                ("Final label", said(case.final_verdict, case.final_categories)),
                ("Reviewed by", reviewer_name), ("When", when)]),
        text=f"Reported verdict {display_ref(case.ref)}: reviewed by {reviewer_name}")


def purged_card(ref: str, days: int) -> Message:
    return message(Header("Reported verdict: deleted"),
                   Text(f"Case {display_ref(ref)} was deleted {days} days after it was reported, with its draft "
                        "(feedback_retention_days in the organisation file)."),
                   text=f"Reported verdict {display_ref(ref)}: deleted")


def review_form(case, reporter_name: str, reported: str, deleted: str, errors: dict | None = None,
                values: dict | None = None) -> Form:
    values = values or {}
    agree = said(case.correction, [case.correction_category] if case.correction_category else [])
    intro = [Fields([("Case", display_ref(case.ref)), ("Reported by", reporter_name), ("Reported on", reported),
                     ("Account", case.profile), ("Photo", _photo(case.has_image)),
                     ("The checker said", said(case.checker_verdict, case.checker_categories)),
                     ("The reporter says", agree)]),
             CopyText(case.draft, label="The draft")]
    if case.note:
        intro.append(Text(f"*The reporter's note:* {inert(case.note)}"))
    intro.append(Note(f"Only the Communications Team can open this. It is deleted on {deleted}, reviewed or not."))
    return Form(
        REVIEW_FORM, "Review reported verdict",
        (Input("decision", "Which label is right?", "choice",
               options=(("agree", f"The reporter's: {agree}"),
                        ("keep", f"The checker's: {said(case.checker_verdict, case.checker_categories)}"),
                        ("other", "Another label: tick the categories below")),
               initial=values.get("decision")),
         Input("categories", "For another label: every category that applies (none means OK)", "multi_choice",
               options=category_options(), required=False, initial=values.get("categories")),
         Input("corpus_text", "The text for the training corpus", "long_text",
               initial=values.get("corpus_text", case.draft),
               hint="Used only if reviewed cases are exported. Replace real names, numbers and addresses with "
                    "made-up ones of the same kind, so the label still fits and nobody real is in the corpus (3.4)."),
         Input("corpus_note", "Why, in a few words (optional; goes into the corpus)", "short_text", required=False,
               initial=values.get("corpus_note"))),
        submit="Save review", private=case.ref, intro=tuple(intro), errors=tuple((errors or {}).items()),
    )


def reviewed_reply(case) -> Message:
    return message(Text(f"Saved: case *{display_ref(case.ref)}* is reviewed with the label "
                        f"*{said(case.final_verdict, case.final_categories)}*. "
                        "`python -m bot check feedback export` adds reviewed cases to the training examples."))


def already_reviewed(case, reviewer_name: str, when: str) -> Message:
    return message(Text(f"Case {display_ref(case.ref)} was already reviewed by {reviewer_name} on {when}, with the "
                        f"label {said(case.final_verdict, case.final_categories)}. Nothing was changed."))


def pending_list(cases, total: int, tz) -> Message:
    if not cases:
        return message(Text("No reported verdicts are waiting for review."))
    blocks: list = [Header(f"Reported verdicts waiting for review: {total}")]
    for case in cases:
        blocks.append(Text(f"*{display_ref(case.ref)}* ({_day(case.created_at, tz)}): the checker said "
                           f"{said(case.checker_verdict, case.checker_categories)}; the reporter says "
                           f"{said(case.correction, [case.correction_category] if case.correction_category else [])}."))
        blocks.append(Buttons(Button("Review", REVIEW_ACTION, case.ref, private=True)))
    if total > len(cases):
        blocks.append(Note(f"The {len(cases)} oldest of {total} are shown."))
    return message(*blocks, text=f"Reported verdicts waiting for review: {total}")
