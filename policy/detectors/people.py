"""Named people and businesses (context for other rules), and people together with their circumstances
(personal data with no identifier in sight, issue 11 item 2)."""
from __future__ import annotations

import re

from policy.detectors.model import HIGH, LOW, MEDIUM, DetectorConfig, Hit, OwnIndex, PeopleConfig, _lower, _venue_named
from policy.detectors.places import _CAP_WORD, addresses, postcodes


# --- named people and businesses (used as context, not flagged alone) -------------

_TITLE_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Cllr|Councillor|Sir|Dame|Lord|Lady)\.?\s+[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?"
)
_COMPANY = re.compile(
    r"\b[A-Z][A-Za-z&']+(?:\s+[A-Z][A-Za-z&']+){0,3}\s+(?:Ltd|Limited|plc|PLC|LLP|Builders|Motors|Roofing"
    r"|Garage|Plumbing|Construction|Developments|Homes|& Sons|and Sons)\b"
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_]{2,15}\b")
_FULL_NAME = re.compile(r"\b([A-Z][a-z]+)\s+([A-Z][a-z]+)\b")


def named(text: str, own: OwnIndex, cfg: DetectorConfig) -> list[Hit]:
    hits = [Hit(m.start(), m.end(), "person") for m in _TITLE_NAME.finditer(text)]
    hits += [Hit(m.start(), m.end(), "business") for m in _COMPANY.finditer(text)]
    hits += [Hit(m.start(), m.end(), "handle") for m in _HANDLE.finditer(text)]
    for m in _FULL_NAME.finditer(text):
        if m.group(1).lower() not in cfg.name_stopwords and m.group(2).lower() not in cfg.name_stopwords:
            hits.append(Hit(m.start(), m.end(), "person"))
    return hits


# --- people and their circumstances (item 2) -------------------------------------------
#
# A person is "Mrs J Smith", "Sharon Jones" (a known first name or surname), "Kayden, 14,", "Hi Sharon,"
# opening a reply, "your son", "the lady at no. 14". A circumstance is what makes their details sensitive:
# an age, a school or year group, care, health, special needs, debt or charges, housing, payment details, a
# home address, an accusation, an injury or a death. The two within a short window are personal data even
# with no phone number or email in sight. People in a public role ("Cllr Smith", "our Head of Libraries, Jo
# Bloggs", a candidate) and historical figures ("the novelist Fanny Burney") are not private people, except
# in the few circumstances that are private whoever you are (a staff disciplinary).

_HONORIFIC = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Master)\b\.?\s+"
    r"(?:(?:[A-Z]\.?\s+){0,2}(?:Mc|Mac|O')?[A-Z][a-z'\u2019]+(?:-[A-Z][a-z]+)?|[A-Z]\b\.?)"
)
_NAME_PAIR = re.compile(
    r"\b(?=([A-Z][a-z]+)\s+((?:Mc|Mac|O')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\b\.?)(?:'s|\u2019s)?)")
