"""Reading the usage log: every SQL statement of the report."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot.report.rows import AnswerRow
from bot.store import iso


@dataclass(frozen=True, slots=True)
class Log:
    """What the report counts, from ``start`` on."""

    rows: list[AnswerRow]  # questions, in time order; empty messages left out
    empty: int  # empty messages: no question, so counted apart, not as 回答なし
    votes: list[tuple[str, int, int]]  # measure id, helpful, not helpful
    texts: list[str]  # masked text of unanswered questions (LOG_QUESTION_TEXT=1)
    text_count: int  # texts kept at all, whatever the period
    corrections: list[CorrectionRow]


@dataclass(frozen=True, slots=True)
class CorrectionRow:
    """One stored 「違う」 correction: what was chosen, what had been shown, the words."""

    at: datetime
    chosen: str  # a measure id, 計画にない or わからない
    shown: tuple[str, ...]
    need: str
    words: tuple[str, ...]
    surface: str
    user_hash: str | None


def read_corrections(
    conn: sqlite3.Connection, start: datetime | None, zone: tzinfo
) -> list[CorrectionRow]:
    return [
        CorrectionRow(
            datetime.fromisoformat(at).astimezone(zone),
            chosen,
            tuple(i for i in shown.split(",") if i),
            need,
            tuple(w for w in words.split(" ") if w),
            surface,
            user_hash,
        )
        for at, chosen, shown, need, words, surface, user_hash in conn.execute(
            "SELECT at, chosen, shown, need, words, surface, user_hash FROM corrections"
            " WHERE at >= ? ORDER BY at",
            (iso(start) if start else "",),
        )
    ]


def read_log(conn: sqlite3.Connection, start: datetime | None, zone: tzinfo) -> Log:
    since = iso(start) if start else ""
    rows = [
        AnswerRow(
            datetime.fromisoformat(at).astimezone(zone),
            surface,
            kind,
            results,
            bool(abstained),
            tuple(i for i in top_ids.split(",") if i),
            latency_ms,
            user_hash,
            tuple(n for n in needs.split(";") if n),
        )
        for (
            at,
            surface,
            kind,
            results,
            abstained,
            top_ids,
            latency_ms,
            user_hash,
            needs,
        ) in conn.execute(
            "SELECT at, surface, kind, results, abstained, top_ids, latency_ms, user_hash, needs"
            " FROM answers WHERE at >= ? ORDER BY at",
            (since,),
        )
    ]
    votes = conn.execute(
        "SELECT measure_id, SUM(helpful), SUM(1 - helpful) FROM feedback WHERE at >= ?"
        " GROUP BY measure_id",
        (since,),
    ).fetchall()
    texts = [
        text
        for (text,) in conn.execute(
            "SELECT q.text FROM question_texts q JOIN answers a ON a.id = q.answer_id"
            " WHERE a.abstained = 1 AND a.at >= ? ORDER BY a.at",
            (since,),
        )
    ]
    text_count = conn.execute("SELECT COUNT(*) FROM question_texts").fetchone()[0]
    return Log(
        rows=[r for r in rows if r.kind != "empty"],
        empty=sum(1 for r in rows if r.kind == "empty"),
        votes=votes,
        texts=texts,
        text_count=text_count,
        corrections=read_corrections(conn, start, zone),
    )
