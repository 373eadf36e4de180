""""Is this OK to post?": the platform-neutral post checker.

    from policy.checker import check, check_async, OwnContacts, PostingState
    result = check("Call Dave on 07911 123456", profile="staff")
    result.verdict   # "stop" | "sign_off" | "ok"
    result.to_dict() # {"verdict", "findings", "checklist", "policy_version"}
    result = await check_async(text, profile="staff")   # in a worker thread: the event loop stays free

Three layers: the rules as graded evidence (identifiers, people and their circumstances: policy/pack/rules.toml
and policy/pack/words/, applied by check_engine), then the learned layer (policy/learned/), which scores
each meaning category from the text and the rules' evidence together and decides which rule findings stand.
SMPOLICY_LEARNED=0 switches the learned layer off (the rules alone). Nothing of the checked text is kept: the
result carries a hash of it for audit events, and spans (offsets) rather than copies of what matched.
"""
from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import inspect
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from policy import detectors as det
from policy import learned, verdict_tally
from policy.check_engine import RawFinding, evaluate, rank
from policy.check_pack import PROFILES, Pack, PackError
from policy.encoder import get_encoder
from policy.pack_loader import load_rules

__all__ = [
    "CheckResult", "Finding", "OwnContacts", "PostingState", "PackError", "PACK", "POSTING_CHECKLIST",
    "PHOTO_CHECKLIST", "PHOTO_CHECKLIST_SFRS", "POSTING_CHECKLIST_SFRS", "PROFILES", "check", "check_async",
    "load_rules", "looks_like_foi",
]

# Loaded once at import: a malformed pack stops start-up here with a one-line PackError.
PACK: Pack = load_rules()
POSTING_CHECKLIST: tuple[str, ...] = PACK.posting_checklist
PHOTO_CHECKLIST: tuple[str, ...] = PACK.photo_checklist
PHOTO_CHECKLIST_SFRS: tuple[str, ...] = PACK.photo_checklist_sfrs   # the fire service's own (8.2 4.2, 4.3)
POSTING_CHECKLIST_SFRS: tuple[str, ...] = PACK.posting_checklist_sfrs   # the fire service's additions (8.2 5.1)


@dataclass(frozen=True)
class OwnContacts:
    """The organisation's own details: NOT personal data."""

    domains: tuple[str, ...] = ()  # e.g. ("suffolk.gov.uk", "suffolkfire.gov.uk")
    phones: tuple[str, ...] = ()  # published numbers, any format
    buildings: tuple[str, ...] = ()  # "Endeavour House, 8 Russell Road, Ipswich IP1 2BX"


@dataclass(frozen=True)
class PostingState:
    """Escalation from the database, supplied by the caller."""

    pause_reason: str | None = None  # a mourning pause (4.4) is active -> every post is stop
    crisis_approver: str | None = None  # a crisis is active -> sign_off naming the approver (4.3)
    crisis_account: str | None = None
    crisis_id: int | None = None        # which crisis, so a sign-off follows that one crisis and no other


WORDS_LONGEST = 40  # characters of one stretch shown as a finding's words


@dataclass(frozen=True)
class Finding:
    category: str
    severity: str  # "stop" | "sign_off" | "advice"
    section: str  # "3.4", "8.2 2.5", "MG 5.3"
    message: str  # what is wrong and what to do, citing the section
    span: tuple[int, int] | None  # character offsets in the checked text
    confidence: float = 1.0  # how sure the checker is, 0-1 (1 for findings from state or the photo's data)
    evidence: tuple[tuple[str, int, int], ...] = ()  # what triggered it: (what, start, end), never the words

    def to_dict(self) -> dict:
        return {
            "category": self.category,
            "severity": self.severity,
            "section": self.section,
            "message": self.message,
            "span": list(self.span) if self.span else None,
            "confidence": round(self.confidence, 3),
            "evidence": [{"what": what, "span": [s, e]} for what, s, e in self.evidence],
        }

    def words(self, text: str, most: int = 3) -> tuple[str, ...]:
        """The stretches of ``text`` (the draft this finding came from) that raised it, as the person wrote them:
        its evidence's spans, strongest first, else its own span; each once, at most ``most``, long ones cut. For
        showing the person their own words; the finding itself never carries them."""
        spans = [(s, e) for _, s, e in self.evidence] or ([self.span] if self.span else [])
        out: list[str] = []
        for s, e in spans:
            piece = " ".join(text[s:e].split())
            if len(piece) > WORDS_LONGEST:  # cut at a word where there is one, so no word is shown half
                head = piece[:WORDS_LONGEST - 1]
                piece = (head.rsplit(" ", 1)[0] if " " in head else head).rstrip() + "…"
            if piece and piece.lower() not in (w.lower() for w in out):
                out.append(piece)
            if len(out) == most:
                break
        return tuple(out)


