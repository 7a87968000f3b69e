import hashlib
import hmac
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import store as store_module
from bot.masking import NAME, PHONE
from bot.service import AnswerEvent, NullStore, Service
from bot.settings import Settings
from bot.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    BackgroundStore,
    SqliteStore,
    connect,
    open_store,
)
from index.engine import Index
from index.model import Answer, Hit, Measure, QuestionKind
from tests.bot.sqlite_helpers import locked
from tests.factories import make_measure

QUESTION = "田中花子さん 090-1234-5678 家賃が払えない"
ROOT = Path(__file__).resolve().parents[2]
WAIT = 30.0  # a bound on waits that end at once when all is well, never a measured time


def measure(measure_id: str) -> Measure:
    return make_measure(measure_id, f"取組{measure_id}", summary="概要", section_title="節")


def answer(question: str = QUESTION, ids: tuple[str, ...] = ("3-1-4-10",), **kw) -> Answer:
    hits = tuple(Hit(measure(i), 1.0 / (n + 1)) for n, i in enumerate(ids))
    return Answer(
        question=question,
        kind=kw.pop("kind", QuestionKind.EVERYDAY),
        hits=hits,
        departments=("保護課",),
        abstained=kw.pop("abstained", not ids),
        **kw,
    )


def event(surface: str = "slash", user: str | None = "U123", **kw) -> AnswerEvent:
    return AnswerEvent(surface, user, answer(**kw), 12.34)


def make_settings(tmp_path: Path, **kw) -> Settings:
    return Settings(db_path=kw.pop("db_path", tmp_path / "var" / "soudan.db"), **kw)


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def db_bytes(path: Path) -> bytes:
    # The main file and its WAL and shared-memory companions: text may hide in any of them.
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_creates_the_database_and_its_folder_on_first_use(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = SqliteStore(settings)
    assert settings.db_path.exists()
    conn = store._conn()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == store_module.BUSY_TIMEOUT_MS
    store.record_answer(event())
    for file in settings.db_path.parent.iterdir():
        assert file.stat().st_mode & 0o077 == 0, file  # only the bot's user can read it
    tables = {name for (name,) in rows(settings.db_path, "SELECT name FROM sqlite_master")}
    assert {"meta", "answers", "feedback", "question_texts"} <= tables


def test_migrates_an_older_database_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.execute(
            "INSERT INTO answers (at, surface, kind, results, abstained, top_ids, latency_ms)"
            " VALUES ('2025-01-01T00:00:00.000+00:00', 'dm', 'everyday', 1, 0, '3-1-1-1', 5)"
        )
    conn.close()
    SqliteStore(make_settings(tmp_path, db_path=path, log_question_text=True)).record_answer(
        event()
    )
    assert rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows(path, "SELECT surface FROM answers ORDER BY id") == [("dm",), ("slash",)]
    assert len(rows(path, "SELECT text FROM question_texts")) == 1


def test_a_database_newer_than_the_program_is_not_touched(tmp_path: Path, caplog) -> None:
    path = tmp_path / "new.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with caplog.at_level(logging.WARNING):
        assert isinstance(open_store(make_settings(tmp_path, db_path=path)), NullStore)
    assert "usage log disabled" in caplog.text
    assert rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION + 1,)]


def test_records_what_was_answered_but_not_the_question(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = SqliteStore(settings)
    ids = ("3-1-4-10", "3-1-4-11", "3-3-3-3", "3-1-1-1", "3-1-1-2", "3-1-1-3")
    store.record_answer(event("mention", ids=ids))
    store.record_answer(event("web", user=None, ids=(), kind=QuestionKind.EMPTY))
    store.close()
    (first, second) = rows(
        settings.db_path,
        "SELECT at, surface, kind, results, abstained, top_ids, latency_ms, user_hash"
        " FROM answers ORDER BY id",
    )
    at = datetime.fromisoformat(first[0])
    assert at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - at) < timedelta(minutes=1)
    assert first[1:7] == ("mention", "everyday", 6, 0, ",".join(ids[:5]), 12.3)
    assert first[7] and "U123" not in first[7]
    assert second[1:8] == ("web", "empty", 0, 1, "", 12.3, None)
    assert rows(settings.db_path, "SELECT COUNT(*) FROM question_texts") == [(0,)]
    data = db_bytes(settings.db_path)
    for secret in (QUESTION, "田中花子", "090-1234-5678", "家賃が払えない", "U123"):
        assert secret.encode() not in data


