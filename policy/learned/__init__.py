"""The checker's learned layer: one logistic regression per meaning category (issue 11, item 3), stacked on
the rule layers' evidence.

    from policy import learned
    learned.findings("What a bunch of lazy idiots", profile="staff")      # the learned layer alone
    # [LearnedFinding(category="hate_or_abuse", severity="stop", section="3.9", message="...",
    #                 span=(17, 23), confidence=0.93, evidence=(("weighed towards this", 17, 23), ...))]

Each category's score is a logistic regression over: the post's sentence embedding (policy/encoder.py,
all-MiniLM-L6-v2; the means of its last, fourth and second layers, model.json "embedding_layers") with the
profile and whether there is an image; hashed word, word-pair and character
n-grams; and what the rule layers found (for each category, the best band its rules reached, high, medium
or low, one-hot, and that finding's confidence, 0-1). So the model learns when a rule hit is a false alarm
("never give your card details") and when a weak rule hit plus the meaning is enough (a mistyped number
beside "ring her"), blended 50/50 with a small MLP (256 units over the embedding, the flags and the rules'
evidence; model.Mlp). Inference is numpy only. The weights and each category's threshold are data in
policy/pack/learned/ (model.npz, model.json), written by tools/train_checker.py from policy/eval/train/ and
dev.jsonl together, with thresholds chosen on out-of-fold scores; what each category is called for which
profile, its section, its message and its hard overrides are in categories.toml. A category applies only to
the profiles listed there (a councillor's post about their own party is not "political"); for the others
the rules' findings stand as they are.

``decide`` turns the scores and the rule findings into what the checker reports: a category whose score
reaches its threshold is flagged at its severity (keeping the rules' findings, with their words, where the
rules found it); a rule finding whose category scores below it is dropped as a false alarm, unless it is one
of the hard overrides (a validated identifier in its frame at high confidence: a Luhn-valid card with card
words, a password or one-time code, an NI or NHS number), which always stop. Every finding says how sure the
checker is and which words triggered it, as spans (never copies: nothing of the text is kept). A stop category
flagged only just (under its report bar, its best F1 cut) is left out when another stop stands, in a model whose
training chose that (model.json ``method.report``): the verdict is the same, the reason given the surer one.

Above the categories sits the verdict head (model.VERDICT_OUTPUTS), trained on the verdict itself with the
same features: its "stop" output stops a post that no stop category was sure enough of (under the stop
category nearest its threshold), and below its threshold its "hold" output clears the learned layer's findings
from a post it reads as fine as a whole (the rules' hard overrides still stop). Its two thresholds are chosen
for the verdict targets, stop recall first (tools/train_checker.py). Those thresholds apply to the verdict
forest's stop and hold (forest.py): boosted trees, trained on the verdict, over what the heads say (each
category's stacked and text-only probability, the verdict head's own stop and hold), the rules' evidence and how
the most similar training posts were judged (neighbours.py). It learns which of the first level's
disagreements to believe; out of fold it lowered the ok false alarm from 0.079 to 0.052 at the same stop recall.

The model also carries a second head trained on the text alone (no rule evidence): ``findings`` uses it, so
that the learned layer can be measured apart from the rules (bench/checker_eval.py).

For many posts at once (the CSV and JSON-lines modes), ``with learned.prefetch(texts):`` encodes them in
batches ahead of the check() calls that use them. ``warm()`` loads everything at start-up.

One module per job: features (what the classifiers see), categories (the pack's category table), model (the
weights, loaded and checked once), encoding (embeddings, batched ahead with ``prefetch``), scoring (a post's
scores and the layer's own findings), forest and neighbours (the verdict forest and the votes it reads), decide
(the rules and the scores together). Import them from here:
``from policy import learned``.
"""
from __future__ import annotations

from policy.check_pack import PackError
from policy.learned.categories import Category, Override, load_categories
from policy.learned.decide import REPORT_SCOPES, Decision, decide
from policy.learned.encoding import prefetch
from policy.learned.features import (
    CHAR_NGRAMS, N_HASH, RULE_BANDS, RULE_WIDTH, dense_extra, hashed_features, rule_vector, tokens,
)
from policy.learned.model import ENV_SWITCH, HEADS, LEARNED_DIR, VERDICT_OUTPUTS, Head, Model, enabled, get_model
from policy.learned.scoring import WEIGHED, LearnedFinding, Scored, findings, judge, score, sure, warm

__all__ = [
    "CHAR_NGRAMS", "Category", "Decision", "ENV_SWITCH", "HEADS", "Head", "LEARNED_DIR", "LearnedFinding", "Model",
    "N_HASH", "Override", "PackError", "REPORT_SCOPES", "RULE_BANDS", "RULE_WIDTH", "Scored", "WEIGHED", "decide",
    "dense_extra", "enabled", "findings", "get_model", "hashed_features", "judge", "load_categories", "prefetch", "rule_vector",
    "score", "sure", "tokens", "VERDICT_OUTPUTS", "warm",
]
