"""Answer policy questions: which sections say something about this, and what to do next.

Okapi BM25 over the pack's sections with fields (BM25F: the title counts for more than the
body, the parent headings a little), a light stemmer so "boosting" finds "boost", and
query expansion from policy/pack/synonyms.toml so "kids" finds "children". Each synonym
group a question uses becomes one concept scored by its best-matching member (dismax), so
a big group cannot drown the rest of the question; a "weak" group (which network) counts
for little, and a group of names for one thing ("Orlo", "SMSAP") shares one idf. A word
neither the policy nor the word lists know is read as the one word it is a typo of, if
there is exactly one. Long sections (8.3, 4.3) compete by their best passage. No numpy:
the pack has about 80 sections with text. The word lists are loaded by policy/search_pack.py.

The answer says when it does not know (policy 3.3: no dead ends), so the caller can point
the person at the Communications Team rather than show a poor match.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from policy.search_pack import SYNONYMS_FILE, load_commands, load_synonyms
from policy.sections import PACK_DIR, Section, load_pack
from policy.text_normalise import Key, one_slip, phrase_key, stem, terms, tokens
from policy.text_normalise import WEAK_STEMS as _WEAK_STEMS
from policy.text_normalise import phrase_counts as _keys


# ---------------------------------------------------------------- tuning
# Calibrated on tests/policy/test_search.py (staff questions and off-topic ones).
K1 = 1.2
FIELDS = {               # field: (weight, length normalisation b)
    "title": (3.0, 0.3),
    "body": (1.0, 0.75),
    "context": (0.5, 0.0),   # the parent headings and the document's name
}
SYNONYM_WEIGHT = 0.8     # a group word or phrase the person did not type
ALSO_WEIGHT = 0.8        # the policy's own phrase for the idea: added, never a trigger
WEAK_WEIGHT = 0.4        # an everyday word (WEAK_WORDS) the person typed
TIE_BREAKER = 0.3        # share of a concept's other matching words added to its best one
PARENT_FACTOR = 0.85     # prefer "2.7" to "2" when both match
SLOP = 2                 # other words allowed inside a synonym phrase ("start a TikTok channel")
PASSAGE_WORDS = 120      # long sections are scored by their best passage of about this size
TAIL_RATIO = 0.5         # drop hits scoring under this share of the top hit
# "known": the top section must match some of the question (coverage, the share of the
# question's meaning it contains) and match it well for its size (strength = score / the
# question's total concept value). Evidence = strength * sqrt(coverage). On the tuning
# questions (tests/policy/test_search.py and tests/e2e/test_ask_questions.py, 188 of them,
# KNOWN_MISSES included) staff wording the engine ranks right scores >= 0.59, the 23
# off-topic questions <= 0.54.
MIN_COVERAGE = 0.2
MIN_EVIDENCE = 0.57
UNSEEN_FACTOR = 0.5      # weight of a word the policy never uses, in coverage
SNIPPET_CHARS = 300
RULE_BONUS = 1.25        # snippets prefer a sentence that states a rule ("must", "never")
DUPLICATE_SHARE = 0.8    # drop a hit whose words are mostly in a better hit (8.2/3.1 repeats 2.10)


# ---------------------------------------------------------------- results

@dataclass(frozen=True)
class Hit:
    section: Section
    score: float
    snippet: str          # the most relevant one or two sentences, about 300 characters at most


@dataclass(frozen=True)
class Answer:
    hits: list[Hit]            # empty when known is False
    command_hint: str | None   # what to do next (the command, or who to tell) for the top hit
    known: bool                # False: say "I don't know, ask the Communications Team"


@dataclass(frozen=True)
class _Concept:
    weights: dict[Key, float]  # word or phrase -> weight within the concept
    value: float               # what matching it is worth, for coverage and strength
    missing: float             # what lacking it costs: at most what an unseen word costs
    known: bool                # False: no word of it is in the policy
    idf: float | None = None   # one idf for every member (a `same` group), else each its own
    everyday: bool = False     # an everyday word (WEAK_WORDS): never enough on its own


# ---------------------------------------------------------------- snippets

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\u201d]?\s+(?=[A-Z\"'(\u201c])")


_RULE = re.compile(r"\b(must|should|never|not|required?|only|permission|approval)\b", re.I)


def _sentences(text: str) -> list[tuple[int, str]]:
    """(paragraph or list item number, sentence) for every sentence of a section."""
    out = []
    for n, line in enumerate(text.split("\n")):
        line = line.strip()
        if line.startswith("- "):
            line = line[2:]
        out += [(n, s.strip()) for s in _SENTENCE_END.split(line) if s.strip()]
    return out


def _clip(text: str, limit: int, weights: dict[Key, float]) -> str:
    """Text cut to the limit around the words that matter most, marked with "…" where cut."""
    if len(text) <= limit:
        return text
    # Where each matching word is, and what it is worth.
    marks = [(m.start(), m.end(), weights.get((stem(m.group().lower()),), 0.0))
             for m in re.finditer(r"[A-Za-z0-9]+", text)]
    width = limit - 2                                  # room for an ellipsis at each end
    best_start, best = 0, -1.0
    for start, _, _ in marks:
        if start > 0 and start + width > len(text) + width // 2:
            break
        value = sum(w for s, e, w in marks if s >= start and e <= start + width)
        if value > best + 1e-9:
            best_start, best = start, value
    cut = text[best_start:best_start + width]
    if best_start + width < len(text):
        cut = cut.rsplit(" ", 1)[0].rstrip(",;:–- ") + "…"
    return ("…" + cut) if best_start > 0 else cut


# ---------------------------------------------------------------- the engine

class PolicySearch:
    """A BM25F index over one policy pack, with its synonyms and command hints."""

    def __init__(self, pack_dir: Path | None = None):
        pack_dir = Path(pack_dir or PACK_DIR).resolve()
        self.sections = load_pack(pack_dir).sections
        self.groups, self.audiences = load_synonyms(pack_dir / SYNONYMS_FILE)
        self.commands = load_commands(pack_dir)
        # Phrases are matched whole on both sides, so "reach more people" never counts
        # as "people" on its own.
        every = [k for g in self.groups for k in g.terms + g.also]
        every += [k for a in self.audiences for k in a.words]
        self._phrases = frozenset(k for k in every if len(k) > 1)
        self._longest = max((len(k) for k in self._phrases), default=1)
        self._audience_words = frozenset(k for a in self.audiences for k in a.words)
        self._audience_phrases = sorted({k for a in self.audiences for k in a.words if len(k) > 1},
                                        key=len, reverse=True)
        # Triggers by first word. A phrase with two or more meaningful words matches them in
        # order with up to SLOP other words between; a shorter one ("pay to", "at night")
        # must match exactly, stop words and all.
        self._triggers: dict[str, list[tuple[Key, tuple[str, ...], int]]] = {}
        for gi, group in enumerate(self.groups):
            for text in group.texts:
                k, toks = phrase_key(text), tokens(text)
                content = tuple(t for t, c in toks if c)
                loose = content if len(content) >= 2 else ()
                self._triggers.setdefault(loose[0] if loose else k[0], []).append((k, loose, gi))
        for entries in self._triggers.values():
            entries.sort(key=lambda e: (-len(e[1]), -len(e[0])))   # most specific first
        self._build_index()
        # Every word a question can usefully contain, for reading past a typo ("adress").
        self._vocabulary = frozenset({k[0] for k in self._postings if len(k) == 1} | set(self._triggers)
                                     | {w for k in every for w in k})

    def _keys(self, text: str) -> Counter:
        return _keys(tokens(text), self._phrases, self._longest)

    def _context(self, s: Section) -> str:
        parts, parent = [], s.parent
        while parent:
            parts.append(self.sections[parent].title)
            parent = self.sections[parent].parent
        if s.document == "members_guidance":
            parts.append("Social Media guidance for Members")
        return " ".join(parts)

    def _passages(self, text: str) -> list[str]:
        """A long section's text in runs of whole lines of about PASSAGE_WORDS words.

        8.3 is twelve pages: as one document its length normalisation would bury the one
        bullet about befriending staff, so long sections compete by their best passage.
        """
        if len(terms(text)) <= 2 * PASSAGE_WORDS:
            return [text]
        out, current, size = [], [], 0
        for line in text.split("\n"):
            n = len(terms(line))
            if current and size + n > PASSAGE_WORDS:
                out.append("\n".join(current))
                current, size = [], 0
            current.append(line)
            size += n
        if current:
            out.append("\n".join(current))
        return out

    def _build_index(self) -> None:
        has_children = {s.parent for s in self.sections.values() if s.parent}
        self._docs: list[Section] = []            # sections that have text
        self._present: list[frozenset] = []       # every key each section contains
        self._units: list[tuple[int, dict[str, Counter], dict[str, int]]] = []   # scored passages
        self._prior: list[float] = []
        self._body_words: list[frozenset[str]] = []
        for s in self.sections.values():
            if not s.text.strip():
                continue     # a bare heading: its sub-sections carry the text
            d = len(self._docs)
            self._docs.append(s)
            self._prior.append(PARENT_FACTOR if s.id in has_children else 1.0)
            title, context = self._keys(s.title), self._keys(self._context(s))
            present: set = set(title) | set(context)
            self._body_words.append(frozenset(terms(s.text)))
            for passage in self._passages(s.text):
                fields = {"title": title, "body": self._keys(passage), "context": context}
                present |= set(fields["body"])
                self._units.append((d, fields, {f: sum(v for k, v in c.items() if len(k) == 1)
                                                for f, c in fields.items()}))
            self._present.append(frozenset(present))
        self._doc_index = {s.id: d for d, s in enumerate(self._docs)}
        self._sentence_cache: dict[str, list[tuple[int, str, Counter]]] = {}
        self._avg = {f: max(1.0, sum(u[2][f] for u in self._units) / len(self._units)) for f in FIELDS}
        # idf is over sections, not passages: a word repeated across 8.3 is not rarer for it.
        self._postings: dict[Key, set[int]] = {}
        for d, present in enumerate(self._present):
            for k in present:
                self._postings.setdefault(k, set()).add(d)
        self._idf = {k: self._idf_of(len(ds)) for k, ds in self._postings.items()}
        self._idf_unseen = self._idf_of(0)

    def _idf_of(self, df: int) -> float:
        n = len(self._docs)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    # ------------------------------------------------------------ querying

    def concepts(self, question: str) -> list[_Concept]:
        return self._parse(question)[0]

    def _parse(self, question: str) -> tuple[list[_Concept], set[Key]]:
        """The question as concepts: each synonym group it uses, and each other word.

        A concept scores by its best-matching member (a dismax, as Lucene does for
        synonyms), each member with its own idf: a big group cannot outweigh the rest of
        the question, and a precise word in it ("surveillance") is not diluted by a loose
        one ("monitor").
        """
        toks = tokens(question)
        # A word the policy and the word lists lack may be a typo of one they have ("adress").
        raw = [one_slip(t, self._vocabulary) or t if content else t for t, content in toks]
        used = [False] * len(raw)
        groups: dict[int, set[Key]] = {}        # group -> the words the person typed for it
        said: set[Key] = set()                  # what was said, phrases kept whole
        for i in range(len(raw)):
            if used[i]:
                continue
            for k, loose_words, gi in self._triggers.get(raw[i], ()):
                at = self._match(raw, used, i, k, loose_words)
                if at:
                    groups.setdefault(gi, set()).add(k)
                    said.add(k)
                    for j in at:
                        used[j] = True
                    break
        # Audience words say who is asking ("watch manager", "burnt out"). Those the policy
        # uses still count as search words; those it never uses have done their job.
        marker = [False] * len(raw)
        for i in range(len(raw)):
            for k in self._audience_phrases:
                if tuple(raw[i:i + len(k)]) == k:
                    said.add(k)
                    marker[i:i + len(k)] = [True] * len(k)
        loose = [raw[i] for i in range(len(raw)) if not used[i] and toks[i][1]]
        said |= {(t,) for t in loose}
        loose = [t for i, t in enumerate(raw) if not used[i] and toks[i][1]
                 and not ((marker[i] or (t,) in self._audience_words) and (t,) not in self._postings)]
        found = []
        for gi, typed in groups.items():
            g = self.groups[gi]
            weights = {k: ALSO_WEIGHT * g.weight for k in g.also}
            weights.update({k: (1.0 if g.same else SYNONYM_WEIGHT) * g.weight for k in g.terms})
            weights.update({k: g.weight for k in typed})
            found.append((weights, g.same, False))
        for t in dict.fromkeys(loose):
            found.append(({(t,): WEAK_WEIGHT if t in _WEAK_STEMS else 1.0}, False, t in _WEAK_STEMS))
        out = []
        for weights, same, everyday in found:
            # A concept is worth as much as it narrows things down: the idf of every section
            # holding any of its words ("resident" is rare, but "customer" is everywhere).
            docs = set().union(*(self._postings.get(k, ()) for k in weights))
            scale = max(weights.values())          # a weak word is worth less
            unseen = self._idf_unseen * UNSEEN_FACTOR
            value = scale * (self._idf_of(len(docs)) if docs else unseen)
            # Names for one thing share one idf: "Orlo" is rarer than "SMSAP" as a word, not as an idea.
            shared = self._idf_of(len(docs)) if same and docs else None
            out.append(_Concept(weights, value, min(value, unseen), bool(docs), shared, everyday))
        return out, said

    @staticmethod
    def _match(raw: list[str], used: list[bool], i: int, key: Key, loose_words: tuple[str, ...]):
        """Positions of a trigger matched at i, or None."""
        if not loose_words:
            span = range(i, i + len(key))
            if tuple(raw[i:i + len(key)]) == key and not any(used[j] for j in span):
                return list(span)
            return None
        at, j = [i], i
        for word in loose_words[1:]:
            nxt = next((x for x in range(j + 1, min(len(raw), j + SLOP + 2))
                        if raw[x] == word and not used[x]), None)
            if nxt is None:
                return None
            at.append(nxt)
            j = nxt
        return at

    def _audience_factor(self, s: Section, said: set[Key]) -> float:
        factor = 1.0
        mine = [a for a in self.audiences if a.covers(s.id)]
        for a in self.audiences:
            named = bool(a.words.intersection(said))
            if a in mine and not named:
                factor *= a.factor
            elif not mine and named:
                factor *= a.others_factor
        return factor

    def _score(self, unit: int, concepts: list[_Concept]) -> float:
        d, fields, lens = self._units[unit]
        norm = {f: w / (1 - b + b * lens[f] / self._avg[f]) for f, (w, b) in FIELDS.items()}
        score = 0.0
        for c in concepts:
            best = total = 0.0
            for k, cw in c.weights.items():
                tf = sum(norm[f] * fields[f][k] for f in FIELDS if k in fields[f])
                if tf:
                    part = cw * (c.idf or self._idf[k]) * tf * (K1 + 1) / (K1 + tf)
                    best, total = max(best, part), total + part
            score += best + TIE_BREAKER * (total - best)
        return score * self._prior[d]

    def _rank(self, concepts: list[_Concept], said: set[Key]) -> list[tuple[int, float]]:
        best: dict[int, float] = {}
        for u in range(len(self._units)):
            score = self._score(u, concepts)
            d = self._units[u][0]
            if score > best.get(d, 0.0):
                best[d] = score             # a long section scores by its best passage
        scored = [(d, sc * self._audience_factor(self._docs[d], said)) for d, sc in best.items()]
        scored.sort(key=lambda x: (-x[1], x[0]))
        return scored

    def _totals(self, d: int, concepts: list[_Concept]) -> tuple[float, float]:
        """(value of the concepts the section holds, value of the question).

        A concept the section lacks costs no more than a word the policy never uses: a word
        used once, elsewhere ("library of information"), is as incidental to the question
        ("a page for our library") as one it never uses.
        """
        present = self._present[d]
        got = sum(c.value for c in concepts if present.intersection(c.weights))
        return got, got + sum(c.missing for c in concepts if not present.intersection(c.weights))

    def _coverage(self, d: int, concepts: list[_Concept]) -> float:
        got, total = self._totals(d, concepts)
        return got / total if total else 0.0

    def _strength(self, d: int, score: float, concepts: list[_Concept]) -> float:
        total = self._totals(d, concepts)[1]
        return score / total if total else 0.0

    def _known(self, d: int, score: float, concepts: list[_Concept]) -> bool:
        """Whether the best section answers the question well enough to quote it (see MIN_EVIDENCE).

        It must hold more than everyday words: "help" or "next steps" alone match some
        section strongly, but say nothing the policy could answer.
        """
        coverage = self._coverage(d, concepts)
        if coverage < MIN_COVERAGE or self._strength(d, score, concepts) * math.sqrt(coverage) < MIN_EVIDENCE:
            return False
        return any(not c.everyday and self._present[d].intersection(c.weights) for c in concepts)

    def _sentence_keys(self, s: Section) -> list[tuple[int, str, Counter]]:
        cached = self._sentence_cache.get(s.id)
        if cached is None:      # built on first use; a dict write is atomic enough to race
            cached = [(n, sent, self._keys(sent)) for n, sent in _sentences(s.text)]
            self._sentence_cache[s.id] = cached
        return cached

    def _snippet(self, s: Section, concepts: list[_Concept]) -> str:
        sents = self._sentence_keys(s)
        if not sents:
            return s.title
        weights: dict[Key, float] = {}
        for c in concepts:
            for k, w in c.weights.items():
                weights[k] = max(weights.get(k, 0.0), w * self._idf.get(k, 0.0))
        scores = []
        for _, sent, keys in sents:
            score = sum(max((w * self._idf.get(k, 0.0) for k, w in c.weights.items() if k in keys),
                            default=0.0) for c in concepts)
            scores.append(score * (RULE_BONUS if _RULE.search(sent) else 1.0))
        best = max(range(len(sents)), key=lambda i: (scores[i], -i))
        chosen = [best]
        # Add the better neighbour in the same paragraph when it helps and fits: a reason
        # often follows a rule.
        neighbours = [i for i in (best + 1, best - 1)
                      if 0 <= i < len(sents) and scores[i] > 0 and sents[i][0] == sents[best][0]]
        if neighbours:
            nb = max(neighbours, key=lambda i: scores[i])
            if len(sents[best][1]) + len(sents[nb][1]) + 1 <= SNIPPET_CHARS:
                chosen = sorted([best, nb])
        return _clip(" ".join(sents[i][1] for i in chosen), SNIPPET_CHARS, weights)

    def _repeats(self, d: int, better: list[int]) -> bool:
        mine = self._body_words[d]
        return bool(mine) and any(len(mine & self._body_words[b]) / len(mine) >= DUPLICATE_SHARE
                                  for b in better)

    # ------------------------------------------------------------ the public face

    def rank(self, question: str) -> list[tuple[Section, float]]:
        """Every section that matches at all, best first (for tuning and benchmarks)."""
        return [(self._docs[d], sc) for d, sc in self._rank(*self._parse(question))]

    def coverage(self, s: Section, question: str) -> float:
        """Share of the question's concepts, each valued by how few sections hold it, in a section.

        A word the policy never uses counts at UNSEEN_FACTOR of the rarest word's value:
        questions are full of ordinary words ("consultation", "Messenger") that do not make
        them off-topic on their own.
        """
        return self._coverage(self._doc_index[s.id], self.concepts(question))

    def strength(self, s: Section, score: float, question: str) -> float:
        """A section's score relative to what the question could earn, so long questions don't win."""
        return self._strength(self._doc_index[s.id], score, self.concepts(question))

    def snippet(self, s: Section, question: str) -> str:
        """The one or two sentences of a section that best match the question."""
        return self._snippet(s, self.concepts(question))

    def ask(self, question: str, k: int = 3) -> Answer:
        """The best sections for a question (weak tails and repeats dropped), or "don't know"."""
        if not question or not question.strip():
            return Answer([], None, False)
        concepts, said = self._parse(question)
        ranked = self._rank(concepts, said)
        if not ranked:
            return Answer([], None, False)
        top, top_score = ranked[0]
        if not self._known(top, top_score, concepts):
            return Answer([], None, False)
        kept: list[tuple[int, float]] = []
        for d, sc in ranked:
            if len(kept) >= max(1, k) or sc < TAIL_RATIO * top_score:
                break
            if not self._repeats(d, [b for b, _ in kept]):
                kept.append((d, sc))
        hits = [Hit(self._docs[d], round(sc, 3), self._snippet(self._docs[d], concepts)) for d, sc in kept]
        # Only the best answer's next step: a lower hit's command can be wrong for the
        # question (a councillor's election advert is not a council boost).
        hint = self.commands.get(hits[0].section.id, {}).get("hint")
        return Answer(hits, hint, True)


@lru_cache(maxsize=4)
def _engine(pack_dir: Path) -> PolicySearch:
    return PolicySearch(pack_dir)


def engine(pack_dir: Path | None = None) -> PolicySearch:
    """The cached search engine for a pack (built on first use, ~tens of milliseconds)."""
    return _engine(Path(pack_dir or PACK_DIR).resolve())


def ask(question: str, k: int = 3, pack_dir: Path | None = None) -> Answer:
    """The two or three sections that best answer a staff question, and what to do next."""
    return engine(pack_dir).ask(question, k)
