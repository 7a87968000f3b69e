"""The usage log: one SQLite file of answered questions and feedback votes.

What is kept is what the plan's owners need (how often, from where, what was found, how
fast), never who asked or what was asked: users are an HMAC of their id, and the question
text is stored only when the operator turns it on, masked first and purged after the
retention period. A store that cannot write costs its log entry, never an answer.

Nor does an answer wait for the disk: the bot's store (``open_store``) only queues each
entry, and one writer thread per process writes the queue in batches, one transaction each.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import hmac
import logging
import os
import secrets
import sqlite3
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.masking import NameTagger, mask
from bot.service import AnswerEvent, NullStore, Store
from bot.settings import Settings
from bot.surfaces import Surface

log = logging.getLogger(__name__)

TOP_IDS = 5
BUSY_TIMEOUT_MS = 2000
PURGE_INTERVAL_S = 24 * 60 * 60
_WARN_INTERVAL_S = 60.0

# Each entry upgrades the schema by one version; PRAGMA user_version records how many ran.
# Never edit a released entry: append a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            surface TEXT NOT NULL,
            kind TEXT NOT NULL,
            results INTEGER NOT NULL,
            abstained INTEGER NOT NULL,
            top_ids TEXT NOT NULL,
            latency_ms REAL NOT NULL,
            user_hash TEXT
        )""",
        "CREATE INDEX answers_at ON answers (at)",
        """CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            measure_id TEXT NOT NULL,
            helpful INTEGER NOT NULL,
            surface TEXT NOT NULL,
            user_hash TEXT
        )""",
        "CREATE INDEX feedback_at ON feedback (at)",
    ),
    (
        # Masked question text lives apart from the statistics so the purge can delete it
        # without touching the counts.
        """CREATE TABLE question_texts (
            answer_id INTEGER PRIMARY KEY REFERENCES answers (id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            text TEXT NOT NULL
        )""",
        "CREATE INDEX question_texts_at ON question_texts (at)",
    ),
    (
        # The needs an answer was grouped by (住まい;借金): labels of data/needs.csv, never
        # words of the question.
        "ALTER TABLE answers ADD COLUMN needs TEXT NOT NULL DEFAULT ''",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """The database cannot be used (unreadable, newer schema than this program knows)."""


def now_utc() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def connect(path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database; autocommit, WAL, busy timeout."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _create_private(path)
    conn = sqlite3.connect(
        path, timeout=busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        # Purged question text is overwritten, not left in free pages of the file.
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _create_private(path: Path) -> None:
    # Owner-only from the first byte (question text may be kept); SQLite gives the -wal
    # and -shm files the same permissions.
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema to SCHEMA_VERSION, one transaction per step (safe with other workers)."""
    if schema_version(conn) == SCHEMA_VERSION:
        return  # the usual case: no write lock taken
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = schema_version(conn)
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"database schema {version} is newer than this program ({SCHEMA_VERSION})"
                )
            if version == SCHEMA_VERSION:
                conn.execute("COMMIT")
                return
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


@dataclass(frozen=True, slots=True)
class AnswerEntry:
    """An answer waiting to be written; ``at`` is when it was answered, not written."""

    at: datetime
    event: AnswerEvent


@dataclass(frozen=True, slots=True)
class FeedbackEntry:
    at: datetime
    measure_id: str
    helpful: bool
    surface: Surface
    user_id: str | None


Entry = AnswerEntry | FeedbackEntry


@dataclass(slots=True)
class Rows:
    """Entries made ready to insert (hashed, masked, formatted) before the write lock is taken."""

    answers: list[tuple] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # one per answer; "" when none is kept
    feedback: list[tuple] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.answers) + len(self.feedback)


# What a database that cannot be written raises; anything else is a bug.
STORE_ERRORS = (sqlite3.Error, OSError, StoreError)


class SqliteStore:
    """Writes each entry at once, on the calling thread's connection (one per thread and
    per process). The bot runs it behind a BackgroundStore (see open_store) so that no
    answer waits for the disk; used alone it is the simple store of tools and tests.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        clock: Callable[[], datetime] = now_utc,
        names: NameTagger | None = None,
    ):
        """``names``: the index's analyzer, for masking names in kept question text."""
        self.path = Path(settings.db_path)
        self._names = names
        self.log_question_text = settings.log_question_text
        self.retention = timedelta(days=settings.log_retention_days)
        self._busy_timeout_ms = busy_timeout_ms
        self._clock = clock
        self._local = threading.local()
        self._purge_lock = threading.Lock()
        self._last_purge = float("-inf")
        self._last_warning = float("-inf")
        self.dropped = 0  # log entries lost to a locked, full or broken database
        conn = self._conn()  # fail now, at startup, rather than on the first answer
        self._salt = (settings.user_hash_salt or self._stored_salt(conn)).encode()
        self.purge()

    def _conn(self) -> sqlite3.Connection:
        # Connections must not cross threads or a fork (gunicorn workers).
        pid = os.getpid()
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != pid:
            conn = connect(self.path, busy_timeout_ms=self._busy_timeout_ms)
            self._local.conn, self._local.pid = conn, pid
        return conn

    def _stored_salt(self, conn: sqlite3.Connection) -> str:
        # INSERT OR IGNORE then read back: two processes starting together agree on one salt.
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('user_hash_salt', ?)",
            (secrets.token_hex(32),),
        )
        return conn.execute("SELECT value FROM meta WHERE key = 'user_hash_salt'").fetchone()[0]

    def now(self) -> datetime:
        return self._clock()

    def user_hash(self, user_id: str | None) -> str | None:
        if not user_id:
            return None
        return hmac.new(self._salt, user_id.encode(), hashlib.sha256).hexdigest()[:32]

    def record_answer(self, event: AnswerEvent) -> None:
        self._write(self.rows([AnswerEntry(self.now(), event)]))
        self._purge_if_due()

    def record_feedback(
        self, measure_id: str, helpful: bool, *, surface: Surface, user_id: str | None
    ) -> None:
        self._write(self.rows([FeedbackEntry(self.now(), measure_id, helpful, surface, user_id)]))

    def rows(self, entries: Iterable[Entry]) -> Rows:
        """What will be stored of these entries: never a user id, never unmasked text."""
        rows = Rows()
        for entry in entries:
            if isinstance(entry, AnswerEntry):
                event, answer = entry.event, entry.event.answer
                rows.answers.append(
                    (
                        iso(entry.at),
                        event.surface,
                        str(answer.kind),
                        len(answer.hits),
                        int(answer.abstained),
                        ",".join(hit.measure.id for hit in answer.hits[:TOP_IDS]),
                        round(event.latency_ms, 1),
                        self.user_hash(event.user_id),
                        ";".join(need.label for need in answer.needs),
                    )
                )
                rows.texts.append(self._masked(answer.question) if self.log_question_text else "")
            else:
                rows.feedback.append(
                    (
                        iso(entry.at),
                        entry.measure_id,
                        int(entry.helpful),
                        entry.surface,
                        self.user_hash(entry.user_id),
                    )
                )
        return rows

    def _masked(self, question: str) -> str:
        try:
            return mask(question, self._names).strip()
        except Exception as error:
            # Unmasked text is never stored; the message must not carry the text either.
            log.warning("question text not stored: masking failed (%s)", type(error).__name__)
            return ""

    def insert(self, rows: Rows) -> None:
        """Write the rows in one transaction on this thread's connection; raises on failure."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            if rows.answers:
                # Ids chosen here (as SQLite would: the largest plus one, safe under the write
                # lock) so that the texts can name their answers in one executemany.
                (last,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM answers").fetchone()
                ids = range(last + 1, last + 1 + len(rows.answers))
                conn.executemany(
                    "INSERT INTO answers (id, at, surface, kind, results, abstained, top_ids,"
                    " latency_ms, user_hash, needs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(answer_id, *row) for answer_id, row in zip(ids, rows.answers, strict=True)],
                )
                texts = [
                    (answer_id, row[0], text)
                    for answer_id, row, text in zip(ids, rows.answers, rows.texts, strict=True)
                    if text
                ]
                if texts:
                    conn.executemany(
                        "INSERT INTO question_texts (answer_id, at, text) VALUES (?, ?, ?)", texts
                    )
            if rows.feedback:
                conn.executemany(
                    "INSERT INTO feedback (at, measure_id, helpful, surface, user_hash)"
                    " VALUES (?, ?, ?, ?, ?)",
                    rows.feedback,
                )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def purge(self) -> int:
        """Delete question text older than the retention period; returns how many went."""
        self._last_purge = time.monotonic()
        cutoff = iso(self._clock() - self.retention)
        try:
            conn = self._conn()
            deleted = conn.execute("DELETE FROM question_texts WHERE at < ?", (cutoff,)).rowcount
            if deleted:
                # Let the overwritten pages leave the WAL too.
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except STORE_ERRORS as error:
            self._warn("question text purge failed", error)  # tried again at the next one
            return 0
        if deleted:
            log.info("purged %d question texts older than %d days", deleted, self.retention.days)
        return deleted

    def _purge_if_due(self) -> None:
        if time.monotonic() - self._last_purge < PURGE_INTERVAL_S:
            return
        if self._purge_lock.acquire(blocking=False):
            try:
                self.purge()
            finally:
                self._purge_lock.release()

    def _write(self, rows: Rows) -> None:
        try:
            self.insert(rows)
        except STORE_ERRORS as error:
            self.dropped += len(rows)
            self._warn("usage log entry dropped", error)

    def _warn(self, what: str, error: Exception) -> None:
        # One line a minute at most: a locked database must not flood the log.
        now = time.monotonic()
        if now - self._last_warning >= _WARN_INTERVAL_S:
            self._last_warning = now
            log.warning(
                "%s (%s: %s); %d dropped so far", what, type(error).__name__, error, self.dropped
            )

    def close(self) -> None:
        """Close the calling thread's connection (a later write opens a new one)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


