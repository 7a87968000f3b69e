"""The shapes the report is made of: one answered question, one table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")


@dataclass
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[object, ...]] = field(default_factory=list)
    note: str = ""  # shown when there are no rows, or below them


@dataclass(frozen=True, slots=True)
class AnswerRow:
    at: datetime  # in the report's zone
    surface: str
    kind: str
    results: int
    abstained: bool
    top_ids: tuple[str, ...]
    latency_ms: float
    user_hash: str | None
    needs: tuple[str, ...] = ()
