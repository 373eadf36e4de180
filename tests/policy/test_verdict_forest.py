"""The verdict forest (policy/learned/forest.py) and the neighbours' votes it reads (policy/learned/neighbours.py):
numpy only, as check() runs them."""
from __future__ import annotations

import hashlib
import io
import json
import shutil

import numpy as np
import pytest

from policy import learned
from policy.learned.forest import Forest, inputs
from policy.learned.neighbours import Bank, votes


def _stump_forest(stop_if_above: float, push: float = 5.0) -> Forest:
    """One round of three trees (ok, sign-off, stop): the stop tree splits input 0 at ``stop_if_above`` and adds
    ``push`` to the stop score on the right; the other two are single leaves adding nothing. Padded to 3 nodes."""
    feature = np.zeros((3, 3), np.int64)
    threshold = np.full((3, 3), np.inf)
    threshold[2, 0] = stop_if_above
    left = np.tile(np.arange(3), (3, 1))
    right = left.copy()
    left[2, 0], right[2, 0] = 1, 2
    value = np.zeros((3, 3))
    value[2, 2] = push
    return Forest(feature, threshold, left, right, value, np.zeros(3), depth=1)


def test_a_post_goes_down_the_trees_and_its_class_scores_become_probabilities():
    f = _stump_forest(0.5)
    high, at, low = f.proba(np.array([[0.9], [0.5], [0.1]]))
    e = np.exp(5.0)
    assert high == pytest.approx([1 / (2 + e), 1 / (2 + e), e / (2 + e)])
    assert at == pytest.approx([1 / 3] * 3) and low == pytest.approx([1 / 3] * 3)  # at the threshold: left
    stop, hold = f.stop_hold(np.array([[0.9]]))[0]
    assert stop == pytest.approx(e / (2 + e)) and hold == pytest.approx((1 + e) / (2 + e))


def test_inputs_read_a_category_the_profile_is_not_judged_on_as_all_but_impossible():
    z = inputs([[0.5, 0.9]], [[0.5, 0.9]], [[0.5, 0.5]], [[1, 0]], [[0, 1]], [[0.2, 0.8]],
               judged=np.array([True, False]))
    assert z.shape == (1, 2 + 2 + 2 + 2 + 2 + 2)
    assert z[0, 0] == pytest.approx(0.0) and z[0, 1] == pytest.approx(np.log(1e-4 / (1 - 1e-4)))
    assert z[0, 3] == z[0, 1]  # the text head's probability too


def test_the_nearest_neighbours_labels_outweigh_the_rest_and_the_closeness_is_given():
    vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], np.float32)
    labels = np.array([[1, 1], [0, 1], [0, 0]], np.uint8)
    near = votes(np.array([[1.0, 0.0]], np.float32), vectors, labels)[0]
    assert near[0] > 0.95 and near[1] == pytest.approx(1.0) and near[2] == pytest.approx(1.0)
    far = votes(np.array([[0.0, 1.0]], np.float32), vectors, labels)[0]
    assert far[0] < 0.05 and far[1] < 0.05
    bank = Bank(np.zeros(2, np.float32), np.eye(2, dtype=np.float32), vectors, labels)
    assert bank.votes(np.array([3.0, 0.0])) == pytest.approx(near[None, :])  # projected and made unit length


def test_the_shipped_checker_stops_and_clears_on_the_forests_word(monkeypatch):
    model = learned.get_model()
    assert model.forest is not None and model.bank is not None
    text = "Lovely to see so many of you at the library's craft morning"
    assert learned.judge(text, "staff", False, []).stop < model.verdict.high[0]
    for baseline, stop in (([0.0, 0.0, 50.0], 1.0), ([50.0, 0.0, 0.0], 0.0)):
        monkeypatch.setattr(model, "forest", model.forest._replace(baseline=np.array(baseline)))
        scored = learned.judge(text, "staff", False, [])
        assert scored.stop == pytest.approx(stop, abs=1e-6) and scored.hold == pytest.approx(stop, abs=1e-6)


def test_a_model_whose_forest_does_not_fit_its_inputs_is_refused(tmp_path):
    shutil.copy(learned.LEARNED_DIR / "categories.toml", tmp_path / "categories.toml")
    with np.load(learned.LEARNED_DIR / "model.npz") as z:
        arrays = {name: z[name] for name in z.files}
    arrays["forest_feature"] = arrays["forest_feature"] + 10_000  # inputs the model does not have
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    (tmp_path / "model.npz").write_bytes(buf.getvalue())
    meta = json.loads((learned.LEARNED_DIR / "model.json").read_text(encoding="utf-8"))
    meta["sha256"] = hashlib.sha256(buf.getvalue()).hexdigest()
    (tmp_path / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(learned.PackError, match="verdict forest") as err:
        learned.Model(tmp_path)
    assert "\n" not in str(err.value)


def _model_with(tmp_path, change):
    """The shipped model in ``tmp_path`` with its model.json changed by ``change`` (the weights as they are)."""
    for name in ("categories.toml", "model.npz"):
        shutil.copy(learned.LEARNED_DIR / name, tmp_path / name)
    meta = json.loads((learned.LEARNED_DIR / "model.json").read_text(encoding="utf-8"))
    change(meta)
    (tmp_path / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    return tmp_path


def test_the_shipped_model_carries_a_report_bar_for_each_stop_category_and_an_older_one_none(tmp_path):
    model = learned.get_model()
    stops = {n for n in model.names if model.categories[n].severity == "stop"}
    assert model.report_scope in learned.REPORT_SCOPES and set(model.report) == stops
    older = learned.Model(_model_with(tmp_path, lambda meta: meta["method"].pop("report")))
    assert older.report is None and older.report_scope is None


def test_a_model_naming_a_report_scope_the_checker_does_not_know_is_refused(tmp_path):
    def bogus(meta):
        meta["method"]["report"]["scope"] = "some"
    with pytest.raises(learned.PackError, match="report scope 'some'"):
        learned.Model(_model_with(tmp_path, bogus))
