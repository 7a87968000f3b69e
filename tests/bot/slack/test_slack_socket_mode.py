"""Bolt requests without HTTP: Socket Mode envelopes (unsigned, the socket is authenticated),
retried ones answered once; authorization warmed at startup. Then our SocketMode handler
over a real WebSocket, against the local Socket Mode server (tests/fakes/fake_socket_mode.py).

The whole process (`soudan run`) through reconnects and dead links:
tests/bot/commands/test_run_socket_mode.py.
"""

from __future__ import annotations

import json
import urllib.request

import pytest
from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.service import Service
from bot.settings import Settings
from bot.slack import blocks
from bot.slack.app import AckTimer, create_slack_app, warm_authorization
from bot.slack.socket_mode import PING_INTERVAL_S, RECEIVE_TIMEOUT_S, SocketMode
from tests.fakes.fake_slack import SOCKET_URL, TEAM_ID, message_shortcut
from tests.fakes.fake_socket_mode import FakeSocketMode

QUESTION = "家賃を滞納していて退去を求められそう"


def envelope(event_id: str, retry: int | None = None) -> SocketModeRequest:
    payload = {
        "type": "event_callback",
        "team_id": TEAM_ID,
        "event_id": event_id,
        "event": {
            "type": "message",
            "channel_type": "im",
            "user": "U1",
            "channel": "D1",
            "ts": "1.1",
            "text": QUESTION,
        },
    }
    return SocketModeRequest(
        "events_api",
        f"env-{event_id}-{retry}",
        payload,
        retry_attempt=retry,
        retry_reason="timeout" if retry else None,
    )


def _socket_settings(fake_slack, slack_settings) -> Settings:
    """Settings for Socket Mode against the fake Slack, the rest as the Slack tests use."""
    return Settings(
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-test",
        slack_api_url=fake_slack.api_url,
        data_dir=slack_settings.data_dir,
        db_path=slack_settings.db_path,
        public_base_url=slack_settings.public_base_url,
    )


def test_socket_mode_events_are_answered_once_each(fake_slack, slack_settings, index):
    settings = _socket_settings(fake_slack, slack_settings)
    app = create_slack_app(settings, Service(settings, index))
    assert run_bolt_app(app, envelope("Ev1")).status == 200
    assert run_bolt_app(app, envelope("Ev1", retry=1)).status == 200
    assert run_bolt_app(app, envelope("Ev2")).status == 200
    posts = fake_slack.wait_for("chat.postMessage", 2)
    assert all("/measures/3-" in p.text for p in posts)
    calls = fake_slack.settle(quiet=0.3)
    assert len([c for c in calls if c.method == "chat.postMessage"]) == 2


def test_socket_mode_acks_before_a_slow_answer_is_delivered(fake_slack, slack_settings, index):
    timer = AckTimer(fake_slack.clock)  # Slack's clock: moves only as held calls answer
    app = create_slack_app(slack_settings, Service(slack_settings, index), ack_timer=timer)
    warm_authorization(app)
    fake_slack.hold("chat.postMessage", takes=1.5)
    assert run_bolt_app(app, envelope("Ev-slow")).status == 200
    [post] = fake_slack.wait_for("chat.postMessage")  # held: the answer is on its way
    # The envelope was acked without waiting for it (that would have taken 1.5 s on it).
    assert timer.slowest < 1.0
    assert "/measures/3-" in post.text
    fake_slack.release()
    fake_slack.settle(quiet=0.3)  # the slow answer finishes here, not in the next test
    assert fake_slack.clock() == 1.5


