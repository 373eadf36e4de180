"""Read and validate the checker's rules, policy/pack/rules.toml and policy/pack/words/*.txt, into a Pack
(policy/check_pack.py).

A malformed pack fails here, at start-up, with one line naming the file and key
(``PackError``), never later in the middle of a check.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from policy import detectors as det
from policy.check_pack import PACK_DIR, PROFILES, SEVERITIES, Context, Pack, PackError, Plan, Rule, Template
from policy.check_triggers import TriggerIndex, trigger_problem
from policy.check_words import WordListError, WordMatcher, read_word_file

_RULE_KEYS = {
    "id", "category", "profiles", "severity", "section", "message", "pattern", "case_sensitive",
    "triggers", "words", "allow", "detector", "near", "not_near", "window", "image",
    "support", "weaken", "confidence", "bands", "message_medium", "masked_only", "label",
}
BANDS = {"high": det.HIGH, "medium": det.MEDIUM, "low": det.LOW}
_BAND_VALUES = ("rule", "stop", "sign_off", "advice", "none")
_MESSAGE_FIELDS = {"section": "3.4", "reason": "r", "approver": "a", "account": "b"}
_UPPER_OUTSIDE_ESCAPE = re.compile(r"(?<!\\)[A-Z]")  # \S, \D, \W, \B are fine


class _Loader:
    def __init__(self, path: Path):
        self.path = path
        self.words_dir = path.parent / "words"
        self._word_cache: dict[str, list[str]] = {}

    def fail(self, where: str, problem: str) -> PackError:
        return PackError(f"{self.path}: {where}: {problem}")

    # -- typed getters --------------------------------------------------------
    def get(self, table: dict, key: str, kind, where: str, default=..., ):
        if key not in table:
            if default is ...:
                raise self.fail(where, f'missing key "{key}"')
            return default
        value = table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.fail(f'{where} key "{key}"', f"expected {names}, got {type(value).__name__}")
        return value

    def str_list(self, table: dict, key: str, where: str, default=...) -> list[str]:
        value = self.get(table, key, list, where, default)
        if any(not isinstance(v, str) or not v.strip() for v in value):
            raise self.fail(f'{where} key "{key}"', "expected a list of non-empty strings")
        return value

    def words(self, name: str, where: str) -> list[str]:
        if name not in self._word_cache:
            if not re.fullmatch(r"[a-z0-9_]+", name):
                raise self.fail(where, f'word list name "{name}" must be letters, digits or "_"')
            file = self.words_dir / f"{name}.txt"
            if not file.is_file():
                raise self.fail(where, f"no word list {file}")
            try:
                self._word_cache[name] = read_word_file(file)
            except WordListError as exc:
                raise PackError(f"{file}: {exc}") from None
        return self._word_cache[name]

    def regex(self, source: str, case_sensitive: bool, where: str) -> re.Pattern:
        """Patterns run on the lower-cased text (faster than re.IGNORECASE) unless case_sensitive."""
        try:
            compiled = re.compile(source)
        except re.error as exc:
            raise self.fail(where, f"bad regular expression: {exc}") from None
        if not case_sensitive and _UPPER_OUTSIDE_ESCAPE.search(source.replace("(?P", "")):
            raise self.fail(where, "upper-case letters never match the lower-cased text; "
                                   "write the pattern in lower case or set case_sensitive = true")
        return compiled

    def by_profile(self, table: dict, key: str, where: str, profiles, check=None, default=...) -> dict[str, str]:
        """A value given once ("3.4") or per profile ({default = "3.4", member = "MG 5.3"})."""
        if key not in table and default is not ...:
            value = default
        else:
            value = self.get(table, key, (str, dict), where)
        if isinstance(value, str):
            value = {"default": value}
        here = f'{where} key "{key}"'
        unknown = set(value) - set(PROFILES) - {"default"}
        if unknown:
            raise self.fail(here, f"unknown profile {sorted(unknown)[0]!r}; profiles are {', '.join(PROFILES)}")
        missing = [p for p in profiles if p not in value and "default" not in value]
        if missing:
            raise self.fail(here, f'no value for profile "{missing[0]}" and no "default"')
        out = {}
        for p in profiles:
            v = value.get(p, value.get("default"))
            if not isinstance(v, str) or not v.strip():
                raise self.fail(here, "expected a non-empty string")
            if check:
                check(v, here)
            out[p] = v
        return out

    def check_severity(self, value: str, where: str) -> None:
        if value not in SEVERITIES:
            raise self.fail(where, f"unknown severity {value!r}; use one of {', '.join(SEVERITIES)}")

    def check_message(self, value: str, where: str) -> None:
        if "{section}" not in value:
            raise self.fail(where, "message must cite its section with {section}")
        try:
            value.format(**_MESSAGE_FIELDS)
        except (KeyError, IndexError, ValueError) as exc:
            raise self.fail(where, f"bad placeholder in message: {exc}; use {{section}}, {{reason}}, "
                                   "{approver} or {account}") from None


def load_rules(path: str | Path | None = None) -> Pack:
    """Read, validate and compile a policy pack. Raises PackError with a one-line reason."""
    path = Path(path) if path else PACK_DIR / "rules.toml"
    ld = _Loader(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise PackError(f"{path}: no such file") from None
    except OSError as exc:
        raise PackError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"{path}: not valid TOML: {exc}") from None

    meta = ld.get(data, "pack", dict, "top level")
    name = ld.get(meta, "name", str, "[pack]")
    version = ld.get(meta, "policy_version", str, "[pack]")
    lists = ld.get(data, "checklists", dict, "top level")
    posting = tuple(ld.str_list(lists, "posting", "[checklists]"))
    photo = tuple(ld.str_list(lists, "photo", "[checklists]"))
    # A pack without a fire service's own list gives its profile the same photo checklist as everyone.
    photo_sfrs = tuple(ld.str_list(lists, "photo_sfrs", "[checklists]", list(photo)))
    posting_sfrs = tuple(ld.str_list(lists, "posting_sfrs", "[checklists]", []))   # optional, like photo_sfrs

    categories = ld.get(data, "categories", dict, "top level")
    for cat, spec in categories.items():
        where = f"[categories.{cat}]"
        if not isinstance(spec, dict):
            raise ld.fail(where, "expected a table with severity and sections")
        ld.check_severity(ld.get(spec, "severity", str, where), f'{where} key "severity"')
        ld.str_list(spec, "sections", where)

    contexts = _load_contexts(ld, ld.get(data, "contexts", dict, "top level", {}))
    dcfg = _load_detector_config(ld, ld.get(data, "detectors", dict, "top level"))
    state = {k: _load_template(ld, ld.get(data, "state", dict, "top level"), k, "state", categories)
             for k in ("pause", "crisis")}
    image = {k: _load_template(ld, ld.get(data, "image", dict, "top level"), k, "image", categories)
             for k in ("gps",)}

    raw_rules = ld.get(data, "rules", list, "top level")
    rules, seen = [], set()
    for i, spec in enumerate(raw_rules):
        rule = _load_rule(ld, spec, i, categories, contexts)
        if rule.id in seen:
            raise ld.fail(f"rules[{i}] key \"id\"", f'duplicate rule id "{rule.id}"')
        seen.add(rule.id)
        rules.append(rule)

    index = {p: _build_index(rules, p) for p in PROFILES}
    plan = {p: Plan.build(rules, p) for p in PROFILES}
    published = _load_published(ld, ld.get(data, "published", dict, "top level", {}))
    return Pack(path, name, version, posting, photo, photo_sfrs, categories, rules, contexts, dcfg, state, image, index, plan,
                published, posting_sfrs)


def _load_published(ld: _Loader, table: dict) -> det.OwnIndex:
    """The organisation's and partners' published contacts and public venues (the organisation file adds more)."""
    where = "[published]"
    unknown = set(table) - {"domains", "phones", "buildings", "venues"}
    if unknown:
        raise ld.fail(where, f'unknown key "{sorted(unknown)[0]}"')
    phones = ld.str_list(table, "phones", where, [])
    bad = [p for p in phones if det.e164(p) is None]
    if bad:
        raise ld.fail(f'{where} key "phones"', f"{bad[0]!r} is not a phone number")
    venues = ld.words(ld.get(table, "venues", str, where), f'{where} key "venues"') if "venues" in table else []
    return det.build_own_index(ld.str_list(table, "domains", where, []), phones,
                               ld.str_list(table, "buildings", where, []), venues)


def _load_people(ld: _Loader, table: dict) -> det.PeopleConfig | None:
    """[people]: what makes a mention of a person sensitive. Without it, the person detectors find nothing."""
    if not table:
        return None
    where = "[people]"
    unknown = set(table) - {"circumstances", "circumstances_case_sensitive", "labels", "roles_before",
                            "roles_after", "generic", "generic_before", "history", "window", "public_kinds",
                            "triggers"}
    if unknown:
        raise ld.fail(where, f'unknown key "{sorted(unknown)[0]}"')
    kinds = ld.get(table, "circumstances", dict, where)
    if not kinds:
        raise ld.fail(f'{where} key "circumstances"', "expected at least one kind of circumstance")
    triggers = ld.get(table, "triggers", dict, where)
    parts, by_kind, index = [], {}, {}
    for kind, spec in kinds.items():
        here = f"[people.circumstances] key \"{kind}\""
        if not re.fullmatch(r"[a-z][a-z_]*", kind):
            raise ld.fail(here, "a kind is lower-case letters and \"_\"")
        src = _pattern_source(ld, {"pattern": spec}, here)
        by_kind[kind] = ld.regex(src, False, here)
        parts.append(f"(?P<{kind}>{src})")
        there = f'[people.triggers] key "{kind}"'
        if kind not in triggers:
            raise ld.fail(there, "missing: list the words (or word starts, \"stem*\") this kind can start with")
        for t in ld.str_list(triggers, kind, "[people.triggers]"):
            if t != "<number>" and not re.fullmatch(r"[a-z0-9]+\*?", t):
                raise ld.fail(there, f'trigger {t!r}: expected a lower-case word, a stem ending "*" (up to five '
                                     f'letters), or "<number>"')
            if t.endswith("*") and len(t) > 6:
                raise ld.fail(there, f"trigger {t!r}: a stem is at most five letters")
            index.setdefault(t, []).append(kind)
    unknown = set(triggers) - set(kinds)
    if unknown:
        raise ld.fail(f'[people.triggers] key "{sorted(unknown)[0]}"', "no such kind under [people.circumstances]")
    circumstances = ld.regex("|".join(parts), False, f'{where} key "circumstances"')
    cs = None
    if "circumstances_case_sensitive" in table:
        cs = ld.regex(_pattern_source(ld, {"pattern": table["circumstances_case_sensitive"]}, where), True,
                      f'{where} key "circumstances_case_sensitive"')
    labels = ld.get(table, "labels", dict, where, {})
    for k, v in labels.items():
        if not isinstance(v, str) or not v.strip():
            raise ld.fail(f'{where} key "labels"', f'label for "{k}" must be a non-empty string')

    def pattern(key):
        return ld.regex(_pattern_source(ld, {"pattern": ld.get(table, key, (str, list), where)}, f"{where} {key}"),
                        False, f'{where} key "{key}"')

    window = ld.get(table, "window", int, where, 120)
    if not 0 < window <= 1000:
        raise ld.fail(f'{where} key "window"', "expected a number of characters from 1 to 1000")
    return det.PeopleConfig(
        circumstances=circumstances, circumstances_cs=cs, roles_before=pattern("roles_before"),
        roles_after=pattern("roles_after"), generic=pattern("generic"), history=pattern("history"),
        labels={k: v for k, v in labels.items()}, window=window,
        generic_before=pattern("generic_before") if "generic_before" in table else None,
        kind_patterns=by_kind,
        trigger_index={k: tuple(v) for k, v in index.items()},
        public_kinds=frozenset(ld.str_list(table, "public_kinds", where, [])),
    )


def _load_contexts(ld: _Loader, table: dict) -> dict[str, Context]:
    out = {}
    for name, spec in table.items():
        where = f"[contexts.{name}]"
        if not isinstance(spec, dict):
            raise ld.fail(where, "expected a table with pattern or detector")
        unknown = set(spec) - {"pattern", "detector", "case_sensitive", "window", "side", "label", "weight"}
        if unknown:
            raise ld.fail(where, f'unknown key "{sorted(unknown)[0]}"')
        cs = ld.get(spec, "case_sensitive", bool, where, False)
        window = ld.get(spec, "window", int, where, None)
        if window is not None and not 0 < window <= 1000:
            raise ld.fail(f'{where} key "window"', "expected a number of characters from 1 to 1000")
        side = ld.get(spec, "side", str, where, "both")
        if side not in ("before", "after", "both"):
            raise ld.fail(f'{where} key "side"', 'expected "before", "after" or "both"')
        label = ld.get(spec, "label", str, where, name.replace("_", " "))
        weight = ld.get(spec, "weight", int, where, 1)
        if not 1 <= weight <= 2:
            raise ld.fail(f'{where} key "weight"', "expected 1 or 2 (bands to move the confidence)")
        if "detector" in spec:
            d = ld.get(spec, "detector", str, where)
            if d not in det.DETECTORS:
                raise ld.fail(f'{where} key "detector"', f"unknown detector {d!r}; known: {', '.join(det.DETECTORS)}")
            out[name] = Context(detector=d, window=window, side=side, label=label, weight=weight)
        else:
            src = _pattern_source(ld, spec, where)
            out[name] = Context(pattern=ld.regex(src, cs, f'{where} key "pattern"'), case_sensitive=cs,
                                window=window, side=side, label=label, weight=weight)
    return out


def _load_detector_config(ld: _Loader, table: dict) -> det.DetectorConfig:
    where = "[detectors]"

    def wl(key):
        return frozenset(ld.words(ld.get(table, key, str, where), f'{where} key "{key}"'))

    types = ld.str_list(table, "phone_allow_types", where, [])
    bad = [t for t in types if t not in det.PHONE_TYPES]
    if bad:
        raise ld.fail(f'{where} key "phone_allow_types"', f"unknown phone type {bad[0]!r}; known: "
                      + ", ".join(det.PHONE_TYPES))
    suffixes = wl("street_suffixes")
    return det.DetectorConfig(
        street_suffixes=suffixes,
        ambiguous_suffixes=wl("ambiguous_suffixes"),
        venue_words=wl("venue_words"),
        venue_phrases=tuple(p.lower() for p in ld.str_list(table, "venue_phrases", where, [])),
        home_phrases=tuple(p.lower() for p in ld.str_list(table, "home_phrases", where, [])),
        not_plates=wl("not_plates"),
        name_stopwords=wl("name_stopwords"),
        role_mailboxes=wl("role_mailboxes") if "role_mailboxes" in table else frozenset(),
        phone_allow_types=frozenset(det.PHONE_TYPES[t] for t in types),
        address_re=det.compile_address_re(suffixes),
        first_names=wl("first_names") if "first_names" in table else frozenset(),
        surnames=wl("surnames") if "surnames" in table else frozenset(),
        people=_load_people(ld, ld.get(table, "people", dict, where, {})),
    )


def _load_template(ld: _Loader, table: dict, key: str, parent: str, categories: dict) -> Template:
    where = f"[{parent}.{key}]"
    spec = ld.get(table, key, dict, f"[{parent}]")
    cat = ld.get(spec, "category", str, where)
    severity = ld.get(spec, "severity", str, where)
    ld.check_severity(severity, f'{where} key "severity"')
    return Template(
        category=cat,
        severity=severity,
        section=ld.by_profile(spec, "section", where, PROFILES),
        message=ld.by_profile(spec, "message", where, PROFILES, ld.check_message),
    )


def _pattern_source(ld: _Loader, spec: dict, where: str) -> str:
    """A pattern is one regex, or a list of alternatives (easier to read and edit)."""
    value = ld.get(spec, "pattern", (str, list), where)
    if isinstance(value, str):
        return value
    if not value or any(not isinstance(v, str) or not v for v in value):
        raise ld.fail(f'{where} key "pattern"', "expected a regex or a list of non-empty regexes")
    for i, v in enumerate(value):  # each alternative must stand alone, or errors get confusing
        ld.regex(v, True, f'{where} key "pattern" item {i}')
    return "|".join(f"(?:{v})" for v in value)


def _load_rule(ld: _Loader, spec: Any, i: int, categories: dict, contexts: dict) -> Rule:
    where = f"rules[{i}]"
    if not isinstance(spec, dict):
        raise ld.fail(where, "expected a table ([[rules]])")
    rid = ld.get(spec, "id", str, where)
    where = f'rules[{i}] (id "{rid}")'
    unknown = set(spec) - _RULE_KEYS
    if unknown:
        raise ld.fail(where, f'unknown key "{sorted(unknown)[0]}"; known keys: {", ".join(sorted(_RULE_KEYS))}')
    cat = ld.get(spec, "category", str, where)
    if cat not in categories:
        raise ld.fail(f'{where} key "category"', f'unknown category "{cat}"; add it under [categories]')
    profiles = ld.str_list(spec, "profiles", where, list(PROFILES))
    for p in profiles:
        if p not in PROFILES:
            raise ld.fail(f'{where} key "profiles"', f"unknown profile {p!r}; profiles are {', '.join(PROFILES)}")
    matchers = [k for k in ("pattern", "words", "detector") if k in spec]
    if len(matchers) != 1:
        raise ld.fail(where, 'needs exactly one of "pattern", "words" or "detector"')
    cs = ld.get(spec, "case_sensitive", bool, where, False)
    pattern = words = detector = None
    if "pattern" in spec:
        pattern = ld.regex(_pattern_source(ld, spec, where), cs, f'{where} key "pattern"')
    elif "words" in spec:
        allow = ld.get(spec, "allow", str, where, None)
        words = WordMatcher.build(
            ld.words(ld.get(spec, "words", str, where), f'{where} key "words"'),
            ld.words(allow, f'{where} key "allow"') if allow else None,
        )
    else:
        detector = ld.get(spec, "detector", str, where)
        if detector not in det.DETECTORS:
            raise ld.fail(f'{where} key "detector"', f"unknown detector {detector!r}; known: {', '.join(det.DETECTORS)}")
    triggers = tuple(ld.str_list(spec, "triggers", where, []))
    if triggers and pattern is None:
        raise ld.fail(f'{where} key "triggers"', 'triggers only apply to a "pattern" rule')
    for t in triggers:
        problem = trigger_problem(t)
        if problem:
            raise ld.fail(f'{where} key "triggers"', problem)
    near = tuple(ld.str_list(spec, "near", where, []))
    not_near = tuple(ld.str_list(spec, "not_near", where, []))
    support = tuple(ld.str_list(spec, "support", where, []))
    weaken = tuple(ld.str_list(spec, "weaken", where, []))
    for key, names in (("near", near), ("not_near", not_near), ("support", support), ("weaken", weaken)):
        for n in names:
            if n not in contexts:
                raise ld.fail(f'{where} key "{key}"', f'unknown context "{n}"; define it under [contexts.{n}]')
    window = ld.get(spec, "window", int, where, 100)
    if not 0 < window <= 1000:
        raise ld.fail(f'{where} key "window"', "expected a number of characters from 1 to 1000")
    confidence = ld.get(spec, "confidence", str, where, "high")
    if confidence not in BANDS:
        raise ld.fail(f'{where} key "confidence"', f"expected one of {', '.join(BANDS)}, got {confidence!r}")
    bands_spec = ld.get(spec, "bands", dict, where, {})
    unknown = set(bands_spec) - set(BANDS)
    if unknown:
        raise ld.fail(f'{where} key "bands"', f"unknown band {sorted(unknown)[0]!r}; bands are high, medium, low")
    bands = []
    for band, default in (("high", "rule"), ("medium", "rule"), ("low", "none")):
        v = bands_spec.get(band, default)
        if v not in _BAND_VALUES:
            raise ld.fail(f'{where} key "bands"', f"band {band!r}: expected one of {', '.join(_BAND_VALUES)}")
        bands.append(v)
    masked_only = ld.get(spec, "masked_only", bool, where, False)
    if masked_only and "words" not in spec:
        raise ld.fail(f'{where} key "masked_only"', 'masked_only only applies to a "words" rule')
    message_medium = (ld.by_profile(spec, "message_medium", where, profiles, ld.check_message)
                      if "message_medium" in spec else None)
    return Rule(
        id=rid,
        category=cat,
        profiles=frozenset(profiles),
        severity=ld.by_profile(spec, "severity", where, profiles, ld.check_severity,
                               default=categories[cat]["severity"]),
        section=ld.by_profile(spec, "section", where, profiles),
        message=ld.by_profile(spec, "message", where, profiles, ld.check_message),
        pattern=pattern,
        case_sensitive=cs,
        words=words,
        detector=detector,
        near=near,
        not_near=not_near,
        window=window,
        image=ld.get(spec, "image", bool, where, False),
        triggers=triggers,
        support=support,
        weaken=weaken,
        confidence=BANDS[confidence],
        bands=tuple(bands),
        message_medium=message_medium,
        masked_only=masked_only,
        label=ld.get(spec, "label", str, where, ""),
    )


def _build_index(rules: list[Rule], profile: str) -> TriggerIndex:
    idx = TriggerIndex()
    for i, rule in enumerate(rules):
        if profile in rule.profiles:
            idx.add(i, rule.triggers if rule.pattern is not None else ())
    return idx
