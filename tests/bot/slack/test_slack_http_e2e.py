"""End to end on localhost: signed requests into the WSGI app, a fake Slack Web API out.

The app is ``bot.wsgi.create_wsgi_app`` (what gunicorn serves) on a real socket; Slack's side is
``tests.fakes.fake_slack``. Assertions are on what reached the fake: measure, department,
link, thread.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from bot.slack import blocks
from bot.wsgi import MAX_SLACK_BODY, create_wsgi_app
from tests.bot.slack.conftest import BASE_URL
from tests.fakes.fake_slack import (
    BOT_ID,
    BOT_USER_ID,
    TEAM_ID,
    FakeSlack,
    message_shortcut,
    signed_headers,
)

RENT = "家賃を3か月滞納していて退去を求められそう"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@pytest.fixture
def server(slack_settings, slack_service) -> Iterator[str]:
    web = create_wsgi_app(slack_settings, slack_service)
    srv = make_server("127.0.0.1", 0, web, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def top_link(slack_service) -> str:
    measure = slack_service.answer(RENT, surface="cli").hits[0].measure
    return f"{BASE_URL}/measures/{measure.id}"


def post(base: str, body: str, content_type: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(
        f"{base}/slack/events",
        data=body.encode("utf-8"),
        headers={**signed_headers(body, content_type=content_type), **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def event(inner: dict, event_id: str = "Ev0001") -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": "A0001",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            "event": inner,
        },
        ensure_ascii=False,
    )


def interaction(payload: dict) -> str:
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)})


def slash_body(fake_slack: FakeSlack, text: str) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "channel_id": "C100",
            "user_id": "U100",
            "command": "/soudan",
            "text": text,
            "response_url": fake_slack.response_url("slash"),
            "trigger_id": "1.2.3",
            "api_app_id": "A0001",
        }
    )


def block_action(fake_slack: FakeSlack, action_id: str, value: str) -> str:
    return interaction(
        {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": "U100", "team_id": TEAM_ID},
            "api_app_id": "A0001",
            "container": {"type": "message", "channel_id": "C100", "is_ephemeral": True},
            "channel": {"id": "C100"},
            "response_url": fake_slack.response_url("action"),
            "trigger_id": "1.2.3",
            "actions": [
                {"action_id": action_id, "block_id": "b1", "type": "button", "value": value}
            ],
        }
    )


def answers(calls: list) -> list:
    """Calls that answer someone (auth.test at startup is not one)."""
    return [c for c in calls if c.method != "auth.test"]


# ------------------------------------------------------------------ surfaces


def test_url_verification_echoes_the_challenge(server):
    status, body = post(
        server, json.dumps({"type": "url_verification", "challenge": "c-123"}), JSON
    )
    assert status == 200 and "c-123" in body


def test_slash_command_acks_and_answers_privately(server, fake_slack, top_link):
    started = time.monotonic()
    status, body = post(server, slash_body(fake_slack, RENT), FORM)
    assert status == 200 and body == ""
    assert time.monotonic() - started < 3  # acked before the answer
    [reply] = fake_slack.wait_for("response_url")
    assert reply.params["response_type"] == "ephemeral"
    assert top_link in reply.text
    assert "相談先の担当課" in reply.text
    assert blocks.ACTION_SHARE in reply.buttons()
    assert fake_slack.calls_to("auth.test"), "Bolt authorizes with auth.test against the fake"


def test_a_question_with_a_broadcast_is_echoed_escaped(server, fake_slack):
    post(server, slash_body(fake_slack, "&lt;!channel&gt; 家賃が払えない"), FORM)
    [reply] = fake_slack.wait_for("response_url")
    assert "質問: &lt;!channel&gt; 家賃が払えない" in reply.text
    post(server, slash_body(fake_slack, "<!channel> <@U999> 借金"), FORM)
    replies = fake_slack.wait_for("response_url", 2)
    assert all("<!channel>" not in r.text and "<@U999>" not in r.text for r in replies)


def test_app_mention_is_answered_in_its_thread(server, fake_slack, top_link):
    inner = {
        "type": "app_mention",
        "user": "U100",
        "text": f"<@{BOT_USER_ID}> {RENT}",
        "ts": "1700000001.000100",
        "channel": "C100",
        "event_ts": "1700000001.000100",
    }
    status, _ = post(server, event(inner), JSON)
    assert status == 200
    [answer] = fake_slack.wait_for("chat.postMessage")
    assert answer.params["channel"] == "C100"
    assert answer.params["thread_ts"] == "1700000001.000100"
    assert top_link in answer.text


def test_direct_message_is_answered_in_the_dm(server, fake_slack, top_link):
    inner = {
        "type": "message",
        "channel_type": "im",
        "user": "U100",
        "text": RENT,
        "ts": "1700000002.000100",
        "channel": "D100",
    }
    post(server, event(inner, "Ev-dm"), JSON)
    [answer] = fake_slack.wait_for("chat.postMessage")
    assert answer.params["channel"] == "D100"
    assert top_link in answer.text


def test_a_retried_or_duplicated_event_is_answered_once(server, fake_slack):
    inner = {
        "type": "message",
        "channel_type": "im",
        "user": "U100",
        "text": RENT,
        "ts": "1700000003.000100",
        "channel": "D100",
    }
    body = event(inner, "Ev-retry")
    assert post(server, body, JSON)[0] == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert post(server, body, JSON, retry)[0] == 200
    assert post(server, body, JSON)[0] == 200
    fake_slack.wait_for("chat.postMessage")
    calls = fake_slack.settle(quiet=0.4)
    assert len([c for c in calls if c.method == "chat.postMessage"]) == 1


def test_the_bots_own_messages_are_ignored(server, fake_slack):
    own = {
        "type": "message",
        "channel_type": "im",
        "subtype": "bot_message",
        "bot_id": BOT_ID,
        "text": "回答",
        "ts": "1.1",
        "channel": "D100",
    }
    edit = {
        "type": "message",
        "channel_type": "im",
        "subtype": "message_changed",
        "ts": "1.2",
        "channel": "D100",
        "message": {"user": "U100", "text": RENT},
    }
    assert post(server, event(own, "Ev-own"), JSON)[0] == 200
    assert post(server, event(edit, "Ev-edit"), JSON)[0] == 200
    assert answers(fake_slack.settle(quiet=0.4)) == []


def test_message_shortcut_answers_privately(server, fake_slack, top_link):
    body = interaction(message_shortcut(fake_slack, RENT))
    assert post(server, body, FORM)[0] == 200
    [reply] = fake_slack.wait_for("response_url")
    assert reply.path == "/response/shortcut"
    assert reply.params["response_type"] == "ephemeral" and top_link in reply.text


def test_home_tab_is_published(server, fake_slack):
    inner = {"type": "app_home_opened", "user": "U100", "channel": "D100", "tab": "home"}
    post(server, event(inner, "Ev-home"), JSON)
    [publish] = fake_slack.wait_for("views.publish")
    assert publish.params["user_id"] == "U100"
    assert "担当課の一覧" in publish.text


def test_share_more_and_feedback_buttons(server, fake_slack, slack_service, store):
    post(server, slash_body(fake_slack, RENT), FORM)
    [reply] = fake_slack.wait_for("response_url")
    buttons = reply.buttons()
    fake_slack.reset()

    post(
        server,
        block_action(fake_slack, blocks.ACTION_SHARE, buttons[blocks.ACTION_SHARE]["value"]),
        FORM,
    )
    [shared] = fake_slack.wait_for("chat.postMessage")
    assert shared.params["channel"] == "C100" and RENT in shared.text
    fake_slack.wait_for("response_url")

    fake_slack.reset()
    post(
        server,
        block_action(fake_slack, blocks.ACTION_MORE, buttons[blocks.ACTION_MORE]["value"]),
        FORM,
    )
    [more] = fake_slack.wait_for("response_url")
    assert "4〜6件目" in more.text

    fake_slack.reset()
    value = buttons[blocks.ACTION_HELPFUL]["value"]
    post(server, block_action(fake_slack, blocks.ACTION_HELPFUL, value), FORM)
    [thanks] = fake_slack.wait_for("response_url")
    assert "ありがとうございます" in thanks.text
    assert store.feedback == [(value.split("|")[1], True, "slash", "U100")]


# ------------------------------------------------------------------ refusals


def test_a_wrong_signature_is_401(server, fake_slack):
    body = slash_body(fake_slack, RENT)
    headers = {"X-Slack-Signature": "v0=" + "0" * 64}
    assert post(server, body, FORM, headers)[0] == 401
    assert answers(fake_slack.settle(quiet=0.3)) == []


def test_a_timestamp_older_than_five_minutes_is_401(server, fake_slack):
    body = slash_body(fake_slack, RENT)
    old = int(time.time()) - 6 * 60
    headers = signed_headers(body, content_type=FORM, timestamp=old)
    assert post(server, body, FORM, headers)[0] == 401
    assert answers(fake_slack.settle(quiet=0.3)) == []


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": ""},
        {"X-Slack-Request-Timestamp": "yesterday"},
        {"X-Slack-Signature": "v0=\u00e9\u00e9"},
    ],
)
def test_missing_or_garbled_signature_headers_are_401(server, fake_slack, headers):
    body = slash_body(fake_slack, RENT)
    assert post(server, body, FORM, headers)[0] == 401


def test_an_oversized_body_is_413(server):
    body = "text=" + "あ" * (MAX_SLACK_BODY // 3 + 10)
    assert post(server, body, FORM)[0] == 413


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=%7Bnot-json", FORM),
        ("[1, 2, 3]", JSON),
        ('{"type": "event_callback", "event": "not an object", "event_id": "x"}', JSON),
        ('{"type": "block_actions", "actions": "nope"}', JSON),
    ],
)
def test_a_malformed_signed_body_is_4xx_never_500(server, body, content_type):
    status, _ = post(server, body, content_type)
    assert 400 <= status < 500


def test_the_pages_are_served_alongside(server):
    with urllib.request.urlopen(f"{server}/departments", timeout=5) as response:
        assert response.status == 200


def test_not_helpful_opens_the_modal_whose_select_and_choice_work(server, fake_slack, store):
    post(server, slash_body(fake_slack, RENT), FORM)
    [reply] = fake_slack.wait_for("response_url")
    value = reply.buttons()[blocks.ACTION_NOT_HELPFUL]["value"]
    fake_slack.reset()

    assert post(server, block_action(fake_slack, blocks.ACTION_NOT_HELPFUL, value), FORM)[0] == 200
    [opened] = fake_slack.wait_for("views.open")
    view = opened.params["view"]
    assert opened.params["trigger_id"] == "1.2.3" and view["title"]["text"] == "正しい取組は？"

    # The select's type-ahead: the options come back in the response itself.
    suggestion = interaction(
        {
            "type": "block_suggestion",
            "team": {"id": TEAM_ID},
            "user": {"id": "U100", "team_id": TEAM_ID},
            "api_app_id": "A0001",
            "action_id": blocks.ACTION_CORRECT_PICK,
            "block_id": "b2",
            "value": "家計",
            "container": {"type": "view", "view_id": "V1"},
            "view": {"id": "V1", "type": "modal", "private_metadata": view["private_metadata"]},
        }
    )
    status, body = post(server, suggestion, FORM)
    assert status == 200
    options = json.loads(body)["options"]
    assert 0 < len(options) <= 100 and options[0]["value"] == "3-1-4-1"

    chosen = interaction(
        {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": "U100", "team_id": TEAM_ID},
            "api_app_id": "A0001",
            "container": {"type": "view", "view_id": "V1"},
            "trigger_id": "2.3.4",
            "view": {
                "id": "V1",
                "hash": "h1",
                "type": "modal",
                "callback_id": view["callback_id"],
                "private_metadata": view["private_metadata"],
            },
            "actions": [
                {
                    "action_id": blocks.ACTION_CORRECT_PICK,
                    "block_id": "b2",
                    "type": "external_select",
                    "selected_option": options[0],
                }
            ],
        }
    )
    assert post(server, chosen, FORM)[0] == 200
    [update] = fake_slack.wait_for("views.update")
    assert update.params["view_id"] == "V1" and update.params["hash"] == "h1"
    assert "今後の改善に使います" in update.text
    [(correction, surface, user)] = store.corrections
    assert (correction.chosen, surface, user) == ("3-1-4-1", "slash", "U100")
    assert "家賃" in correction.words
    assert store.feedback[0][1] is False
    assert fake_slack.calls_to("response_url") == []  # nothing but the modal
