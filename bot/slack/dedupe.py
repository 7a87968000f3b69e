"""Answer every Slack event once, however often Slack delivers it."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import OrderedDict
from contextlib import closing
from pathlib import Path

log = logging.getLogger(__name__)

SETUP_ATTEMPTS = 10

DEFAULT_CAPACITY = 10_000


class EventDeduper:
    """Remembers the last ``capacity`` event ids; memory stays bounded however long it runs.

    Slack retries an event it thinks went unanswered (``X-Slack-Retry-Num``), and may deliver
    one twice; both carry the same ``event_id``. Ids are strings of about 12 characters, so
    10,000 of them cost well under 2 MB.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY):
        if capacity < 1:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        """True the first time ``event_id`` is offered, False on every later offer."""
        with self._lock:
            if event_id in self._seen:
                self._seen.move_to_end(event_id)
                return False
            self._seen[event_id] = None
            if len(self._seen) > self.capacity:
                self._seen.popitem(last=False)
            return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)


class SharedEventLedger:
    """Event ids shared by every worker process through one SQLite file.

    With several gunicorn workers, Slack's retry of an event may reach another process than
    the first delivery; the in-memory ``EventDeduper`` of each worker cannot see that. One
    ``INSERT OR IGNORE`` per event tells every process whether the id is new. Ids older than
    ``keep_seconds`` are purged (Slack retries within minutes). A database that cannot be
    used falls back to this process's memory: answering twice beats not answering.
    """

    def __init__(
        self, path: Path, *, keep_seconds: float = 3600.0, capacity: int = DEFAULT_CAPACITY
    ):
        self.path = Path(path)
        self.keep_seconds = keep_seconds
        self._memory = EventDeduper(capacity)
        self._local = threading.local()
        self._purged_at = 0.0
        self._warned = False
        self._ready = False
        self._setup_lock = threading.Lock()

    def _setup(self) -> None:
        """Create the file in WAL mode once, before any thread writes: switching the journal
        mode while other connections are open fails at once instead of waiting."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for attempt in range(SETUP_ATTEMPTS):
            try:
                with closing(sqlite3.connect(self.path, timeout=5.0)) as conn:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.execute(
                        "CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, at REAL NOT NULL)"
                    )
                    conn.commit()
                return
            except sqlite3.OperationalError:
                # Another worker is setting the file up at this moment.
                if attempt == SETUP_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            with self._setup_lock:
                if not self._ready:
                    self._setup()
                    self._ready = True
            conn = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def first_time(self, event_id: str) -> bool:
        if not self._memory.first_time(event_id):
            return False  # this process has seen it: no need to ask the others
        now = time.time()
        try:
            conn = self._connection()
            inserted = conn.execute(
                "INSERT OR IGNORE INTO events (id, at) VALUES (?, ?)", (event_id, now)
            ).rowcount
            if now - self._purged_at > self.keep_seconds / 4:
                self._purged_at = now
                conn.execute("DELETE FROM events WHERE at < ?", (now - self.keep_seconds,))
            return inserted == 1
        except (sqlite3.Error, OSError):
            if not self._warned:
                self._warned = True
                log.warning("shared event ledger unavailable; deduplicating in this process only")
            return True
