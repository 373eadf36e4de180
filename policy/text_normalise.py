"""The words of a policy question or section, normalised so the two can be compared.

Lower-casing, apostrophes, a deliberately light stemmer, stop words (kept in place for phrases such as
"pay to"), everyday "weak" words, and one_slip, which reads a typo as the one known word it could be.
policy/search.py builds its BM25F index and its queries from these; keeping them apart lets the ranking code
be read on its own.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

__all__ = ["STOP_WORDS", "WEAK_WORDS", "WEAK_STEMS", "Key", "stem", "words", "tokens", "terms", "phrase_key",
           "phrase_counts", "one_slip"]

# The last lines are contractions as typed in a hurry, without the apostrophe ("dont", "whats").
STOP_WORDS = frozenset("""
a about above after again against all am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't
doing don't down during each few for from further get gets got had hadn't has hasn't have
haven't having he her here hers herself him himself his how i i'd i'll i'm i've if in into is
isn't it it's its itself just let's me might more most must mustn't my myself no nor not now
of off on once only or other ought our ours ourselves out over own please shall she us
should shouldn't so some such than that that's the their theirs them themselves then there
there's these they they'd they'll they're they've this those through to too under until up
very via was wasn't we we'd we'll we're we've were weren't what what's when when's where
where's which while who who's whom why why's will with won't would wouldn't you you'd you'll
you're you've your yours yourself yourselves
ok okay allowed anyone someone somebody something anything thing things really actually
also still want wants wanted need needs needed think thought know knows use using used
many much keep keeps going go goes went come comes came make makes made everyone
everybody anybody
dont cant wont isnt arent doesnt didnt hasnt havent hadnt wasnt werent shouldnt wouldnt couldnt
mustnt im ive youre youve theyre weve whats wheres whos hows thats theres ur pls plz
""".split())

# Everyday words that can be rare in a policy yet say little about what is asked
# ("what time does the canteen open"). They count at WEAK_WEIGHT; phrases that contain them
# ("day off", "time off in lieu") are unaffected.
WEAK_WORDS = frozenset("""
time times day days week weeks month year years today tomorrow yesterday morning afternoon
night turn turns open close start stop way people person new old good bad big small lot
little long first last next see look find put take give tell say ask let able sure right
best better try place check business thing stuff bring order like said says told help info
advice steps idea
""".split())

# Words ending in -ly that are not adverbs: "friendly" is not "friend", "likely" not "like".
_KEEP_LY = frozenset("""
friendly unfriendly likely unlikely timely untimely family comply supply apply reply rely early daily
weekly monthly yearly quarterly fortnightly hourly elderly lonely lovely costly ugly holy silly bully
assembly italy july rally anomaly monopoly multiply ally
""".split())

_IZE = re.compile(r"iz(e|ed|es|ing|ation|ations)$")

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

Key = tuple[str, ...]     # a stemmed word ("boost",) or phrase ("pay", "to")


@lru_cache(maxsize=50_000)      # the vocabulary is small; questions reuse it
def stem(word: str) -> str:
    """A deliberately light stemmer: plurals, -ing, -ed, -ment, -ly (adverbs only), -isation and a final e.

    It only has to make the question and the policy agree with each other, so it is
    applied to both and its odd stems ("shar" for share/sharing/shared) never show.
    """
    w = word
    if w[:-1].isdigit() and w.endswith("s"):
        return w[:-1]                  # under-18s -> 18
    if len(w) <= 3 or w.isdigit():
        return w
    if len(w) > 5:
        w = _IZE.sub(r"is\1", w)        # US spelling: authorize -> authorise
    if w.endswith(("ies", "ied")):
        w = w[:-3] + "y" if len(w) > 4 else w[:-1]     # policies -> policy; dies, died -> die
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("isation") and len(w) > 9:
        w = w[:-5]                     # authorisation -> authoris, as authorise and authorised
    for suffix, keep in (("ing", 3), ("ed", 3), ("ment", 4)):     # comment is not "com"
        if w.endswith(suffix) and len(w) - len(suffix) >= keep:
            w = w[: -len(suffix)]
            if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]             # stopped -> stop, but harassed -> harass
            break
    if w.endswith("ly") and len(w) > 5 and w not in _KEEP_LY:
        w = w[:-2]
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


WEAK_STEMS = frozenset(stem(w) for w in WEAK_WORDS)


def words(text: str) -> list[str]:
    """Lower-cased words with apostrophes normalised and possessive 's dropped."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return [w[:-2] if w.endswith("'s") else w for w in _WORD.findall(text)]


def tokens(text: str) -> list[tuple[str, bool]]:
    """(stem, carries meaning) for every word; stop words are kept for phrases like "pay to"."""
    out = []
    for w in words(text):
        if w in STOP_WORDS:
            out.append((w, False))
        else:
            out.append((stem(w), len(w) > 1 or w.isdigit()))
    return out


def terms(text: str) -> list[str]:
    """The stemmed words that carry meaning (stop words and single letters removed)."""
    return [t for t, content in tokens(text) if content]


def phrase_key(text: str) -> Key:
    return tuple(t for t, _ in tokens(text))


def phrase_counts(toks: list[tuple[str, bool]], phrases: frozenset[Key], longest: int) -> Counter:
    """Counts of the meaningful words and of the known phrases in a token list."""
    counts: Counter = Counter()
    stems_ = [t for t, _ in toks]
    for i, (t, content) in enumerate(toks):
        if content:
            counts[(t,)] += 1
        for n in range(2, longest + 1):
            k = tuple(stems_[i:i + n])
            if len(k) < n:
                break
            if k in phrases:
                counts[k] += 1
    return counts


def _one_edit(a: str, b: str) -> bool:
    """True when b is a with one letter added, dropped, changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((n for n, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    if len(a) < len(b):
        return a[i:] == b[i + 1:]                        # adress -> address
    return a[i + 1:] == b[i + 1:] or (a[i + 1:i + 2] == b[i:i + 1] and a[i:i + 1] == b[i + 1:i + 2]
                                      and a[i + 2:] == b[i + 2:])     # recieve -> receive


MIN_SLIP_LENGTH = 6     # shorter words are too often another real word one letter away (lunch, launch)


@lru_cache(maxsize=10_000)      # a frozenset keeps its hash, so the vocabulary is cheap to key on
def one_slip(word: str, vocabulary: frozenset[str]) -> str | None:
    """The one word of the vocabulary a typo of `word` could be (both stemmed), or None.

    Only for words of MIN_SLIP_LENGTH letters or more that the vocabulary lacks, and only when
    exactly one word is one slip away: a guess between two words is no better than none.
    """
    if len(word) < MIN_SLIP_LENGTH or word in vocabulary or not word.isalpha():
        return None
    found = [v for v in vocabulary if abs(len(v) - len(word)) <= 1 and _one_edit(word, v)]
    return found[0] if len(found) == 1 else None
