import math

import pytest

from index.bm25 import field_tf, idf, saturate


def test_bm25_pieces_behave():
    assert idf(1, 100) > idf(50, 100) > 0
    assert field_tf(1, 10, 5) < field_tf(1, 5, 5)
    assert saturate(100) < 2.2 and saturate(1) < saturate(2)


def test_one_score_worked_by_hand():
    # Three measures; the term is in one of them, twice, in a field of 6 tokens where the
    # field's average is 4 (k1 = 1.2, b = 0.75):
    #   idf      = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)) = ln(1 + 2.5 / 1.5) = ln(8/3) ≈ 0.98083
    #   norm     = 1 - 0.75 + 0.75 * 6 / 4 = 0.25 + 1.125 = 1.375
    #   field_tf = 2 / 1.375 = 16/11 ≈ 1.45455
    #   saturate = (16/11) * 2.2 / (16/11 + 1.2) = 35.2 / 29.2 = 88/73 ≈ 1.20548
    #   score    = idf * saturate = ln(8/3) * 88/73 ≈ 1.18237
    assert idf(1, 3) == pytest.approx(math.log(8 / 3))
    assert field_tf(2, 6, 4) == pytest.approx(16 / 11)
    assert saturate(16 / 11) == pytest.approx(88 / 73)
    assert idf(1, 3) * saturate(field_tf(2, 6, 4)) == pytest.approx(1.18237, abs=1e-5)
