"""Malformed HTTP into what gunicorn serves: always a 4xx (or a plain ack), never a 500, and
nothing of the body in any log line.

``tests/bot/slack/test_slack_http_e2e.py`` covers the signature checks and four malformed
signed bodies; this file covers the rest of what a broken client or a scanner sends, in
process (every log record captured at DEBUG) and against the Procfile's gunicorn (raw
bytes on a socket).
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from flask.testing import FlaskClient

from bot.service import Service
from bot.settings import Settings
from bot.wsgi import MAX_SLACK_BODY, create_wsgi_app
from index.engine import Index
from tests.bot.subprocesses import clean_env, free_port, stop, wait_for_http
from tests.bot.test_wsgi import procfile_command
from tests.fakes.fake_slack import SIGNING_SECRET, TEAM_ID, FakeSlack, signed_headers

MARKER = "本文マーカー9f3e"  # a question-like string that must never reach a log line
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
ENCODED = quote(MARKER)


@pytest.fixture(scope="module")
def client(module_fake: FakeSlack, index: Index, tmp_path_factory) -> FlaskClient:
    settings = Settings(
        slack_bot_token="xoxb-robustness",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=module_fake.api_url,
        public_base_url="https://soudan.example.jp",
        db_path=tmp_path_factory.mktemp("robustness") / "soudan.db",
    )
    return create_wsgi_app(settings, Service(settings, index)).test_client()


@pytest.fixture
def logs(caplog) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    for name in ("slack_bolt", "slack_sdk", "werkzeug", "bot", "urllib3"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def assert_no_body_logged(caplog: pytest.LogCaptureFixture) -> None:
    for record in caplog.records:
        assert MARKER not in record.getMessage(), record.name
        assert ENCODED not in record.getMessage(), record.name
    # Tracebacks and formatted extras too, not just messages.
    assert MARKER not in caplog.text and ENCODED not in caplog.text


def post(client: FlaskClient, body: str | bytes, content_type: str | None, *, signed: bool):
    raw = body.encode("utf-8") if isinstance(body, str) else body
    headers = {"Content-Type": content_type} if content_type else {}
    if signed:
        text = raw.decode("utf-8", "replace")
        headers.update(signed_headers(text, content_type=content_type or ""))
        if not content_type:
            del headers["Content-Type"]
    return client.post("/slack/events", data=raw, headers=headers)


def payload(value: object) -> str:
    return urlencode({"payload": json.dumps(value, ensure_ascii=False)})


# Bodies no Slack request looks like: refused with a 4xx, whether signed or not.
REFUSED = [
    pytest.param(f'{{"type": "event_callback", "event": {{"text": "{MARKER}"', JSON, id="cut-json"),
    pytest.param(f"これはJSONではない {MARKER}", JSON, id="not-json"),
    pytest.param(f"payload=%7B%22type%22%3A%22{ENCODED}", FORM, id="cut-payload"),
    pytest.param(f"payload={ENCODED}", FORM, id="payload-not-json"),
    pytest.param("payload=null", FORM, id="payload-null"),
    pytest.param(f"payload=%22{ENCODED}%22", FORM, id="payload-string"),
    pytest.param(f"text={ENCODED}&command=/soudan", JSON, id="form-sent-as-json"),
    pytest.param(json.dumps({"type": "event_callback", "x": MARKER}), FORM, id="json-as-form"),
    pytest.param(f"{MARKER}", "text/plain", id="text-plain"),
    pytest.param(f"--b\r\n{MARKER}\r\n--b--", "multipart/form-data; boundary=b", id="multipart"),
    pytest.param(f"{MARKER}", None, id="no-content-type"),
    pytest.param("", JSON, id="empty-json"),
    pytest.param("", FORM, id="empty-form"),
    pytest.param("{}", JSON, id="empty-object"),
    pytest.param('{"type": "event_callback"}', JSON, id="event-missing"),
    pytest.param('{"type": "event_callback", "event": {}}', JSON, id="event-empty"),
    pytest.param(json.dumps({"type": f"unknown_{MARKER}"}), JSON, id="unknown-type"),
    pytest.param(payload({"type": "block_actions", "text": MARKER}), FORM, id="actions-missing"),
    pytest.param(payload({"type": "shortcut"}), FORM, id="shortcut-without-callback"),
    pytest.param("[" * 100_000, JSON, id="deep-json-array"),
    pytest.param('{"a":' * 50_000, JSON, id="deep-json-object"),
    pytest.param("payload=" + "%5B" * 50_000, FORM, id="deep-payload"),
    pytest.param(b"\xff\xfe" + MARKER.encode("utf-16-le"), JSON, id="utf16"),
    pytest.param(MARKER.encode("cp932"), FORM, id="shift-jis"),
]


@pytest.mark.parametrize(("body", "content_type"), REFUSED)
def test_a_signed_malformed_body_is_4xx_and_not_logged(client, logs, body, content_type):
    response = post(client, body, content_type, signed=True)
    assert 400 <= response.status_code < 500
    assert_no_body_logged(logs)


@pytest.mark.parametrize(("body", "content_type"), REFUSED)
def test_an_unsigned_malformed_body_is_refused_before_it_is_read(client, logs, body, content_type):
    response = post(client, body, content_type, signed=False)
    assert response.status_code in (400, 401)  # 400: not even UTF-8
    assert_no_body_logged(logs)


def slash(**fields: str) -> str:
    return urlencode({"command": "/soudan", "team_id": TEAM_ID, **fields})


EVENT_IDS = itertools.count(1)


def dm_event(event: dict) -> str:
    # One app serves the whole module: every event needs its own id to get past the dedupe.
    event_id = f"EvR{next(EVENT_IDS)}"
    return json.dumps(
        {"type": "event_callback", "team_id": TEAM_ID, "event_id": event_id, "event": event},
        ensure_ascii=False,
    )


# Requests Slack could send with fields missing or of odd types: acknowledged (Slack
# needs the ack), then answered where there is somewhere to answer, and never a crash.
INCOMPLETE = [
    pytest.param(slash(), FORM, 0, id="slash-only-command"),
    pytest.param(slash(text=MARKER), FORM, 0, id="slash-no-response-url-no-channel"),
    pytest.param(slash(text=f"{MARKER} 家賃", channel_id="C1", user_id="U1"), FORM, 1, id="slash-to-ephemeral"),
    pytest.param(slash(text="", response_url=""), FORM, 0, id="slash-empty-fields"),
    pytest.param(dm_event({"type": "message", "channel_type": "im", "text": MARKER}), JSON, 0, id="dm-no-user"),
    pytest.param(dm_event({"type": "message", "channel_type": "im", "user": "U1", "text": MARKER}), JSON, 0, id="dm-no-channel"),
    pytest.param(dm_event({"type": "app_mention", "text": MARKER, "user": "U1"}), JSON, 0, id="mention-no-channel"),
    pytest.param(dm_event({"type": "message", "channel_type": "im", "user": "U1", "channel": "D1", "text": None}), JSON, 1, id="dm-null-text"),
    pytest.param(dm_event({"type": "message", "channel_type": "im", "user": "U1", "channel": "D1", "text": {"x": MARKER}}), JSON, 1, id="dm-object-text"),
    pytest.param(dm_event({"type": "app_home_opened"}), JSON, 0, id="home-no-user"),
    pytest.param(json.dumps({"type": "url_verification"}), JSON, 0, id="challenge-missing"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "content_type", "answers"), INCOMPLETE)
def test_an_incomplete_request_is_acked_and_handled(
    client, fake, logs, body, content_type, answers
):
    response = post(client, body, content_type, signed=True)
    assert response.status_code == 200
    sent = [c for c in fake.settle(quiet=0.1) if c.method != "auth.test"]
    assert len(sent) == answers
    failures = [r for r in logs.records if r.levelno >= logging.ERROR]
    assert failures == [], [r.getMessage() for r in failures]
    assert_no_body_logged(logs)


def test_a_response_url_that_is_no_url_falls_back_to_an_ephemeral_message(fake, client, logs):
    body = slash(text="家賃", response_url="not-a-url", channel_id="C1", user_id="U1")
    assert post(client, body, FORM, signed=True).status_code == 200
    deadline = time.monotonic() + 5
    # Until the answer arrives or the listener has failed, whichever comes first.
    while not fake.calls_to("chat.postEphemeral") and time.monotonic() < deadline:
        if any(r.levelno >= logging.ERROR for r in logs.records):
            break
        time.sleep(0.02)
    [ephemeral] = fake.calls_to("chat.postEphemeral")
    assert ephemeral.params["channel"] == "C1"


def test_an_oversized_body_is_413_before_the_signature_is_checked(client, logs):
    body = f"text={ENCODED}&" + "x" * MAX_SLACK_BODY
    assert post(client, body, FORM, signed=False).status_code == 413
    assert_no_body_logged(logs)


WEB_PATHS = ["/", "/search", "/api/search", "/healthz", "/departments", "/measures/3-1-3-8"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", [*WEB_PATHS, "/api/measures/3-1-3-8", "/static/style.css"])
def test_pages_take_no_bodies_and_say_405(client, logs, path, method):
    response = client.open(
        path, method=method, data=f'{{"q": "{MARKER}"'.encode() * 100, content_type=JSON
    )
    assert response.status_code == 405
    assert_no_body_logged(logs)


@pytest.mark.parametrize("content_type", [JSON, FORM, "text/plain", "multipart/form-data"])
@pytest.mark.parametrize("path", ["/search?q=家賃", "/api/search?q=家賃"])
def test_a_get_with_a_broken_body_ignores_the_body(client, logs, path, content_type):
    response = client.get(path, data=f"{{{MARKER}".encode(), content_type=content_type)
    assert response.status_code == 200
    assert_no_body_logged(logs)


def test_only_post_reaches_slack_events(client):
    assert client.get("/slack/events").status_code == 405
    assert client.put("/slack/events", data="{}").status_code == 405


# ------------------------------------------------------------------ raw bytes, gunicorn


def exchange(port: int, raw: bytes, *, half_close: bool = False) -> bytes:
    """Send raw bytes, return what came back before the server closed or went quiet."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            sock.sendall(raw)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:  # broken pipe, reset, not connected
            pass  # the server answered and closed before reading everything
        received = b""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            received += chunk
            if b"\r\n\r\n" in received and half_close is False:
                break
        return received


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else 0


