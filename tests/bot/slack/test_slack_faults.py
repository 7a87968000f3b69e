"""When Slack or the usage store fails: retried or given up with a log line, nobody waits
without bound, and the asker gets the answer or a clear apology.

``test_slack_delivery.py`` checks the retry policy of ``Delivery`` call by call; here the
same faults meet whole requests: signed HTTP into the app that gunicorn serves, Bolt, the
listeners, and the fake Slack answering 429, 500, slowly or not in time.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from slack_sdk import WebClient
from werkzeug.serving import make_server

from bot.service import Service
from bot.settings import Settings
from bot.slack import blocks
from bot.slack.app import LISTENER_THREADS, AckTimer
from bot.slack.delivery import MAX_ATTEMPTS, Delivery
from bot.slack.listeners.events import handle_mention
from bot.slack.responder import FAILED_TEXT, RATE_LIMITED_TEXT, Responder
from bot.store import SqliteStore
from bot.wsgi import create_wsgi_app
from index.engine import Index
from tests.bot.slack.test_slack_http_e2e import (
    FORM,
    JSON,
    RENT,
    block_action,
    event,
    interaction,
    post,
    slash_body,
)
from tests.fakes.fake_slack import (
    BOT_USER_ID,
    SIGNING_SECRET,
    FakeSlack,
    message_shortcut,
    signed_headers,
)

# Slack retries a request it has not seen acknowledged within 3 seconds.
SLACK_ACK_LIMIT = 3


@contextmanager
def serving(
    settings: Settings, service: Service, fake: FakeSlack, ack_timer: AckTimer | None = None
) -> Iterator[str]:
    web = create_wsgi_app(settings, service, ack_timer=ack_timer)
    server = make_server("127.0.0.1", 0, web, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        # Faults set up after this never meet the startup auth.test (faults name methods).
        fake.wait_for("auth.test")
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def ack_timer(fake_slack) -> AckTimer:
    """Acks timed on the fake Slack's clock, which moves only as its held calls answer."""
    return AckTimer(fake_slack.clock)


@pytest.fixture
def server(slack_settings, slack_service, fake_slack, ack_timer) -> Iterator[str]:
    with serving(slack_settings, slack_service, fake_slack, ack_timer) as base:
        yield base


def mention_body(n: int = 1, text: str = RENT) -> str:
    ts = f"1700000100.{n:06d}"
    inner = {
        "type": "app_mention",
        "user": "U100",
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts,
        "channel": "C100",
        "event_ts": ts,
    }
    return event(inner, f"EvFault{n}")


@pytest.fixture
def logs(caplog) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="bot")
    return caplog


def lines(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == level]


# ------------------------------------------------------------------ Slack answers 429 / 500


def test_a_429_is_waited_out_and_the_mention_is_answered(server, fake_slack, logs):
    fake_slack.rate_limit("chat.postMessage", retry_after=0.2)
    assert post(server, mention_body(), JSON)[0] == 200
    first, second = fake_slack.wait_for("chat.postMessage", 2)
    assert (first.status, second.status) == (429, 200)
    assert second.params["thread_ts"] == "1700000100.000001"
    assert "slack chat.postMessage: ratelimited, retrying in 0.2s" in lines(logs, logging.INFO)
    assert second.at - first.at >= 0.2  # Retry-After was honoured
    assert fake_slack.calls_to("chat.postEphemeral") == []


def test_a_retry_after_too_long_to_wait_ends_in_an_apology(server, fake_slack, logs):
    fake_slack.rate_limit("chat.postMessage", retry_after=120)
    post(server, mention_body(), JSON)
    [apology] = fake_slack.wait_for("chat.postEphemeral")
    assert RATE_LIMITED_TEXT in apology.text
    assert apology.params["user"] == "U100"
    assert apology.params["thread_ts"] == "1700000100.000001"
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    warnings = lines(logs, logging.WARNING)
    assert any("Retry-After 120s is longer than we wait" in w for w in warnings), warnings


def test_repeated_500s_are_retried_with_backoff_then_the_asker_is_told(server, fake_slack, logs):
    fake_slack.server_error("chat.postMessage", times=10)
    post(server, mention_body(), JSON)
    [apology] = fake_slack.wait_for("chat.postEphemeral", timeout=10)
    assert FAILED_TEXT in apology.text
    tries = fake_slack.calls_to("chat.postMessage")
    assert [c.status for c in tries] == [500] * MAX_ATTEMPTS
    assert all(b.at - a.at >= 0.5 for a, b in zip(tries, tries[1:], strict=False))
    assert any(f"failed after {MAX_ATTEMPTS} attempts" in w for w in lines(logs, logging.WARNING))


def test_a_failing_response_url_still_gets_the_slash_answer_to_the_asker(server, fake_slack, logs):
    fake_slack.server_error("response_url", times=10)
    post(server, slash_body(fake_slack, RENT), FORM)
    [answer] = fake_slack.wait_for("chat.postEphemeral", timeout=10)
    assert answer.params["user"] == "U100" and answer.params["channel"] == "C100"
    assert "/measures/3-" in answer.text
    assert len(fake_slack.calls_to("response_url")) == MAX_ATTEMPTS


