"""A long draft is read in windows as well as whole (policy/learned/windows.py): a risk stated once, after more
than the encoder reads at a time, still holds the post back."""
from __future__ import annotations

from policy import encoder as enc
from policy.checker import check
from policy.learned import WEIGHED, windows as win

BOILERPLATE = " ".join(f"Paragraph {i} explains what happens to the service." for i in range(80))


def test_party_politics_at_the_end_of_a_long_newsletter_is_not_passed_as_ok():
    draft = BOILERPLATE + " Vote Labour on Thursday, they will save Hadleigh library."
    assert len(enc.get_encoder().ids(draft)) == 256  # the last sentence is past what the encoder reads whole
    result = check(draft, profile="staff")
    assert result.verdict != "ok"
    assert "political" in [f.category for f in result.findings]


def test_the_same_newsletter_without_the_last_sentence_is_ok():
    assert check(BOILERPLATE, profile="staff").verdict == "ok"


def test_a_short_post_has_no_windows_and_a_long_one_is_covered_end_to_end():
    assert win.windows("Bins are collected a day late this week because of the bank holiday.") == []
    draft = BOILERPLATE + " THE-END"
    parts = win.windows(draft)
    assert len(parts) > 3
    assert draft.startswith(parts[0]) and parts[-1].endswith("THE-END")
    pieces = enc.get_encoder().wordpiece
    assert all(len(pieces.encode_with_spans(p, 1 << 30)[0]) - 2 <= win.WINDOW for p in parts)
    # consecutive windows overlap, so no sentence falls between two
    assert all(draft.index(b) < draft.index(a) + len(a) for a, b in zip(parts, parts[1:]))


# Harmless paragraphs, then a risk in one sentence the rules do not find (the learned layer's own finding).
OVERDOSE = "The man found collapsed in the flat on Norwich Road had taken an overdose, crews said."


def test_the_words_shown_for_a_risk_in_a_long_post_are_in_the_stretch_that_raised_it():
    half = len(BOILERPLATE) // 2
    for draft in (BOILERPLATE[:half] + " " + OVERDOSE + " " + BOILERPLATE[half:],  # in the middle
                  BOILERPLATE + " " + OVERDOSE):                                    # past the 256th piece
        start = draft.index(OVERDOSE)
        end = start + len(OVERDOSE)
        around = [(a, b) for a, b in win.window_spans(draft) if a <= start and end <= b]  # the stretches read with it
        assert around and all(draft[a:b] in win.windows(draft) for a, b in around)
        result = check(draft, profile="staff")
        assert result.verdict == "stop"
        learned_own = [f for f in result.findings if f.evidence and f.evidence[0][0] == WEIGHED]
        assert learned_own, result.findings
        for f in learned_own:
            # the word that weighed most is in the risky sentence, and every word shown is in a stretch read with
            # it, not somewhere in the paragraphs far from it
            assert f.span is not None and start <= f.span[0] < f.span[1] <= end, (f.category, f.span)
            far = [(draft[a:b], a) for _, a, b in f.evidence if not any(s <= a < b <= e for s, e in around)]
            assert far == [], (f.category, far)
