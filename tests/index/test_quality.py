"""Search quality on the development questions must not fall below what we reached.

The floors are the measured numbers (docs/search.md); a change that makes search worse for
these questions fails CI. Raise them when search gets better.
"""

from pathlib import Path

from index.answer import answer
from index.evaluate import evaluate, read_cases

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

FLOORS = {
    "hit@1": 0.93,
    "hit@3": 0.96,
    "recall@5": 0.81,
    "mrr@10": 0.95,
    "department@1": 0.90,
    "abstain": 1.0,
}


def test_development_set_stays_at_or_above_the_floors(index):
    cases = read_cases(FIXTURES / "dev.jsonl")
    assert len(cases) == 70
    summary = evaluate(cases, lambda q: answer(q, index)).summary()
    below = {k: round(summary[k], 3) for k, floor in FLOORS.items() if summary[k] < floor}
    assert below == {}, f"search quality fell below the floor: {below}"
    assert summary["false_abstain"] <= 0.02
