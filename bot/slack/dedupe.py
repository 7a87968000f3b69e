"""Answer every Slack event once, however often Slack delivers it."""

from __future__ import annotations

import threading
from collections import OrderedDict

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
