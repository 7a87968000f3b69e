"""The array scoring ranks exactly as the loops over postings it replaced (issue 15): same
measures in the same order, same scores to 1e-9, on every question of the project's sets."""

import json
from pathlib import Path

import pytest

from index.answer import build_query
from index.question import wants_awareness
from tests.index.reference_scoring import reference_by_source, reference_search

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _questions() -> list[str]:
    out = []
    for path in sorted(FIXTURES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["q"])
    return out


QUESTIONS = _questions()


def _same(got: list[tuple[str, float]], want: list[tuple[str, float]]) -> None:
    assert [m for m, _ in got] == [m for m, _ in want]
    for (_, a), (_, b) in zip(got, want, strict=True):
        assert a == pytest.approx(b, abs=1e-9)


@pytest.mark.parametrize("plan", [3, 2])
def test_search_matches_the_reference_on_every_question(index, plan):
    assert len(QUESTIONS) > 3000
    for question in QUESTIONS:
        query = build_query(question, index)
        awareness = wants_awareness(question)
        got = index.search(query, plan=plan, wants_awareness=awareness)
        want = reference_search(index, query, plan=plan, wants_awareness=awareness)
        # Hits carry scores to four places, as the ranking reads them.
        _same([(h.measure.id, h.score) for h in got], [(m, round(s, 4)) for m, s in want])


def test_a_need_search_and_a_limit_match_the_reference(index):
    needs = index.data.needs
    for number, question in enumerate(QUESTIONS):
        query = build_query(question, index)
        category = needs[number % len(needs)]
        part = query[: max(1, len(query) // 2)]
        got = index.search(part, limit=5, only=category.members, whole=query)
        want = reference_search(index, part, only=category.members, whole=query)[:5]
        _same([(h.measure.id, h.score) for h in got], [(m, round(s, 4)) for m, s in want])


def test_words_searched_alone_match_the_reference(index):
    for question in QUESTIONS:
        query = build_query(question, index)
        got = index.by_source(query, whole=query)
        want = reference_by_source(index, query, whole=query)
        assert got.keys() == want.keys()
        for source, ranked in got.items():
            _same([(m.id, s) for s, m in ranked], want[source])


def test_a_hit_says_which_words_matched(index):
    query = build_query("家賃を3か月滞納している", index)
    hit = index.search(query, limit=1)[0]
    assert hit.matched
    terms = {q.term for q in query}
    assert {m.term for m in hit.matched} <= terms
