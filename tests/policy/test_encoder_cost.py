"""What keeps the checker within its cost budget (issue 11) without changing a single number: a long post's pass
by halves on two threads, the post encoded ahead while the rules run, and one float32 copy of the weights.
bench/checker_cost.py measures the cost; these tests hold the results to what the plain pass gives."""
from __future__ import annotations

import numpy as np
import pytest

from policy import encoder as enc
from policy import learned
from policy.checker import check
from policy.learned.windows import windows

LONG = ("Crews from Elmswell and Stowmarket attended a chimney fire in Bacton this afternoon; the family were "
        "out and nobody was hurt. Please test your smoke alarm every month and keep chimneys swept. ") * 20


@pytest.fixture(scope="module")
def encoder():
    return enc.get_encoder()


def test_a_long_post_is_cut_at_256_tokens_and_its_pass_by_halves_gives_the_same_numbers(encoder):
    assert len(LONG) >= 3000
    ids = encoder.ids(LONG)
    assert len(ids) == encoder.max_len == 256
    project = learned.get_model().project
    whole, whole_shares = encoder._forward([ids], project)
    halves, halves_shares = encoder._forward([ids], project, split=True)
    assert np.array_equal(whole, halves)
    assert np.array_equal(whole_shares[0], halves_shares[0])
    # encode_one takes the halves for a long post, and it is the vector a batch gives the same post
    alone = encoder.encode_one(LONG)
    assert np.array_equal(alone, whole[0])
    batch = encoder.encode(["ok", LONG, "Bins are collected a day late this week"])
    assert float(batch[1] @ alone) >= 0.99999


def test_halves_give_the_same_numbers_for_a_batch_of_posts_of_different_lengths(encoder):
    batch = [encoder.ids(t) for t in ("Road closed at the junction tonight", LONG[:700], "Thanks all")]
    whole, _ = encoder._forward(batch)
    halves, _ = encoder._forward(batch, split=True)
    assert np.array_equal(whole, halves)


@pytest.mark.parametrize("text", [
    "What a bunch of lazy idiots on that estate, the lot of them",
    "Our libraries are open as usual this weekend, with story time on Saturday morning.",
    LONG,
])
def test_a_post_encoded_ahead_gets_the_same_verdict_and_is_encoded_once(encoder, monkeypatch, text):
    plain = check(text, profile="staff").to_dict()
    passes = []
    real = enc.Encoder._forward

    def counted(self, batch, *args, **kwargs):
        passes.append(len(batch))
        return real(self, batch, *args, **kwargs)

    monkeypatch.setattr(enc.Encoder, "_forward", counted)
    ahead = check(text, profile="staff", encode_ahead=True).to_dict()
    assert ahead == plain
    # the learned layer took the pass started ahead rather than encoding the post again; a long post's
    # windows (policy/learned/windows.py) are encoded after it, each once
    assert passes[0] == 1 and sum(passes[1:]) == len(windows(text))
    assert (len(passes) > 1) == (text is LONG)
    assert enc._ahead.get() is None  # nothing of the post is left behind


def test_an_error_in_the_rules_leaves_nothing_encoded_ahead_behind(encoder, monkeypatch):
    import policy.checker as checker

    def broken(*args, **kwargs):
        raise RuntimeError("the rules failed")

    monkeypatch.setattr(checker, "evaluate", broken)
    with pytest.raises(RuntimeError):
        check("Call Dave on 07911 123456 about the fence", encode_ahead=True)
    assert enc._ahead.get() is None


def test_the_weights_are_held_once_in_float32_with_the_word_table_in_half_precision(encoder):
    sizes = {name: arr.nbytes for name, arr in encoder.w.items()}
    assert encoder.w["word"].dtype == np.float16
    assert all(arr.dtype == np.float32 and arr.flags["C_CONTIGUOUS"] for name, arr in encoder.w.items()
               if name != "word")
    # 6 layers of (384 x 1152 + 384 x 384 + 2 x 384 x 1536) float32, the word table in float16: about 66 MB.
    assert sum(sizes.values()) < 70 * 2**20