def test_user_hash_is_a_keyed_hash_stable_across_restarts(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    first = SqliteStore(settings)
    again = SqliteStore(settings)
    assert first.user_hash("U1") == again.user_hash("U1") != first.user_hash("U2")
    assert first.user_hash(None) is None
    (salt,) = rows(settings.db_path, "SELECT value FROM meta WHERE key = 'user_hash_salt'")[0]
    assert len(salt) == 64
    elsewhere = SqliteStore(make_settings(tmp_path, db_path=tmp_path / "other.db"))
    assert elsewhere.user_hash("U1") != first.user_hash("U1")  # a fresh random salt

    configured = SqliteStore(make_settings(tmp_path, user_hash_salt="pepper"))
    expected = hmac.new(b"pepper", b"U1", hashlib.sha256).hexdigest()[:32]
    assert configured.user_hash("U1") == expected


def test_records_feedback_votes(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = SqliteStore(settings)
    store.record_feedback("3-1-4-10", True, surface="slash", user_id="U1")
    store.record_feedback("3-1-4-10", False, surface="web", user_id=None)
    assert rows(
        settings.db_path, "SELECT measure_id, helpful, surface, user_hash IS NULL FROM feedback"
    ) == [("3-1-4-10", 1, "slash", 0), ("3-1-4-10", 0, "web", 1)]


def test_question_text_is_kept_masked_only_when_the_operator_allows_it(
    tmp_path: Path, analyzer
) -> None:
    settings = make_settings(tmp_path, log_question_text=True)
    store = SqliteStore(settings, names=analyzer)
    store.record_answer(event(ids=()))
    store.close()
    assert rows(settings.db_path, "SELECT text FROM question_texts") == [
        (f"{NAME}さん {PHONE} 家賃が払えない",)
    ]
    data = db_bytes(settings.db_path)
    assert "家賃が払えない".encode() in data
    assert "田中花子".encode() not in data and b"1234-5678" not in data


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_question_text_is_purged_after_the_retention_period(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, log_question_text=True, log_retention_days=30)
    now = datetime.now(UTC)
    clock = Clock(now - timedelta(days=31))
    store = SqliteStore(settings, clock=clock)
    store.record_answer(event(question="古い質問 ペットの世話"))
    clock.now = now - timedelta(days=29)
    store.record_answer(event(question="新しい質問 ペットの餌代"))
    clock.now = now
    store.record_answer(event(question="今日の質問"))
    texts = [t for (t,) in rows(settings.db_path, "SELECT text FROM question_texts")]
    assert len(texts) == 3  # the daily purge is not due yet

    store._last_purge -= store_module.PURGE_INTERVAL_S + 1
    store.record_answer(event(question="もう一つ"))
    texts = [t for (t,) in rows(settings.db_path, "SELECT text FROM question_texts ORDER BY at")]
    assert texts == ["新しい質問 ペットの餌代", "今日の質問", "もう一つ"]
    assert rows(settings.db_path, "SELECT COUNT(*) FROM answers") == [(4,)]  # counts stay
    store.close()
    assert "ペットの世話".encode() not in db_bytes(settings.db_path)  # overwritten, not freed


def test_purges_on_open(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, log_question_text=True, log_retention_days=1)
    SqliteStore(settings, clock=Clock(datetime.now(UTC) - timedelta(days=2))).record_answer(
        event(question="二日前の質問")
    )
    assert rows(settings.db_path, "SELECT COUNT(*) FROM question_texts") == [(1,)]
    SqliteStore(settings)
    assert rows(settings.db_path, "SELECT COUNT(*) FROM question_texts") == [(0,)]


def write_from_eight_threads(workers: list, per_thread: int) -> list[BaseException]:
    """Eight threads record answers (every tenth with a vote) through two stores at once."""
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def write(n: int) -> None:
        try:
            start.wait()
            worker = workers[n % 2]
            for i in range(per_thread):
                worker.record_answer(event(user=f"U{n}", question=f"質問 {n} {i}"))
                if i % 10 == 0:
                    worker.record_feedback("3-1-4-10", True, surface="dm", user_id=f"U{n}")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_eight_threads_and_two_workers_write_at_once_without_losing_an_entry(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path, log_question_text=True)
    workers = [SqliteStore(settings), SqliteStore(settings)]
    assert write_from_eight_threads(workers, 40) == []
    assert [w.dropped for w in workers] == [0, 0]
    assert rows(settings.db_path, "SELECT COUNT(*), COUNT(DISTINCT user_hash) FROM answers") == [
        (320, 8)
    ]
    assert rows(settings.db_path, "SELECT COUNT(*) FROM question_texts") == [(320,)]
    assert rows(settings.db_path, "SELECT COUNT(*) FROM feedback") == [(32,)]


@pytest.fixture
def logged_service(tmp_path: Path, index: Index):
    settings = make_settings(tmp_path)
    store = SqliteStore(settings, busy_timeout_ms=100)
    return Service(settings, index, store), store


def test_a_locked_database_costs_only_the_log_entry(logged_service, caplog) -> None:
    service, store = logged_service
    expected = service.answer("家賃が払えない", surface="slash")
    assert expected.hits
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with caplog.at_level(logging.WARNING):
            result = service.answer("家賃が払えない", surface="slash", user_id="U9")
            service.feedback("3-1-4-10", True, surface="slash", user_id="U9")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert [h.measure.id for h in result.hits] == [h.measure.id for h in expected.hits]
    assert store.dropped == 2
    assert "database is locked" in caplog.text
    assert "家賃" not in caplog.text
    service.answer("家賃が払えない", surface="slash")
    assert rows(store.path, "SELECT COUNT(*) FROM answers") == [(2,)]


def test_a_full_database_costs_only_the_log_entry(logged_service) -> None:
    service, store = logged_service
    conn = store._conn()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    for _ in range(200):
        result = service.answer("家賃が払えない", surface="web")
        assert result.hits
    assert store.dropped > 0


def test_an_unwritable_path_falls_back_to_no_log(tmp_path: Path, index: Index, caplog) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    settings = make_settings(tmp_path, db_path=blocker / "soudan.db")
    with caplog.at_level(logging.WARNING):
        store = open_store(settings)
    assert isinstance(store, NullStore)
    assert len([r for r in caplog.records if r.name == "bot.store"]) == 1
    assert Service(settings, index, store).answer("家賃が払えない", surface="dm").hits


def test_a_store_that_breaks_later_never_costs_an_answer(tmp_path: Path, index: Index) -> None:
    settings = make_settings(tmp_path)
    store = SqliteStore(settings)
    store.close()
    settings.db_path.unlink()
    settings.db_path.parent.rmdir()
    settings.db_path.parent.write_text("the folder became a file")
    service = Service(settings, index, store)
    assert service.answer("家賃が払えない", surface="dm").hits
    assert store.dropped == 1


def test_open_store_returns_the_sqlite_store_behind_its_writer_thread(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = open_store(settings)
    assert isinstance(store, BackgroundStore) and isinstance(store.store, SqliteStore)
    try:
        store.record_answer(event())
        store.record_feedback("3-1-4-10", True, surface="dm", user_id="U1")
        assert store.flush(timeout=WAIT)
        assert rows(settings.db_path, "SELECT COUNT(*) FROM answers") == [(1,)]
        assert rows(settings.db_path, "SELECT COUNT(*) FROM feedback") == [(1,)]
        assert store.dropped == 0
    finally:
        store.close()


def test_connect_is_safe_to_repeat(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    connect(path).close()
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


# ------------------------------------------------------------------ the background writer


def wait_for(condition, timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture
def background() -> Iterator:
    made: list[BackgroundStore] = []

    def make(settings: Settings, *, busy_timeout_ms: int = 100, clock=None, **kw):
        inner = SqliteStore(
            settings, busy_timeout_ms=busy_timeout_ms, clock=clock or store_module.now_utc
        )
        made.append(BackgroundStore(inner, **kw))
        return made[-1]

    yield make
    for store in made:
        store.close(timeout=WAIT)


def count(path: Path, table: str) -> int:
    return rows(path, f"SELECT COUNT(*) FROM {table}")[0][0]


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
