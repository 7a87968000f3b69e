"""A Store that keeps what the Service hands it: the usage log of tests that assert on
answers, votes and corrections without a database."""

from __future__ import annotations

from bot.corrections import Correction
from bot.service import AnswerEvent


class RecordingStore:
    """A Store that keeps what the Service hands it, for asserting on feedback, corrections
    and usage."""

    def __init__(self) -> None:
        self.answers: list[AnswerEvent] = []
        self.feedback: list[tuple[str, bool, str, str | None]] = []
        self.corrections: list[tuple[Correction, str, str | None]] = []

    def record_answer(self, event: AnswerEvent) -> None:
        self.answers.append(event)

    def record_feedback(
        self, measure_id: str, helpful: bool, *, surface: str, user_id: str | None
    ) -> None:
        self.feedback.append((measure_id, helpful, surface, user_id))

    def record_correction(
        self, correction: Correction, *, surface: str, user_id: str | None
    ) -> None:
        self.corrections.append((correction, surface, user_id))
