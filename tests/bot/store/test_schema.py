import logging
import sqlite3
from pathlib import Path

from bot import store as store_module
from bot.service import NullStore
from bot.store import MIGRATIONS, SCHEMA_VERSION, SqliteStore, connect, open_store
from tests.bot.store.helpers import event, make_settings, rows


def test_creates_the_database_and_its_folder_on_first_use(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = SqliteStore(settings)
    assert settings.db_path.exists()
    conn = store._conn()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == store_module.BUSY_TIMEOUT_MS
    store.record_answer(event())
    for file in settings.db_path.parent.iterdir():
        assert file.stat().st_mode & 0o077 == 0, file  # only the bot's user can read it
    tables = {name for (name,) in rows(settings.db_path, "SELECT name FROM sqlite_master")}
    assert {"meta", "answers", "feedback", "question_texts"} <= tables


def test_migrates_an_older_database_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.execute(
            "INSERT INTO answers (at, surface, kind, results, abstained, top_ids, latency_ms)"
            " VALUES ('2025-01-01T00:00:00.000+00:00', 'dm', 'everyday', 1, 0, '3-1-1-1', 5)"
        )
    conn.close()
    SqliteStore(make_settings(tmp_path, db_path=path, log_question_text=True)).record_answer(
        event()
    )
    assert rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows(path, "SELECT surface FROM answers ORDER BY id") == [("dm",), ("slash",)]
    assert len(rows(path, "SELECT text FROM question_texts")) == 1


def test_a_database_newer_than_the_program_is_not_touched(tmp_path: Path, caplog) -> None:
    path = tmp_path / "new.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with caplog.at_level(logging.WARNING):
        assert isinstance(open_store(make_settings(tmp_path, db_path=path)), NullStore)
    assert "usage log disabled" in caplog.text
    assert rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION + 1,)]


def test_connect_is_safe_to_repeat(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    connect(path).close()
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
