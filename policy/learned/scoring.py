"""Scoring one post with one head, and the learned layer's own findings: how sure, and which words weighed."""
from __future__ import annotations

import unicodedata
from typing import NamedTuple

import numpy as np

from policy.check_pack import SEVERITIES
from policy.learned.encoding import _Encoded, _encode, _prefetched
from policy.learned import forest
from policy.learned.features import dense_extra, hashed_features, tokens
from policy.learned.model import Model, enabled, get_model
from policy.learned import windows as long_posts


TOP_WORDS = 3
# Words that carry grammar, not meaning: the encoder leans on them ("The", "had") but a person shown them as the
# reason for a finding learns nothing. Pronouns and negations stay: "your son", "never" can be the point.
FUNCTION_WORDS = frozenset("""
a an the and or but nor so yet of to in on at by for from with into onto upon as than then that this these those
there here is are was were be been being am has have had having do does did done will would shall should can could
may might must it its it's just very also who whom which what
""".split())
WEIGHED = "weighed towards this"  # the evidence label of a word the learned layer leaned on


class LearnedFinding(NamedTuple):
    """Shaped like the checker's Finding: the five public fields, how sure, and which words."""

    category: str
    severity: str
    section: str
    message: str
    span: tuple[int, int] | None  # the word that contributed most
    confidence: float  # the model's probability, 0-1
    evidence: tuple[tuple[str, int, int], ...]  # (label, start, end) of the words that contributed most


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def _logit(p: float) -> float:
    p = min(max(float(p), 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


class _Window(NamedTuple):
    """One window of a long post (windows.py), kept where it gave a category its highest score: what is needed
    to say which of its words weighed."""

    encoded: _Encoded
    toks: list
    contrib: np.ndarray  # (known n-grams, K)
    own1: np.ndarray
    own2: np.ndarray
    start: int  # where the window starts in the post: its words' spans are shifted by this


class Scored(NamedTuple):
    """One post's scores by one head, with what is needed to say which words weighed."""

    model: Model
    head: str
    profile: str
    probs: np.ndarray  # (K,)
    encoded: _Encoded
    toks: list
    contrib: np.ndarray  # (known n-grams, K)
    own1: np.ndarray
    own2: np.ndarray
    # the probability that the post must stop (stacked scoring only): the verdict forest's, in a model with one,
    # else the verdict head's
    stop: float | None = None
    hold: float | None = None  # ... that it must be held back at all (stop or sign-off)
    rules: np.ndarray | None = None  # (K, RULE_WIDTH) the rules' evidence per category (stacked scoring only)
    windows: dict[int, _Window] | None = None  # category index -> the window of a long post that scored it highest

    def judged(self) -> dict[str, float]:
        """Each category this profile is judged on, with its probability."""
        m = self.model
        return {n: float(self.probs[k]) for k, n in enumerate(m.names) if m.mask[self.profile][k]}

    def flagged(self) -> dict[str, float]:
        """The categories at or above their threshold."""
        high = self.model.heads[self.head].high
        return {n: p for n, p in self.judged().items() if p >= high[self.model.index[n]]}

    def escalation(self) -> str | None:
        """When the verdict head says stop and no stop category reached its own threshold: the stop category
        nearest its threshold (in log-odds), to report the stop under; else None. None too when that category
        is an identifier one (card details, passwords) or swearing and the rules saw nothing of it, not even a
        quiet match:
        the whole-post stop then has nothing to stand on (out of fold this stopped fewer harmless posts and
        missed no more stops than reporting it under the next category, or anyway)."""
        m = self.model
        if self.stop is None or self.stop < m.verdict.high[0]:
            return None
        high = m.heads[self.head].high
        judged = [(k, n) for k, n in enumerate(m.names)
                  if m.mask[self.profile][k] and m.categories[n].severity == "stop"]
        if not judged:
            return None
        k, best = max(judged, key=lambda kn: _logit(self.probs[kn[0]]) - _logit(high[kn[0]]))
        if m.categories[best].needs_rule_evidence and (self.rules is None or not self.rules[k].any()):
            return None  # an identifier or a swear word the rules saw nothing of is not why it stops (categories.toml)
        return best

    def cleared(self) -> bool:
        """The verdict head reads the whole post as fine: the learned layer's findings are set aside."""
        return self.hold is not None and self.hold < self.model.verdict.high[1]

    def evidence(self, category: str) -> tuple[tuple[str, int, int], ...]:
        """The words that raised this category's score most, strongest first, as (label, start, end): in a long
        post whose highest score for it came from a window, that window's words (the stretch that raised it)."""
        k = self.model.index[category]
        column = k if self.head == "stacked" else len(self.model.names) + k
        w = (self.windows or {}).get(k)
        if w is None:
            words = _top_words(self.toks, self.encoded, self.contrib, self.own1, self.own2, k, column)
            return tuple((WEIGHED, a, b) for a, b in words)
        words = _top_words(w.toks, w.encoded, w.contrib, w.own1, w.own2, k, column)
        return tuple((WEIGHED, w.start + a, w.start + b) for a, b in words)

    def finding(self, category: str, confidence: float | None = None) -> LearnedFinding:
        """The learned layer's own finding for a category (where no rule found it); ``confidence`` in place of
        the category's probability (the verdict head's, for a stop it raised)."""
        cat = self.model.categories[category]
        p = float(self.probs[self.model.index[category]]) if confidence is None else float(confidence)
        section = cat.section[self.profile]
        message = cat.message[self.profile].format(section=section) + " " + sure(p)
        evidence = self.evidence(category)
        return LearnedFinding(category, cat.severity, section, message,
                              (evidence[0][1], evidence[0][2]) if evidence else None, p, evidence)


def sure(p: float) -> str:
    return f"The checker is {min(99, max(1, round(p * 100)))}% sure."


def _score(model: Model, text: str, profile: str, has_image: bool, rules=None) -> Scored:
    """Score one post: with ``rules`` (the rule engine's findings and quiet matches) the stacked head, without
    them the text head. A long post is scored in windows too, each category keeping its highest (windows.py) and
    the window it came from, for its words."""
    head_name = "text" if rules is None else "stacked"
    pre = _prefetched.get()
    e = pre.get(text, model) if pre is not None else _encode([text], model)[0]
    toks = tokens(text)
    idx, val, own1, own2 = hashed_features(toks)
    contrib, known = model.sparse_part(model.heads[head_name], idx, val)
    extra = dense_extra(profile, has_image)
    evidence = None if rules is None else model.rule_vector(rules)
    probs, verdict, text_probs = _probs(model, head_name, e.vector, contrib.sum(axis=0), idx, val, extra, evidence)
    verdict = _whole_post(model, profile, probs, text_probs, verdict, extra, evidence, e.vector)
    # the pieces encoded (cut at 256, with [CLS] and [SEP]) tell a short post without tokenising it again
    spans = long_posts.window_spans(text) if len(e.piece_spans) - 2 > long_posts.LONG else []
    won: dict[int, _Window] = {}
    if spans:
        parts = [text[a:b] for a, b in spans]
        for encoded, part, (start, _) in zip(_encode(parts, model), parts, spans):
            p_toks = tokens(part)
            p_idx, p_val, p_own1, p_own2 = hashed_features(p_toks)
            p_contrib, p_known = model.sparse_part(model.heads[head_name], p_idx, p_val)
            p_probs, p_verdict, p_text = _probs(model, head_name, encoded.vector, p_contrib.sum(axis=0), p_idx,
                                                p_val, extra, evidence)
            higher = np.flatnonzero(p_probs > probs)
            if higher.size:  # this window now scores these categories highest: their words will come from it
                window = _Window(encoded, p_toks, p_contrib, p_own1[p_known], p_own2[p_known], start)
                won.update((int(k), window) for k in higher)
            probs = np.maximum(probs, p_probs)
            p_verdict = _whole_post(model, profile, p_probs, p_text, p_verdict, extra, evidence, encoded.vector)
            verdict = None if verdict is None else np.maximum(verdict, p_verdict)
    if verdict is None:
        return Scored(model, head_name, profile, probs, e, toks, contrib, own1[known], own2[known], windows=won)
    stop, hold = (float(x) for x in verdict)
    return Scored(model, head_name, profile, probs, e, toks, contrib, own1[known], own2[known], stop, hold,
                  evidence.reshape(len(model.names), -1), won)


def _whole_post(model: Model, profile: str, probs, text_probs, verdict, extra, evidence, vector):
    """The (stop, hold) check() thresholds: the verdict forest's, reading the heads, the rules and the nearest
    training posts, in a model with one; else the verdict head's. A window of a long post is read as a post of
    its own (the forest learned from whole posts), and the post keeps each output's highest."""
    if verdict is None or model.forest is None:
        return verdict
    z = forest.inputs(probs, text_probs, verdict, extra, evidence, model.bank.votes(vector), model.mask[profile])
    return model.forest.stop_hold(z)[0]


def _probs(model: Model, head_name: str, vector: np.ndarray, ngrams: np.ndarray, idx, val, extra,
           evidence) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """One text's category probabilities by one head, and (the stacked head, given the rules' ``evidence``)
    the verdict head's (stop, hold) and, when the model has a verdict forest to read it, the text head's
    probabilities too; ``ngrams``: its known n-grams' summed contributions to the head."""
    head = model.heads[head_name]
    hidden = len(vector)
    logits = head.bias + vector @ head.dense[:hidden] + extra @ head.dense[hidden:] + ngrams
    if head.rule_w is None:
        return _sigmoid(logits), None, None
    text_probs = None
    if model.forest is not None:
        t = model.heads["text"]
        t_contrib, _ = model.sparse_part(t, idx, val)
        text_probs = _sigmoid(t.bias + vector @ t.dense[:hidden] + extra @ t.dense[hidden:] + t_contrib.sum(axis=0))
    logits = logits + evidence @ head.rule_w
    v = model.verdict
    v_contrib, _ = model.sparse_part(v, idx, val)
    v_logit = (v.bias + vector @ v.dense[:hidden] + extra @ v.dense[hidden:] + v_contrib.sum(axis=0)
               + evidence @ v.rule_w)
    probs, verdict = _sigmoid(logits), _sigmoid(v_logit)
    if model.mlp is not None:  # blended with the MLP's probabilities (model.Mlp)
        b = model.mlp.blend
        mlp = model.mlp.probs(np.concatenate([vector, extra, evidence]))
        probs = (1 - b) * probs + b * mlp[:len(model.names)]
        verdict = (1 - b) * verdict + b * mlp[len(model.names):]
    return probs, verdict, text_probs


def score(text: str, profile: str = "staff", has_image: bool = False, rules=None) -> dict[str, float]:
    """Every category's probability for this post and profile (masked categories left out): with ``rules``
    (the rule engine's findings, and its quiet matches) as check() scores it; without, the text alone."""
    return _score(get_model(), text, profile, has_image, rules).judged()


def judge(text: str, profile: str, has_image: bool, rules) -> Scored:
    """The stacked head's scores for one post, given what the rule layers found (findings and quiet matches)."""
    return _score(get_model(), text, profile, bool(has_image), list(rules))


def _top_words(toks, e: _Encoded, contrib, own1, own2, k: int, column: int) -> tuple[tuple[int, int], ...]:
    """The spans of the words that raised category ``k``'s score most (``column``: its embedding share)."""
    if not toks:
        return ()
    share = np.zeros(len(toks), dtype=np.float32)
    half = contrib[:, k] * 0.5
    np.add.at(share, own1, half)
    np.add.at(share, own2, half)
    starts = np.array([t[1] for t in toks], dtype=np.int64)
    ends = np.array([t[2] for t in toks], dtype=np.int64)
    for (s, t_end), value in zip(e.piece_spans, e.piece_scores[:, column]):
        if t_end > s:  # [CLS] and [SEP] belong to no word
            i = int(np.searchsorted(starts, s, side="right")) - 1
            if i >= 0 and s < ends[i]:
                share[i] += value
    order = [i for i in np.argsort(-share)
             if share[i] > 0 and not _punctuation(toks[i][0]) and toks[i][0].lower() not in FUNCTION_WORDS]
    if not order:
        return ()
    best = share[order[0]]
    return tuple((toks[i][1], toks[i][2]) for i in order[:TOP_WORDS] if share[i] >= 0.25 * best)


def _punctuation(token: str) -> bool:
    return all(unicodedata.category(c).startswith("P") for c in token)


def findings(text: str, profile: str = "staff", has_image: bool = False) -> list[LearnedFinding]:
    """The learned layer alone (the text head, no rule evidence): its findings for one post, most severe and
    most sure first. Empty when the layer is switched off (SMPOLICY_LEARNED=0). check() does not use this:
    it scores with the rules' evidence (``judge``) and combines the two (``decide``)."""
    if not enabled() or not text.strip():
        return []
    scored = _score(get_model(), text, profile, bool(has_image))
    out = [scored.finding(name) for name in scored.flagged()]
    out.sort(key=lambda f: (-SEVERITIES[f.severity], -f.confidence))
    return out


def warm() -> None:
    """Load the encoder and the model now (server start-up, or before timing), rather than on the first check,
    and run one post through them so that the first person's check is not the slow one."""
    if enabled():
        model = get_model()
        _score(model, "Warm-up: the library is open on Saturday.", "staff", False, [])
