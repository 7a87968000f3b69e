"""Reloading the data while serving: on SIGHUP, and on file change under `make run`.

Both only call ``service.reload()``, which checks the files first and keeps the old data
serving (logging every problem) when the check fails.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.service import Service

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 1.0
# Editors and Excel save in several writes; wait until the files stop changing.
DEBOUNCE_S = 0.5

Snapshot = dict[str, tuple[int, int]]


@dataclass
class WatchState:
    files: Snapshot
    changed_at: float | None = None  # when the files last changed, until reloaded


class Reloader:
    """What start_reloader installed; ``stop()`` undoes it (tests, shutdown)."""

    def __init__(self, service: Service, *, interval: float, debounce: float):
        self.service = service
        self.interval = interval
        self.debounce = debounce
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._previous_handler: object = None
        self._handles_sighup = False
        self._reload_lock = threading.Lock()
        self._reload_pending = False

    @property
    def data_dir(self) -> Path:
        return Path(self.service.settings.data_dir)

    def reload(self) -> None:
        """Reload in the background; a request arriving during a reload runs once after it."""
        with self._reload_lock:
            if self._reload_pending:
                return
            self._reload_pending = True
        threading.Thread(target=self._run_reload, name="soudan-reload", daemon=True).start()

    def _run_reload(self) -> None:
        with self._reload_lock:
            self._reload_pending = False
        try:
            self.service.reload()
        except Exception:  # a reload must never take the server down
            log.exception("data reload failed unexpectedly; still serving the old data")

    def install_sighup(self) -> bool:
        if not hasattr(signal, "SIGHUP"):
            return False
        if threading.current_thread() is not threading.main_thread():
            return False  # signal handlers can only be set from the main thread
        self._previous_handler = signal.signal(signal.SIGHUP, self._on_sighup)
        self._handles_sighup = True
        return True

    def _on_sighup(self, signum: int, frame: object) -> None:
        # The handler runs on the main thread between bytecodes: hand the work off at once.
        log.info("SIGHUP: reloading the data")
        self.reload()

    def watch(self) -> None:
        # The first snapshot is taken now, so a save right after this call is seen.
        state = self.start_watch_state()
        self._thread = threading.Thread(
            target=self._poll, args=(state,), name="soudan-watch", daemon=True
        )
        self._thread.start()

    def snapshot(self) -> Snapshot:
        files: Snapshot = {}
        try:
            paths = sorted(self.data_dir.glob("*.csv"))
        except OSError:
            return files
        for path in paths:
            try:
                stat = path.stat()
            except OSError:
                continue  # removed between glob and stat: the next poll sees it gone
            files[path.name] = (stat.st_mtime_ns, stat.st_size)
        return files

    def start_watch_state(self) -> WatchState:
        return WatchState(self.snapshot())

    def tick(self, state: WatchState, now: float) -> bool:
        """One poll: note a change, or reload once the files have been quiet long enough."""
        current = self.snapshot()
        if current != state.files:
            state.files, state.changed_at = current, now
            return False
        if state.changed_at is not None and now - state.changed_at >= self.debounce:
            state.changed_at = None
            log.info("data files changed: reloading")
            self.reload()
            return True
        return False

    def _poll(self, state: WatchState) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.tick(state, time.monotonic())
            except Exception:  # the watcher outlives any one bad poll
                log.exception("data file watcher: poll failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._handles_sighup and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGHUP, self._previous_handler)
            self._handles_sighup = False


def start_reloader(
    service: Service,
    *,
    watch_files: bool,
    interval: float = POLL_INTERVAL_S,
    debounce: float = DEBOUNCE_S,
) -> Reloader:
    """Reload on SIGHUP (when called from the main thread) and, with watch_files, on change."""
    reloader = Reloader(service, interval=interval, debounce=debounce)
    if reloader.install_sighup():
        log.info("send SIGHUP to reload the data")
    if watch_files:
        reloader.watch()
        log.info("watching %s for changes", reloader.data_dir)
    return reloader
