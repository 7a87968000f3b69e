"""The WSGI app as the Procfile runs it: real gunicorn, real sockets, the fake Slack."""

from __future__ import annotations

import runpy
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from gunicorn.config import Config

import bot.wsgi
from bot.settings import Settings
from bot.wsgi import create_wsgi_app
from tests.bot.subprocesses import (
    ROOT,
    clean_env,
    free_port,
    send_slash_command,
    stop,
    wait_for_http,
)
from tests.fakes.fake_slack import SIGNING_SECRET, FakeSlack

GUNICORN = Path(sys.executable).parent / "gunicorn"
GUNICORN_CONFIG = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
on_starting = GUNICORN_CONFIG["on_starting"]


# ------------------------------------------------------------------ in process


def test_gunicorn_reads_only_its_settings_from_its_config_file():
    assert not set(vars(bot.wsgi)) & set(Config().settings)
    assert set(GUNICORN_CONFIG) & set(Config().settings) == {
        "on_starting",
        "wsgi_app",
        "worker_class",
        "workers",
        "threads",
        "timeout",
        "graceful_timeout",
        "limit_request_line",
        "logger_class",
    }


def test_pages_only_without_slack_settings(settings, service):
    web = create_wsgi_app(settings, service)
    client = web.test_client()
    assert client.post("/slack/events", data="{}").status_code in (404, 405)
    assert client.get("/departments").status_code == 200


def test_on_starting_stops_on_a_bad_variable_with_status_2(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("SLACK_BOT_TOKEN", "not-a-token")
    with pytest.raises(SystemExit) as exit_info:
        on_starting(None)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "SLACK_BOT_TOKEN" in err


def test_on_starting_stops_on_bad_data_with_every_problem(monkeypatch, tmp_path, data_copy, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATA_DIR", str(data_copy))
    measures = data_copy / "measures.csv"
    lines = measures.read_text("utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("departments")] = "存在しない課"
    measures.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n", "utf-8")
    with pytest.raises(SystemExit) as exit_info:
        on_starting(None)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "measures.csv:2" in err and "存在しない課" in err


def test_on_starting_passes_good_settings(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(ROOT / "data"))
    on_starting(None)  # returns: nothing to report


# ------------------------------------------------------------------ the Procfile command


def procfile_command(port: int) -> list[str]:
    line = (ROOT / "Procfile").read_text("utf-8").split("web:", 1)[1].strip().splitlines()[0]
    argv = shlex.split(line.replace("$PORT", str(port)))
    assert argv[0] == "gunicorn"
    # The server runs in an empty folder (no .env of the checkout): the config is found
    # where the Procfile's folder is.
    argv = [str(ROOT / arg) if arg.endswith(".conf.py") else arg for arg in argv]
    return [str(GUNICORN), *argv[1:]]


@pytest.fixture
def gunicorn_server(tmp_path) -> Iterator[tuple[str, FakeSlack, subprocess.Popen]]:
    port = free_port()
    with FakeSlack() as fake:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-e2e",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.api_url,
            PUBLIC_BASE_URL="https://soudan.example.jp",
            DB_PATH=str(tmp_path / "soudan.db"),
            PORT=str(port),
        )
        process = subprocess.Popen(
            procfile_command(port),
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for_http(f"{base}/departments", process)
            yield base, fake, process
        finally:
            if process.poll() is None:
                stop(process)


def test_the_procfile_serves_pages_and_slack_events(gunicorn_server):
    base, fake, process = gunicorn_server
    question = "家賃を滞納していて退去を求められそう"
    reply = send_slash_command(base, fake, question)
    assert "https://soudan.example.jp/measures/3-" in reply.text
    err = stop(process)
    assert question not in err  # gunicorn's and our logs hold no question
    assert "家賃を滞納" not in err


def test_the_procfile_refuses_a_bad_variable_with_status_2(tmp_path):
    port = free_port()
    env = clean_env(LOG_LEVEL="LOUD")
    result = subprocess.run(
        procfile_command(port), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "LOG_LEVEL" in result.stderr
    assert "Traceback" not in result.stderr


def test_slack_events_routes_only_with_http_mode_settings(settings, service):
    socket_only = Settings(
        slack_bot_token="xoxb-t",
        slack_app_token="xapp-t",
        data_dir=settings.data_dir,
        db_path=settings.db_path,
    )
    assert "/slack/events" not in {
        r.rule for r in create_wsgi_app(socket_only, service).url_map.iter_rules()
    }
    http = Settings(
        slack_bot_token="xoxb-t",
        slack_signing_secret="s",
        slack_api_url="http://127.0.0.1:9/api/",
        data_dir=settings.data_dir,
        db_path=settings.db_path,
    )
    assert "/slack/events" in {r.rule for r in create_wsgi_app(http, service).url_map.iter_rules()}
