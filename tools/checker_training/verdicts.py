"""Verdicts as the checker gives them (policy.learned.decide), and the figures they make, out of fold."""
from __future__ import annotations

import numpy as np

from policy import learned

from .corpus import Corpus
from .features import Features
from .thresholds import logit

VERDICTS = ("stop", "sign_off", "ok")
SEV_RANK = {"stop": 3, "sign_off": 2, "advice": 1}


def verdict_of(severities) -> str:
    top = max((SEV_RANK.get(s, 0) for s in severities), default=0)
    return "stop" if top >= 3 else "sign_off" if top >= 2 else "ok"


def escalation(corpus: Corpus, feats: Features, P_stack, th_stack, i: int, p_stop: float, t_stop: float):
    """As Scored.escalation: the stop category nearest its threshold when the verdict head says stop, unless
    that is an identifier category, or swearing, that the rules saw nothing of."""
    if p_stop < t_stop:
        return None
    stops = [k for k, n in enumerate(corpus.names) if corpus.mask[i, k] and corpus.cats[n].severity == "stop"]
    if not stops:
        return None
    k = max(stops, key=lambda k: logit(P_stack[i, k]) - logit(th_stack[corpus.names[k]]))
    if corpus.cats[corpus.names[k]].needs_rule_evidence and not feats.rules[i, k].any():
        return None
    return corpus.names[k], float(p_stop)


def predictions(corpus: Corpus, feats: Features, P_stack, P_text, th_stack, th_text, rows_idx,
                P_verdict=None, th_verdict=None, th_report=None):
    """(verdict, categories) per post for: the rules alone, the text head alone, their union (the checker
    before stacking), the stacked categories (policy.learned.decide) and those with the verdict head
    (``th_verdict``: its stop and hold thresholds), as check() does it; with ``th_report`` (the stop categories'
    report bars), also the last with each report scope ("report_own", "report_all")."""
    out = {"rules": [], "learned": [], "union": [], "stacked": [], "verdict": []}
    if th_report is not None:
        out.update({f"report_{s}": [] for s in learned.REPORT_SCOPES})
    names, cats = corpus.names, corpus.cats
    for i in rows_idx:
        raw = feats.found[i]
        rules = [(f.category, f.severity) for f in raw]
        judged_t = {n: P_text[i, k] for k, n in enumerate(names) if corpus.mask[i, k]}
        text = [(n, cats[n].severity) for n, p in judged_t.items() if p >= th_text[n]]
        judged_s = {n: P_stack[i, k] for k, n in enumerate(names) if corpus.mask[i, k]}
        flagged = {n: p for n, p in judged_s.items() if p >= th_stack[n]}
        stacked = [(d.category, d.severity) for d in learned.decide(cats, judged_s, flagged, raw)]
        verdict = stacked
        if th_verdict is not None:
            t_stop, t_hold = th_verdict
            up = escalation(corpus, feats, P_stack, th_stack, i, P_verdict[i, 0], t_stop)
            cleared = P_verdict[i, 1] < t_hold
            verdict = [(d.category, d.severity) for d in learned.decide(cats, judged_s, flagged, raw, up, cleared)]
            if th_report is not None:
                for scope in learned.REPORT_SCOPES:
                    found = [(d.category, d.severity) for d in learned.decide(
                        cats, judged_s, flagged, raw, up, cleared, th_report, scope)]
                    out[f"report_{scope}"].append((verdict_of(s for _, s in found), {c for c, _ in found}))
        for key, found in (("rules", rules), ("learned", text), ("union", rules + text), ("stacked", stacked),
                           ("verdict", verdict)):
            out[key].append((verdict_of(s for _, s in found), {c for c, _ in found}))
    return out


# From 0.20: the verdict forest's stop is one class's share of three, lower than a two-way head's; with cuts from
# 0.50 its lowest was chosen, at the grid's edge. From 0.20 it chose 0.20, the edge again, out of fold: stop recall
# 0.956 -> 0.963, ok false alarm 0.054 -> 0.061 (2 x stop recall - ok false alarm 1.858 -> 1.865).
# Tried and not taken (tenth session): cuts from 0.05 chose stop 0.10 and hold 0.05 (stop recall 0.98 reached on the
# pooled scores), out of fold stop recall 0.963 -> 0.978 but ok false alarm 0.061 -> 0.100 and accuracy 0.935 ->
# 0.914 (2 x stop recall - ok false alarm 1.865 -> 1.856), and a three-word "Crews at work" then stopped as
# swearing: the forest's stop on a post with nothing in it is about 0.2 (a third of the training posts stop), and
# only the hold clearing it keeps it out.
STOP_CUTS = tuple(np.round(np.arange(0.20, 0.951, 0.05), 2))
HOLD_CUTS = (0.0,) + tuple(np.round(np.arange(0.05, 0.401, 0.05), 2))  # 0: the hold output never clears
STOP_WEIGHT = 2.0  # stop recall first: out of fold, weight 2 raised stop recall and lowered false alarms both


def choose_verdict_thresholds(corpus: Corpus, feats: Features, P_stack, P_verdict, th_stack,
                              rows_used) -> tuple[float, float]:
    """The verdict head's stop and hold thresholds for the verdict targets on these posts' out-of-fold scores,
    stop recall first: among the pairs whose stop recall is no lower than the stacked categories' alone, the
    lowest ok false-alarm rate of those reaching stop recall 0.98, or where none does, the best
    STOP_WEIGHT x stop recall minus ok false-alarm rate (a missed stop weighs twice a needless hold)."""
    idx = np.flatnonzero(rows_used)
    gold = np.array([corpus.rows[i]["verdict"] for i in idx])
    is_stop, is_ok = gold == "stop", gold == "ok"
    rank = {"ok": 0, "sign_off": 1, "stop": 2}
    # Per post, once: the verdict of the categories alone, of what stands when cleared, and whether a stop
    # category could be escalated (which one does not change with the threshold).
    v_all, v_kept, can_escalate = [], [], []
    for i in idx:
        judged = {n: P_stack[i, k] for k, n in enumerate(corpus.names) if corpus.mask[i, k]}
        flagged = {n: p for n, p in judged.items() if p >= th_stack[n]}
        decided = learned.decide(corpus.cats, judged, flagged, feats.found[i])
        v_all.append(rank[verdict_of(d.severity for d in decided)])
        v_kept.append(rank[verdict_of(d.severity for d in decided if d.why in ("rules", "override"))])
        can_escalate.append(escalation(corpus, feats, P_stack, th_stack, i, 1.0, 0.0) is not None)
    v_all, v_kept, can_escalate = np.array(v_all), np.array(v_kept), np.array(can_escalate)
    p_stop, p_hold = P_verdict[idx, 0], P_verdict[idx, 1]

    def rates(v):
        return (((v == 2) & is_stop).sum() / max(is_stop.sum(), 1), ((v > 0) & is_ok).sum() / max(is_ok.sum(), 1))

    base_recall, _ = rates(v_all)
    best, best_key = (1.0, 0.0), None
    for t_stop in STOP_CUTS:
        raised = np.where(can_escalate & (p_stop >= t_stop), 2, v_all)
        for t_hold in HOLD_CUTS:
            recall, fa = rates(np.where(p_hold < t_hold, v_kept, raised))
            if recall < base_recall:
                continue
            key = (1, -fa) if recall >= 0.98 else (0, STOP_WEIGHT * recall - fa)
            if best_key is None or key > best_key:
                best, best_key = (float(t_stop), float(t_hold)), key
    return best

