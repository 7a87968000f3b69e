"""How listeners are registered: every ack is immediate, every piece of work is lazy.

``test_slack_faults.py`` shows the effect (acks in time while Slack is slow); these pin
the shape, so a listener added later cannot quietly do its work before the ack.
"""

from __future__ import annotations

import logging

from slack_bolt.util.utils import get_arg_names_of_callable

from bot.slack.app import LISTENER_THREADS, create_slack_app
from bot.slack.listeners.lazy import acknowledge, after_ack

SECRET = "秘密の相談内容サトウハナコ"


def test_every_listener_acks_at_once_and_does_its_work_lazily(slack_settings, slack_service):
    app = create_slack_app(slack_settings, slack_service)
    assert app.process_before_response is True
    listeners = app._listeners  # Bolt keeps no public list of them
    # the command, mention, DM, Home tab, 7 buttons (feedback twice), the shortcut, the
    # correction modal's select and two buttons, and the select's options
    assert len(listeners) == 16
    # The options go back in the ack itself: that one listener has no lazy part.
    [options] = [listener for listener in listeners if not listener.lazy_functions]
    assert options.ack_function.__name__ == "ack_options"
    for listener in listeners:
        if listener is not options:
            assert listener.ack_function is acknowledge
            assert len(listener.lazy_functions) == 1
    # The lazy work runs on this pool; its queue is unbounded, so submitting never blocks.
    executor = app.listener_runner.lazy_listener_runner.executor
    assert executor is app.listener_runner.listener_executor
    assert executor._max_workers == LISTENER_THREADS


def test_a_lazy_function_gets_the_arguments_it_names():
    seen: list[tuple[dict, str]] = []

    def work(body: dict, context: str) -> None:
        seen.append((body, context))

    lazy = after_ack(work)
    assert get_arg_names_of_callable(lazy) == ["body", "context"]
    assert lazy.__name__ == "work"
    lazy(body={"a": 1}, context="c")
    assert seen == [({"a": 1}, "c")]


def test_a_failing_lazy_function_logs_its_type_never_the_request(caplog):
    def work(body: dict) -> None:
        raise RuntimeError(f"could not answer {body['text']}")

    caplog.set_level(logging.DEBUG)
    after_ack(work)(body={"text": SECRET})  # does not raise
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.getMessage() == "slack listener failed: RuntimeError"
    assert record.exc_info is not None
    assert all(SECRET not in r.getMessage() for r in caplog.records)


def test_the_ack_only_acks():
    calls: list[tuple] = []
    acknowledge(lambda *args, **kwargs: calls.append((args, kwargs)))
    assert calls == [((), {})]


def test_the_ack_timer_reads_its_clock_and_warns_of_a_slow_ack(caplog):
    from bot.slack.app import SLOW_ACK_S, AckTimer
    from tests.fakes.fake_slack import ManualClock

    clock = ManualClock()
    timer = AckTimer(clock)
    assert timer.middleware(lambda: clock.advance(0.5)) is None
    assert timer.slowest == 0.5
    with caplog.at_level("WARNING", logger="bot.slack.app"):
        timer.middleware(lambda: clock.advance(SLOW_ACK_S))
    assert timer.slowest == SLOW_ACK_S
    assert "slack ack took 2.0 s" in caplog.text
