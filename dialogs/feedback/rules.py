"""The rules of a reported verdict with no storage and no platform: what the "This verdict is wrong" button
carries, what the report and review forms accept, the label a review gives, when a case is deleted, and the
corpus line an export writes (policy/eval/README.md)."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from policy.checker import PACK, PROFILES

VERDICTS = ("stop", "sign_off", "ok")
VERDICT_WORDS = {"stop": "Stop", "sign_off": "Get sign-off", "ok": "OK to post"}
# Findings that come from the posting state or a photo's location, not from the words: never a corpus label.
NOT_FROM_TEXT = frozenset({"mourning_pause", "crisis", "image_location"})
# The corpus's categories (policy/eval/README.md), with the severity each gives a post.
SEVERITY = {cat: spec["severity"] for cat, spec in PACK.categories.items() if cat not in NOT_FROM_TEXT}
CATEGORIES = tuple(SEVERITY)
DECISIONS = ("agree", "keep", "other")

MAX_DRAFT = 3000          # characters: Slack pre-fills a field with at most 3,000, and a post is far shorter
MAX_NOTE = 1000
BUTTON_VALUE_LIMIT = 2000  # Slack keeps at most 2,000 characters of a button's value


def verdict_of(categories) -> str:
    """The verdict a set of corpus categories gives: stop if any stops, else sign-off if any needs it, else ok
    (so `foi_request` alone is ok), as the corpus's README says."""
    severities = {SEVERITY.get(c) for c in categories}
    return "stop" if "stop" in severities else "sign_off" if "sign_off" in severities else "ok"


def text_categories(categories) -> list[str]:
    """The checker's categories that belong in a corpus label (not the mourning pause, a crisis or a photo's
    location, which come from the day and the file rather than the words)."""
    return [c for c in dict.fromkeys(categories or ()) if c in SEVERITY]


def new_ref() -> str:
    """A case's public reference: random, so it says nothing about how many were reported or by whom."""
    return secrets.token_hex(4)


def display_ref(ref: str) -> str:
    return f"fb-{ref}"


def parse_ref(raw: str | None) -> str | None:
    raw = (raw or "").strip().lower()
    if raw.startswith("fb-"):
        raw = raw[3:]
    return raw if len(raw) == 8 and all(ch in "0123456789abcdef" for ch in raw) else None


# --- what the button carries --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Checked:
    """What the button on a verdict says about the check: the profile used, whether a photo went with it, and
    either where the message lives (Slack: fetched again for the person who clicks) or the draft itself where it
    cannot be fetched again (a slash command's text, Teams). The draft then travels only inside the person's own
    verdict and form, never into storage, and is checked again when the form comes back."""
    profile: str
    has_image: bool
    source: str = ""
    draft: str | None = None


def button_value(profile: str, has_image: bool, source: str = "", draft: str | None = None) -> str:
    data: dict = {"p": profile, "i": int(bool(has_image))}
    if source:
        data["s"] = source
    elif draft and len(draft) <= MAX_DRAFT:
        data["d"] = draft
    value = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if len(value) > BUTTON_VALUE_LIMIT:   # too long to carry: the form asks for the draft instead
        data.pop("d", None)
        value = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return value


def parse_button_value(raw: str | None) -> Checked | None:
    """None for a value this workflow did not write (an old or forged button)."""
    try:
        data = json.loads(raw or "")
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("p") not in PROFILES:
        return None
    source = data.get("s") if isinstance(data.get("s"), str) else ""
    draft = data.get("d") if isinstance(data.get("d"), str) else None
    return Checked(data["p"], bool(data.get("i")), source[:200], draft[:MAX_DRAFT] if draft else None)


def form_private(profile: str, has_image: bool) -> str:
    """Ids only: the report form carries the profile and photo flag back; the draft is in the form's field."""
    return json.dumps({"p": profile, "i": int(bool(has_image))}, separators=(",", ":"))


def parse_form_private(raw: str | None) -> tuple[str, bool] | None:
    checked = parse_button_value(raw)
    return (checked.profile, checked.has_image) if checked else None


# --- the report form ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    draft: str
    correction: str
    category: str | None
    note: str | None
    consent: bool


