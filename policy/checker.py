""""Is this OK to post?": the platform-neutral post checker.

    from policy.checker import check, OwnContacts, PostingState
    result = check("Call Dave on 07911 123456", profile="staff")
    result.verdict   # "stop" | "sign_off" | "ok"
    result.to_dict() # {"verdict", "findings", "checklist", "policy_version"}

The rules are data (policy/pack/rules.toml and policy/pack/words/); this module
only applies them. Nothing of the checked text is kept: the result carries a hash
of it for audit events, and spans (offsets) rather than copies of what matched.
"""
from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass, field

from policy import detectors as det
from policy import learned
from policy.check_engine import RawFinding, evaluate, rank
from policy.check_pack import PROFILES, Pack, PackError, load_rules

__all__ = [
    "CheckResult", "Finding", "OwnContacts", "PostingState", "PackError", "PACK", "POSTING_CHECKLIST",
    "PHOTO_CHECKLIST", "PROFILES", "check", "load_rules", "looks_like_foi",
]

# Loaded once at import: a malformed pack stops start-up here with a one-line PackError.
PACK: Pack = load_rules()
POSTING_CHECKLIST: tuple[str, ...] = PACK.posting_checklist
PHOTO_CHECKLIST: tuple[str, ...] = PACK.photo_checklist


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


@dataclass(frozen=True)
class Finding:
    category: str
    severity: str  # "stop" | "sign_off" | "advice"
    section: str  # "3.4", "8.2 2.5", "MG 5.3"
    message: str  # what is wrong and what to do, citing the section
    span: tuple[int, int] | None  # character offsets in the checked text
    confidence: float | None = None  # learned findings: how sure the checker is (0-1)
    words: tuple[tuple[int, int], ...] = ()  # learned findings: spans of the words that weighed most

    def to_dict(self) -> dict:
        return {
            "category": self.category,
            "severity": self.severity,
            "section": self.section,
            "message": self.message,
            "span": list(self.span) if self.span else None,
            **({"confidence": round(self.confidence, 3), "words": [list(w) for w in self.words]}
               if self.confidence is not None else {}),
        }


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


def _from_template(pack: Pack, key: str, table: str, profile: str, **fields) -> RawFinding:
    t = (pack.state if table == "state" else pack.image)[key]
    section = t.section[profile]
    return RawFinding(t.category, t.severity, section, t.message[profile].format(section=section, **fields), None)


def check(text: str, *, profile: str = "staff", has_image: bool = False,
          own: OwnContacts = OwnContacts(), state: PostingState = PostingState(),
          image_gps: tuple[float, float] | None = None, pack: Pack | None = None) -> CheckResult:
    """Check a draft post against the policy pack. ``pack`` defaults to the shipped one."""
    _validate(text, profile, image_gps)
    pack = pack or PACK
    raw = evaluate(pack, text, profile, bool(has_image), _own_index(own))
    raw += learned.findings(text, profile, bool(has_image), skip={f.category for f in raw})
    if state.pause_reason:
        raw.append(_from_template(pack, "pause", "state", profile, reason=state.pause_reason))
    if state.crisis_approver:
        raw.append(_from_template(pack, "crisis", "state", profile, approver=state.crisis_approver,
                                  account=state.crisis_account or "this account"))
    if image_gps is not None:
        raw.append(_from_template(pack, "gps", "image", profile))
    # Most severe first; findings without a span (state, image) lead their severity.
    raw.sort(key=lambda f: (-rank(f.severity), f.span[0] if f.span else -1))
    top = max((rank(f.severity) for f in raw), default=0)
    verdict = "stop" if top >= rank("stop") else "sign_off" if top >= rank("sign_off") else "ok"
    checklist = list(pack.posting_checklist) + (list(pack.photo_checklist) if has_image else [])
    return CheckResult(
        verdict=verdict,
        findings=[Finding(*f) for f in raw],
        checklist=checklist,
        policy_version=pack.policy_version,
        text_hash=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
    )


def looks_like_foi(text: str, *, pack: Pack | None = None) -> bool:
    """Does the text read as a request for information (FOI, EIR, subject access; 8.1)?"""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}")
    pack = pack or PACK
    return bool(evaluate(pack, text, "staff", False, det.OwnIndex(), only_category="foi_request"))
