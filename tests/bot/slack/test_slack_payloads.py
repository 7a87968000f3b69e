import json

from bot.slack.payloads import (
    MAX_VALUE,
    Snapshot,
    feedback_value,
    parse_feedback,
    parse_suggestion,
    suggestion_value,
)
from index.model import QuestionKind


def test_a_snapshot_round_trips():
    snap = Snapshot(
        "slash", QuestionKind.EVERYDAY, (("3-1-3-8", "家賃→住居、滞納"),), ("保護課",), "家賃", 3
    )
    assert Snapshot.decode(snap.encode()) == snap


def test_a_snapshot_stays_within_the_button_limit():
    hits = tuple((f"3-1-{i % 9 + 1}-{i}", "とても長い理由" * 30) for i in range(200))
    snap = Snapshot("mention", QuestionKind.EVERYDAY, hits, ("課",) * 9, "質" * 5000)
    value = snap.encode()
    assert len(value) <= MAX_VALUE
    decoded = Snapshot.decode(value)
    assert decoded is not None and decoded.hits  # shortened, still useful


def test_foreign_values_are_refused():
    assert Snapshot.decode("not json") is None
    assert Snapshot.decode(json.dumps({"s": "slash"})) is None
    assert Snapshot.decode(json.dumps([1, 2])) is None
    assert Snapshot.decode("x" * (MAX_VALUE + 1)) is None
    body = {"s": "slash", "k": "everyday", "h": [["../../etc", "x"], ["3-1-1-1", "y"]]}
    decoded = Snapshot.decode(json.dumps(body))
    assert decoded is not None and decoded.hits == (("3-1-1-1", "y"),)


def test_snapshot_over_current_data_skips_measures_that_are_gone(plan_data):
    snap = Snapshot("slash", QuestionKind.EVERYDAY, (("3-1-3-8", "a、b"), ("3-9-9-99", "")))
    answer = snap.answer(plan_data)
    assert [h.measure.id for h in answer.hits] == ["3-1-3-8"]
    assert answer.hits[0].why == "a、b"


def test_feedback_and_suggestion_values():
    assert parse_feedback(feedback_value("dm", "3-1-3-8")) == ("dm", "3-1-3-8")
    assert parse_feedback("dm|<!channel>") is None
    assert parse_feedback("evil|3-1-3-8") is None
    assert parse_suggestion(suggestion_value("slash", "家賃")) == ("slash", "家賃")
    assert parse_suggestion("slash|") is None
