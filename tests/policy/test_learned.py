"""The checker's learned layer: the numpy encoder (policy/encoder.py) and the classifier (policy/learned.py).

The reference ids and vector in tests/policy/data/encoder_reference.json were produced once by
sentence-transformers with torch from the same model files; nothing here needs torch.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from policy import encoder as enc

REFERENCE = json.loads((Path(__file__).parent / "data" / "encoder_reference.json").read_text(encoding="utf-8"))


# --- the encoder -------------------------------------------------------------------------

def test_tokenizer_matches_the_reference_ids():
    e = enc.get_encoder()
    for case in REFERENCE["ids"]:
        assert e.ids(case["text"]) == case["ids"], case["text"]


def test_embedding_of_a_fixed_sentence_matches_the_reference_vector():
    e = enc.get_encoder()
    ref = np.array(REFERENCE["vector"], dtype=np.float32)
    mine = e.encode_one(REFERENCE["vector_sentence"])
    assert mine.shape == (384,)
    assert abs(float(np.linalg.norm(mine)) - 1.0) < 1e-5
    assert float(mine @ ref) >= 0.9999
    # A batch (padded with shorter and longer posts) gives the same vector as the post alone.
    batch = e.encode(["ok", REFERENCE["vector_sentence"], "a much longer post " * 20])
    assert float(batch[1] @ mine) >= 0.99999


def test_an_intermediate_layers_mean_comes_beside_the_last_from_the_same_pass():
    e = enc.get_encoder()
    texts = ["ok", REFERENCE["vector_sentence"], "a much longer post " * 20]
    last = e.encode(texts)
    both = e.encode(texts, layers=(6, 4))
    assert both.shape == (3, 768)
    assert np.abs(both[:, :384] - last).max() < 1e-6  # the last layer's mean is unchanged
    assert np.allclose(np.linalg.norm(both[:, 384:], axis=1), 1.0, atol=1e-5)
    fourth = e.encode(texts, layers=(4,))
    assert np.abs(both[:, 384:] - fourth).max() < 1e-6  # layer 4 on its own: the same numbers
    assert float(both[1, 384:] @ last[1]) < 0.99  # and not the last layer's again
    # each word piece's share of a projection of both means adds up to the projection of the vector
    project = np.random.default_rng(1).standard_normal((768, 3)).astype(np.float32)
    vectors, shares = e.encode_ids([e.ids(texts[1])], project=project, layers=(6, 4))
    assert np.abs(shares[0].sum(axis=0) - vectors[0] @ project).max() < 1e-4
    with pytest.raises(ValueError, match="layers"):
        e.encode(texts, layers=(7,))


def _copy_pack(tmp_path: Path) -> Path:
    d = tmp_path / "encoder"
    d.mkdir()
    (d / "encoder.npz").symlink_to(enc.PACK_ENCODER_DIR / "encoder.npz")
    shutil.copy(enc.PACK_ENCODER_DIR / "vocab.txt", d / "vocab.txt")
    return d


def test_altered_vocabulary_is_refused_with_one_line_naming_the_file(tmp_path):
    d = _copy_pack(tmp_path)
    with open(d / "vocab.txt", "a", encoding="utf-8") as fh:
        fh.write("sneaky\n")
    with pytest.raises(enc.EncoderError) as err:
        enc.load_encoder(d)
    msg = str(err.value)
    assert str(d / "vocab.txt") in msg and "SHA-256" in msg and "\n" not in msg


def test_other_weights_are_refused_and_the_directory_comes_from_the_environment(tmp_path, monkeypatch):
    d = _copy_pack(tmp_path)
    (d / "encoder.npz").unlink()
    np.savez(d / "encoder.npz", word=np.zeros((2, 2), dtype=np.float16))
    monkeypatch.setenv(enc.ENV_DIR, str(d))
    assert enc.encoder_dir() == d
    with pytest.raises(enc.EncoderError, match="encoder.npz: SHA-256"):
        enc.load_encoder()


def test_missing_files_are_named(tmp_path):
    with pytest.raises(enc.EncoderError, match="encoder.npz: missing"):
        enc.load_encoder(tmp_path)


# --- the classifier ----------------------------------------------------------------------

from policy import learned  # noqa: E402
from policy.checker import check  # noqa: E402


def test_a_clear_abusive_post_gets_hate_or_abuse_with_how_sure_and_which_words():
    text = "Honestly the residents on that estate are lazy useless scroungers, the lot of them"
    found = {f.category: f for f in learned.findings(text, "staff")}
    f = found["hate_or_abuse"]
    assert f.severity == "stop" and f.section == "3.9"
    assert "(3.9)" in f.message and f.message.endswith("% sure.")
    assert 0.5 < f.confidence <= 1.0
    words = [text[a:b] for _, a, b in f.evidence]
    assert words and f.span == f.evidence[0][1:]
    assert {label for label, _, _ in f.evidence} == {learned.WEIGHED}
    assert set(words) & {"lazy", "useless", "scroungers"}, words
    # and the whole checker, which weighs the rules' evidence too, stops it
    assert check(text, profile="staff").verdict == "stop"


GRAMMAR_WORDS = {"a", "an", "the", "and", "of", "to", "for", "from", "is", "was", "has", "had", "been", "will", "at"}


def test_the_words_shown_for_a_finding_are_words_that_mean_something():
    """The encoder leans on "a" and "will" as much as on "crook"; showing them as the reason teaches nothing."""
    shown = {}
    for text in ("Everyone knows the chair of planning is a crook who has been taking backhanders for years",
                 "From April we will stop emptying brown bins in the villages, the council can confirm"):
        for f in check(text, profile="staff").findings:
            words = [text[a:b] for label, a, b in (f.evidence or ()) if label == learned.WEIGHED]
            if words:
                shown[f.category] = words
    assert shown, "the learned layer showed no words at all"
    for category, words in shown.items():
        assert not {w.lower() for w in words} & GRAMMAR_WORDS, (category, words)
    assert "crook" in shown.get("hate_or_abuse", []) + shown.get("defamation", []), shown


def test_categories_are_masked_by_profile():
    text = "Vote Labour on 6 May: our candidate will fight for every family in Ipswich"
    staff = {f.category for f in learned.findings(text, "staff")}
    member = {f.category for f in learned.findings(text, "member")}
    assert "political" in staff
    assert "political" not in member  # a councillor's own party politics is their right (2.4)
    assert "political" not in learned.score(text, "member")
    assert "political" not in learned.score(text, "member", rules=[])
    assert "speaking_for_council" not in learned.score(text, "staff")


def test_switched_off_it_finds_nothing_and_the_checker_is_the_rules_alone(monkeypatch):
    monkeypatch.setenv(learned.ENV_SWITCH, "0")
    assert learned.findings("You lazy useless idiots", "staff") == []
    monkeypatch.setattr(learned, "judge", lambda *a, **k: pytest.fail("the learned layer ran"))
    result = check("Ring Dave on 07911 123456", profile="staff")
    assert result.verdict == "stop" and not result.findings[0].message.endswith("% sure.")


# --- the rules and the scores together (learned.decide) ---------------------------------------

from policy.check_engine import RawFinding  # noqa: E402


def _cats():
    return learned.get_model().categories


def _raw(category, severity, band, rule, evidence=(), span=(0, 4)):
    return RawFinding(category, severity, "3.4", f"m ({category})", span, band,
                      ((evidence[0] if evidence else "the match", *span),) + tuple((e, 0, 1) for e in evidence[1:]),
                      rule)


def test_a_flagged_category_keeps_the_rules_findings_at_its_severity_and_no_duplicate():
    phone = _raw("personal_data", "sign_off", "medium", "personal_data.phone")
    decided = learned.decide(_cats(), {"personal_data": 0.9, "profanity": 0.1},
                             {"personal_data": 0.9}, [phone])
    assert [(d.category, d.severity, d.rule is phone, d.why) for d in decided] == [
        ("personal_data", "stop", True, "learned")]
    assert decided[0].confidence == 0.9


def test_a_rule_finding_the_model_scores_low_is_dropped_and_a_learned_one_added():
    swear = _raw("profanity", "stop", "high", "profanity.ambiguous")
    decided = learned.decide(_cats(), {"profanity": 0.05, "political": 0.8}, {"political": 0.8}, [swear])
    assert [(d.category, d.severity, d.rule, d.why) for d in decided] == [("political", "sign_off", None, "learned")]


def test_hard_overrides_stop_whatever_the_score():
    cats = _cats()
    card = _raw("payment_data", "stop", "high", "payment_data.card",
                ("a card number grouped as printed, passing the Luhn check", "a word about cards or payment"))
    bare = _raw("payment_data", "stop", "high", "payment_data.card",
                ("a card number grouped as printed, passing the Luhn check",))
    code = _raw("credentials", "stop", "high", "credentials.your_code")
    weak_code = _raw("credentials", "stop", "medium", "credentials.your_code")
    nhs = _raw("personal_data", "stop", "high", "personal_data.nhs_number", ("passes the NHS number check digit",))
    low = {"payment_data": 0.01, "credentials": 0.01, "personal_data": 0.01}
    decided = learned.decide(cats, low, {}, [card, bare, code, weak_code, nhs])
    assert [(d.rule, d.severity, d.why) for d in decided] == [
        (card, "stop", "override"), (code, "stop", "override"), (nhs, "stop", "override")]
    assert all(d.confidence >= 0.8 for d in decided)  # the rule's own confidence, not the low score


def test_categories_the_learned_layer_does_not_judge_keep_the_rules_finding():
    advice = _raw("political", "advice", "high", "political.party")  # political is not judged for this post
    decided = learned.decide(_cats(), {"personal_data": 0.1}, {}, [advice])
    assert [(d.category, d.severity, d.why) for d in decided] == [("political", "advice", "rules")]


def test_the_verdict_head_stops_a_post_under_the_category_nearest_its_threshold_keeping_its_rule_finding():
    phone = _raw("personal_data", "sign_off", "medium", "personal_data.phone")
    judged = {"personal_data": 0.4, "political": 0.8}
    decided = learned.decide(_cats(), judged, {"political": 0.8}, [phone], ("personal_data", 0.93))
    assert [(d.category, d.severity, d.rule, d.why) for d in decided] == [
        ("political", "sign_off", None, "learned"), ("personal_data", "stop", phone, "verdict")]
    assert decided[1].confidence == 0.93
    # with a stop already decided, the verdict head adds nothing
    decided = learned.decide(_cats(), {"profanity": 0.9}, {"profanity": 0.9}, [], ("personal_data", 0.93))
    assert [(d.category, d.why) for d in decided] == [("profanity", "learned")]


def test_a_weak_learned_stop_is_left_out_beside_a_sure_one_and_the_verdict_stays():
    bars = {"defamation": 0.7, "hate_or_abuse": 0.6, "confidential": 0.8}
    scores = {"defamation": 0.55, "hate_or_abuse": 0.9, "political": 0.8}
    flagged = dict(scores)
    without = learned.decide(_cats(), scores, flagged, [])
    assert {d.category for d in without} == {"defamation", "hate_or_abuse", "political"}
    decided = learned.decide(_cats(), scores, flagged, [], report=bars)
    # defamation (0.55, under its bar of 0.7) goes; abuse (0.9, over its 0.6) and the sign-off finding stay
    assert [(d.category, d.severity) for d in decided] == [("hate_or_abuse", "stop"), ("political", "sign_off")]


def test_the_report_bar_never_takes_a_posts_last_stop_and_keeps_the_nearest_of_several_weak_ones():
    bars = {"defamation": 0.7, "confidential": 0.8}
    scores = {"defamation": 0.6, "confidential": 0.5}  # both under their bars; defamation the nearer (log-odds)
    decided = learned.decide(_cats(), scores, dict(scores), [], report=bars)
    assert [(d.category, d.severity) for d in decided] == [("defamation", "stop")]
    # a finding with a rule's words is kept under scope "own", judged by the bar under "all"
    rule = _raw("defamation", "sign_off", "medium", "defamation.allegation")
    scores = {"defamation": 0.6, "hate_or_abuse": 0.9}
    own = learned.decide(_cats(), scores, dict(scores), [rule], report=bars, report_scope="own")
    every = learned.decide(_cats(), scores, dict(scores), [rule], report=bars, report_scope="all")
    assert {d.category for d in own} == {"defamation", "hate_or_abuse"}
    assert [d.category for d in every] == ["hate_or_abuse"]


def _forced_judge(monkeypatch, stop, nearest):
    """check() with the learned scores forced: every category far below its threshold except ``nearest``, just
    below its own (so it is the stop category nearest its threshold), and the verdict head's stop at ``stop``
    (and its hold there too: a post that must stop must be held back)."""
    real = learned.judge

    def judge(text, profile, has_image, rules):
        scored = real(text, profile, has_image, rules)
        probs = np.full_like(scored.probs, 1e-4)
        k = scored.model.index[nearest]
        probs[k] = scored.model.heads["stacked"].high[k] * 0.9
        return scored._replace(probs=probs, stop=stop, hold=stop)

    monkeypatch.setattr(learned, "judge", judge)


def test_the_whole_checker_stops_on_the_verdict_head_alone(monkeypatch):
    text = "Lovely to see so many of you at the library's craft morning"
    _forced_judge(monkeypatch, 0.99, "personal_data")
    result = check(text, profile="staff")
    assert result.verdict == "stop"
    [f] = result.findings
    assert f.category == "personal_data"
    assert f.severity == "stop" and f.confidence == 0.99 and "99% sure" in f.message
    _forced_judge(monkeypatch, 0.01, "personal_data")
    assert check(text, profile="staff").verdict == "ok"


def test_the_verdict_heads_stop_is_never_put_down_to_an_identifier_the_rules_saw_nothing_of(monkeypatch):
    # The verdict head says stop and the stop category nearest its threshold is credentials, but nothing in the
    # post looks like a login, password or code to the rules: the stop is not taken (832cc76 stopped a
    # councillor's harmless post as "Passwords and logins" this way).
    text = "Lovely to see so many of you at the library's craft morning"
    for category in ("credentials", "payment_data"):
        _forced_judge(monkeypatch, 0.99, category)
        assert check(text, profile="staff").verdict == "ok", category
    # Where the rules did see something of it (here a request for a login, which the forced low score would
    # otherwise drop), the stop stands under that category, with the rule's words.
    text = "Can you share the login for the Facebook page with the new starter?"
    _forced_judge(monkeypatch, 0.99, "credentials")
    result = check(text, profile="staff")
    assert result.verdict == "stop"
    [f] = [f for f in result.findings if f.severity == "stop"]
    assert f.category == "credentials" and "99% sure" in f.message
    assert any("login" in text[a:b] for _, a, b in f.evidence)  # the rule's words, not a guess
    _forced_judge(monkeypatch, 0.01, "credentials")
    assert check(text, profile="staff").verdict == "ok"  # neither the score nor the verdict head: dropped


def test_the_verdict_heads_stop_is_never_put_down_to_swearing_the_rules_saw_nothing_of(monkeypatch):
    # A fire station's "Crews at work" with a photo read as risky as a whole, and swearing was the stop category
    # nearest its threshold: it stopped as "This seems to contain swearing". Swearing is in the words, and the
    # rules' word lists saw none.
    _forced_judge(monkeypatch, 0.99, "profanity")
    assert check("Crews at work", profile="sfrs", has_image=True).verdict == "ok"
    # With a swear word the lists know, it stops under swearing whatever the forced low score says.
    result = check("Crews at work, what a shitshow of a morning", profile="sfrs", has_image=True)
    assert result.verdict == "stop" and [f.category for f in result.findings if f.severity == "stop"] == [
        "profanity"]


def test_the_whole_checker_combines_them(monkeypatch):
    real = learned.judge

    def judged_low_for_swearing(text, profile, has_image, rules):
        scored = real(text, profile, has_image, rules)
        probs = scored.probs.copy()
        probs[scored.model.index["profanity"]] = 0.01
        probs[scored.model.index["surveillance"]] = 0.97
        return scored._replace(probs=probs)

    monkeypatch.setattr(learned, "judge", judged_low_for_swearing)
    text = "What the fuck: add Dave as a friend from the dummy profile"
    result = check(text, profile="staff")
    cats = {f.category: f for f in result.findings}
    assert "profanity" not in cats  # the rule's hit, dropped on the (here forced) low score
    f = cats["surveillance"]
    assert result.verdict == "stop" and f.confidence == pytest.approx(0.97, abs=1e-6)
    assert f.message.endswith("97% sure.") and f.evidence and f.span == f.evidence[0][1:]
    d = f.to_dict()
    assert set(d) == {"category", "severity", "section", "message", "span", "confidence", "evidence"}
    assert all(set(e) == {"what", "span"} for e in d["evidence"])
    assert "Dave" not in repr(d["evidence"]) and "dummy" not in repr(d["evidence"])  # spans, never the words


def test_a_rule_finding_kept_by_the_model_says_how_sure_and_why():
    text = "Please ring Mrs Patel on 07911 123456 after 6pm"
    result = check(text, profile="staff")
    [f] = [f for f in result.findings if f.category == "personal_data" and text[f.span[0]:f.span[1]] == "07911 123456"]
    assert f.severity == "stop" and f.message.endswith("% sure.") and 0.5 <= f.confidence <= 1.0
    said = {what: text[s:e] for what, s, e in f.evidence}
    assert said["a UK mobile number"] == "07911 123456" and said["a word about phoning"] == "ring"


def test_category_file_errors_are_one_line(tmp_path):
    base = (learned.LEARNED_DIR / "categories.toml").read_text(encoding="utf-8")
    cases = [
        (base.replace('[children]\nprofiles', '[children]\nalways_stop = [{ rule = "children.image" }]\nprofiles'),
         "only a stop category"),
        (base.replace('{ rule = "credentials.token" }', '{ rule = "credentials.token", evidnce = ["x"] }'),
         "always_stop"),
        (base.replace("[children]\nprofiles", "[children]\nmaybe = \"x\"\nprofiles"), "unknown key 'maybe'"),
    ]
    for text, expected in cases:
        (tmp_path / "categories.toml").write_text(text, encoding="utf-8")
        with pytest.raises(learned.PackError, match=expected) as err:
            learned.load_categories(tmp_path / "categories.toml")
        assert "\n" not in str(err.value)


# --- running the check off the event loop ---------------------------------------------------

async def test_check_async_runs_in_a_worker_thread_and_gives_the_same_result(monkeypatch):
    import asyncio
    import threading

    from policy import checker

    threads = []
    real = checker._checked_text   # the text's findings: the learned layer and the rules, the costly part

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(checker, "_checked_text", spy)
    text = "Ring Dave on 07911 123456 about the closure of the library"
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0)
            ticks += 1

    t = asyncio.create_task(ticker())
    result = await checker.check_async(text, profile="staff")
    t.cancel()
    assert result == checker.check(text, profile="staff")
    assert threads and threads[0].startswith("checker") and threads[0] != threading.current_thread().name
    assert ticks > 0  # the loop kept running while the check ran
    with pytest.raises(ValueError, match="unknown profile"):
        await checker.check_async(text, profile="nobody")


def test_batched_and_single_scores_agree():
    texts = ["Bins go out a day late after the bank holiday", "You lazy useless idiots",
             "Vote Labour on 6 May " * 10, "", "Library open late on Thursday", "You lazy useless idiots",
             "Our crews attended a chimney fire in Eye", "Please DM us your email address", "Thanks Jo!"]
    asked = [t for i, t in enumerate(texts) if i != 4] + ["a text nobody announced"]  # one skipped, one extra
    single = [learned.score(t, "staff") for t in asked]
    with learned.prefetch(texts, chunk=3):  # several chunks, each encoded ahead of its checks
        batched = [learned.score(t, "staff") for t in asked]
    for a, b in zip(single, batched):
        assert a.keys() == b.keys()
        assert all(abs(a[k] - b[k]) < 1e-4 for k in a)


def test_an_altered_model_is_refused(tmp_path):
    for name in ("categories.toml", "model.json"):
        shutil.copy(learned.LEARNED_DIR / name, tmp_path / name)
    raw = (learned.LEARNED_DIR / "model.npz").read_bytes()
    (tmp_path / "model.npz").write_bytes(raw[:-1] + bytes([raw[-1] ^ 1]))
    with pytest.raises(learned.PackError, match="model.npz: SHA-256"):
        learned.Model(tmp_path)


def test_a_model_whose_mlp_does_not_fit_its_categories_is_refused(tmp_path):
    import hashlib
    import io
    shutil.copy(learned.LEARNED_DIR / "categories.toml", tmp_path / "categories.toml")
    with np.load(learned.LEARNED_DIR / "model.npz") as z:
        arrays = {name: z[name] for name in z.files}
    arrays["mlp_w2"] = arrays["mlp_w2"][:, :-1]  # one output short
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    (tmp_path / "model.npz").write_bytes(buf.getvalue())
    meta = json.loads((learned.LEARNED_DIR / "model.json").read_text(encoding="utf-8"))
    meta["sha256"] = hashlib.sha256(buf.getvalue()).hexdigest()  # the hash matches: the layout is what is wrong
    (tmp_path / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(learned.PackError, match="MLP weights") as err:
        learned.Model(tmp_path)
    assert "\n" not in str(err.value)


def test_every_category_cites_a_real_section_for_every_profile():
    sections = {s["id"].replace("8.2/", "8.2 ")
                for s in json.loads((learned.LEARNED_DIR.parent / "sections.json").read_text())["sections"]}
    model = learned.get_model()
    for name in model.names:
        cat = model.categories[name]
        for profile in cat.profiles:
            assert cat.section[profile] in sections, (name, profile)
            assert "{section}" in cat.message[profile]


def test_the_whole_checker_names_the_sure_stop_and_leaves_out_the_one_flagged_only_just(monkeypatch):
    # Two stop categories over their thresholds: abuse well over its report bar, defamation over its threshold
    # but under its bar. The post stops either way; the person is shown the reason the checker is sure of.
    text = "Lovely to see so many of you at the library's craft morning"
    real, model = learned.judge, learned.get_model()
    d, h = model.index["defamation"], model.index["hate_or_abuse"]
    only_just = (model.heads["stacked"].high[d] + model.report["defamation"]) / 2
    assert model.heads["stacked"].high[d] < only_just < model.report["defamation"]

    def judge(text, profile, has_image, rules):
        scored = real(text, profile, has_image, rules)
        probs = np.full_like(scored.probs, 1e-4)
        probs[d], probs[h] = only_just, 0.99
        return scored._replace(probs=probs, stop=0.99, hold=0.99)

    monkeypatch.setattr(learned, "judge", judge)
    result = check(text, profile="staff")
    assert result.verdict == "stop" and [f.category for f in result.findings] == ["hate_or_abuse"]
    monkeypatch.setattr(model, "report", None)
    assert {f.category for f in check(text, profile="staff").findings} == {"hate_or_abuse", "defamation"}