def check_report(values: dict, checker_verdict: str | None = None,
                 checker_categories: list[str] | None = None) -> tuple[Report | None, dict[str, str]]:
    """Validate the report form. Errors are keyed by input id. `checker_verdict` is what the checker says about
    the draft as submitted, so a correction that only repeats it is caught."""
    errors: dict[str, str] = {}
    draft = (values.get("draft") or "").strip()
    if not draft:
        errors["draft"] = "Paste the draft the checker got wrong."
    elif len(draft) > MAX_DRAFT:
        errors["draft"] = (f"That is longer than {MAX_DRAFT:,} characters: keep the part the checker got wrong.")
    correction = values.get("correction")
    if correction not in VERDICTS:
        errors["correction"] = "Choose what the verdict should have been."
    category = values.get("category") or None
    if category is not None and category not in SEVERITY:
        errors["category"] = "Choose a category from the list, or leave it empty."
    note = (values.get("note") or "").strip() or None
    if note and len(note) > MAX_NOTE:
        errors["note"] = f"Please keep the note under {MAX_NOTE:,} characters."
    if (not errors and checker_verdict == correction and
            (category is None or category in (checker_categories or ()))):
        errors["correction"] = ("That is what the checker said. Choose the verdict it should have given, or the "
                                "category it missed.")
    if errors:
        return None, errors
    return Report(draft, correction, category, note, bool(values.get("consent"))), {}


# --- the review ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Label:
    decision: str
    verdict: str
    categories: list[str]


def review_label(decision: str | None, *, correction: str, correction_category: str | None,
                 checker_categories: list[str], chosen: list[str] | None) -> tuple[Label | None, dict[str, str]]:
    """The final label a review gives. Corpus labels are categories, and the verdict follows from them, so a
    verdict without the category that gives it has to be completed by the reviewer."""
    if decision not in DECISIONS:
        return None, {"decision": "Choose which label is right."}
    if decision == "keep":
        cats = text_categories(checker_categories)
        return Label("keep", verdict_of(cats), cats), {}
    if decision == "agree":
        cats = [correction_category] if correction_category else []
        if verdict_of(cats) != correction:
            which = ("the reporter didn't say which category" if not correction_category else
                     f"{correction_category} alone gives {VERDICT_WORDS[verdict_of(cats)]}")
            return None, {"decision": f"The corpus needs the category that makes it {VERDICT_WORDS[correction]}, and "
                                      f"{which}: choose “Another label” and tick the categories."}
        return Label("agree", correction, cats), {}
    unknown = [c for c in chosen or () if c not in SEVERITY]
    if unknown:
        return None, {"categories": "Choose categories from the list."}
    cats = list(dict.fromkeys(chosen or ()))
    return Label("other", verdict_of(cats), cats), {}


def check_corpus_text(raw: str | None) -> tuple[str | None, str | None]:
    text = (raw or "").strip()
    if not text:
        return None, "Give the text for the training corpus (the draft, with real people's details replaced)."
    if len(text) > MAX_DRAFT:
        return None, f"Keep it under {MAX_DRAFT:,} characters."
    return text, None


# --- retention ----------------------------------------------------------------------------------------------------

def purge_cutoff(now: datetime, days: int) -> datetime:
    """Cases reported before this are deleted."""
    return now - timedelta(days=days)


def deleted_on(created_at: datetime, days: int) -> datetime:
    return created_at + timedelta(days=days)


def month_of(local_now: datetime) -> tuple[datetime, datetime]:
    """The local calendar month `local_now` is in, as [start, end) instants."""
    start = local_now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    after = (start + timedelta(days=32)).replace(day=1)
    return start, after


# --- the export ---------------------------------------------------------------------------------------------------

def corpus_line(ref: str, text: str, profile: str, has_image: bool, categories: list[str], note: str | None) -> dict:
    """One line in the corpus format of policy/eval/README.md."""
    cats = text_categories(categories)
    return {"id": display_ref(ref), "text": text, "profile": profile, "has_image": bool(has_image),
            "verdict": verdict_of(cats), "categories": cats,
            "note": note or "reported wrong in chat; label from the Communications Team's review"}


def export_refusal(target: Path, eval_dir: Path) -> str | None:
    """Why the export may not write to `target`, or None. Reviewed cases are training data: they go under
    policy/eval/train/, never into the frozen test set (nor dev, which chooses thresholds)."""
    name = target.name.lower()
    if name.startswith("test") or name.endswith(".sha256"):
        return "reviewed cases are training data and never go into a test set; write to policy/eval/train/"
    try:
        inside = target.resolve().relative_to(eval_dir.resolve())
    except ValueError:
        return None
    if inside.parts[:1] != ("train",):
        return "in policy/eval/ reviewed cases go only under train/ (dev and test are written by other people)"
    return None
