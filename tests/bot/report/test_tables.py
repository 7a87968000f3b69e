"""bot.report.tables over a usage log filled as the command's tests fill it."""

import sqlite3
from pathlib import Path

import pytest

from bot.report import build_report
from bot.store import connect
from index.model import PlanData
from tests.bot.commands.test_report_command import fill


@pytest.fixture
def db(tmp_path: Path, plan_data: PlanData) -> Path:
    path = tmp_path / "soudan.db"
    fill(path, plan_data, text=True)
    return path


def test_words_fall_back_to_character_pairs_without_the_analyzer(db: Path) -> None:
    conn = connect(db)
    tables = build_report(conn, analyzer=None)
    conn.close()
    words = tables[-1]
    assert ("ペッ", 2) in [row[:2] for row in words.rows]
    assert "2文字ずつ" in words.note


def test_report_reads_a_database_being_written(db: Path, plan_data: PlanData) -> None:
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO answers (at, surface, kind, results, abstained, top_ids, latency_ms)"
        " VALUES ('2025-04-03T00:00:00.000+00:00', 'dm', 'everyday', 0, 1, '', 1)"
    )
    try:
        conn = connect(db)
        tables = build_report(conn, data=plan_data)
        conn.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert ("質問数", 5) in tables[0].rows