@dataclass(frozen=True)
class CheckResult:
    verdict: str
    findings: list[Finding]
    checklist: list[str]
    policy_version: str
    text_hash: str = field(repr=False)  # sha256 hex of the text, for the audit event

    @property
    def categories(self) -> list[str]:
        """Distinct categories in finding order, for the audit event."""
        return list(dict.fromkeys(f.category for f in self.findings))

    def to_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
            "checklist": list(self.checklist),
            "policy_version": self.policy_version,
        }


def _own_index(own: OwnContacts) -> det.OwnIndex:
    try:
        return _own_index_cached(own)
    except TypeError:  # lists instead of tuples: unhashable, normalise every time
        return det.build_own_index(own.domains, own.phones, own.buildings)


@functools.lru_cache(maxsize=16)
def _own_index_cached(own: OwnContacts) -> det.OwnIndex:
    # Caches the organisation's details (a handful per deployment), never checked text.
    return det.build_own_index(own.domains, own.phones, own.buildings)


def _validate(text, profile, image_gps) -> None:
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}")
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    if image_gps is not None:
        try:
            lat, lon = (float(v) for v in image_gps)
        except (TypeError, ValueError):
            raise ValueError("image_gps must be a (latitude, longitude) pair of numbers") from None
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError("image_gps is outside the range of latitudes and longitudes")


def _from_template(pack: Pack, key: str, table: str, profile: str, **fields) -> Finding:
    t = (pack.state if table == "state" else pack.image)[key]
    section = t.section[profile]
    return Finding(t.category, t.severity, section, t.message[profile].format(section=section, **fields), None)


def _rule_finding(f: RawFinding) -> Finding:
    """A rule finding as it stands (the learned layer off, or a category it does not judge)."""
    return Finding(f.category, f.severity, f.section, f.message, f.span,
                   f.confidence_score if f.confidence is not None else 1.0, tuple(f.evidence))


def _decided(pack: Pack, text: str, profile: str, d: learned.Decision, scored) -> Finding:
    if d.rule is None:  # the learned layer's own finding
        return Finding(*scored.finding(d.category, d.confidence if d.why == "verdict" else None))
    f = d.rule
    message = f.message
    if d.severity != f.severity:  # raised from the medium band: the rule's sure message, not its "could be"
        rule = next((r for r in pack.rules if r.id == f.rule), None)
        if rule is not None:
            message = rule.message[profile].format(section=f.section)
    return Finding(f.category, d.severity, f.section, f"{message} {learned.sure(d.confidence)}", f.span,
                   d.confidence, tuple(f.evidence))


def _text_findings(pack: Pack, text: str, profile: str, has_image: bool, own: det.OwnIndex,
                   encode_ahead: bool = False) -> list[Finding]:
    if not learned.enabled() or not text.strip():
        return [_rule_finding(f) for f in evaluate(pack, text, profile, has_image, own)]
    quiet: list[RawFinding] = []
    with _ahead(text) if encode_ahead else contextlib.nullcontext():
        raw = evaluate(pack, text, profile, has_image, own, quiet=quiet)
        scored = learned.judge(text, profile, has_image, raw + quiet)
    model = scored.model
    up = scored.escalation()
    escalate = (up, scored.stop) if up is not None else None
    return [_rule_finding(d.rule) if d.why == "rules" else _decided(pack, text, profile, d, scored)
            for d in learned.decide(model.categories, scored.judged(), scored.flagged(), raw, escalate,
                                    scored.cleared(), model.report, model.report_scope or "own")]


def _ahead(text: str):
    """The post's embedding started on the encoder's own thread while the rules run on this one (the two do not
    depend on each other): a post costs the longer of the two rather than both, on two cores."""
    encoder = get_encoder()
    model = learned.get_model()
    return encoder.ahead(encoder.ids(text), model.project, model.layers)


