"""bootstrap(): one start-up for every entry point. A restart on broken data must not
stop the server: it serves the last copy that passed the check, kept when it started."""

import logging
from pathlib import Path

import pytest

from bot import gunicorn_app
from bot.bootstrap import bootstrap, last_good_dir
from bot.settings import Settings
from index.errors import DataError
from index.load import load


@pytest.fixture
def serving():
    started = []

    def start(settings: Settings):
        service = bootstrap(settings)
        started.append(service)
        return service

    yield start
    for service in started:
        service.store.close()


def test_workers_fall_back_to_the_last_checked_copy(
    data_copy: Path, tmp_path, monkeypatch, caplog, serving
):
    monkeypatch.setenv("DATA_DIR", str(data_copy))
    monkeypatch.setenv("DB_PATH", str(tmp_path / "var" / "soudan.db"))
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env(dotenv=False)

    assert gunicorn_app.problems_at_start() is None  # the master's start: data passes and is kept
    kept = last_good_dir(settings)
    assert (kept / "measures.csv").read_bytes() == (data_copy / "measures.csv").read_bytes()

    broken = data_copy / "departments.csv"
    broken.write_text("name,kana\n", encoding="utf-8")  # a column gone
    with pytest.raises(DataError):
        load(data_copy)
    assert "departments.csv" in gunicorn_app.problems_at_start()  # a fresh start is refused

    with caplog.at_level(logging.ERROR, logger="bot.bootstrap"):
        service = serving(settings)
    assert len(service.data.plan_measures(3)) == 97
    assert service.settings.data_dir == data_copy  # a fixed file is still picked up
    assert "departments.csv" in caplog.text


def test_no_fallback_without_a_checked_copy(data_copy: Path, tmp_path, serving):
    (data_copy / "departments.csv").write_text("name,kana\n", encoding="utf-8")
    settings = Settings(
        data_dir=data_copy, db_path=tmp_path / "nowhere" / "soudan.db", cache_dir=None
    )
    with pytest.raises(DataError):
        serving(settings)


def test_a_good_start_keeps_a_copy_for_later(data_copy: Path, tmp_path, serving):
    settings = Settings(data_dir=data_copy, db_path=tmp_path / "var" / "soudan.db", cache_dir=None)
    serving(settings)
    assert (last_good_dir(settings) / "measures.csv").read_bytes() == (
        data_copy / "measures.csv"
    ).read_bytes()


def test_the_command_line_never_falls_back(data_copy: Path, tmp_path, serving):
    settings = Settings(data_dir=data_copy, db_path=tmp_path / "var" / "soudan.db", cache_dir=None)
    serving(settings)  # a copy is kept
    (data_copy / "departments.csv").write_text("name,kana\n", encoding="utf-8")
    with pytest.raises(DataError):
        bootstrap(settings, serving=False)
