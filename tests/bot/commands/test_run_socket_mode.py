"""soudan run in Socket Mode, as make run starts it, against a local Slack: never deaf.

The process gets fake xoxb/xapp tokens and SLACK_API_URL pointing at FakeSlack, whose
apps.connections.open hands out the ws:// URL of FakeSocketMode. Each test starts its own
process and ends it with SIGTERM, which must exit 0.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.bot.subprocesses import clean_env, free_port
from tests.fakes.fake_slack import FakeSlack
from tests.fakes.fake_slack import mention_event as mention
from tests.fakes.fake_socket_mode import FakeSocketMode

RUN = [sys.executable, "-m", "bot", "run"]
QUESTION = "家賃を滞納していて退去を求められそう"
# Slack's ack deadline; the answer too, for a question the index answers at once.
ACK_DEADLINE_S = 3.0
# After a dead link, the time to answer again (issue 14).
RECOVERY_S = 10.0


@dataclass
class Running:
    process: subprocess.Popen
    slack: FakeSlack
    socket: FakeSocketMode

    def stop(self) -> tuple[int, str]:
        """SIGTERM; the exit status and everything logged."""
        self.process.send_signal(signal.SIGTERM)
        try:
            _, err = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return self.process.returncode, err


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    with FakeSlack() as slack, FakeSocketMode(slack) as socket:
        env = clean_env(
            PORT=str(free_port()),
            DB_PATH=str(tmp_path / "s.db"),
            SLACK_BOT_TOKEN="xoxb-fake",
            SLACK_APP_TOKEN="xapp-fake",
            SLACK_API_URL=slack.api_url,
        )
        process = subprocess.Popen(
            RUN, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        app = Running(process, slack, socket)
        try:
            socket.wait_connected(timeout=60)  # the index loads first
            yield app
        finally:
            if process.poll() is None:
                app.stop()


def dm(text: str, ts: str = "1700000002.000100") -> dict:
    return {
        "type": "message",
        "channel_type": "im",
        "user": "U100",
        "channel": "D100",
        "ts": ts,
        "text": text,
    }


def ask_by_slash(app: Running, name: str, timeout: float = 10.0) -> float:
    """A /soudan on the live link: acked, and answered at its response_url; the seconds
    from sending to the answer."""
    answered_before = len(app.slack.calls_to("response_url"))
    started = time.monotonic()
    envelope_id = app.socket.slash_command(
        QUESTION, response_url=app.slack.response_url(name), timeout=timeout
    )
    app.socket.wait_for_ack(envelope_id, timeout=timeout)
    reply = app.slack.wait_for("response_url", answered_before + 1, timeout=timeout)[-1]
    took = time.monotonic() - started
    assert reply.path.endswith(f"/{name}")
    assert "/measures/3-" in reply.text
    return took


def reconnect_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if "socket_mode" in line]


def test_a_slash_command_a_mention_and_a_dm_are_each_acked_and_answered_once(running):
    app = running
    started = time.monotonic()
    slash = app.socket.slash_command(QUESTION, response_url=app.slack.response_url("slash"))
    at_mention = app.socket.events_api(mention(QUESTION), event_id="EvMention")
    in_dm = app.socket.events_api(dm(QUESTION), event_id="EvDm")
    acks = [app.socket.wait_for_ack(e, timeout=10) for e in (slash, at_mention, in_dm)]
    [reply] = app.slack.wait_for("response_url", timeout=10)
    posts = app.slack.wait_for("chat.postMessage", 2, timeout=10)
    answered = time.monotonic() - started

    assert max(a.at for a in acks) - started < ACK_DEADLINE_S
    assert answered < ACK_DEADLINE_S, answered
    assert "/measures/3-" in reply.text
    assert {p.params["channel"] for p in posts} == {"C100", "D100"}
    assert all("/measures/3-" in p.text for p in posts)
    # Once each: no second ack, no second answer.
    app.slack.settle(quiet=0.5)
    assert [len(app.socket.acks_for(e)) for e in (slash, at_mention, in_dm)] == [1, 1, 1]
    assert len(app.slack.calls_to("chat.postMessage")) == 2
    assert len(app.slack.calls_to("response_url")) == 1

    code, log = app.stop()
    assert code == 0
    assert QUESTION not in log
    assert " ERROR " not in log, log


def test_a_redelivered_envelope_is_acked_again_and_answered_once(running):
    app = running
    first = app.socket.events_api(dm(QUESTION), event_id="EvAgain")
    app.socket.wait_for_ack(first, timeout=10)
    # Slack sends the same event again when it thinks the ack came late: same event_id,
    # a retry count, and (as Slack does) the same envelope.
    again = app.socket.events_api(
        dm(QUESTION), event_id="EvAgain", envelope_id=first, retry_attempt=1, retry_reason="timeout"
    )
    assert again == first
    app.slack.wait_for("chat.postMessage", timeout=10)
    deadline = time.monotonic() + 10
    while len(app.socket.acks_for(first)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    app.slack.settle(quiet=0.5)
    assert len(app.socket.acks_for(first)) == 2  # acked both times: Slack stops resending
    assert len(app.slack.calls_to("chat.postMessage")) == 1
    code, _ = app.stop()
    assert code == 0


@pytest.mark.parametrize("reason", ["refresh_requested", "warning"])
def test_after_a_disconnect_message_it_reconnects_and_answers(running, reason):
    app = running
    assert ask_by_slash(app, "before") < ACK_DEADLINE_S
    old = app.socket.disconnect(reason, close_after=2.0)
    new = app.socket.wait_connected(count=2, timeout=10)
    assert new.number > old.number
    assert len(app.slack.calls_to("apps.connections.open")) == 2  # a fresh URL, as Slack asks
    assert ask_by_slash(app, "after") < ACK_DEADLINE_S

    code, log = app.stop()
    assert code == 0
    assert " ERROR " not in log, log
    assert reconnect_lines(log) == [reconnect_lines(log)[0]]
    assert " INFO " in reconnect_lines(log)[0]


@pytest.mark.parametrize("fault", ["go_silent", "cut"])
def test_after_a_dead_link_it_answers_again_within_10_seconds(running, fault):
    """go_silent: the link stays up but nothing comes back, not even pongs (a NAT or proxy
    that forgot it). cut: the TCP connection is gone without a close frame."""
    app = running
    ask_by_slash(app, "before")
    started = time.monotonic()
    getattr(app.socket, fault)()
    # Slack holds the command until the app has a link again; then it is asked.
    ask_by_slash(app, "after", timeout=RECOVERY_S + 5)
    recovered = time.monotonic() - started
    assert recovered < RECOVERY_S, recovered

    code, log = app.stop()
    assert code == 0
    assert " ERROR " not in log, log
    [line] = reconnect_lines(log)
    assert " WARNING " in line and "link lost" in line


def test_sigterm_while_answering_finishes_the_answer_and_exits_0(running):
    app = running
    app.slack.slow("chat.postMessage", delay=2.0)
    envelope = app.socket.events_api(mention(QUESTION), event_id="EvInFlight")
    app.socket.wait_for_ack(envelope, timeout=10)
    # The answer is on its way: Slack takes 2 s to take it. SIGTERM now.
    [post] = app.slack.wait_for("chat.postMessage", timeout=10)
    code, log = app.stop()
    assert code == 0, log
    assert post.delivered.is_set(), "the answer in flight was dropped"
    assert "/measures/3-" in post.text
