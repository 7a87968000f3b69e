"""BM25F scoring as small named functions (after rank_bm25 / bm25s).

Fields are blended before saturation (BM25F): a term in the title counts as several
occurrences, so a measure named for the need outranks one that mentions it in passing,
but ten mentions never beat one title.
"""

from __future__ import annotations

import math

K1 = 1.2
B = 0.75


def idf(doc_freq: int, n_docs: int) -> float:
    """Lucene's BM25 idf: always positive, so a common term never subtracts."""
    return math.log(1.0 + (n_docs - doc_freq + 0.5) / (doc_freq + 0.5))


def field_tf(tf: float, length: float, avg_length: float, b: float = B) -> float:
    """Length-normalized term frequency of one field."""
    if tf == 0:
        return 0.0
    norm = 1.0 - b + b * (length / avg_length if avg_length else 1.0)
    return tf / norm


def saturate(blended_tf: float, k1: float = K1) -> float:
    return blended_tf * (k1 + 1.0) / (blended_tf + k1)
