"""What waits to be written: entries as recorded, and rows as they will be stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.corrections import Correction
from bot.service import AnswerEvent
from bot.surfaces import Surface


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


@dataclass(frozen=True, slots=True)
class CorrectionEntry:
    at: datetime
    correction: Correction
    surface: Surface
    user_id: str | None


Entry = AnswerEntry | FeedbackEntry | CorrectionEntry


@dataclass(slots=True)
class Rows:
    """Entries made ready to insert (hashed, masked, formatted) before the write lock is taken."""

    answers: list[tuple] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # one per answer; "" when none is kept
    feedback: list[tuple] = field(default_factory=list)
    corrections: list[tuple] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.answers) + len(self.feedback) + len(self.corrections)
