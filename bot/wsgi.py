"""create_wsgi_app(): the web pages, plus Slack's /slack/events in HTTP mode.

What ``soudan run`` serves locally and each gunicorn worker serves (``bot.gunicorn_app``);
both build the service first with ``bot.bootstrap``.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from flask import Flask, Response, jsonify, request
from slack_bolt.adapter.flask.handler import to_flask_response
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.service import Service
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.slack.app import AckTimer

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
# Slack's payloads are a few kB; a message with blocks stays far below this.
MAX_SLACK_BODY = 1024 * 1024


def create_wsgi_app(
    settings: Settings, service: Service, *, ack_timer: AckTimer | None = None
) -> Flask:
    """The Flask app of the pages, with /slack/events when HTTP-mode settings are present."""
    from bot.web import create_web_app

    web = create_web_app(settings, service)
    if settings.slack_bot_token and settings.slack_signing_secret:
        _mount_slack(web, settings, service, ack_timer)
    return web


def _mount_slack(
    web: Flask, settings: Settings, service: Service, ack_timer: AckTimer | None
) -> None:
    from bot.slack.app import create_slack_app, warm_authorization
    from bot.slack.dedupe import SharedEventLedger

    # gunicorn may run several workers: a retried event must be answered once across them.
    ledger = SharedEventLedger(settings.db_path.parent / "events.db")
    bolt = create_slack_app(settings, service, deduper=ledger, ack_timer=ack_timer)
    threading.Thread(target=warm_authorization, args=(bolt,), name="auth-test", daemon=True).start()
    verifier = SignatureVerifier(settings.slack_signing_secret or "")

    def slack_events() -> Response | tuple[Response, int]:
        length = request.content_length
        if length is not None and length > MAX_SLACK_BODY:
            return _error("payload too large", 413)
        try:
            raw = request.stream.read(MAX_SLACK_BODY + 1)
        except Exception:  # noqa: BLE001 - a broken body (bad chunking) is the client's fault
            # The exception text may quote the body: it is not logged.
            return _error("invalid request", 400)
        if len(raw) > MAX_SLACK_BODY:
            return _error("payload too large", 413)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _error("invalid request", 400)
        # Checked here, before anything parses the body; Bolt checks it again.
        if not _signed(verifier, text):
            return _error("invalid request", 401)
        try:
            bolt_request = BoltRequest(
                body=text,
                query=request.query_string.decode("utf-8", "replace"),
                headers={k: v for k, v in request.headers.items()},
            )
        except Exception:  # a signed body Slack would never send: say so, never 500
            log.warning("signed Slack request with an unreadable body")
            return _error("invalid request", 400)
        if not _well_formed(bolt_request.body):
            return _error("invalid request", 400)
        return to_flask_response(bolt.dispatch(bolt_request))

    web.add_url_rule(SLACK_PATH, "slack_events", slack_events, methods=["POST"])


def _signed(verifier: SignatureVerifier, body: str) -> bool:
    try:
        return verifier.is_valid(
            body=body,
            timestamp=request.headers.get("X-Slack-Request-Timestamp"),
            signature=request.headers.get("X-Slack-Signature"),
        )
    except (ValueError, TypeError):  # a timestamp that is no number, a non-ASCII signature
        return False


def _well_formed(body: object) -> bool:
    if not isinstance(body, dict):
        return False
    for key, kind in (
        ("event", dict),
        ("actions", list),
        ("user", (dict, str)),
        ("channel", (dict, str)),
    ):
        if key in body and not isinstance(body[key], kind):
            return False
    actions = body.get("actions")
    return not actions or all(isinstance(a, dict) for a in actions)


def _error(message: str, status: int) -> tuple[Response, int]:
    return jsonify(error=message), status