MAX_QUEUE = 10_000  # entries waiting for the writer; more are dropped (and counted)
MAX_BATCH = 500  # entries written in one transaction
LINGER_S = 0.005  # how long the writer waits for a batch to fill before writing it
LOCKED_RETRY_S = 30.0  # how long a batch waits for a locked database before it is dropped
RETRY_PAUSE_S = 0.05
EXIT_TIMEOUT_S = 2.0  # what close() (and so the process exit) waits for the queue at most


def _is_locked(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class BackgroundStore:
    """The Store the bot runs with: recording only queues the entry; one writer thread
    writes what is queued, in batches of one transaction each, on its own connection.

    Recording never blocks and never raises: when the queue is full the entry is dropped
    and counted. The writer waits for a locked database (up to ``locked_retry_s`` a batch)
    and drops, counts and logs (once a minute at most) what it cannot write; it never
    stops for a database error. ``flush`` waits for what was queued so far; ``close``, also
    run at process exit, writes what is queued, waiting ``exit_timeout_s`` at most.
    """

    def __init__(
        self,
        store: SqliteStore,
        *,
        max_queue: int = MAX_QUEUE,
        max_batch: int = MAX_BATCH,
        linger_s: float = LINGER_S,
        locked_retry_s: float = LOCKED_RETRY_S,
        exit_timeout_s: float = EXIT_TIMEOUT_S,
    ):
        self.store = store
        self.path = store.path
        self.max_queue = max_queue
        self._max_batch = max(1, max_batch)
        self._linger_s = linger_s
        self._locked_retry_s = locked_retry_s
        self._exit_timeout_s = exit_timeout_s
        self._reset()
        # The writer opens its own connection; this thread's is not needed any more.
        store.close()
        atexit.register(self._close_at_exit)

    def fork_hook(self) -> Callable[[], None]:
        """For ``os.register_at_fork(after_in_child=...)`` (``bot.bootstrap``). Holds the
        store weakly, so registering it keeps no closed store alive."""
        ref = weakref.ref(self)

        def reset_in_child() -> None:
            store = ref()
            if store is not None:
                store._reset(closing=store._closing)

        return reset_in_child

    def _reset(self, *, closing: bool = False) -> None:
        # Also in a forked child, where the parent's writer does not exist: the child
        # starts empty (what the parent queued is the parent's to write).
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)  # the writer waits here for entries
        self._progress = threading.Condition(self._lock)  # flush waits here for the writer
        self._queue: deque[Entry] = deque()
        self._queued = 0  # entries ever accepted
        self._finished = 0  # entries ever written or given up on
        self._thread: threading.Thread | None = None
        self._closing = closing
        self._give_up_at = float("inf")  # once closing: when a locked batch stops waiting
        self._last_warning: dict[str, float] = {}
        self.dropped = 0  # entries lost: queue full, closed, or the database failed
        self.dropped_queue_full = 0

    # ------------------------------------------------------------------ the Store

    def record_answer(self, event: AnswerEvent) -> None:
        self._put(AnswerEntry(self.store.now(), event))

    def record_feedback(
        self, measure_id: str, helpful: bool, *, surface: Surface, user_id: str | None
    ) -> None:
        self._put(FeedbackEntry(self.store.now(), measure_id, helpful, surface, user_id))

    def user_hash(self, user_id: str | None) -> str | None:
        return self.store.user_hash(user_id)

    @property
    def pending(self) -> int:
        """Entries queued and not yet taken by the writer."""
        return len(self._queue)

    def _put(self, entry: Entry) -> None:
        with self._lock:
            if not self._closing and len(self._queue) < self.max_queue:
                self._queue.append(entry)
                self._queued += 1
                if self._thread is None:
                    # Daemon: a writer stuck on a locked database never holds up the exit,
                    # which waits for it at most exit_timeout_s (atexit).
                    thread = threading.Thread(
                        target=self._run, name="usage-log-writer", daemon=True
                    )
                    thread.start()  # if this raises, the next entry tries again
                    self._thread = thread
                self._work.notify()
                return
            self.dropped += 1
            if self._closing:
                reason = "the usage log is closed"
            else:
                self.dropped_queue_full += 1
                reason = f"the queue is full ({self.max_queue} waiting)"
            dropped, warn = self.dropped, self._warning_due("put")
        if warn:  # never the entry itself: it may carry the question
            log.warning("usage log entry dropped: %s; %d dropped so far", reason, dropped)

    # ------------------------------------------------------------------ the writer

    def _run(self) -> None:
        try:
            while (batch := self._take()) is not None:
                try:
                    self._write(batch)
                except Exception as error:  # a bug must not stop the writer either
                    self._give_up(len(batch), error)
                with self._lock:
                    self._finished += len(batch)
                    self._progress.notify_all()
                try:
                    self.store._purge_if_due()
                except Exception as error:
                    self._warn("question text purge failed", error)
        finally:
            self.store.close()  # the writer's own connection

    def _take(self) -> list[Entry] | None:
        """The next batch: waits for an entry, then a few ms for more. None once closed
        and drained."""
        with self._lock:
            while not self._queue:
                if self._closing:
                    return None
                self._work.wait()
            if self._linger_s > 0 and not self._closing:
                self._work.wait_for(
                    lambda: len(self._queue) >= self._max_batch or self._closing, self._linger_s
                )
            return [self._queue.popleft() for _ in range(min(len(self._queue), self._max_batch))]

    def _write(self, batch: list[Entry]) -> None:
        rows = self.store.rows(batch)
        retry_until = time.monotonic() + self._locked_retry_s
        while True:
            try:
                self.store.insert(rows)
                return
            except sqlite3.Error as error:
                if not _is_locked(error) or time.monotonic() >= min(retry_until, self._give_up_at):
                    self._give_up(len(batch), error)
                    return
                if self._warning_due("locked"):
                    log.warning(
                        "usage log waiting for a locked database; %d entries queued",
                        len(batch) + len(self._queue),
                    )
            except STORE_ERRORS as error:
                self._give_up(len(batch), error)
                return
            time.sleep(RETRY_PAUSE_S)

    def _give_up(self, count: int, error: Exception) -> None:
        with self._lock:
            self.dropped += count
        self._warn(f"{count} usage log entries dropped", error)

    def _warn(self, what: str, error: Exception) -> None:
        with self._lock:
            dropped, due = self.dropped, self._warning_due("write")
        if not due:
            return
        detail = type(error).__name__
        if isinstance(error, STORE_ERRORS):  # database errors name no values, so no question
            detail = f"{detail}: {error}"
        log.warning("%s (%s); %d dropped so far", what, detail, dropped)

    def _warning_due(self, kind: str) -> bool:
        # One line a minute at most of each kind: a locked database must not flood the log.
        now = time.monotonic()
        if now - self._last_warning.get(kind, float("-inf")) < _WARN_INTERVAL_S:
            return False
        self._last_warning[kind] = now
        return True

    # ------------------------------------------------------------------ flush and close

    def flush(self, timeout: float | None = 5.0) -> bool:
        """Wait until everything queued before this call is written (or given up on);
        False if that took longer than ``timeout`` seconds."""
        with self._lock:
            target = self._queued
            return self._progress.wait_for(lambda: self._finished >= target, timeout)

    def close(self, timeout: float | None = None) -> bool:
        """Write what is queued, waiting ``timeout`` s at most (default ``exit_timeout_s``),
        and stop the writer; later entries are dropped. True if nothing was left unwritten."""
        timeout = self._exit_timeout_s if timeout is None else timeout
        atexit.unregister(self._close_at_exit)
        with self._lock:
            self._closing = True
            self._give_up_at = min(self._give_up_at, time.monotonic() + timeout)
            self._work.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        with self._lock:
            left = self._queued - self._finished
        if left:
            log.warning("usage log closed with %d entries not yet written", left)
        return left == 0

    def _close_at_exit(self) -> None:
        self.close(self._exit_timeout_s)


def open_store(settings: Settings, names: NameTagger | None = None) -> Store:
    """The SQLite store behind its writer thread, or a NullStore (answers still served) if
    the file cannot be opened. ``names``: see SqliteStore."""
    try:
        store = SqliteStore(settings, names=names)
    except STORE_ERRORS as error:
        log.warning(
            "usage log disabled: cannot open %s (%s: %s)",
            settings.db_path,
            type(error).__name__,
            error,
        )
        return NullStore()
    return BackgroundStore(store)
