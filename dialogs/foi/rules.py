"""The rules of an FOI case with no storage and no platform: what the form accepts, which kind a request
probably is, what its reference looks like, and when it is due (policy 8.1; DESIGN.md "FOI deadlines")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from policy.calendar import MAX_YEAR, MIN_YEAR, WorkingCalendar, due_date

KIND_LABELS = {
    "foi": "Freedom of Information (FOI)",
    "eir": "Environmental information (EIR)",
    "sar": "Subject access (the person's own records)",
}
SHORT_KIND = {"foi": "FOI", "eir": "EIR", "sar": "Subject access"}
PLATFORMS = {
    "facebook": "Facebook", "x": "X (Twitter)", "instagram": "Instagram", "linkedin": "LinkedIn",
    "nextdoor": "Nextdoor", "youtube": "YouTube", "tiktok": "TikTok", "whatsapp": "WhatsApp",
    "other": "Another site",
}
VISIBILITY = {"public": "a public post or comment", "private": "a private or direct message"}
OUTCOMES = ("answered", "withdrawn", "refused", "not-foi")
OPEN_STATES = ("open", "clarifying")
SOON_WORKING_DAYS = 5          # the daily DM lists cases due within this many working days

# Words that make a request environmental information (EIR reg 2(1): air, water, land, emissions, noise,
# waste, wildlife, and measures such as plans affecting them). A suggestion only: the person chooses.
_EIR_WORDS = (
    "environment", "environmental", "pollution", "polluted", "air quality", "water quality", "emissions",
    "contaminated", "contamination", "flood", "flooding", "floods", "drainage", "sewage", "waste",
    "recycling", "landfill", "fly-tipping", "fly tipping", "noise", "pesticide", "pesticides", "wildlife",
    "habitat", "biodiversity", "trees", "tree felling", "hedgerow", "hedgerows", "climate", "carbon",
    "rivers", "river", "coastal erosion", "erosion", "wind farm", "solar farm", "planning application",
    "asbestos", "radiation", "nitrogen dioxide", "particulates", "street lighting energy",
)
_EIR = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(_EIR_WORDS, key=len, reverse=True)) + r")\b",
                  re.I)
# The person's own records (UK GDPR Art 15).
_SAR = re.compile(
    r"\b(subject access|SAR|about me|my (own )?(personal )?(data|information|records?|file|files|details)"
    r"|(hold|held|keep|kept|have) (on|about) me|my (care|social care|school|case) (records?|file))\b", re.I)

_REF = re.compile(r"^\s*foi[-\s]?(\d{4})[-\s]?(\d{1,6})\s*$", re.I)
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_URL = re.compile(r"https?://[^\s<>|]+", re.I)


def suggest_kind(text: str | None) -> tuple[str, str | None]:
    """(kind, why) from the question's words: the person's own records -> sar; environmental -> eir."""
    text = text or ""
    m = _SAR.search(text)
    if m:
        return "sar", f"it asks for the person's own records (\u201c{m.group(0)}\u201d)"
    m = _EIR.search(text)
    if m:
        return "eir", f"it is about the environment (\u201c{m.group(0)}\u201d)"
    return "foi", None


def first_link(text: str | None) -> str | None:
    m = _URL.search(text or "")
    return m.group(0).rstrip(".,;)") if m else None


def reference(year: int, seq: int) -> str:
    return f"FOI-{year}-{seq:04d}"


def normalise_reference(raw: str | None) -> str | None:
    """'foi-2026-1', 'FOI 2026 0001' -> 'FOI-2026-0001'; None if it is not a reference."""
    m = _REF.match(raw or "")
    return reference(int(m.group(1)), int(m.group(2))) if m else None


def looks_like_email(raw: str | None) -> bool:
    return bool(raw and _EMAIL.match(raw.strip()))


def calendar_kind(kind: str, extended: bool) -> str:
    """The kind policy.calendar.due_date understands."""
    return "eir-extended" if kind == "eir" and extended else kind


def compute_due(received: date, kind: str, extended: bool, paused_days: int, cal: WorkingCalendar) -> date:
    return due_date(received, calendar_kind(kind, extended), cal, paused_days)


def rule_text(kind: str, extended: bool) -> str:
    """How the due date was reached, in words."""
    if kind == "sar":
        return "one calendar month after receipt, moved to the next working day (UK GDPR Art 12(3))"
    if kind == "eir" and extended:
        return "the 40th working day after receipt, extended as complex and voluminous (EIR reg 7)"
    if kind == "eir":
        return "the 20th working day after receipt (EIR reg 5(2))"
    return "the 20th working day after receipt (FOIA s10)"


def paused_between(kind: str, since: date, until: date, cal: WorkingCalendar) -> int:
    """Days the clock stood still: working days for FOI and EIR, calendar days for subject access."""
    if until <= since:
        return 0
    if kind == "sar":
        return (until - since).days
    return cal.working_days_between(since, until)


@dataclass(frozen=True)
class Standing:
    """Where a due date stands today: overdue / today / soon / later, and by how many working days."""
    status: str
    days: int

    def words(self) -> str:
        if self.status == "overdue":
            return f"{self.days} working day{'s' if self.days != 1 else ''} overdue"
        if self.status == "today":
            return "due today"
        return f"due in {self.days} working day{'s' if self.days != 1 else ''}"


def standing(due: date, today: date, cal: WorkingCalendar) -> Standing:
    if due < today:
        return Standing("overdue", max(1, cal.working_days_between(due, today)))
    if due == today:
        return Standing("today", 0)
    n = cal.working_days_between(today, due)
    return Standing("soon" if n <= SOON_WORKING_DAYS else "later", n)


@dataclass(frozen=True)
class Submission:
    question: str
    source_platform: str
    visibility: str
    link: str | None
    requester_handle: str | None
    requester_email: str | None
    received: date
    kind: str


def check_submission(values: dict, today: date) -> tuple[Submission | None, dict[str, str]]:
    """Validate the form (all but the owner, which needs the directory). Errors are keyed by input id."""
    errors: dict[str, str] = {}
    question = (values.get("question") or "").strip()
    if not question:
        errors["question"] = "Paste or type the customer's question, as they asked it."
    elif len(question) > 5000:
        errors["question"] = "That is longer than 5,000 characters: keep the question, leave out the thread."
    platform = values.get("source_platform")
    if platform not in PLATFORMS:
        errors["source_platform"] = "Choose where the request was made."
    visibility = values.get("visibility")
    if visibility not in VISIBILITY:
        errors["visibility"] = "Choose whether it was a public post or a private message."
    link = (values.get("link") or "").strip() or None
    if link and (not link.lower().startswith(("http://", "https://")) or " " in link or len(link) > 1000):
        errors["link"] = "Give the web address of the post or message, starting https:// (or leave it empty)."
    handle = (values.get("requester_handle") or "").strip() or None
    if handle and len(handle) > 200:
        errors["requester_handle"] = "That name or handle is too long (200 characters at most)."
    email = (values.get("requester_email") or "").strip() or None
    if email and not looks_like_email(email):
        errors["requester_email"] = "That doesn't look like an email address; check it or leave it empty."
    received = values.get("received")
    if not isinstance(received, date):
        errors["received"] = "Give the date the request was received (a weekend date is fine)."
    elif received > today:
        errors["received"] = "The date received can't be in the future."
    elif not MIN_YEAR <= received.year <= MAX_YEAR:
        errors["received"] = "That date is out of range."
    kind = values.get("kind")
    if kind not in KIND_LABELS:
        errors["kind"] = "Choose FOI, EIR or subject access (if unsure, choose FOI: 8.1)."
    if errors:
        return None, errors
    return Submission(question, platform, visibility, link, handle, email and email.lower(), received, kind), {}


def day_text(d: date) -> str:
    """'Wednesday 30 December 2026': dates written out, British order, no leading zero."""
    return f"{d:%A} {d.day} {d:%B %Y}"


def short_day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"