# ------------------------------------------------------------------ Slack is slow


def ask_at_once(
    base: str, fake: FakeSlack, kinds: list[str], limit: float = SLACK_ACK_LIMIT
) -> list[int]:
    """Send one request per kind ("slash" or "mention") at the same moment; their statuses.

    A request not acknowledged within ``limit`` seconds has no status (past Slack's limit,
    Slack would show the user an error and, for events, retry).
    """
    statuses: list[int] = []

    def ask(n: int, kind: str) -> None:
        body = mention_body(n) if kind == "mention" else slash_body(fake, f"{RENT} {n}")
        headers = signed_headers(body, content_type=JSON if kind == "mention" else FORM)
        request = urllib.request.Request(
            f"{base}/slack/events", data=body.encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=limit) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
        except OSError:
            pass  # not acknowledged in time

    askers = [threading.Thread(target=ask, args=(n, k)) for n, k in enumerate(kinds, 1)]
    for thread in askers:
        thread.start()
    for thread in askers:
        thread.join(limit + 2)
    return statuses


def let_slow_answers_finish(fake: FakeSlack, delay: float) -> None:
    # The fake records a call when it arrives; its answer comes ``delay`` later. Waiting
    # here keeps those late answers out of the next test.
    last = max((c.at for c in fake.calls), default=time.monotonic())
    time.sleep(max(0.0, last + delay - time.monotonic()) + 0.2)


# Slower than Slack's ack limit: an ack that waited for a Web API call would miss it.
SLOW = SLACK_ACK_LIMIT + 0.3


def test_acks_do_not_wait_for_a_slow_slack_and_every_answer_goes_out(server, fake_slack):
    # Each Slack call takes longer than the acks are given: an ack that waited for one
    # would have no status.
    limit, delay = 1.0, 1.3
    fake_slack.slow("chat.postMessage", delay=delay, times=4)
    fake_slack.slow("response_url", delay=delay, times=4)
    statuses = ask_at_once(server, fake_slack, ["slash", "mention"] * 4, limit=limit)
    assert statuses == [200] * 8
    fake_slack.wait_for("chat.postMessage", 4, timeout=10)
    fake_slack.wait_for("response_url", 4, timeout=10)
    let_slow_answers_finish(fake_slack, delay)


def test_more_slash_commands_than_listener_threads_are_all_acked_while_slack_is_slow(
    server, fake_slack
):
    # Every listener thread waits on Slack; the commands beyond them wait for a thread.
    fake_slack.slow("response_url", delay=SLOW, times=LISTENER_THREADS)
    try:
        statuses = ask_at_once(server, fake_slack, ["slash"] * (LISTENER_THREADS + 4))
    finally:
        let_slow_answers_finish(fake_slack, SLOW)
        fake_slack.settle(quiet=0.2)
    assert statuses == [200] * (LISTENER_THREADS + 4)


def acked_within(base: str, body: str, content_type: str, limit: float) -> int | None:
    """The status of one request, or None when it was not acknowledged within ``limit``."""
    request = urllib.request.Request(
        f"{base}/slack/events",
        data=body.encode(),
        headers=signed_headers(body, content_type=content_type),
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=limit) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def test_every_kind_of_request_is_acked_while_every_listener_thread_waits_on_slack(
    server, fake_slack, ack_timer
):
    # Fill every listener thread with an answer held at a slow response_url...
    fake_slack.hold("response_url", takes=SLOW, times=LISTENER_THREADS)
    try:
        busy = ask_at_once(server, fake_slack, ["slash"] * LISTENER_THREADS, limit=1.0)
        assert busy == [200] * LISTENER_THREADS
        fake_slack.wait_for("response_url", LISTENER_THREADS)
        # ...then each other surface is acked at once all the same, and answered later.
        dm = {
            "type": "message",
            "channel_type": "im",
            "user": "U100",
            "text": RENT,
            "ts": "1700000200.000001",
            "channel": "D100",
        }
        home = {"type": "app_home_opened", "user": "U100", "channel": "D100", "tab": "home"}
        shortcut = message_shortcut(fake_slack, RENT)
        requests = {
            "mention": (mention_body(1), JSON),
            "dm": (event(dm, "Ev-busy-dm"), JSON),
            "home": (event(home, "Ev-busy-home"), JSON),
            "button": (block_action(fake_slack, blocks.ACTION_DIRECTORY, "slash"), FORM),
            "shortcut": (interaction(shortcut), FORM),
        }
        statuses = {
            kind: acked_within(server, body, content_type, limit=1.0)
            for kind, (body, content_type) in requests.items()
        }
        assert statuses == dict.fromkeys(requests, 200)
        # Slack's clock has not moved (every held call is still held): had an ack waited
        # for one, it would have taken SLOW seconds on it.
        assert ack_timer.slowest < SLACK_ACK_LIMIT
        assert fake_slack.calls_to("chat.postMessage") == []  # their work is still queued
        fake_slack.release()
        fake_slack.wait_for("chat.postMessage", 2, timeout=10)
        fake_slack.wait_for("views.publish", timeout=10)
        fake_slack.wait_for("response_url", LISTENER_THREADS + 2, timeout=10)
    finally:
        fake_slack.release()
        fake_slack.settle(quiet=0.2)
    assert fake_slack.clock() == pytest.approx(LISTENER_THREADS * SLOW)  # every held call answered
    assert ack_timer.slowest < SLACK_ACK_LIMIT


