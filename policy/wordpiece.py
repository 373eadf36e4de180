"""BERT's WordPiece tokenizer for an uncased model, as policy/encoder.py feeds all-MiniLM-L6-v2.

Written here (about 80 lines) rather than taken from the `tokenizers` package: it is the reference
BertTokenizer's algorithm, small enough to read, costs ~0.1 ms a post, and adds no compiled dependency for
the sake of one function. tests/policy/test_learned.py checks its ids against the reference's.
"""
from __future__ import annotations

import unicodedata


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True  # all non-letter, non-digit ASCII counts, as in BERT ("$", "^", "`")
    return unicodedata.category(ch).startswith("P")


_ASCII_PUNCTUATION = frozenset(chr(c) for c in range(128) if chr(c).isprintable() and not chr(c).isalnum()
                               and not chr(c).isspace())


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def _strip(word: str) -> str:
    word = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in word if unicodedata.category(c) != "Mn")


def _split_punctuation(word: str) -> list[str]:
    out, piece = [], []
    for c in word:
        if _is_punctuation(c):
            if piece:
                out.append("".join(piece))
                piece = []
            out.append(c)
        else:
            piece.append(c)
    if piece:
        out.append("".join(piece))
    return out


def _basic_tokens(text: str) -> list[tuple[str, int, int]]:
    """BERT's basic tokenizer for an uncased model (clean, split on white space, lower-case, strip
    accents, split off punctuation), with each piece's character offsets in ``text``."""
    out: list[tuple[str, int, int]] = []
    chunk: list[tuple[int, str]] = []  # (offset, character) of the current white-space-separated word

    def flush() -> None:
        if not chunk:
            return
        word = "".join(c for _, c in chunk)
        if word.isascii():  # most words: lower case keeps every offset, nothing to strip
            start = chunk[0][0]
            piece_start = None
            for j, c in enumerate(word.lower()):
                if c in _ASCII_PUNCTUATION:
                    if piece_start is not None:
                        out.append((word[piece_start:j].lower(), start + piece_start, start + j))
                        piece_start = None
                    out.append((c, start + j, start + j + 1))
                elif piece_start is None:
                    piece_start = j
            if piece_start is not None:
                out.append((word[piece_start:].lower(), start + piece_start, start + len(word)))
            chunk.clear()
            return
        pieces = _split_punctuation(_strip(word))
        # The same split on the original characters gives the offsets (normalising can change lengths).
        runs: list[list[int]] = []
        in_word = False
        for i, c in chunk:
            n = _strip(c)
            if not n:
                if runs:
                    runs[-1][1] = i + 1
                continue
            if _is_punctuation(n[0]):
                runs.append([i, i + 1])
                in_word = False
            elif in_word:
                runs[-1][1] = i + 1
            else:
                runs.append([i, i + 1])
                in_word = True
        if len(runs) == len(pieces):
            out.extend((p, r[0], r[1]) for p, r in zip(pieces, runs))
        else:  # rare (a character whose lower case or decomposition splits differently): the whole word
            start, end = chunk[0][0], chunk[-1][0] + 1
            out.extend((p, start, end) for p in pieces)
        chunk.clear()

    for i, ch in enumerate(text):
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD:
            continue
        cat = unicodedata.category(ch)
        if ch in " \t\n\r" or cat == "Zs" or (cat not in ("Cc", "Cf") and ch.isspace()):
            flush()
        elif cat in ("Cc", "Cf"):
            continue
        elif _is_cjk(cp):
            flush()
            chunk.append((i, ch))
            flush()
        else:
            chunk.append((i, ch))
    flush()
    return out


class WordPiece:
    """Greedy longest-match-first WordPiece over a BERT vocabulary."""

    def __init__(self, vocab: list[str]):
        self.ids = {tok: i for i, tok in enumerate(vocab)}
        self.unk = self.ids["[UNK]"]
        self.cls = self.ids["[CLS]"]
        self.sep = self.ids["[SEP]"]

    def word_ids(self, word: str) -> list[int]:
        """No cache of words seen: nothing of a checked text outlives its check."""
        whole = self.ids.get(word)
        if whole is not None:
            return [whole]
        if len(word) > 100:
            return [self.unk]
        ids, start, vocab = [], 0, self.ids
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                sub = word[start:end] if start == 0 else "##" + word[start:end]
                found = vocab.get(sub)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.unk]
            ids.append(found)
            start = end
        return ids

    def encode(self, text: str, max_len: int) -> list[int]:
        """[CLS] ids... [SEP], truncated to ``max_len`` ids in all."""
        return self.encode_with_spans(text, max_len)[0]

    def encode_with_spans(self, text: str, max_len: int) -> tuple[list[int], list[tuple[int, int]]]:
        """The ids and, for each, the characters of ``text`` it came from ([CLS] and [SEP]: (0, 0))."""
        ids, spans = [self.cls], [(0, 0)]
        for word, start, end in _basic_tokens(text):
            pieces = self.word_ids(word)
            ids.extend(pieces)
            spans.extend([(start, end)] * len(pieces))
            if len(ids) >= max_len - 1:
                break
        del ids[max_len - 1:], spans[max_len - 1:]
        ids.append(self.sep)
        spans.append((0, 0))
        return ids, spans