_CAP_NAME = re.compile(r"\b([A-Z][a-z]*)(?:'s|\u2019s)?\b")
_ONE_SPACE = re.compile(r"[ \t]|\.? ")
_HONORIFIC_GATE = ("Mr", "Ms", "Miss", "Mx", "Dr", "Master")
_RELATION_GATE = ("your ", "his ", "her ", "their ")
_THE_PERSON_GATE = tuple("""resident tenant claimant occupant occupier homeowner householder lady gentleman man
family couple lad boy girl bloke fella chap pensioner neighbour landlord client patient service young""".split())
_NAME_AGE = re.compile(r"\s*(?:,\s*|\(\s*)(?:aged\s+)?(\d{1,2})\s*(?:\)|,|\s+(?:years?|yrs?)\b)")
_GREETING = re.compile(
    r"^\s*(?:@[\w.]+[\s,:]+)*"
    r"(?:((?i:hi|hiya|hello|hey|dear|morning|good morning|good afternoon|good evening|afternoon|evening"
    r"|thanks|thank you|thanks so much|many thanks|cheers|sorry))\s+)?"
    r"([A-Z][a-z]+)\b(\s+[A-Z][a-z]+\b)?\s*[,!:\-\u2013.]"
)
_REPLY_HANDLE = re.compile(r"^\s*@[A-Za-z0-9_]{2,15}\b")
_RELATION = re.compile(
    r"\b(?:your|his|her|their)\s+(?:(?:eldest|youngest|little|older|younger|teenage|baby|step|foster|adopted)"
    r"[\s-]+)?(?:son|daughter|child|kid|boy|girl|grandson|granddaughter|grandchild|mum|mother|dad|father|"
    r"husband|wife|partner|nan|nana|gran|granny|grandma|grandad|grandpa|grandfather|grandmother|brother|"
    r"sister|nephew|niece|neighbour|tenant|baby|toddler|teenager|children|kids|sons|daughters)"
    r"(?:'s|\u2019s)?\b"
)
_THE_PERSON = re.compile(
    r"\bthe\s+(?:(?:elderly|young|old|older|disabled|vulnerable|same|other)\s+)?"
    r"(?:resident|tenant|claimant|occupant|occupier|homeowner|householder|lady|gentleman|man|woman|family|"
    r"couple|lad|boy|girl|bloke|fella|chap|pensioner|neighbour|landlord|client|patient|service user|young person)"
    r"\b(?!\s+(?:service|services|team|parking|permit|portal|survey|charter|panel|association|group|newsletter)\b)"
    r"(\s+(?:at|on|in|from|of)\s+(?:no\.?\s*|number\s+|flat\s+)?\d{1,4}[a-z]?\b"
    r"|\s+(?:at|on) the (?:end|top|bottom|corner) of [a-z]+ (?:road|street|lane|close|drive|avenue|way|crescent|grove))?"
)
_NAMED_AFTER = re.compile(r"^,?\s+(?:called\s+|named\s+)?[A-Z][a-z]+\b")
_SIGN_OFF = re.compile(r"(?:thanks|thank you|cheers|regards|best wishes|best|many thanks|ta|love|from)[,!.]?\s*$"
                       r"|[-\u2013~^\n]\s*$", re.IGNORECASE)
_VOCATIVE = re.compile(r"(?i:\b(?:thanks|thank you|cheers|well done|congrats|congratulations|hi|hello|hey|dear|sorry|"
                       r"morning|evening)\b)[^.!?\nA-Z]{0,25},\s*$")
_CHILD_AGED = re.compile(r"\ba\s+(\d{1,2})[- ]year[- ]old\s+(?:girl|boy|lad|teenager|child|pupil|student|schoolgirl|"
                         r"schoolboy|youngster|toddler|baby)\b")
_NOT_GREETED = frozenset({"everyone", "all", "there", "folks", "team", "both", "guys", "everybody", "you",
                          "again", "so", "very", "for", "to", "from", "cllr", "councillor", "update", "reminder"})
_CASE_KINDS = frozenset({"debt", "care", "health", "sen", "housing", "discipline"})
_CASE_PEOPLE = frozenset({"resident", "tenant", "claimant", "occupant", "occupier", "homeowner", "householder"})
_SERVICE_AFTER = re.compile(r"\s+(?:[a-z]+\s+)?(?:team|teams|service|services|department|dept|unit|provider|providers|hub|line|"
                            r"officer|officers|workers?|staff|board|partnership|strategy|policy|pathway|event|fair|"
                            r"week|awareness|group|forum)\b")


def _anchored(pattern: re.Pattern, low: str, starts: tuple[str, ...]):
    """Matches of ``pattern`` tried only where one of ``starts`` stands at a word start (a few str.find calls
    rather than a regex search of every character)."""
    positions = []
    for s in starts:
        i = low.find(s)
        while i >= 0:
            if i == 0 or not low[i - 1].isalnum():
                positions.append(i)
            i = low.find(s, i + 1)
    after = -1
    for pos in sorted(positions):
        if pos >= after:
            m = pattern.match(low, pos)
            if m:
                after = m.end()
                yield m


def _signs_off(text: str, start: int, end: int) -> bool:
    """"... Thanks, Jo" at the end: a member of staff signing off a reply."""
    return len(text[end:].strip(" .!,:)x\n")) <= 2 and _SIGN_OFF.search(text, max(0, start - 20), start) is not None


def _is_name(word: str, cfg: DetectorConfig) -> bool:
    w = word.lower()
    return w in cfg.first_names and w not in cfg.name_stopwords


_WORD_START = re.compile(r"\b\w")