def test_a_retry_that_arrives_while_the_first_answer_is_on_its_way_is_not_answered_again(
    server, fake_slack
):
    fake_slack.slow("chat.postMessage", delay=1.0)
    dm = {
        "type": "message",
        "channel_type": "im",
        "user": "U100",
        "text": RENT,
        "ts": "1700000300.000001",
        "channel": "D100",
    }
    body = event(dm, "Ev-retry-slow")
    assert acked_within(server, body, JSON, limit=0.8) == 200
    fake_slack.wait_for("chat.postMessage")  # the first answer is being delivered
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert post(server, body, JSON, retry)[0] == 200
    calls = fake_slack.settle(quiet=1.2)
    assert len([c for c in calls if c.method == "chat.postMessage"]) == 1


@pytest.fixture
def quick_responder(slack_service, slack_settings) -> Responder:
    """A Responder as the listeners make it, with a short timeout and two tries."""
    client = WebClient(
        token="xoxb-t", base_url=slack_settings.slack_api_url, timeout=0.5, retry_handlers=[]
    )
    return Responder(slack_service, Delivery(client, timeout=0.5, max_attempts=2))


def mention_event() -> dict:
    return {
        "type": "app_mention",
        "user": "U100",
        "channel": "C100",
        "ts": "1700000001.000100",
        "text": f"<@{BOT_USER_ID}> {RENT}",
    }


def test_a_post_that_times_out_is_retried_and_answered(fake_slack, quick_responder, logs):
    fake_slack.slow("chat.postMessage", delay=1.0)
    handle_mention(mention_event(), quick_responder, bot_user_id=BOT_USER_ID)
    calls = fake_slack.calls_to("chat.postMessage")
    assert len(calls) == 2 and "/measures/3-" in calls[1].text
    assert "slack chat.postMessage: timeout, retrying in 0.2s" in lines(logs, logging.INFO)


def test_timeouts_on_every_try_end_in_an_apology_not_a_hang(fake_slack, quick_responder, logs):
    fake_slack.slow("chat.postMessage", delay=1.0, times=2)
    handle_mention(mention_event(), quick_responder, bot_user_id=BOT_USER_ID)
    [apology] = fake_slack.calls_to("chat.postEphemeral")
    assert FAILED_TEXT in apology.text
    assert "slack chat.postMessage failed after 2 attempts: timeout" in lines(logs, logging.WARNING)


# ------------------------------------------------------------------ the usage store fails


@pytest.fixture
def stored(tmp_path: Path, index: Index, fake_slack) -> tuple[Settings, SqliteStore, Service]:
    settings = Settings(
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        public_base_url="https://soudan.example.jp",
        db_path=tmp_path / "var" / "soudan.db",
    )
    store = SqliteStore(settings, busy_timeout_ms=100)
    return settings, store, Service(settings, index, store)


def ask_every_way(base: str, fake: FakeSlack) -> None:
    """A slash command, a mention and a feedback vote; each must reach the asker."""
    post(base, slash_body(fake, RENT), FORM)
    [reply] = fake.wait_for("response_url")
    assert "/measures/3-" in reply.text
    post(base, mention_body(), JSON)
    [answer] = fake.wait_for("chat.postMessage")
    assert "/measures/3-" in answer.text
    value = reply.buttons()[blocks.ACTION_HELPFUL]["value"]
    post(base, block_action(fake, blocks.ACTION_HELPFUL, value), FORM)
    thanks = fake.wait_for("response_url", 2)[1]
    assert "ありがとうございます" in thanks.text


def test_a_locked_store_costs_the_usage_log_never_the_answer(stored, fake_slack, logs):
    settings, store, service = stored
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with serving(settings, service, fake_slack) as base:
            ask_every_way(base, fake_slack)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert store.dropped == 3  # two answers and one vote
    assert any("database is locked" in w for w in lines(logs, logging.WARNING))
    assert all(RENT not in r.getMessage() for r in logs.records)


def test_an_unwritable_store_costs_the_usage_log_never_the_answer(stored, fake_slack, logs):
    settings, store, service = stored
    store.close()
    folder = settings.db_path.parent
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    folder.write_text("the folder became a file")
    with serving(settings, service, fake_slack) as base:
        ask_every_way(base, fake_slack)
    assert store.dropped == 3
    assert any("usage log entry dropped" in w for w in lines(logs, logging.WARNING))
