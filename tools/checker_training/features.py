"""Everything a classifier sees of the corpus, computed once: embeddings, n-grams, the rule layers' evidence."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from policy import encoder as enc
from policy import learned
from policy.check_engine import evaluate
from policy.checker import PACK, OwnContacts, _own_index

BETA = 1.0  # weight of the profile and image flags
GAMMA = 1.0  # weight of the rule evidence (one-hot bands and a 0-1 confidence, like the flags)
# The embedding: the means of the encoder's last, fourth and second layers, side by side (each unit length): the
# earlier layers keep more of the words than the last. Candidate (e2) of the method experiments (train_checker).
EMBEDDING_LAYERS = (6, 4, 2)


class Features:
    """Everything a classifier sees for a list of posts, computed once."""

    def __init__(self, rows: list[dict], encoder: enc.Encoder, names: list[str], layers: tuple[int, ...]):
        self.layers = tuple(layers)
        self.emb = encoder.encode([r["text"] for r in rows], layers=self.layers)
        self.extra = np.stack([learned.dense_extra(r["profile"], r["has_image"]) for r in rows])
        indptr, indices, data = [0], [], []
        for r in rows:
            idx, val, _, _ = learned.hashed_features(learned.tokens(r["text"]))
            order = np.argsort(idx, kind="stable")
            idx, val = idx[order], val[order]
            uniq, first = np.unique(idx, return_index=True)  # colliding features add up
            summed = np.add.reduceat(val, first) if len(val) else val
            indices.append(uniq)
            data.append(summed)
            indptr.append(indptr[-1] + len(uniq))
        self.ngrams = sp.csr_matrix((np.concatenate(data), np.concatenate(indices), np.array(indptr)),
                                    shape=(len(rows), learned.N_HASH), dtype=np.float32)
        self.used = np.unique(self.ngrams.indices)  # buckets never seen in training keep no weight
        # The rule layers, as check() runs them with no organisation file (the pack's published contacts only).
        own = _own_index(OwnContacts())
        index = {n: i for i, n in enumerate(names)}
        self.found, rule_rows = [], []
        for r in rows:
            quiet: list = []
            raw = evaluate(PACK, r["text"], r["profile"], r["has_image"], own, quiet=quiet)
            self.found.append(raw)
            rule_rows.append(learned.rule_vector(index, raw + quiet))
        self.rules = np.stack(rule_rows).reshape(len(rows), len(names), learned.RULE_WIDTH)

    def text_matrix(self, alpha: float):
        """[alpha * embedding | BETA * flags | the n-gram buckets seen in training]."""
        dense = np.hstack([alpha * self.emb, BETA * self.extra])
        return sp.hstack([sp.csr_matrix(dense), self.ngrams[:, self.used]], format="csr")

    def mlp_matrix(self) -> np.ndarray:
        """What the MLP sees: [embedding | flags | every category's rule evidence], dense."""
        return np.hstack([self.emb, self.extra, self.rules.reshape(len(self.emb), -1)]).astype(np.float32)

    def design(self, alpha: float, scope: str | None):
        """A function: category index -> the matrix its classifier sees (scope None: the text alone)."""
        text = self.text_matrix(alpha)
        if scope is None:
            return lambda k: text
        if scope == "all":
            full = sp.hstack([text, sp.csr_matrix(GAMMA * self.rules.reshape(len(self.emb), -1))], format="csr")
            return lambda k: full
        return lambda k: sp.hstack([text, sp.csr_matrix(GAMMA * self.rules[:, k, :])], format="csr")