def _role_before(low: str, start: int, pattern: re.Pattern) -> bool:
    """Does a role end right before ``start``? Tried only where the last few words begin (a search of the
    whole stretch would try every alternative at every character)."""
    lo = max(0, start - 40)
    return any(pattern.match(low, w.start(), start) for w in _WORD_START.finditer(low, lo, start))


def _public_or_historic(text: str, low: str, start: int, end: int, pc: PeopleConfig, own: OwnIndex,
                        cfg: DetectorConfig, named: bool = True, history: list | None = None) -> str | None:
    """Why this is not a private person: "public" (a role next to the name, "Cllr", "candidate"), "place"
    (a venue's or business's name), "history" (a historical figure), or None."""
    if _role_before(low, start, pc.roles_before) or pc.roles_after.match(low[end: end + 45]):
        return "public"
    if start > 0 and text[start - 1] in "'\"\u2018\u201c":
        return "persona"  # "the 'Suzy Smith' profile": a made-up name, not a resident
    if named:
        nxt = _CAP_WORD.match(text, end + 1) if end < len(text) and text[end] == " " else None
        if nxt and nxt.group().lower() in cfg.venue_words:  # "Jimmy's Farm", "Wolsey Theatre"
            return "place"
    if named and low.endswith("the ", 0, start) or _venue_named(low[max(0, start - 20): end + 25], own):
        return "place"  # "the Jade Lantern", "the Thomas Mills pupils": a business or a school
    if history is None:
        history = [m.start() for m in pc.history.finditer(low)]
    if any(start - 120 <= h <= end + 120 for h in history):
        return "history"
    return None


def people(text: str, own: OwnIndex, cfg: DetectorConfig, *, public: bool = False) -> list[Hit]:
    """Mentions of a private person, graded: a name or honorific is high, "your son" medium, "the resident"
    low (high at a house number). With ``public``, people in a public role are kept, as kind "public"."""
    pc = cfg.people
    if pc is None:
        return []
    low = _lower(text)
    hits: list[Hit] = []
    greeted = _GREETING.match(text)
    reply = False
    if greeted and (greeted.group(1) or greeted.group(3) is None):  # "Darren Platt, ..." is a full name
        name = greeted.group(2)
        if (greeted.group(1) and name.lower() not in cfg.name_stopwords and name.lower() not in _NOT_GREETED) \
                or _is_name(name, cfg):
            reply = True
            hits.append(Hit(greeted.start(2), greeted.end(2), "reply_name", HIGH, "a first name opening a reply"))
    if not reply:
        handle = _REPLY_HANDLE.match(text)
        if handle:
            reply = True
            hits.append(Hit(handle.start(), handle.end(), "reply_handle", MEDIUM, "a reply to someone's handle"))
    taken = [(h.start, h.end) for h in hits]
    history: list = []  # where historical words stand, found once, on first need

    def add(start, end, kind, level, note):
        if any(s < end and start < e for s, e in taken):
            return
        if not history:
            history.append([m.start() for m in pc.history.finditer(low)])
        why = _public_or_historic(text, low, start, end, pc, own, cfg, kind not in ("relation", "the_person"),
                                  history[0])
        if why == "public" and public:
            kind, note = "public", "a named member of staff or public figure"
        elif why:
            if why != "public":
                taken.append((start, end))  # "Dean Swift Motors": not "Dean" either
            return
        taken.append((start, end))
        hits.append(Hit(start, end, kind, level, note))

    if any(t in text for t in _HONORIFIC_GATE):
        for m in _HONORIFIC.finditer(text):
            if m.group().startswith("Dr") and m.start() > 1 and text[m.start() - 2].isalpha():
                continue  # "Mill Dr" is a street
            add(m.start(), m.end(), "honorific", HIGH, "a title and a name")
    caps = list(_CAP_NAME.finditer(text))  # one pass over the capitalised words serves pairs and single names
    names = cfg.first_names
    for m, nxt in zip(caps, caps[1:]):
        if m.end() != m.end(1) or nxt.start() - m.end() > 2 or text[m.end():nxt.start()] not in (" ", ". "):
            continue
        first, last = m.group(1), nxt.group(1)
        lw = last.lower()
        if first.lower() not in names and lw not in cfg.surnames and len(lw) > 1:
            continue  # the common case: two capitalised words that are not a name ("Christchurch Park")
        if lw in cfg.name_stopwords or lw in cfg.street_suffixes or lw in cfg.venue_words:
            continue
        if len(lw) == 1:  # "Shannon R": a first name and an initial
            if _is_name(first, cfg):
                add(m.start(1), nxt.end(1), "full_name", HIGH, "a first name and an initial")
        elif _is_name(first, cfg) or (lw in cfg.surnames and first.lower() not in cfg.name_stopwords):
            add(m.start(1), nxt.end(1), "full_name", HIGH, "a person's full name")
    for m in caps:
        word = m.group(1)
        after = text[m.end():m.end() + 2]
        if len(word) < 2 or (word.lower() not in names and after[:1] not in ",(" and after != " ("):
            continue  # not a first name, and no age after it
        age = _NAME_AGE.match(text, m.end()) if after[:1] in ",(" or after == " (" else None
        if age and word.lower() not in cfg.name_stopwords and int(age.group(1)) < 110:
            add(m.start(1), m.end(1), "first_name", HIGH, "a name with an age")  # "Kayden, 14,"
        elif _is_name(word, cfg) and not _signs_off(text, m.start(1), m.end(1)):
            # "Thanks for the tip, Karen!": the person being answered, not the one talked about
            spoken_to = _VOCATIVE.search(text, max(0, m.start() - 30), m.start()) or text.startswith(("!", "?"), m.end())
            add(m.start(1), m.end(1), "first_name", LOW if spoken_to else MEDIUM, "a first name")
    for m in _anchored(_RELATION, low, _RELATION_GATE):
        if pc.generic.search(low, max(0, m.start() - 30), m.start()):
            continue  # "if your child ...": advice for everyone
        named = _NAMED_AFTER.match(text, m.end())
        level = HIGH if reply or named else MEDIUM
        add(m.start(), m.end(), "relation", level, "a relative or child, named" if named else "a relative or a child of someone")
    for m in _anchored(_THE_PERSON, low, ("the ",)):
        add(m.start(), m.end(), "the_person", HIGH if m.group(1) else LOW,
            "a resident by house number" if m.group(1) else "a particular resident")
    for m in _CHILD_AGED.finditer(low) if "old " in low else ():
        if int(m.group(1)) < 18:  # "a 15-year-old girl from Farlingaye": a child, by age and more
            add(m.start(), m.end(), "relation", MEDIUM, "a child by age")
    return hits


