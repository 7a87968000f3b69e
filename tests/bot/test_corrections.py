"""A correction: validated values, and words that carry no client detail."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.corrections import NOT_IN_PLAN, UNKNOWN, Correction, question_words


def test_a_correction_keeps_only_well_formed_values() -> None:
    c = Correction.of("3-1-4-1", ("3-1-4-10", "<script>", "3-3-3-3"), "住まい", ("家賃", "滞納"))
    assert c == Correction("3-1-4-1", ("3-1-4-10", "3-3-3-3"), "住まい", ("家賃", "滞納"))
    assert Correction.of("1-4-1; DROP TABLE", ()) is None
    assert Correction.of("", ()) is None
    assert Correction.of(NOT_IN_PLAN, ()).chosen == NOT_IN_PLAN


def test_words_from_a_button_are_sorted_bounded_and_never_numbers() -> None:
    c = Correction.of("3-1-4-1", (), "", ("滞納", "家賃", "09012345678", "x" * 50, "", "家賃"))
    assert c.words == ("家賃", "滞納")


def test_unknown_keeps_no_words_and_teaches_nothing() -> None:
    c = Correction.of(UNKNOWN, ("3-1-4-1",), "", ("家賃",))
    assert c.words == () and not c.teaches
    assert Correction.of("3-1-4-1", (), "", ("家賃",)).teaches


def test_question_words_leave_out_every_detail_the_masking_hides(analyzer) -> None:
    question = (
        "山田太郎さん（昭和45年3月1日生、090-1234-5678、千葉市中央区富士見2丁目3番1号）。"
        "マイナンバー 1234 5678 9012。家賃を3か月滞納、消費者金融の返済もある。"
    )
    words = question_words(question, analyzer)
    assert {"家賃", "滞納", "返済"} <= set(words)
    joined = "".join(words)
    for detail in ("山田", "太郎", "昭和", "富士見", "電話", "番号", "住所", "氏名", "日付"):
        assert detail not in joined, detail
    assert not re.search(r"\d", joined)


_JAPANESE = st.text(alphabet="あいうえおかきくけこ家賃滞納借金仕事息子娘は、。", max_size=20)


@settings(max_examples=150, deadline=None)
@given(
    before=_JAPANESE,
    after=_JAPANESE,
    digits=st.text(alphabet="0123456789０１２３４５６７８９", min_size=3, max_size=12),
    sep=st.sampled_from(["", " ", "-", "－", "\n"]),
)
def test_no_digit_of_any_identifier_reaches_the_words(analyzer, before, after, digits, sep):
    written = sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))
    words = question_words(f"{before}番号{written}{after}", analyzer)
    assert not any(c.isdigit() for w in words for c in w)
