"""The background queue: recording only queues an entry; one writer thread per process
writes the queue in batches, one transaction each, so no answer waits for the disk."""

from __future__ import annotations

import atexit
import logging
import sqlite3
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable

from bot.corrections import Correction
from bot.service import AnswerEvent
from bot.store.entries import AnswerEntry, CorrectionEntry, Entry, FeedbackEntry
from bot.store.sqlite import STORE_ERRORS, WARN_INTERVAL_S, SqliteStore
from bot.surfaces import Surface

log = logging.getLogger(__name__)

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

    def record_correction(
        self, correction: Correction, *, surface: Surface, user_id: str | None
    ) -> None:
        self._put(CorrectionEntry(self.store.now(), correction, surface, user_id))

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
                    self._warn("retention purge failed", error)
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
        if now - self._last_warning.get(kind, float("-inf")) < WARN_INTERVAL_S:
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
