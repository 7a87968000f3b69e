import logging
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import store as store_module
from bot.store import SqliteStore
from tests.bot.sqlite_helpers import locked
from tests.bot.store.helpers import (
    QUESTION,
    ROOT,
    WAIT,
    Clock,
    count,
    event,
    make_settings,
    rows,
    wait_for,
    write_from_eight_threads,
)


def test_entries_queued_while_the_database_is_locked_are_written_once_it_is_released(
    tmp_path: Path, background
) -> None:
    settings = make_settings(tmp_path, log_question_text=True)
    store = background(settings)
    with locked(store.path):
        for i in range(20):
            store.record_answer(event(question=f"{QUESTION} {i}"))
        store.record_feedback("3-1-4-10", True, surface="dm", user_id="U1")
        # Taken by the writer, which keeps them while it waits for the lock.
        assert wait_for(lambda: store.pending == 0)
        assert not store.flush(timeout=0.2)
        assert count(store.path, "answers") == 0
    assert store.flush(timeout=WAIT)
    assert count(store.path, "answers") == count(store.path, "question_texts") == 20
    assert count(store.path, "feedback") == 1
    assert store.dropped == 0


def test_a_batch_locked_out_too_long_is_dropped_counted_and_logged_without_the_question(
    tmp_path: Path, background, caplog
) -> None:
    store = background(make_settings(tmp_path), busy_timeout_ms=50, locked_retry_s=0.2)
    with caplog.at_level(logging.WARNING), locked(store.path):
        for _ in range(3):
            store.record_answer(event())
        store.record_feedback("3-1-4-10", False, surface="web", user_id="U1")
        assert store.flush(timeout=WAIT)  # given up on
    assert store.dropped == 4
    assert "usage log entries dropped (OperationalError: database is locked)" in caplog.text
    for secret in ("家賃", "田中", "090", "U123"):
        assert secret not in caplog.text
    store.record_answer(event())  # the writer goes on
    assert store.flush(timeout=WAIT)
    assert count(store.path, "answers") == 1
    assert store.dropped == 4


def test_a_full_queue_drops_and_counts_without_raising(tmp_path: Path, background, caplog) -> None:
    store = background(make_settings(tmp_path), max_queue=5)
    with caplog.at_level(logging.WARNING), locked(store.path):
        store.record_answer(event())
        assert wait_for(lambda: store.pending == 0)  # the writer holds it, waiting
        for i in range(12):
            store.record_answer(event(question=f"{QUESTION} {i}"))
        store.record_feedback("3-1-4-10", True, surface="dm", user_id="U1")
        assert store.pending == 5
        assert store.dropped == store.dropped_queue_full == 8
    assert store.flush(timeout=WAIT)
    assert count(store.path, "answers") == 6
    assert count(store.path, "feedback") == 0
    assert store.dropped == 8
    full = [r.getMessage() for r in caplog.records if "queue is full" in r.getMessage()]
    assert len(full) == 1  # once a minute at most
    assert "家賃" not in caplog.text and "U1" not in caplog.text


def test_close_writes_everything_queued_and_drops_what_comes_later(
    tmp_path: Path, background
) -> None:
    settings = make_settings(tmp_path)
    store = background(settings, max_batch=64)
    for i in range(1000):
        store.record_answer(event(user=f"U{i % 7}"))
        if i % 10 == 0:
            store.record_feedback("3-1-4-10", i % 20 == 0, surface="slash", user_id="U1")
    assert store.close(timeout=WAIT)  # no flush before
    assert count(settings.db_path, "answers") == 1000
    assert count(settings.db_path, "feedback") == 100
    assert store.dropped == 0
    store.record_answer(event())
    store.record_feedback("3-1-4-10", True, surface="slash", user_id="U1")
    assert store.dropped == 2
    assert store.close() and store.flush(timeout=WAIT)
    assert count(settings.db_path, "answers") == 1000


def test_eight_threads_and_two_workers_record_through_writers_without_losing_an_entry(
    tmp_path: Path, background
) -> None:
    settings = make_settings(tmp_path, log_question_text=True)
    workers = [background(settings), background(settings)]
    assert write_from_eight_threads(workers, 250) == []
    assert all(worker.flush(timeout=WAIT) for worker in workers)
    assert [(w.dropped, w.dropped_queue_full) for w in workers] == [(0, 0), (0, 0)]
    assert rows(settings.db_path, "SELECT COUNT(*), COUNT(DISTINCT user_hash) FROM answers") == [
        (2000, 8)
    ]
    assert count(settings.db_path, "feedback") == 200
    # Each text belongs to its own answer, though the two writers' batches interleave.
    linked = rows(
        settings.db_path,
        "SELECT q.text, a.user_hash, q.at = a.at FROM question_texts q"
        " JOIN answers a ON a.id = q.answer_id",
    )
    assert len(linked) == 2000
    hashes = {workers[0].user_hash(f"U{n}"): n for n in range(8)}
    assert all(text.split()[1] == str(hashes[user]) and same_at for text, user, same_at in linked)


