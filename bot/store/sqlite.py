"""The SQLite writer: what is stored of each entry, and writing it in one transaction."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path

from bot.corrections import Correction
from bot.masking import NameTagger, mask
from bot.service import AnswerEvent
from bot.settings import Settings
from bot.store.entries import AnswerEntry, CorrectionEntry, Entry, FeedbackEntry, Rows
from bot.store.retention import PURGE_INTERVAL_S, purge_corrections, purge_question_texts
from bot.store.schema import BUSY_TIMEOUT_MS, StoreError, connect, iso, now_utc
from bot.surfaces import Surface

log = logging.getLogger(__name__)

TOP_IDS = 5
WARN_INTERVAL_S = 60.0  # one warning line a minute at most

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

    def record_correction(
        self, correction: Correction, *, surface: Surface, user_id: str | None
    ) -> None:
        self._write(self.rows([CorrectionEntry(self.now(), correction, surface, user_id)]))

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
            elif isinstance(entry, CorrectionEntry):
                c = entry.correction
                rows.corrections.append(
                    (
                        iso(entry.at),
                        c.chosen,
                        ",".join(c.shown),
                        c.need,
                        " ".join(c.words),
                        entry.surface,
                        self.user_hash(entry.user_id),
                    )
                )
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
            if rows.corrections:
                conn.executemany(
                    "INSERT INTO corrections (at, chosen, shown, need, words, surface, user_hash)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    rows.corrections,
                )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def purge(self) -> int:
        """Delete question text and corrections older than the retention period; returns
        how many went."""
        self._last_purge = time.monotonic()
        before = self._clock() - self.retention
        try:
            texts = purge_question_texts(self._conn(), before)
            corrections = purge_corrections(self._conn(), before)
        except STORE_ERRORS as error:
            self._warn("retention purge failed", error)  # tried again at the next one
            return 0
        if texts or corrections:
            log.info(
                "purged %d question texts and %d corrections older than %d days",
                texts,
                corrections,
                self.retention.days,
            )
        return texts + corrections

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
        if now - self._last_warning >= WARN_INTERVAL_S:
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
