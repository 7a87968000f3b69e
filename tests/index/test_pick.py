"""Type-ahead over the plan's measures for 「正しい取組は？」."""

from __future__ import annotations

from index.pick import pick_measures


def ids(index, typed: str, limit: int = 10) -> list[str]:
    return [m.short_id for m in pick_measures(index, typed, limit)]


def test_an_id_or_its_start_lists_those_measures_first(index) -> None:
    assert ids(index, "1-4-1")[0] == "1-4-1"
    assert ids(index, "3-1-4-1")[0] == "1-4-1"
    assert ids(index, "１－４")[:3] == ["1-4-1", "1-4-2", "1-4-3"]


def test_a_word_of_a_title_finds_it_and_the_search_adds_the_rest(index) -> None:
    assert ids(index, "家計")[0] == "1-4-1"
    assert "3-3-3" in ids(index, "家賃が払えない")  # no title holds it: the search finds it


def test_nothing_typed_lists_the_plan_in_order_and_the_limit_holds(index) -> None:
    assert ids(index, "", 3) == ["1-1-1", "1-1-2", "1-1-3"]
    assert len(ids(index, "支援", 100)) <= 100
    assert len(ids(index, "支援", 5)) == 5
    assert ids(index, "支援", 0) == []


def test_nonsense_gives_nothing_not_an_error(index) -> None:
    assert ids(index, "zzzz") == []
    assert ids(index, "<script>" * 100) == []
    assert ids(index, "😀") == []