def test_a_batch_links_each_text_to_its_own_answer(tmp_path: Path, background) -> None:
    settings = make_settings(tmp_path, log_question_text=True)
    start = datetime(2025, 4, 1, tzinfo=UTC)
    clock = Clock(start)
    store = background(settings, clock=clock, linger_s=0.05)
    plain = SqliteStore(settings)  # another worker writing in between
    plain.record_answer(event(question="最初の質問"))
    for minute in range(1, 6):
        clock.now = start + timedelta(minutes=minute)
        # Minute 3 keeps no text: masking leaves nothing of it.
        store.record_answer(event(question=f"質問{minute}" if minute != 3 else "   "))
        store.record_feedback("3-1-4-10", True, surface="dm", user_id=None)
    assert store.flush(timeout=WAIT)
    plain.record_answer(event(question="最後の質問"))
    plain.close()
    linked = rows(
        settings.db_path,
        "SELECT a.at, q.text FROM answers a LEFT JOIN question_texts q ON q.answer_id = a.id"
        " ORDER BY a.id",
    )
    expected = [f"質問{m}" if m != 3 else None for m in range(1, 6)]
    assert [text for _, text in linked] == ["最初の質問", *expected, "最後の質問"]
    assert [datetime.fromisoformat(at).minute for at, _ in linked[1:6]] == [1, 2, 3, 4, 5]
    assert count(settings.db_path, "feedback") == 5


def test_the_writer_survives_a_broken_database_and_writes_again_once_it_is_back(
    tmp_path: Path, background, caplog
) -> None:
    settings = make_settings(tmp_path)
    store = background(settings)
    folder = settings.db_path.parent
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    folder.write_text("the folder became a file")
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            store.record_answer(event())
        assert store.flush(timeout=WAIT)
    assert store.dropped == 3
    assert "usage log entries dropped" in caplog.text
    folder.unlink()
    folder.mkdir()
    store.record_answer(event())
    store.record_feedback("3-1-4-10", True, surface="dm", user_id="U1")
    assert store.flush(timeout=WAIT)
    assert count(settings.db_path, "answers") == count(settings.db_path, "feedback") == 1
    assert store.dropped == 3


def test_the_writer_purges_old_question_text_when_due(tmp_path: Path, background) -> None:
    settings = make_settings(tmp_path, log_question_text=True, log_retention_days=30)
    now = datetime.now(UTC)
    clock = Clock(now - timedelta(days=31))
    store = background(settings, clock=clock)
    store.record_answer(event(question="古い質問"))
    clock.now = now
    store.record_answer(event(question="今日の質問"))
    assert store.flush(timeout=WAIT)
    assert count(settings.db_path, "question_texts") == 2  # not due yet
    store.store._last_purge -= store_module.PURGE_INTERVAL_S + 1
    store.record_answer(event(question="もう一つ"))
    assert store.flush(timeout=WAIT)
    assert wait_for(lambda: count(settings.db_path, "question_texts") == 2)
    texts = {t for (t,) in rows(settings.db_path, "SELECT text FROM question_texts")}
    assert texts == {"今日の質問", "もう一つ"}
    assert count(settings.db_path, "answers") == 3


EXIT_SCRIPT = """
import sys
from bot.service import AnswerEvent
from bot.settings import Settings
from bot.store import open_store
from index.model import Answer, QuestionKind

store = open_store(Settings(db_path=sys.argv[1]))
answer = Answer("質問", QuestionKind.EVERYDAY, (), (), abstained=True)
for _ in range(300):
    store.record_answer(AnswerEvent("cli", None, answer, 1.0))
store.record_feedback("3-1-4-10", True, surface="cli", user_id=None)
print(type(store).__name__)
"""


def test_queued_entries_are_written_when_the_process_exits(tmp_path: Path) -> None:
    path = tmp_path / "exit.db"
    done = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, str(path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "BackgroundStore"  # no close, no flush: atexit wrote them
    assert count(path, "answers") == 300
    assert count(path, "feedback") == 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_writes_through_its_own_writer(tmp_path: Path, background) -> None:
    settings = make_settings(tmp_path)
    store = background(settings)
    os.register_at_fork(after_in_child=store.fork_hook())  # as bot.bootstrap does
    store.record_answer(event(surface="web"))
    assert store.flush(timeout=WAIT)  # the parent's writer is running
    pid = os.fork()
    if pid == 0:  # the child: report through the exit status only
        ok = False
        try:
            store.record_answer(event(surface="dm"))
            store.record_answer(event(surface="dm"))
            ok = store.flush(timeout=WAIT) and store.close(timeout=WAIT) and store.dropped == 0
        finally:
            os._exit(0 if ok else 1)
    deadline = time.monotonic() + WAIT
    while (finished := os.waitpid(pid, os.WNOHANG)) == (0, 0) and time.monotonic() < deadline:
        time.sleep(0.01)
    if finished == (0, 0):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child did not finish")
    assert os.waitstatus_to_exitcode(finished[1]) == 0
    store.record_answer(event(surface="web"))
    assert store.flush(timeout=WAIT)
    assert rows(store.path, "SELECT surface, COUNT(*) FROM answers GROUP BY surface") == [
        ("dm", 2),
        ("web", 2),
    ]
