"""The checker's policy pack as the engine reads it: profiles, severities, rules, contexts, templates and each
profile's plan. policy/pack_loader.py reads and validates policy/pack/rules.toml and its word lists into these.

Everything a council might change lives in the pack: categories, severities,
sections, messages, patterns, word lists, which profiles a rule applies to, the
words that support or weaken a match and the severity each confidence band gets,
the published contacts and venues that are never personal data, and what makes a
mention of a person sensitive.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policy import detectors as det
from policy.check_triggers import TriggerIndex
from policy.check_words import WordMatcher

PACK_DIR = Path(__file__).resolve().parent / "pack"
PROFILES = ("staff", "sfrs", "member", "personal")
SEVERITIES = {"stop": 3, "sign_off": 2, "advice": 1}


class PackError(Exception):
    """The policy pack is malformed. The message is one line naming the file and key."""


@dataclass(frozen=True)
class Context:
    pattern: re.Pattern | None = None
    case_sensitive: bool = False
    detector: str | None = None
    window: int | None = None  # characters; None: the rule's window
    side: str = "both"  # "before": the words leading up to the match; "after": those after it; or "both"
    label: str = ""  # plain words for the evidence: "a word about phoning"
    weight: int = 1  # how many bands a supporting (or weakening) context moves the confidence


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    profiles: frozenset[str]
    severity: dict[str, str]  # profile -> value
    section: dict[str, str]
    message: dict[str, str]
    pattern: re.Pattern | None = None
    case_sensitive: bool = False
    words: WordMatcher | None = None
    detector: str | None = None
    near: tuple[str, ...] = ()
    not_near: tuple[str, ...] = ()
    window: int = 100
    image: bool = False
    triggers: tuple[str, ...] = ()
    support: tuple[str, ...] = ()  # contexts that raise the confidence by their weight
    weaken: tuple[str, ...] = ()  # contexts that lower it (an organisation's words next to a number)
    confidence: int = det.HIGH  # the level of a pattern or word match before support (detectors grade their own)
    bands: tuple = ("rule", "rule", "none")  # severity at (high, medium, low): "rule" is the rule's own
    message_medium: dict[str, str] | None = None  # the message when the finding is less than sure
    masked_only: bool = False  # a word list rule that only counts masked forms ("c*ck")
    label: str = ""  # what a pattern or word match is, for the evidence

    def severity_at(self, level: int, profile: str) -> str | None:
        band = self.bands[det.HIGH - level]
        if band == "rule":
            return self.severity[profile]
        return None if band == "none" else band


@dataclass(frozen=True)
class Template:
    """A finding the engine adds from state or the image, not from the text."""

    category: str
    severity: str
    section: dict[str, str]
    message: dict[str, str]


@dataclass
class Pack:
    path: Path
    name: str
    policy_version: str
    posting_checklist: tuple[str, ...]
    photo_checklist: tuple[str, ...]
    photo_checklist_sfrs: tuple[str, ...]   # the fire service's own (8.2 4.2, 4.3)
    categories: dict[str, dict[str, Any]]
    rules: list[Rule]
    contexts: dict[str, Context]
    detector_config: det.DetectorConfig
    state: dict[str, Template]
    image: dict[str, Template]
    index: dict[str, TriggerIndex]  # profile -> index over that profile's rules
    plan: dict[str, "Plan"]  # profile -> that profile's rules, grouped by how they match
    published: det.OwnIndex = det.OwnIndex()  # contacts and venues that are never personal data
    posting_checklist_sfrs: tuple[str, ...] = ()  # the fire service's additions to the posting checklist (8.2 5.1)


@dataclass
class Plan:
    """One profile's rules grouped by how they are matched, so a check touches only what can fire."""

    everything: list[tuple[int, Rule]]  # pack order
    full_search: list[tuple[int, Rule]]  # patterns without triggers
    words: list[tuple[int, Rule]]
    detectors: dict[str, list[tuple[int, Rule]]]  # detector name -> its rules

    @classmethod
    def build(cls, rules: list[Rule], profile: str) -> "Plan":
        mine = [(i, r) for i, r in enumerate(rules) if profile in r.profiles]
        detectors: dict[str, list[tuple[int, Rule]]] = {}
        for i, r in mine:
            if r.detector:
                detectors.setdefault(r.detector, []).append((i, r))
        return cls(
            everything=mine,
            full_search=[(i, r) for i, r in mine if r.pattern is not None and not r.triggers],
            words=[(i, r) for i, r in mine if r.words is not None],
            detectors=detectors,
        )
