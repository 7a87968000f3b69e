"""Security: signatures and replays refused, and no secret or question in any log line.

``tests/bot/slack/test_slack_http_e2e.py`` refuses a wrong signature, a timestamp older
than five minutes and missing or garbled headers; this file adds the tampering cases and
one whole run of every surface with every log record captured, at each level an operator
can set with LOG_LEVEL.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from bot import logging_setup
from bot.commands.run import QuietRequestHandler
from bot.logging_setup import configure_logging
from bot.service import Service
from bot.settings import Settings
from bot.slack import blocks
from bot.store import SqliteStore
from bot.wsgi import create_wsgi_app
from index.engine import build
from index.load import load
from tests.bot.slack.test_slack_http_e2e import block_action, event, interaction
from tests.bot.subprocesses import free_port
from tests.fakes.fake_slack import BOT_USER_ID, TEAM_ID, FakeSlack, signature, signed_headers

BOT_TOKEN = "xoxb-1111111111-2222222222-SeCrEtBoTtOkEn0000"
APP_TOKEN = "xapp-1-A0000000000-3333333333-SeCrEtApPtOkEn"
SIGNING_SECRET = "SeCrEtSiGnInGsEcReT-8d2f"
USER_SALT = "SeCrEtSaLt-5c1a"
# One question per surface, each with a fragment no other text has.
QUESTIONS = {
    "slash": "家賃を三か月滞納して退去を迫られている（甲）",
    "mention": "借金の取り立てが毎日来て眠れない（乙）",
    "dm": "息子が十年ひきこもっていて親が高齢（丙）",
    "shortcut": "ひとり親で仕事が見つからず食費もない（丁）",
    "web": "ガス代と電気代を払えず止められそう（戊）",
    "api": "生活保護の申請に付き添ってほしい（己）",
}
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


# ------------------------------------------------------------------ signatures, replays


def app_settings(fake: FakeSlack, tmp_path: Path, **changes) -> Settings:
    values = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.api_url,
        "public_base_url": "https://soudan.example.jp",
        "db_path": tmp_path / "soudan.db",
        "user_hash_salt": USER_SALT,
    }
    return Settings(**{**values, **changes})


@pytest.fixture(scope="module")
def client(module_fake, index, tmp_path_factory):
    settings = app_settings(module_fake, tmp_path_factory.mktemp("security"))
    return create_wsgi_app(settings, Service(settings, index)).test_client()


def slash(response_url: str, text: str = QUESTIONS["slash"]) -> str:
    return urllib.parse.urlencode(
        {"command": "/soudan", "text": text, "team_id": TEAM_ID, "user_id": "U1",
         "channel_id": "C1", "response_url": response_url}
    )  # fmt: skip


def tampered(body: str) -> list[tuple[str, dict[str, str]]]:
    """(body, headers) pairs that a signature check must refuse."""
    now = int(time.time())
    good = signed_headers(body, content_type=FORM, secret=SIGNING_SECRET)
    other_ts = str(now - 60)
    return [
        (body.replace("U1", "U2"), good),  # body changed after signing
        (body, {**good, "X-Slack-Request-Timestamp": other_ts}),  # timestamp swapped
        (body, signed_headers(body, content_type=FORM, timestamp=now + 6 * 60, secret=SIGNING_SECRET)),
        (body, signed_headers(body, content_type=FORM, timestamp=now - 5 * 60 - 5, secret=SIGNING_SECRET)),
        (body, signed_headers(body, content_type=FORM, secret="another-apps-secret")),
        (body, {**good, "X-Slack-Signature": good["X-Slack-Signature"].replace("v0=", "v1=")}),
        (body, {**good, "X-Slack-Signature": "v0="}),
        (body, {**good, "X-Slack-Signature": good["X-Slack-Signature"].upper()}),
        (body + "&user_id=U2", good),  # a field appended
    ]  # fmt: skip


@pytest.mark.parametrize("case", range(9))
def test_tampered_or_replayed_requests_are_refused_and_nothing_is_sent(client, fake, case):
    body, headers = tampered(slash(response_url=fake.response_url()))[case]
    response = client.post("/slack/events", data=body.encode(), headers=headers)
    assert response.status_code == 401
    assert [c for c in fake.settle(quiet=0.1) if c.method != "auth.test"] == []


def test_a_request_signed_within_the_window_is_accepted(client, fake):
    body = slash(response_url=fake.response_url())
    ts = int(time.time()) - 4 * 60
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature(body, str(ts), SIGNING_SECRET),
    }
    assert client.post("/slack/events", data=body.encode(), headers=headers).status_code == 200
    fake.wait_for("response_url")


def test_a_replayed_event_is_answered_once(client, fake):
    inner = {"type": "message", "channel_type": "im", "user": "U1", "channel": "D1",
             "ts": "1.1", "text": QUESTIONS["dm"]}  # fmt: skip
    body = event(inner, "EvReplay")
    for _ in range(3):  # a captured request sent again within the window
        headers = signed_headers(body, content_type=JSON, secret=SIGNING_SECRET)
        assert client.post("/slack/events", data=body.encode(), headers=headers).status_code == 200
    fake.wait_for("chat.postMessage")
    assert len([c for c in fake.settle(quiet=0.3) if c.method == "chat.postMessage"]) == 1


# ------------------------------------------------------------------ the logs of a full run


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    names = ("slack_bolt", "slack_sdk", logging_setup.BOLT_LOGGER, "werkzeug", "bot")
    levels = {name: logging.getLogger(name).level for name in names}
    before_level, before_handlers = root.level, list(root.handlers)
    yield
    root.setLevel(before_level)
    for handler in list(root.handlers):
        if handler not in before_handlers:
            root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
        return response.status


def post(base: str, body: str, content_type: str) -> int:
    headers = signed_headers(body, content_type=content_type, secret=SIGNING_SECRET)
    request = urllib.request.Request(
        f"{base}/slack/events", data=body.encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def run_every_surface(base: str, fake: FakeSlack, service: Service, data_dir: Path) -> None:
    """Each surface once, as Slack and a browser send them, plus a refused data reload."""
    post(base, slash(fake.response_url("slash")), FORM)
    [reply] = fake.wait_for("response_url")
    buttons = reply.buttons()

    mention = {"type": "app_mention", "user": "U1", "channel": "C1", "ts": "2.1",
               "event_ts": "2.1", "text": f"<@{BOT_USER_ID}> {QUESTIONS['mention']}"}  # fmt: skip
    post(base, event(mention, "EvLog1"), JSON)
    dm = {"type": "message", "channel_type": "im", "user": "U1", "channel": "D1",
          "ts": "3.1", "text": QUESTIONS["dm"]}  # fmt: skip
    post(base, event(dm, "EvLog2"), JSON)
    shortcut = {"type": "message_action", "callback_id": "soudan_find_measures",
                "team": {"id": TEAM_ID}, "user": {"id": "U2"}, "channel": {"id": "C1"},
                "message": {"type": "message", "user": "U1", "ts": "4.1",
                            "text": QUESTIONS["shortcut"]},
                "response_url": fake.response_url("shortcut"), "trigger_id": "1.2.3"}  # fmt: skip
    post(base, interaction(shortcut), FORM)
    fake.wait_for("chat.postMessage", 2)
    fake.wait_for("response_url", 2)

    for action in (blocks.ACTION_SHARE, blocks.ACTION_HELPFUL):
        post(base, block_action(fake, action, buttons[action]["value"]), FORM)
    fake.wait_for("chat.postMessage", 3)  # the share
    fake.wait_for("response_url", 4)  # "shared" and the thanks

    assert get(f"{base}/search?q={urllib.parse.quote(QUESTIONS['web'])}") == 200
    assert get(f"{base}/api/search?q={urllib.parse.quote(QUESTIONS['api'])}") == 200

    measures = data_dir / "measures.csv"
    measures.write_text(measures.read_text("utf-8").replace("保護課", "保護科", 1), "utf-8")
    assert service.reload() is not None
    fake.settle(quiet=0.3)


def forbidden_strings() -> list[str]:
    found = [BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, USER_SALT, "xoxb-", "xapp-", "Bearer "]
    for question in QUESTIONS.values():
        found += [question, question[:6], urllib.parse.quote(question)]
        found.append(json.dumps(question)[1:7])  # as \\uXXXX escapes
    return found


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
def test_a_full_run_logs_no_secret_and_no_question(
    level, restore_logging, caplog, fake, analyzer, data_copy, tmp_path
):
    settings = app_settings(
        fake,
        tmp_path,
        slack_app_token=APP_TOKEN,
        data_dir=data_copy,
        log_level=level,
        port=free_port(),
    )
    configure_logging(settings)
    # Stricter than an operator can be: the library loggers at the level too (Bolt's own
    # logger is put back to INFO by create_slack_app, as in production).
    caplog.set_level(getattr(logging, level))
    for name in ("slack_bolt", "slack_sdk", logging_setup.BOLT_LOGGER, "werkzeug", "urllib3"):
        caplog.set_level(getattr(logging, level), logger=name)

    store = SqliteStore(settings)
    service = Service(settings, build(load(data_copy), analyzer), store)
    server = make_server(
        "127.0.0.1",
        settings.port,
        create_wsgi_app(settings, service),
        threaded=True,
        request_handler=QuietRequestHandler,  # as `soudan run` serves the pages
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        fake.wait_for("auth.test")
        run_every_surface(f"http://127.0.0.1:{settings.port}", fake, service, data_copy)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
        store.close()

    records = caplog.records
    names = {r.name for r in records}
    # The run was seen: answers, the access log, the libraries and the refused reload.
    assert {"bot.slack.responder", "bot.access", "bot.service"} <= names
    if level == "DEBUG":  # the Web API client's own request and response lines
        assert any(n.startswith("slack_sdk") for n in names)
    text = caplog.text + "\n".join(r.getMessage() for r in records)
    for secret in forbidden_strings():
        assert secret not in text, secret
