"""What the mourning pause says: the banner, the DMs to administrators, and the replies to whoever asked."""
from __future__ import annotations

from chat.commands import typed
from chat.messages import Fields, Header, Message, Note, Text, message
from chat.quoting import inert
from chat.services import Services
from chat.wording import count
from storage.models.pause import MourningPause

from .rules import day_words, last_day


def reason_phrase(svc: Services, pause: MourningPause) -> str:
    """What the checker and the boost refusal quote: the reason and until when."""
    return f"{inert(pause.reason)}, until the end of {day_words(last_day(pause, svc.config.tz), svc.today())}"


def banner_line(svc: Services, pause: MourningPause) -> str:
    return (f"⏸️ Mourning pause (4.4): posting is paused for {reason_phrase(svc, pause)}. "
            "Don't post or schedule anything.")


def accounts_field(accounts: list[str]) -> Fields:
    return Fields([("Your accounts in the register", ", ".join(inert(a) for a in accounts) or "none")])


def start_dm(svc: Services, pause: MourningPause, accounts: list[str], reminder: bool = False) -> Message:
    until = day_words(last_day(pause, svc.config.tz), svc.today())
    if reminder:
        head = f"Reminder: posting is still paused ({inert(pause.reason)})"
        lead = (f"Posting on council social media accounts is still paused for the mourning period, until the "
                f"end of {until} (4.4). Please check again that nothing is scheduled to publish before then.")
    else:
        head = f"Posting is paused: {inert(pause.reason)}"
        lead = (f"The Communications Team has paused posting on council social media accounts for the mourning "
                f"period, until the end of {until} (4.4). Please check now that you have nothing scheduled to "
                "publish before then.")
    return message(
        Header(head),
        Text(lead + " Look in the single access platform (Orlo) and on any account you manage outside it (5.5), "
             "and don't post or schedule anything until the pause ends. I'll remind you each morning and tell "
             "you when it's over."),
        accounts_field(accounts),
        Note("Social Media Policy 4.4, Operation Menai Bridge (London Bridge)."), text=head)


def ended_message(svc: Services, pause: MourningPause, ender: str, accounts: list[str] | None = None) -> Message:
    if pause.ended_by == "system":
        how = f"ended at the end of {day_words(last_day(pause, svc.config.tz), svc.today())}, as planned"
    else:
        how = f"was ended by {ender}"
    head = "Posting can resume: the mourning pause is over"
    blocks = [Header(head),
              Text(f"The mourning pause ({inert(pause.reason)}) {how}. You can post and schedule as normal again; "
                   "“Is this OK to post?” and boosts work as usual (4.4).")]
    if accounts is not None:
        blocks.append(accounts_field(accounts))
    return message(*blocks, text=head)


def cmd(platform: str | None, text: str) -> str:
    return f"`{typed('smpolicy', text, platform)}`"


def started_reply(svc: Services, pause: MourningPause, admins: int, missed: list[str],
                  platform: str | None = None) -> Message:
    until = day_words(last_day(pause, svc.config.tz), svc.today())
    lines = [f"⏸️ *Mourning pause started* (4.4): posting is paused for {inert(pause.reason)}, "
             f"{count(pause.days, 'day')} including today, until the end of {until}. It ends itself then and I'll tell "
             "everyone."]
    if admins:
        lines.append(f"I've asked {count(admins - len(missed), 'administrator')} in the accounts register to check "
                     "they have nothing scheduled, and I'll remind them each morning.")
    else:
        lines.append("There are no administrators in the accounts register yet, so I haven't messaged anyone: "
                     "please tell account administrators another way.")
    if missed:
        lines.append(f"I couldn't reach {', '.join(missed)} on Slack or Teams: please contact them another way.")
    lines.append("“Is this OK to post?” now says stop for every post and boosts are refused. Please also turn "
                 "off publishing in the single access platform (4.4, 5).")
    lines.append(f"{cmd(platform, 'pause until YYYY-MM-DD')} moves the last day (say, once the funeral is "
                 f"announced); {cmd(platform, 'pause end')} ends it early.")
    return message(Text("\n".join(lines)))


def ended_reply(svc: Services, admins: int) -> Message:
    told = f"{count(admins, 'administrator')} in the register and " if admins else ""
    return message(Text(f"▶️ *Mourning pause ended.* Posting can resume; I've told {told}the Communications Team. "
                        "Remember to turn publishing back on in the single access platform (4.4)."))
