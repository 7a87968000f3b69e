"""The usage log: one SQLite file of answered questions and feedback votes.

What is kept is what the plan's owners need (how often, from where, what was found, how
fast), never who asked or what was asked: users are an HMAC of their id, and the question
text is stored only when the operator turns it on, masked first and purged after the
retention period. A store that cannot write costs its log entry, never an answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.masking import mask
from bot.service import AnswerEvent, NullStore, Store
from bot.settings import Settings

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


class SqliteStore:
    """The Store of bot.service: thread-safe, one connection per thread (and per process)."""

    def __init__(
        self,
        settings: Settings,
        *,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        clock: Callable[[], datetime] = now_utc,
    ):
        self.path = Path(settings.db_path)
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

    def user_hash(self, user_id: str | None) -> str | None:
        if not user_id:
            return None
        return hmac.new(self._salt, user_id.encode(), hashlib.sha256).hexdigest()[:32]

    def record_answer(self, event: AnswerEvent) -> None:
        answer = event.answer
        at = iso(self._clock())
        row = (
            at,
            event.surface,
            str(answer.kind),
            len(answer.hits),
            int(answer.abstained),
            ",".join(hit.measure.id for hit in answer.hits[:TOP_IDS]),
            round(event.latency_ms, 1),
            self.user_hash(event.user_id),
        )
        text = self._masked(answer.question) if self.log_question_text else ""
        self._write(lambda conn: self._insert_answer(conn, row, at, text))
        self._purge_if_due()

    @staticmethod
    def _masked(question: str) -> str:
        try:
            return mask(question).strip()
        except Exception as error:
            # Unmasked text is never stored; the message must not carry the text either.
            log.warning("question text not stored: masking failed (%s)", type(error).__name__)
            return ""

    @staticmethod
    def _insert_answer(conn: sqlite3.Connection, row: tuple, at: str, text: str) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = conn.execute(
                "INSERT INTO answers (at, surface, kind, results, abstained, top_ids,"
                " latency_ms, user_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            if text:
                conn.execute(
                    "INSERT INTO question_texts (answer_id, at, text) VALUES (?, ?, ?)",
                    (cursor.lastrowid, at, text),
                )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def record_feedback(
        self, measure_id: str, helpful: bool, *, surface: str, user_id: str | None
    ) -> None:
        row = (iso(self._clock()), measure_id, int(helpful), surface, self.user_hash(user_id))
        self._write(
            lambda conn: conn.execute(
                "INSERT INTO feedback (at, measure_id, helpful, surface, user_hash)"
                " VALUES (?, ?, ?, ?, ?)",
                row,
            )
        )

    def purge(self) -> int:
        """Delete question text older than the retention period; returns how many went."""
        self._last_purge = time.monotonic()
        cutoff = iso(self._clock() - self.retention)
        deleted = 0

        def run(conn: sqlite3.Connection) -> None:
            nonlocal deleted
            deleted = conn.execute("DELETE FROM question_texts WHERE at < ?", (cutoff,)).rowcount
            if deleted:
                # Let the overwritten pages leave the WAL too.
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

        self._write(run)
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

    def _write(self, action: Callable[[sqlite3.Connection], object]) -> None:
        try:
            action(self._conn())
        except (sqlite3.Error, OSError, StoreError) as error:
            self.dropped += 1
            self._warn(error)

    def _warn(self, error: Exception) -> None:
        # One line a minute at most: a locked database must not flood the log.
        now = time.monotonic()
        if now - self._last_warning >= _WARN_INTERVAL_S:
            self._last_warning = now
            log.warning(
                "usage log entry dropped (%s: %s); %d dropped so far",
                type(error).__name__,
                error,
                self.dropped,
            )

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def open_store(settings: Settings) -> Store:
    """The SQLite store, or a NullStore (answers still served) if the file cannot be opened."""
    try:
        return SqliteStore(settings)
    except (sqlite3.Error, OSError, StoreError) as error:
        log.warning(
            "usage log disabled: cannot open %s (%s: %s)",
            settings.db_path,
            type(error).__name__,
            error,
        )
        return NullStore()
