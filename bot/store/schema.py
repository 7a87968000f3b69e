"""The usage database's file and schema: opening it, migrating it, how times are written."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

BUSY_TIMEOUT_MS = 2000

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
    (
        # What a 「違う」 taught (bot/corrections.py): the measure chosen (or 計画にない /
        # わからない), the ids shown, and the question's content words, sorted, space
        # separated: never its sentence. Purged with question text after the retention.
        """CREATE TABLE corrections (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            chosen TEXT NOT NULL,
            shown TEXT NOT NULL,
            need TEXT NOT NULL,
            words TEXT NOT NULL,
            surface TEXT NOT NULL,
            user_hash TEXT
        )""",
        "CREATE INDEX corrections_at ON corrections (at)",
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
