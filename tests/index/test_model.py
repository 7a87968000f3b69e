import pytest

from index.model import (
    MEASURE_ID,
    MEASURE_ID_IN_TEXT,
    SECTION_STYLE_DASHED,
    SECTION_STYLE_IN_TEXT,
    Plan,
    fullwidth_digits,
)


@pytest.mark.parametrize("text", ["3-1-3-8", "2-4-2-12"])
def test_a_whole_id(text):
    assert MEASURE_ID.fullmatch(text)


@pytest.mark.parametrize("text", ["1-3-8", "3-1-3-08", "4-1-3-8", "3-10-3-8", "3-1-3-8 ", ""])
def test_not_a_whole_id(text):
    assert not MEASURE_ID.fullmatch(text)


def test_an_id_in_a_sentence_may_leave_out_the_plan():
    assert MEASURE_ID_IN_TEXT.search("1-3-8 について").groups() == (None, "1", "3", "8")
    assert MEASURE_ID_IN_TEXT.search("3-1-3-8の担当").groups() == ("3", "1", "3", "8")


@pytest.mark.parametrize("text", ["043-245-5111", "1-3-8-2", "1-3-123"])
def test_a_longer_run_of_digits_is_no_id(text):
    assert not MEASURE_ID_IN_TEXT.search(text)


@pytest.mark.parametrize("text", ["1-(3) No.8", "1-(3)no8", "1-(3)の8"])
def test_the_printed_numbering(text):
    assert SECTION_STYLE_IN_TEXT.search(text).groups() == ("1", "3", "8")


def test_the_printed_numbering_with_a_dash_is_a_variant_of_its_own():
    assert not SECTION_STYLE_IN_TEXT.search("2次で1-(4)-7だった")
    assert SECTION_STYLE_DASHED.search("2次で1-(4)-7だった").groups() == ("1", "4", "7")


def test_plan_numbers_are_printed_full_width():
    assert Plan(3, "").short == "第３期"
    assert fullwidth_digits("1-3") == "１-３"
