"""The learned layer's categories as the pack declares them (policy/pack/learned/categories.toml): who each
applies to, its severity, section and message by profile, and its hard overrides."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from policy.check_pack import PROFILES, PackError


_SEVERITY_NAMES = {"stop", "sign_off", "advice"}


class Override(NamedTuple):
    """A rule finding that stops the post whatever the score: the rule's id, at high confidence, and words
    its evidence must name (each a piece of an evidence label, e.g. "passing the Luhn check")."""

    rule: str
    evidence: tuple[str, ...] = ()

    def holds(self, f) -> bool:
        if getattr(f, "rule", None) != self.rule or getattr(f, "confidence", None) != "high":
            return False
        labels = [label for label, _, _ in f.evidence]
        return all(any(want in label for label in labels) for want in self.evidence)


# --- the pack's data -------------------------------------------------------------------------

@dataclass(frozen=True)
class Category:
    name: str
    profiles: frozenset[str]
    severity: str
    section: dict[str, str]
    message: dict[str, str]
    always_stop: tuple[Override, ...] = ()
    identifier: bool = False  # a category of identifiers (cards, passwords): see categories.toml
    in_words: bool = False  # a category that is in the words themselves (swearing): see categories.toml

    @property
    def needs_rule_evidence(self) -> bool:
        """A whole-post stop is never put down to it unless the rules saw something of it (categories.toml)."""
        return self.identifier or self.in_words


def _by_profile(value, where: str) -> dict[str, str]:
    if isinstance(value, str):
        value = {"default": value}
    if not isinstance(value, dict):
        raise PackError(f"{where}: expected a string or a table by profile")
    unknown = set(value) - set(PROFILES) - {"default"}
    if unknown:
        raise PackError(f"{where}: unknown profile {sorted(unknown)[0]!r}")
    out = {}
    for p in PROFILES:
        v = value.get(p, value.get("default"))
        if not isinstance(v, str) or not v.strip():
            raise PackError(f"{where}: no value for profile {p!r}")
        out[p] = v
    return out


def load_categories(path: Path) -> dict[str, Category]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PackError(f"{path}: {exc}") from None
    out = {}
    for name, spec in data.items():
        where = f"{path}: [{name}]"
        if not isinstance(spec, dict):
            raise PackError(f"{where}: expected a table")
        profiles = spec.get("profiles", list(PROFILES))
        if not isinstance(profiles, list) or not profiles or any(p not in PROFILES for p in profiles):
            raise PackError(f"{where} key \"profiles\": expected a list drawn from {', '.join(PROFILES)}")
        severity = spec.get("severity")
        if severity not in _SEVERITY_NAMES:
            raise PackError(f"{where} key \"severity\": expected one of {', '.join(sorted(_SEVERITY_NAMES))}")
        message = _by_profile(spec.get("message"), f'{where} key "message"')
        for p, m in message.items():
            if "{section}" not in m:
                raise PackError(f'{where} key "message": the message for {p} must cite {{section}}')
        unknown = set(spec) - {"profiles", "severity", "section", "message", "always_stop", "identifier", "in_words"}
        if unknown:
            raise PackError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        overrides = []
        for i, o in enumerate(spec.get("always_stop", [])):
            if (not isinstance(o, dict) or not isinstance(o.get("rule"), str) or set(o) - {"rule", "evidence"}
                    or not all(isinstance(e, str) and e for e in o.get("evidence", []))):
                raise PackError(f'{where} key "always_stop" item {i + 1}: expected {{ rule = "id", '
                                'evidence = ["words in its evidence", ...] }')
            overrides.append(Override(o["rule"], tuple(o.get("evidence", []))))
        if overrides and severity != "stop":
            raise PackError(f'{where} key "always_stop": only a stop category has hard overrides')
        flags = {key: spec.get(key, False) for key in ("identifier", "in_words")}
        for key, value in flags.items():
            if not isinstance(value, bool):
                raise PackError(f'{where} key "{key}": expected true or false')
        out[name] = Category(name, frozenset(profiles), severity,
                             _by_profile(spec.get("section"), f'{where} key "section"'), message, tuple(overrides),
                             **flags)
    return out
