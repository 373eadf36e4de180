"""Held-out questions for /smpolicy ask: how the engine generalises to wording it was never tuned on.

Written before the round of tuning that used tests/e2e/test_ask_questions.py's KNOWN_MISSES as its
development set, with each expected section chosen from the policy text before the engine was run
on it. They are NOT tuned against: no synonym, weight or threshold was chosen to make one of them rank
(but see the caveat below). Where two sections say the same thing (a councillor's question answered by both the
Members guidance and the 8.3 protocol) both were listed as acceptable up front.

The tests assert only what the engine achieves, as "at least N of 30"; the figures are recorded here.

    baseline (commit bf68a17, before tuning)   first 12/30   in the hits 14/30   off-topic "don't know" 4/6
    after the KNOWN_MISSES round               first 19/30   in the hits 21/30   off-topic "don't know" 5/6
    the same, discounting the caveat below     first 16/30   in the hits 20/30   off-topic "don't know" 4/6

Gained: "our x account got compromised", "new youtube channel for the museum", "resident put there adress in
a comment" (the typo reader), "how do i get on orlo", "2 factor on insta", "staff member left but still knows
the login", "someone wants their data" first; "someone swearing on the station fb page" and "cllr live
tweeting from a closed meeting" now in the hits; "parking permit for staff" now a don't-know. Lost: none.

Caveat: the baseline was recorded from the per-question table (python -m tests.policy.test_search_heldout),
so its misses were known before tuning began. Entries were added for the KNOWN_MISSES, the word list in the
task and general slips (typos, missing apostrophes), not for held-out wording, but three gains rest on
entries added while those misses were known (each checked by taking the entry out again): "their data" (for
the KNOWN_MISSES question "asked for their personal data"), "get on" (for "get our page onto the platform")
and the "member of staff" group (which also makes "parking permit for staff" a don't-know). The discounted
line counts those as not gained.

Still not in the hits (seven of them "don't know"): "tweet how many engines went to the barn fire?", "can i
check fb at lunch", "can I swear on my own account", "do i have to answer dms on a sunday", "everyone's
slating us online after the bin strike", "can i use emojis and hashtags", "how chatty should we be on
twitter", "councillor retweeting party stuff", "cllr moaning online about a planning app he's voting on";
and "whats the wifi password" is answered (MG 6) instead of a don't-know.
"""
from __future__ import annotations

from policy.search import ask

# (question, acceptable first sections). Slang, typos, fragments: the way staff type into a chat box.
HELD_OUT = [
    ("boost post", {"2.7"}),
    ("how much to promote our tiktok vid", {"2.7"}),
    ("fb page hacked", {"2.10"}),
    ("our x account got compromised", {"2.10"}),
    ("filming at an RTC", {"8.2/4.2"}),
    ("can crews post pics from a shout while still on scene?", {"8.2/4.2"}),
    ("tweet how many engines went to the barn fire?", {"8.2/2.5"}),
    ("someone swearing on the station fb page", {"8.2/5.3"}),
    ("insta pic of kids at the fete ok?", {"2.9"}),
    ("new youtube channel for the museum", {"2.5"}),
    ("troll in the comments", {"3.9"}),
    ("resident put there adress in a comment", {"3.4"}),
    ("can i check fb at lunch", {"3.7"}),
    ("can I swear on my own account", {"3.7"}),
    ("do i have to answer dms on a sunday", {"3.8"}),
    ("everyone's slating us online after the bin strike", {"4.3"}),
    ("royal died, do we go quiet on socials?", {"4.4"}),
    ("how do i get on orlo", {"5.4"}),
    ("2 factor on insta", {"5.6"}),
    ("staff member left but still knows the login", {"5.5"}),
    ("FOI via tweet", {"8.1"}),
    ("someone wants their data", {"8.1"}),
    ("spying on a benefit cheat's facebook", {"2.11"}),
    ("what does my boss have to check about our team's socials?", {"2.2"}),
    ("can i use emojis and hashtags", {"3.1"}),
    ("how chatty should we be on twitter", {"3.2"}),
    ("councillor retweeting party stuff", {"MG 3.1", "8.3"}),
    ("cllr live tweeting from a closed meeting", {"MG 5.4"}),
    ("member wants to delete embarrassing old tweets", {"MG 3.2"}),
    ("cllr moaning online about a planning app he's voting on", {"MG 5.5", "8.3"}),
]

HELD_OUT_OFF_TOPIC = [
    "how do i claim overtime",
    "can u fix my outlook",
    "whats the wifi password",
    "who's on reception today",
    "parking permit for staff",
    "when r the bins collected on my street",
]

# What the engine achieves (see the docstring); a floor, not a target.
MIN_FIRST = 19
MIN_IN_HITS = 21
MIN_DONT_KNOW = 5


def figures() -> dict[str, int]:
    first = in_hits = 0
    for question, acceptable in HELD_OUT:
        ids = [h.section.id for h in ask(question).hits]
        first += bool(ids) and ids[0] in acceptable
        in_hits += bool(acceptable.intersection(ids))
    dont_know = sum(not ask(q).known for q in HELD_OUT_OFF_TOPIC)
    return {"first": first, "in_hits": in_hits, "dont_know": dont_know}


def test_held_out_set_shape():
    assert len(HELD_OUT) == 30 and len({q for q, _ in HELD_OUT}) == 30
    assert len(HELD_OUT_OFF_TOPIC) == 6


def test_held_out_generalisation_floor():
    got = figures()
    assert got["first"] >= MIN_FIRST, got
    assert got["in_hits"] >= MIN_IN_HITS, got
    assert got["dont_know"] >= MIN_DONT_KNOW, got


if __name__ == "__main__":      # python -m tests.policy.test_search_heldout: the per-question table
    for question, acceptable in HELD_OUT:
        answer = ask(question)
        ids = [h.section.id for h in answer.hits]
        mark = "first" if ids and ids[0] in acceptable else ("hits" if acceptable.intersection(ids) else "MISS")
        print(f"{mark:5}  {question!r:65} want {sorted(acceptable)} got {ids or 'dont know'}")
    for question in HELD_OUT_OFF_TOPIC:
        print(f"{'ok' if not ask(question).known else 'WRONG':5}  {question!r:65} off-topic")
    print(figures())
