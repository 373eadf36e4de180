"""Long posts, read a stretch at a time.

The encoder reads at most 256 word pieces and averages them: a risk stated once in a long newsletter is diluted
by the paragraphs around it, and past the 256th piece it is not read at all. The model was trained on posts of
a few dozen pieces, so a long post is also scored in overlapping windows of about that size, and each
category keeps its highest score (scoring.py); the words shown for a category come from the stretch that
gave it. A short post has no windows and scores as before."""
from __future__ import annotations

from policy import encoder as enc

# Word pieces a window reads, and how far apart windows start: any stretch of STRIDE pieces (a sentence or two)
# is read whole in one window, with at most as much again around it. At 96 / 64 the tenth session's retrained
# model read a risky sentence amid 70-odd pieces of routine text as routine (tests/policy/test_long_posts.py).
WINDOW = 64
STRIDE = 32
LONG = 128  # a post of more pieces than this is read in windows too
MAX_WINDOWS = 40  # a 4,000-character draft has about 15; past this, the windows are spread evenly


def windows(text: str) -> list[str]:
    """The stretches of a long post to score apart, as substrings of it; [] for a post of LONG pieces or fewer."""
    return [text[a:b] for a, b in window_spans(text)]


def window_spans(text: str) -> list[tuple[int, int]]:
    """Where each of ``windows(text)`` lies in the post, as (start, end) character offsets."""
    wordpiece = enc.get_encoder().wordpiece
    _, spans = wordpiece.encode_with_spans(text, 1 << 30)
    spans = spans[1:-1]  # without [CLS] and [SEP]
    if len(spans) <= LONG:
        return []
    starts = list(range(0, len(spans) - WINDOW + STRIDE, STRIDE))
    if len(starts) > MAX_WINDOWS:
        step = (len(starts) - 1) / (MAX_WINDOWS - 1)
        starts = [starts[round(i * step)] for i in range(MAX_WINDOWS)]
    out = []
    for s in starts:
        last = min(s + WINDOW, len(spans)) - 1
        out.append((spans[s][0], spans[last][1]))
    return out
