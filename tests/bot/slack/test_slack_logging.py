"""What slack_bolt and slack_sdk log while serving: never the question, even at DEBUG."""

from __future__ import annotations

import json
import logging

from slack_bolt.request import BoltRequest

from bot.logging_setup import install_redaction
from bot.slack.app import create_slack_app
from bot.slack.listeners.events import handle_direct_message
from tests.fakes.fake_slack import BOT_USER_ID, TEAM_ID, signed_headers

SECRET = "秘密の相談内容サトウハナコ"


def test_debug_flow_through_slack_sdk_and_bolt_logs_no_question(caplog, fake_slack, responder):
    install_redaction()
    caplog.set_level(logging.DEBUG)
    for name in ("slack_sdk", "slack_bolt"):
        caplog.set_level(logging.DEBUG, logger=name)
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U1",
        "channel": "D1",
        "ts": "1.1",
        "text": f"{SECRET} 家賃が払えない",
    }
    handle_direct_message(event, responder, bot_user_id=BOT_USER_ID)
    assert fake_slack.calls_to("chat.postMessage")
    sdk = [r for r in caplog.records if r.name.startswith("slack_sdk")]
    assert sdk, "slack_sdk logged at DEBUG: the test saw its records"
    for record in caplog.records:
        assert SECRET not in record.getMessage()
        assert "家賃が払えない" not in record.getMessage()


def test_bolt_request_verification_failure_logs_no_body(caplog, slack_settings, slack_service):
    app = create_slack_app(slack_settings, slack_service)
    caplog.set_level(logging.DEBUG)
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": TEAM_ID,
            "event_id": "Ev9",
            "event": {"type": "message", "text": SECRET},
        },
        ensure_ascii=False,
    )
    headers = signed_headers(body, content_type="application/json", secret="wrong")
    response = app.dispatch(BoltRequest(body=body, headers=headers))
    assert response.status == 401
    assert any("Invalid request signature" in r.getMessage() for r in caplog.records)
    assert all(SECRET not in r.getMessage() for r in caplog.records)
