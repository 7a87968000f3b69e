import json

import pytest

from bot.corrections import MAX_NEED
from bot.slack.payloads import (
    MAX_VALUE,
    CorrectionContext,
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


# ------------------------------------------------------------------ 「違う」


def test_a_correction_context_round_trips():
    context = CorrectionContext("dm", ("3-1-4-1", "3-3-3-1"), "住まい", ("家賃", "滞納"))
    assert CorrectionContext.decode(context.encode()) == context
    nearby = CorrectionContext("slash", ("3-1-4-1",), "", ("宇宙",), vote=False)
    assert CorrectionContext.decode(nearby.encode()) == nearby
    assert CorrectionContext.from_value(context.encode()) == context


def test_a_correction_context_drops_words_from_the_end_to_fit_a_button():
    words = tuple(f"{chr(0x3042 + i)}{'長' * 60}" for i in range(40))
    context = CorrectionContext("slash", tuple(f"3-1-4-{n}" for n in range(1, 9)), "住" * 99, words)
    value = context.encode()
    assert len(value) <= MAX_VALUE
    decoded = CorrectionContext.decode(value)
    assert decoded is not None
    assert 0 < len(decoded.words) < 40
    assert decoded.words == words[: len(decoded.words)]  # the first words are the ones kept
    assert decoded.shown == ("3-1-4-1", "3-1-4-2", "3-1-4-3", "3-1-4-4", "3-1-4-5")
    assert len(decoded.need) == MAX_NEED


def test_the_old_not_helpful_value_still_reads_as_a_vote_without_words():
    # Buttons posted before corrections carried surface|measure_id.
    context = CorrectionContext.from_value("mention|3-1-3-8")
    assert context == CorrectionContext("mention", ("3-1-3-8",), "", (), vote=True)
    assert CorrectionContext.from_value("mention|<!channel>") is None
    assert CorrectionContext.from_value("evil|3-1-3-8") is None


@pytest.mark.parametrize(
    "value",
    [
        "",
        "{not json",
        "[1, 2]",
        json.dumps({"s": "web", "h": []}),  # not a Slack surface
        json.dumps({"s": "dm", "h": "3-1-4-1"}),
        json.dumps({"s": "dm", "h": [], "w": "家賃"}),
        json.dumps({"s": ["dm"], "h": []}),
        json.dumps({"h": ["3-1-4-1"]}),
        "{" + "x" * MAX_VALUE + "}",
    ],
)
def test_a_garbled_correction_context_is_refused(value):
    assert CorrectionContext.decode(value) is None
    assert CorrectionContext.from_value(value) is None


def test_a_correction_context_keeps_only_well_formed_ids():
    value = json.dumps({"s": "dm", "h": ["../x", "3-1-4-1", 7], "w": ["家賃", 3], "n": None})
    decoded = CorrectionContext.decode(value)
    assert decoded == CorrectionContext("dm", ("3-1-4-1",), "", ("家賃",))
