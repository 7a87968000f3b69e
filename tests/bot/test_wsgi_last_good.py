"""A gunicorn SIGHUP on broken data must not stop the server: workers serve the last copy
that passed the check, which the master kept when it started."""

import logging
from pathlib import Path

from bot import wsgi
from bot.settings import Settings
from index.errors import DataError
from index.load import load


def test_workers_fall_back_to_the_last_checked_copy(data_copy: Path, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("DATA_DIR", str(data_copy))
    monkeypatch.setenv("DB_PATH", str(tmp_path / "var" / "soudan.db"))
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env(dotenv=False)

    assert wsgi._check() is None  # the master's start: data passes and is kept
    kept = wsgi.last_good_dir(settings)
    assert (kept / "measures.csv").read_bytes() == (data_copy / "measures.csv").read_bytes()

    broken = data_copy / "departments.csv"
    broken.write_text("name,kana\n", encoding="utf-8")  # a column gone
    try:
        load(data_copy)
    except DataError as error:
        failure = error
    assert "departments.csv" in wsgi._check()  # a fresh start is refused

    with caplog.at_level(logging.ERROR, logger="bot.wsgi"):
        service = wsgi._service_on_last_good_data(settings, failure)
    assert service is not None
    assert len(service.data.plan_measures(3)) == 97
    assert service.settings.data_dir == data_copy  # a fixed file is still picked up
    assert "departments.csv" in caplog.text


def test_no_fallback_without_a_checked_copy(data_copy: Path, tmp_path):
    settings = Settings(data_dir=data_copy, db_path=tmp_path / "nowhere" / "soudan.db")
    assert wsgi._service_on_last_good_data(settings, DataError([])) is None
