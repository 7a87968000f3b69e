import pytest

from index.question import (
    MAX_QUESTION_CHARS,
    SHORTENED_NOTICE,
    clean,
    find_measure_id,
    shorten,
)


def test_shorten_cuts_at_the_limit_and_says_so():
    assert shorten("あ" * MAX_QUESTION_CHARS) == ("あ" * MAX_QUESTION_CHARS, False)
    assert shorten("あ" * (MAX_QUESTION_CHARS + 1)) == ("あ" * MAX_QUESTION_CHARS, True)


def test_clean_removes_markup_and_normalizes():
    cleaned = clean("<@U1> ＳＮＳ\u200bで <https://x.example|相談>")
    assert cleaned.text == "sns で 相談" and not cleaned.truncated


def test_the_shortened_notice_names_the_limit():
    assert f"{MAX_QUESTION_CHARS}文字" in SHORTENED_NOTICE


@pytest.mark.parametrize("text", ["3-1-3-8", "1-3-8 の窓口", "1-(3) no.8"])
def test_find_measure_id_reads_every_way_of_writing_it(plan_data, text):
    assert find_measure_id(text, plan_data).id == "3-1-3-8"