@dataclass
class Gunicorn:
    port: int
    process: subprocess.Popen
    log: Path  # gunicorn's stderr: its own log and ours, at LOG_LEVEL=DEBUG

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log.open("rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory) -> Iterator[Gunicorn]:
    tmp = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    log = tmp / "stderr.log"
    with FakeSlack() as slack, log.open("wb") as err:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-raw",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=slack.api_url,
            DB_PATH=str(tmp / "soudan.db"),
            PORT=str(port),
            LOG_LEVEL="DEBUG",
        )
        process = subprocess.Popen(
            procfile_command(port), cwd=tmp, env=env, stdout=err, stderr=subprocess.STDOUT
        )
        try:
            wait_for_http(f"http://127.0.0.1:{port}/healthz", process)
            server = Gunicorn(port, process, log)
            assert "Booting worker" in server.log_since(0)  # the log is being captured
            yield server
        finally:
            if process.poll() is None:
                stop(process)


def chunked(body: bytes, size: int = 65536) -> bytes:
    parts = [
        f"{len(body[i : i + size]):x}\r\n".encode() + body[i : i + size] + b"\r\n"
        for i in range(0, len(body), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


RAW = [
    pytest.param(f"GARBAGE /search?q={ENCODED}\r\n\r\n".encode(), False, id="bad-request-line"),
    pytest.param(f"GET /search?q={ENCODED} HTTP/9.9\r\n\r\n".encode(), False, id="bad-version"),
    pytest.param(
        f"POST /slack/events HTTP/1.1\r\nHost: x\r\nNoColon {MARKER}\r\n\r\n".encode(),
        False,
        id="header-without-colon",
    ),
    pytest.param(
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", False, id="cl-nan"
    ),
    pytest.param(
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        False,
        id="two-lengths",
    ),
    pytest.param(
        f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n{MARKER}".encode(),
        True,
        id="body-cut-short",
    ),
    pytest.param(
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n",
        False,
        id="huge-header",
    ),
    pytest.param(
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/json\r\n\r\n" + chunked(MARKER.encode() * 50_000),
        False,
        id="chunked-oversized",
    ),
    pytest.param(
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + MARKER.encode()
        + b"\r\n",
        False,
        id="chunked-garbage",
    ),
]


@pytest.mark.parametrize(("raw", "half_close"), RAW)
def test_gunicorn_answers_broken_http_with_a_4xx_and_logs_no_body(gunicorn, raw, half_close):
    offset = gunicorn.log_size()
    response = exchange(gunicorn.port, raw, half_close=half_close)
    # A body that never arrives may also just be dropped: no answer is no 500 either.
    assert response == b"" and half_close or 400 <= status_of(response) < 500, response[:200]
    assert gunicorn.process.poll() is None
    with socket.create_connection(("127.0.0.1", gunicorn.port), timeout=10) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 200")
    logged = gunicorn.log_since(offset)
    assert MARKER not in logged and ENCODED not in logged


@pytest.mark.parametrize("path", ["/search", "/api/search"])
def test_gunicorn_refuses_a_20000_character_question_in_japanese(gunicorn, path):
    offset = gunicorn.log_size()
    question = "家賃の相談" * 4_000
    raw = f"GET {path}?q={quote(question)} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    response = exchange(gunicorn.port, raw, half_close=True)  # read to the close
    assert status_of(response) == 414
    head, _, body = response.partition(b"\r\n\r\n")
    assert b"charset=utf-8" in head
    assert "質問が長すぎます" in body.decode("utf-8")
    assert "家賃の相談" not in gunicorn.log_since(offset)


def test_gunicorn_and_our_lines_are_on_one_clock(gunicorn):
    lines = gunicorn.log_since(0).splitlines()
    booting = [line for line in lines if "Booting worker" in line]
    ours = [line for line in lines if " bot." in line]
    assert booting and ours
    for line in (*booting, *ours):
        # 2025-04-01 10:00:00.123+09:00 INFO name: message (Asia/Tokyo without TZ)
        assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+09:00 ", line), line
