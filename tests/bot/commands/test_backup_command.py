"""soudan backup: an online copy of the usage database, taken while answers are written."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.service import AnswerEvent
from bot.settings import Settings
from bot.store import SqliteStore
from index.model import Answer, Hit, QuestionKind
from tests.factories import make_measure

WAIT = 30.0  # a bound on waits that end at once when all is well


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for field in Settings.__dataclass_fields__:
        monkeypatch.delenv(field.upper(), raising=False)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "var" / "soudan.db"
    monkeypatch.setenv("DB_PATH", str(path))
    return path


def event(n: int) -> AnswerEvent:
    measure = make_measure("3-1-4-10", "取組", summary="概要", section_title="節")
    answer = Answer(
        question=f"質問 {n}",
        kind=QuestionKind.EVERYDAY,
        hits=(Hit(measure, 1.0),),
        departments=("保護課",),
        abstained=False,
    )
    return AnswerEvent("slash", f"U{n}", answer, 12.0)


def backup(*args: str):
    result = CliRunner().invoke(cli, ["backup", *args])
    assert "Traceback" not in result.output
    return result


def answer_ids(path: Path) -> set[int]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM answers")}


def test_a_backup_taken_while_answers_are_written(db: Path, tmp_path: Path):
    store = SqliteStore(Settings(db_path=db))
    for n in range(200):
        store.record_answer(event(n))
    written = threading.Event()
    stop = threading.Event()
    counter = {"n": 200}

    def keep_writing() -> None:
        # The bot's own path to the disk, on its own connection, never pausing.
        while not stop.is_set():
            store.record_answer(event(counter["n"]))
            counter["n"] += 1
            written.set()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        assert written.wait(WAIT)
        before = answer_ids(db)  # committed before the backup starts
        during = counter["n"]
        result = backup(str(tmp_path / "copy.db"))
        # the writer went on while the copy was taken
        deadline = threading.Event()
        while counter["n"] < during + 20 and not deadline.wait(0.01):
            pass
    finally:
        stop.set()
        writer.join(WAIT)
        store.close()

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"利用記録を {tmp_path / 'copy.db'} に保存しました")
    copy = tmp_path / "copy.db"
    with contextlib.closing(sqlite3.connect(copy)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert len(before) >= 200 and before <= answer_ids(copy)
    assert counter["n"] >= during + 20
    assert not list(tmp_path.glob(".copy.db.*"))  # no temporary file left behind


def test_an_existing_file_is_kept_unless_forced(db: Path, tmp_path: Path):
    SqliteStore(Settings(db_path=db)).record_answer(event(1))
    target = tmp_path / "copy.db"
    target.write_bytes(b"an older backup")
    refused = backup(str(target))
    assert refused.exit_code == 2
    assert (
        refused.stderr.strip()
        == f"{target} はすでにあります。上書きするときは --force を付けてください。"
    )
    assert target.read_bytes() == b"an older backup"
    forced = backup(str(target), "--force")
    assert forced.exit_code == 0 and answer_ids(target) == {1}


def test_a_folder_gets_a_file_named_by_the_time(db: Path, tmp_path: Path):
    SqliteStore(Settings(db_path=db)).record_answer(event(1))
    folder = tmp_path / "backups"
    folder.mkdir()
    result = backup(str(folder))
    assert result.exit_code == 0, result.output
    [made] = folder.iterdir()
    assert made.name.startswith("soudan-") and made.suffix == ".db"
    assert made.stat().st_mode & 0o077 == 0  # owner-only, as the database


def test_no_database_and_no_folder_are_one_sentence_each(db: Path, tmp_path: Path):
    missing = backup(str(tmp_path / "copy.db"))
    assert missing.exit_code == 2 and "DB_PATH" in missing.stderr
    assert not db.exists()  # the backup created no database
    SqliteStore(Settings(db_path=db)).record_answer(event(1))
    nowhere = backup(str(tmp_path / "no" / "such" / "copy.db"))
    assert nowhere.exit_code == 2 and "フォルダ" in nowhere.stderr


def test_the_database_itself_is_not_a_target(db: Path):
    SqliteStore(Settings(db_path=db)).record_answer(event(1))
    result = backup(str(db), "--force")
    assert result.exit_code == 2 and answer_ids(db) == {1}


def test_a_file_that_is_not_a_database_fails_with_status_1(db: Path, tmp_path: Path):
    db.parent.mkdir(parents=True)
    db.write_bytes(b"not a database at all" * 100)
    result = backup(str(tmp_path / "copy.db"))
    assert result.exit_code == 1
    assert result.stderr.startswith("利用記録を保存できませんでした")
    assert not (tmp_path / "copy.db").exists()