_WORD_AT = re.compile(r"[a-z0-9]+")


def _circumstance_matches(low: str, pc: PeopleConfig, exhaustive: bool = False):
    """(start, end, kind) of every circumstance. Each kind is only tried where one of its triggers starts a
    word (a few dictionary look-ups a word) rather than searched for everywhere (hundreds of microseconds)."""
    if exhaustive or not pc.kind_patterns:
        for m in pc.circumstances.finditer(low):
            yield m.start(), m.end(), m.lastgroup
        return
    index, patterns, after = pc.trigger_index, pc.kind_patterns, {}
    for w in _WORD_AT.finditer(low):
        tok, pos = w.group(), w.start()
        if tok[0].isdigit():
            kinds = index.get("<number>", ())
        else:  # the whole word, then its first one to five letters as stems ("foste*")
            kinds = index.get(tok, ())
            for k in range(1, min(5, len(tok)) + 1):
                kinds += index.get(tok[:k] + "*", ())
        for kind in kinds:
            if after.get(kind, -1) > pos:
                continue  # inside this kind's previous match
            m = patterns[kind].match(low, pos)
            if m and m.end() > pos:
                after[kind] = m.end()
                yield pos, m.end(), kind


def _circumstances(text: str, low: str, own: OwnIndex, cfg: DetectorConfig,
                   exhaustive: bool = False) -> list[tuple[int, int, str]]:
    pc = cfg.people
    out = []
    for s, e, kind in _circumstance_matches(low, pc, exhaustive):
        if _SERVICE_AFTER.match(low, e):
            continue  # "the home care team", "mental health services": a service, not someone's circumstance
        if kind not in ("age", "school", "school_weak", "address") and text[s].isupper():
            # "Adult Social Care", "Mental Health Team": a service's name, not someone's circumstance
            prev = text[max(0, s - 25): s].rstrip().rsplit(" ", 1)[-1]
            nxt = _CAP_WORD.match(text, e + 1) if e < len(text) and text[e] == " " else None
            if (prev[:1].isupper() and s > 0 and text[s - 1] == " ") or nxt:
                continue
        if pc.generic_before is not None and pc.generic_before.search(low, max(0, s - 60), s):
            continue  # "how many children are waiting for an EHCP": figures, not a person
        out.append((s, e, kind))
    if pc.circumstances_cs is not None:
        out += [(m.start(), m.end(), "sen") for m in pc.circumstances_cs.finditer(text)
                if not _SERVICE_AFTER.match(low, m.end())
                and not (pc.generic_before is not None and pc.generic_before.search(low, max(0, m.start() - 60), m.start()))]
    if cfg.address_re is not None:
        out += [(h.start, h.end, "address") for h in addresses(text, own, cfg)]
    out += [(h.start, h.end, "address") for h in postcodes(text, own, cfg)]
    # "EHCP" is found by both the case-blind and the case-sensitive lists: one circumstance, counted once (a
    # repeat would show twice in the evidence and count twice towards the finding's confidence)
    return list(dict.fromkeys(out))