def test_socket_mode_answers_the_correction_select_in_its_ack(fake_slack, slack_settings, index):
    settings = _socket_settings(fake_slack, slack_settings)
    app = create_slack_app(settings, Service(settings, index))
    payload = {
        "type": "block_suggestion",
        "team": {"id": TEAM_ID},
        "user": {"id": "U1", "team_id": TEAM_ID},
        "action_id": blocks.ACTION_CORRECT_PICK,
        "block_id": "b",
        "value": "1-4-1",
        "container": {"type": "view", "view_id": "V1"},
    }
    response = run_bolt_app(app, SocketModeRequest("interactive", "env-options", payload))
    assert response.status == 200
    options = json.loads(response.body)["options"]
    assert options[0]["value"] == "3-1-4-1"


def test_warm_authorization_spares_the_first_request_its_auth_test(
    fake_slack, slack_settings, index
):
    app = create_slack_app(slack_settings, Service(slack_settings, index))
    assert fake_slack.calls_to("auth.test") == []  # nothing at construction: boot never waits
    assert warm_authorization(app) is True
    assert run_bolt_app(app, envelope("Ev-warm")).status == 200
    fake_slack.wait_for("chat.postMessage")
    assert len(fake_slack.calls_to("auth.test")) == 1


def test_warm_authorization_failure_is_left_to_the_first_request(fake_slack, slack_settings, index):
    fake_slack.fail("auth.test", "invalid_auth")
    app = create_slack_app(slack_settings, Service(slack_settings, index))
    assert warm_authorization(app) is False
    assert run_bolt_app(app, envelope("Ev-late")).status == 200
    fake_slack.wait_for("chat.postMessage")
    assert len(fake_slack.calls_to("auth.test")) == 2


# ---------------------------------------------------------------- over a WebSocket


@pytest.fixture
def socket_mode(fake_slack):
    with FakeSocketMode(fake_slack) as socket:
        yield socket


@pytest.fixture
def connected(fake_slack, slack_settings, index, socket_mode):
    settings = _socket_settings(fake_slack, slack_settings)
    handler = SocketMode(create_slack_app(settings, Service(settings, index)), "xapp-test")
    handler.connect()
    try:
        yield handler
    finally:
        handler.close()


def apps_connections_open(fake_slack) -> str:
    request = urllib.request.Request(
        f"{fake_slack.api_url}apps.connections.open",
        data=b"",
        headers={"Authorization": "Bearer xapp-test"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)["url"]


def test_the_fake_hands_out_a_local_url_per_call_while_attached(fake_slack):
    assert apps_connections_open(fake_slack) == SOCKET_URL  # what doctor is shown
    with FakeSocketMode(fake_slack) as socket:
        first, second = apps_connections_open(fake_slack), apps_connections_open(fake_slack)
        assert first.startswith(f"ws://127.0.0.1:{socket.port}/link/?ticket=")
        assert first != second
    assert apps_connections_open(fake_slack) == SOCKET_URL


def test_the_client_is_greeted_and_its_settings_are_ours(connected, socket_mode):
    link = socket_mode.wait_connected()
    assert link.number == 1
    assert socket_mode.sent[0]["type"] == "hello"
    assert connected.client.ping_interval == PING_INTERVAL_S
    assert connected.client.current_session.sock.gettimeout() == RECEIVE_TIMEOUT_S


def test_an_interactive_envelope_is_acked_and_answered(connected, socket_mode, fake_slack):
    envelope_id = socket_mode.interactive(message_shortcut(fake_slack, QUESTION))
    ack = socket_mode.wait_for_ack(envelope_id)
    assert ack.connection == 1
    [reply] = fake_slack.wait_for("response_url")
    assert reply.path == "/response/shortcut" and "/measures/3-" in reply.text


def test_an_envelope_waits_for_a_link_as_slack_holds_it(connected, socket_mode, fake_slack):
    socket_mode.disconnect("refresh_requested")
    # Sent only once the new link is up (not on the one asked to leave), and answered there.
    envelope_id = socket_mode.events_api(envelope("Ev-held").payload["event"], event_id="Ev-held")
    assert socket_mode.wait_for_ack(envelope_id).connection == 2
    fake_slack.wait_for("chat.postMessage")
