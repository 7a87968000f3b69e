"""Bolt requests without HTTP: Socket Mode envelopes (unsigned, the socket is authenticated),
retried ones answered once; authorization warmed at startup."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.service import Service
from bot.settings import Settings
from bot.slack.app import AckTimer, create_slack_app, warm_authorization
from tests.fakes.fake_slack import TEAM_ID

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


def test_socket_mode_events_are_answered_once_each(fake_slack, slack_settings, index):
    settings = Settings(
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-test",
        slack_api_url=fake_slack.api_url,
        data_dir=slack_settings.data_dir,
        db_path=slack_settings.db_path,
        public_base_url=slack_settings.public_base_url,
    )
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
