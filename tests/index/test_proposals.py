"""Corrections into proposals: people counted, not clicks; only what the data lacks."""

from __future__ import annotations

import pytest

from index.proposals import (
    NOT_IN_PLAN,
    OUTSIDE,
    OUTSIDE_CATEGORY,
    SITUATIONS,
    UNKNOWN,
    CorrectionRecord,
    propose,
    read_rows,
    rows_csv,
)


def by(chosen: str, words: tuple[str, ...], *users: str) -> list[CorrectionRecord]:
    return [CorrectionRecord(chosen, words, user) for user in users]


def proposed(result) -> set[tuple[str, str]]:
    return {(p.target, p.word) for p in result.proposals}


def test_a_word_from_two_people_is_proposed_in_the_situations_row_format(index) -> None:
    result = propose(by("3-1-4-1", ("トリマー", "家計"), "a", "b"), index, note="n")
    [proposal] = [p for p in result.proposals if p.word == "トリマー"]
    assert proposal.file == SITUATIONS and proposal.row == ("3-1-4-1", "トリマー")
    assert (proposal.users, proposal.clicks) == (2, 2)
    assert result.corrections == 2 and result.users == 2


def test_one_person_is_never_a_rule_however_often_they_click(index) -> None:
    assert propose(by("3-1-4-1", ("トリマー",), *["a"] * 50), index).proposals == ()


def test_a_word_already_leading_to_the_measure_is_not_proposed(index) -> None:
    # 家計 alone already puts 家計改善支援 (3-1-4-1) first.
    assert ("3-1-4-1", "家計") not in proposed(propose(by("3-1-4-1", ("家計",), "a", "b"), index))


def test_words_across_the_plan_and_light_words_are_not_proposed(index) -> None:
    result = propose(by("3-1-4-1", ("相談", "困る", "出す"), "a", "b", "c"), index)
    assert result.proposals == ()


def test_a_word_split_between_measures_goes_where_most_people_chose(index) -> None:
    records = by("3-1-4-1", ("トリマー",), "a", "b", "c") + by("3-3-3-3", ("トリマー",), "d", "e")
    assert proposed(propose(records, index)) == {("3-1-4-1", "トリマー")}
    # Two against two: half is enough (MIN_SHARE), so the editor sees both and decides.
    even = by("3-1-4-1", ("トリマー",), "a", "b") + by("3-3-3-3", ("トリマー",), "c", "d")
    assert len(propose(even, index).proposals) == 2


def test_not_in_plan_words_become_outside_rows_unless_the_plan_uses_them(index) -> None:
    records = by(NOT_IN_PLAN, ("トリマー", "滞納", "パスポート"), "a", "b")
    result = propose(records, index, note="訂正から")
    assert proposed(result) == {(NOT_IN_PLAN, "トリマー")}  # 滞納 leads to the plan,
    [row] = [p.row for p in result.proposals]  # パスポート is already outside
    assert row == (OUTSIDE_CATEGORY, "トリマー", "訂正から")
    assert result.proposals[0].file == OUTSIDE


def test_unknown_is_ignored_and_a_removed_measure_is_reported_not_proposed(index) -> None:
    records = by(UNKNOWN, ("トリマー",), "a", "b") + by("3-9-9-9", ("トリマー",), "a", "b", "c")
    result = propose(records, index)
    assert result.proposals == ()
    assert result.gone == (("3-9-9-9", 3, 3),)
    assert result.corrections == 3


def test_rows_round_trip_through_the_csv_an_editor_keeps(index) -> None:
    records = by("3-1-4-1", ("トリマー",), "a", "b") + by(NOT_IN_PLAN, ("トリミング",), "a", "b")
    text = rows_csv(propose(records, index, note="n"))
    assert text.startswith("id,phrase\n3-1-4-1,トリマー\n\ncategory,words,note\n")
    rows = read_rows("\ufeff" + text.replace("\n", "\r\n"))
    assert rows == {
        SITUATIONS: [("3-1-4-1", "トリマー")],
        OUTSIDE: [(OUTSIDE_CATEGORY, "トリミング", "n")],
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("measure,word\n3-1-4-1,x\n", "1行目"),
        ("id,phrase\n3-1-4-1,家計簿,extra\n", "2行目"),
    ],
)
def test_rows_that_are_no_data_file_s_are_refused_with_the_line(text, message) -> None:
    with pytest.raises(ValueError, match=message):
        read_rows(text)
