"""create_slack_app(): the Bolt app, its Web API client, event dedupe and every listener."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltResponse
from slack_bolt.middleware.authorization.single_team_authorization import SingleTeamAuthorization
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient

from bot.logging_setup import BOLT_LOGGER, bolt_logger
from bot.service import Service
from bot.settings import Settings
from bot.slack.dedupe import EventDeduper, SharedEventLedger
from bot.slack.delivery import DEFAULT_TIMEOUT
from bot.slack.listeners import register_all
from bot.slack.listeners.lazy import log_failure

log = logging.getLogger(__name__)

# Threads for the listeners' work after the ack (answer, render, Web API calls with
# retries): mostly waiting on the network, so more threads than cores. Acks never use them:
# each is sent from the request's own thread, and work beyond these threads waits in the
# executor's queue, never in front of an ack.
LISTENER_THREADS = 16
# Slack retries what it has not seen acknowledged within 3 seconds; an ack this slow is
# worth a line in the log before it becomes a retried (and deduplicated) request.
SLOW_ACK_S = 2.0


class AckTimer:
    """Times each request from Slack up to its ack, on ``clock`` (tests pass their own, so
    "the ack did not wait for Slack" is checked without measuring real time)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self.slowest = 0.0  # seconds, of every ack so far

    def middleware(self, next: Callable[[], BoltResponse | None]) -> BoltResponse | None:
        # With process_before_response, next() returns once the ack is sent and the lazy
        # work is queued: what it takes is what Slack waits for.
        started = self.clock()
        try:
            return next()
        finally:
            elapsed = self.clock() - started
            with self._lock:
                self.slowest = max(self.slowest, elapsed)
            if elapsed >= SLOW_ACK_S:
                log.warning("slack ack took %.1f s; Slack retries after 3 s", elapsed)


def create_slack_app(
    settings: Settings,
    service: Service,
    *,
    verify_token: bool = False,
    deduper: EventDeduper | SharedEventLedger | None = None,
    ack_timer: AckTimer | None = None,
) -> App:
    """The Bolt app for ``settings.slack_mode`` ("socket" or "http").

    ``verify_token``: call auth.test now (fails fast on a bad token); otherwise Bolt calls
    it on the first request. Requests over HTTP are always signature-checked; Socket Mode
    needs no signature.
    """
    if not settings.slack_bot_token:
        raise ValueError("create_slack_app needs SLACK_BOT_TOKEN")
    client = WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=int(DEFAULT_TIMEOUT),
        logger=logging.getLogger("slack_sdk.web.base_client"),
        # Retries are Delivery's job, with one policy for every call.
        retry_handlers=[],
    )
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        token_verification_enabled=verify_token,
        # Bolt skips the check for Socket Mode requests by itself; over HTTP it is never off.
        request_verification_enabled=bool(settings.slack_signing_secret),
        logger=bolt_logger(),
        name=BOLT_LOGGER,
        # Every listener is ack + lazy work (bot.slack.listeners.lazy): the ack runs before
        # the response goes back, the lazy work on listener_executor after it.
        process_before_response=True,
        listener_executor=ThreadPoolExecutor(
            max_workers=LISTENER_THREADS, thread_name_prefix="slack-listener"
        ),
    )
    app.use((ack_timer or AckTimer()).middleware)
    app.use(_dedupe_middleware(deduper or EventDeduper()))
    # Errors in an ack or a middleware; lazy work logs its own the same way.
    app.error(log_failure)
    register_all(app, service)
    return app


def warm_authorization(app: App) -> bool:
    """Call auth.test now, so the first request from Slack is acked without waiting for it.

    Bolt otherwise calls auth.test inside the first request, before the ack. Run it in a
    thread at startup; on failure Bolt simply tries again on the first request.
    """
    # Bolt keeps no public handle on its authorization middleware.
    for middleware in getattr(app, "_middleware_list", ()):
        if isinstance(middleware, SingleTeamAuthorization):
            if middleware.auth_test_result is None:
                try:
                    middleware.auth_test_result = app.client.auth_test()
                except Exception as error:
                    log.warning(
                        "auth.test at startup failed (%s); retried on the first request",
                        type(error).__name__,
                    )
                    return False
            return True
    return False


def _dedupe_middleware(deduper: EventDeduper | SharedEventLedger):
    def dedupe_events(req: BoltRequest, body: dict, next) -> BoltResponse | None:
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not deduper.first_time(str(event_id)):
            retry = (req.headers.get("x-slack-retry-num") or [""])[0]
            log.info("duplicate event %s skipped (retry %s)", event_id, retry or "-")
            return BoltResponse(status=200, body="")
        return next()

    return dedupe_events
