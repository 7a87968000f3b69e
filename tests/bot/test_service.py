"""Service.answer and feedback never wait for, nor fail with, the usage log."""

import logging
import threading
from pathlib import Path

import pytest

from bot.service import Service
from bot.settings import Settings
from bot.store import BackgroundStore, SqliteStore
from index.engine import Index
from tests.bot.sqlite_helpers import count, locked

WAIT = 30.0  # a bound on waits that end at once when all is well, never a measured time
QUESTION = "家賃が払えない"


@pytest.mark.parametrize(
    "busy_timeout_ms",
    [
        100,  # the writer retries the locked database itself
        120_000,  # the writer waits inside SQLite, far longer than any answer could
    ],
)
def test_answers_never_wait_for_a_locked_database_and_the_entries_follow(
    busy_timeout_ms: int, tmp_path: Path, index: Index
) -> None:
    settings = Settings(db_path=tmp_path / "soudan.db")
    store = BackgroundStore(SqliteStore(settings, busy_timeout_ms=busy_timeout_ms))
    service = Service(settings, index, store)
    expected = [h.measure.id for h in service.answer(QUESTION, surface="web").hits]
    assert expected and store.flush(timeout=WAIT)
    answered: list[list[str]] = []

    def ask() -> None:
        for _ in range(5):
            answered.append([h.measure.id for h in service.answer(QUESTION, surface="slash").hits])
        service.feedback(expected[0], True, surface="slash", user_id="U9")

    try:
        with locked(store.path):
            asker = threading.Thread(target=ask)
            asker.start()
            asker.join(WAIT)
            # Returned while the lock was still held: nothing waited for the database.
            assert not asker.is_alive()
            assert answered == [expected] * 5
        assert store.flush(timeout=WAIT)
        assert count(store.path, "answers") == 6
        assert count(store.path, "feedback") == 1
        assert store.dropped == 0
    finally:
        store.close(timeout=WAIT)


def test_a_store_that_raises_never_costs_an_answer_or_a_vote(
    tmp_path: Path, index: Index, caplog
) -> None:
    class Broken:
        def record_answer(self, event) -> None:
            raise RuntimeError("broken")

        def record_feedback(self, *args, **kwargs) -> None:
            raise RuntimeError("broken")

    service = Service(Settings(db_path=tmp_path / "x.db"), index, Broken())
    with caplog.at_level(logging.WARNING):
        assert service.answer(QUESTION, surface="dm").hits
        service.feedback("3-1-4-10", True, surface="dm")
    assert "answer sent without logging it" in caplog.text
    assert "failed to record feedback" in caplog.text
    assert QUESTION not in caplog.text


def test_the_null_store_accepts_flush_and_close(index: Index) -> None:
    service = Service(Settings(), index)
    assert service.answer(QUESTION, surface="cli").hits
    assert service.store.flush(timeout=1) and service.store.close()


def test_a_built_index_is_set_aside_from_the_garbage_collector(plan_data, analyzer, tmp_path):
    # Its first full collection would otherwise stop one answer (0.2 s at 100x the plan).
    import gc

    from bot.service import build_index

    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    index = build_index(plan_data, tmp_path, analyzer)
    try:
        assert gc.get_freeze_count() > 0
        assert index.search([], plan=3) == []
    finally:
        gc.unfreeze()
