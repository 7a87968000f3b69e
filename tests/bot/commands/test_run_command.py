"""soudan run, as make run starts it: in a subprocess, with the environment it would get."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from tests.bot.subprocesses import clean_env, free_port, send_slash_command, wait_for_http
from tests.fakes.fake_slack import SIGNING_SECRET, FakeSlack

RUN = [sys.executable, "-m", "bot", "run"]


def run_until_exit(env: dict, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(RUN, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_a_bad_variable_is_one_line_naming_it_and_status_2(tmp_path):
    result = run_until_exit(clean_env(PORT="http"), tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "PORT" in result.stderr and "Traceback" not in result.stderr


def test_a_token_without_a_mode_is_refused(tmp_path):
    result = run_until_exit(clean_env(SLACK_BOT_TOKEN="xoxb-1"), tmp_path)
    assert result.returncode == 2
    assert "SLACK_APP_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_bad_data_lists_every_problem_and_status_2(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    result = run_until_exit(clean_env(DATA_DIR=str(data)), tmp_path)
    assert result.returncode == 2
    assert "データに" in result.stderr and "Traceback" not in result.stderr


def test_the_dotenv_file_is_read(tmp_path):
    (tmp_path / ".env").write_text("LOG_LEVEL=LOUD\n", "utf-8")
    result = run_until_exit(clean_env(), tmp_path)
    assert result.returncode == 2 and "LOG_LEVEL" in result.stderr


def start(env: dict, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        RUN, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def interrupt(process: subprocess.Popen) -> tuple[int, str, str]:
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    return process.returncode, out, err


def test_without_slack_settings_it_serves_the_pages_and_says_how_to_connect(tmp_path):
    port = free_port()
    process = start(clean_env(PORT=str(port), DB_PATH=str(tmp_path / "s.db")), tmp_path)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/departments", process)
        question = "家賃を滞納している"
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/search?{urlencode({'q': question})}", timeout=10
        ) as response:
            assert response.status == 200
    finally:
        code, out, err = interrupt(process)
    assert code == 0
    assert f"http://127.0.0.1:{port}" in out
    assert "SLACK_APP_TOKEN" in out and "docs/slack-setup.md" in out
    assert "GET /search" in err and question not in err


def test_http_mode_settings_also_take_slack_events(tmp_path):
    port = free_port()
    with FakeSlack() as fake:
        env = clean_env(
            PORT=str(port),
            DB_PATH=str(tmp_path / "s.db"),
            SLACK_BOT_TOKEN="xoxb-1",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.api_url,
        )
        process = start(env, tmp_path)
        try:
            wait_for_http(f"http://127.0.0.1:{port}/departments", process)
            reply = send_slash_command(f"http://127.0.0.1:{port}", fake, "借金がある")
            assert "/measures/3-" in reply.text
        finally:
            code, out, _ = interrupt(process)
    assert code == 0 and "/slack/events" in out


@pytest.mark.parametrize(
    ("method", "variable"),
    [("auth.test", "SLACK_BOT_TOKEN"), ("apps.connections.open", "SLACK_APP_TOKEN")],
)
def test_socket_mode_with_a_refused_token_says_which_and_status_2(tmp_path, method, variable):
    with FakeSlack() as fake:
        fake.fail(method, "invalid_auth", times=5)
        env = clean_env(
            PORT=str(free_port()),
            DB_PATH=str(tmp_path / "s.db"),
            SLACK_BOT_TOKEN="xoxb-1",
            SLACK_APP_TOKEN="xapp-1",
            SLACK_API_URL=fake.api_url,
        )
        started = time.monotonic()
        result = run_until_exit(env, tmp_path)
        assert fake.calls_to(method)
    assert result.returncode == 2
    assert variable in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 60


@pytest.fixture
def local_server(web_app_for_run):
    """The pages behind the request handler `soudan run` serves them with."""
    import threading

    from werkzeug.serving import make_server

    from bot.commands.run import QuietRequestHandler

    port = free_port()
    server = make_server(
        "127.0.0.1", port, web_app_for_run, threaded=True, request_handler=QuietRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def web_app_for_run(settings, service):
    from bot.wsgi import create_wsgi_app

    return create_wsgi_app(settings, service)


@pytest.mark.parametrize(
    ("path", "content_type", "text"),
    [
        ("/search", "text/html", "質問が長すぎます"),
        ("/api/search", "application/json", '"error": "質問が長すぎます。"'),
    ],
)
def test_a_20000_character_question_is_refused_in_japanese(local_server, path, content_type, text):
    from tests.bot.test_http_robustness import exchange, status_of

    raw = f"GET {path}?q={quote('家賃の相談' * 4_000)} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    response = exchange(local_server, raw, half_close=True)
    assert status_of(response) == 414
    head, _, body = response.partition(b"\r\n\r\n")
    assert content_type.encode() in head
    assert text in body.decode("utf-8")


def test_the_local_servers_own_lines_carry_no_second_clock(local_server, caplog):
    from tests.bot.test_http_robustness import exchange

    with caplog.at_level("INFO", logger="werkzeug"):
        exchange(local_server, b"GET / HTTP/9.9\r\n\r\n", half_close=True)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert lines and not any("[" in line for line in lines), lines