def check(text: str, *, profile: str = "staff", has_image: bool = False,
          own: OwnContacts = OwnContacts(), state: PostingState = PostingState(),
          image_gps: tuple[float, float] | None = None, pack: Pack | None = None,
          encode_ahead: bool = False) -> CheckResult:
    """Check a draft post against the policy pack. ``pack`` defaults to the shipped one. About 15 ms of CPU with
    the learned layer: from an event loop, use ``check_async``. ``encode_ahead``: encode the post on another
    thread while the rules run (one post at a time, as the server checks; not inside ``learned.prefetch``, whose
    batches already have it encoded)."""
    _validate(text, profile, image_gps)
    found = _checked_text(text, profile=profile, has_image=has_image, own=own, pack=pack, encode_ahead=encode_ahead)
    return _result(pack, text, found, profile, has_image, state, image_gps)


def _checked_text(text: str, *, profile: str = "staff", has_image: bool = False, own: OwnContacts = OwnContacts(),
                  pack: Pack | None = None, encode_ahead: bool = False) -> list[Finding]:
    """What the text alone says (check() before the posting state is added): the checker thread's part."""
    return _text_findings(pack or PACK, text, profile, bool(has_image), _own_index(own), encode_ahead)


def _result(pack: Pack | None, text: str, found: list[Finding], profile: str, has_image: bool,
            state: PostingState, image_gps) -> CheckResult:
    pack = pack or PACK
    if state.pause_reason:
        found.append(_from_template(pack, "pause", "state", profile, reason=state.pause_reason))
    if state.crisis_approver:
        found.append(_from_template(pack, "crisis", "state", profile, approver=state.crisis_approver,
                                    account=state.crisis_account or "this account"))
    if image_gps is not None:
        found.append(_from_template(pack, "gps", "image", profile))
    # Most severe first; findings without a span (state, image) lead their severity.
    found.sort(key=lambda f: (-rank(f.severity), f.span[0] if f.span else -1))
    top = max((rank(f.severity) for f in found), default=0)
    verdict = "stop" if top >= rank("stop") else "sign_off" if top >= rank("sign_off") else "ok"
    fire = profile == "sfrs"
    photos = pack.photo_checklist_sfrs if fire else pack.photo_checklist
    checklist = (list(pack.posting_checklist) + (list(pack.posting_checklist_sfrs) if fire else [])
                 + (list(photos) if has_image else []))
    return CheckResult(
        verdict=verdict,
        findings=found,
        checklist=checklist,
        policy_version=pack.policy_version,
        text_hash=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
    )


# The checker's own threads: a check costs ~20 ms of CPU (most of it numpy, which lets go of the GIL), which
# must not hold up the event loop that acknowledges Slack and Teams within their deadlines. Two threads: the
# machine's cores; more checks at once queue here rather than crowding out the loop.
_WORKERS = 2
_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="checker")
    return _executor


async def check_async(text: str, **kwargs) -> CheckResult:
    """``check`` in a worker thread, for callers on the event loop. Same arguments, same result; errors
    (TypeError, ValueError for a bad argument) are raised here as check() raises them. ``state`` may also be
    an awaitable of the PostingState (a database read): it is awaited on the loop while the thread checks the
    text, which does not depend on it, and added after, as check() adds it."""
    state = kwargs.pop("state", PostingState())
    try:
        _validate(text, kwargs.get("profile", "staff"), kwargs.get("image_gps"))  # bad input fails fast, on the loop
    except Exception:
        if inspect.iscoroutine(state):
            state.close()
        raise
    image_gps = kwargs.pop("image_gps", None)
    found = asyncio.get_running_loop().run_in_executor(
        _pool(), functools.partial(_checked_text, text, encode_ahead=True, **kwargs))
    try:
        if not isinstance(state, PostingState):
            state = await state
    finally:
        text_findings = await found   # never left running unawaited, whatever the state read did
    # The rest (the state's and the image's findings, the verdict, the hash) is cheap: done here, on the loop.
    result = _result(kwargs.get("pack"), text, text_findings, kwargs.get("profile", "staff"),
                     kwargs.get("has_image", False), state, image_gps)
    verdict_tally.record(result.verdict, result.categories)   # counts for /metrics, never the text
    return result


def looks_like_foi(text: str, *, pack: Pack | None = None) -> bool:
    """Does the text read as a request for information (FOI, EIR, subject access; 8.1)?"""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}")
    pack = pack or PACK
    return bool(evaluate(pack, text, "staff", False, det.OwnIndex(), only_category="foi_request"))