def person_circumstances(text: str, own: OwnIndex, cfg: DetectorConfig, *, exhaustive: bool = False) -> list[Hit]:
    """A private person together with a sensitive circumstance nearby (personal data, item 2).
    ``exhaustive`` searches for circumstances everywhere instead of at their triggers (for tests)."""
    pc = cfg.people
    if pc is None:
        return []
    persons = people(text, own, cfg, public=True)
    if not persons:
        return []
    low = _lower(text)
    circs = _circumstances(text, low, own, cfg, exhaustive)
    second_person = "you" in low
    used: set[tuple[int, int]] = set()
    out = []
    for p in sorted(persons, key=lambda h: -h.level):
        lo, hi = max(0, p.start - pc.window // 2), min(len(text), p.end + pc.window)
        if p.kind in ("reply_name", "reply_handle") and second_person:
            lo, hi = 0, min(len(text), p.end + pc.window + 40)  # a reply is about the person it answers
        para = text.rfind("\n\n", lo, p.start)
        if para >= 0:
            lo = para
        para = text.find("\n\n", p.end, hi)
        if para >= 0:
            hi = para
        near = [c for c in circs if lo <= c[0] < hi and not (c[0] < p.end and p.start < c[1])]
        if p.kind in ("reply_name", "reply_handle") and not second_person:
            near = []  # "Kayden, 14, ...": not a reply after all, so only the age after the name counts
        if p.kind == "public":
            near = [c for c in near if c[2] in pc.public_kinds]
        age = _NAME_AGE.match(text, p.end)
        if age and int(age.group(1)) < 110:
            near.append((age.start(1), age.end(1), "age"))
        if p.note == "a child by age":
            near.append((p.start, p.end, "age"))
        if not near:
            continue
        # a weak circumstance ("school") counts for a named child or one known by age: "your son Jack's school"
        childish = p.note in ("a relative or child, named", "a child by age") or any(c[2] == "age" for c in near)
        strong = [c for c in near if childish or not c[2].endswith("_weak")]
        kinds = {c[2].removesuffix("_weak") for c in near}
        if not strong and len(kinds) < 2:
            continue
        chosen = sorted(strong or near, key=lambda c: abs(c[0] - p.end))[:3]
        if any((c[0], c[1]) in used for c in chosen):
            continue  # one finding for one set of circumstances: "Hi Sharon, your son ..." is one problem
        used.update((c[0], c[1]) for c in chosen)
        strong_kinds = {c[2] for c in strong if not c[2].endswith("_weak")}
        # "the resident has rent arrears": a case, so worth a check; "the man was injured" is an incident
        if p.kind == "the_person":
            case = low[p.start:p.end].split()[-1] in _CASE_PEOPLE and not strong_kinds.isdisjoint(_CASE_KINDS)
            bump = len(strong_kinds) >= 2 or case
        else:
            bump = len(kinds) >= 2
        level = min(HIGH, p.level + (1 if bump else 0))
        label = pc.labels.get(chosen[0][2], chosen[0][2])
        out.append(Hit(p.start, p.end, "person_circumstance", level, f"{p.note} with {label}",
                       ((p.start, p.end, p.note),) + tuple((s, e, pc.labels.get(k, k)) for s, e, k in chosen)))
    return out
