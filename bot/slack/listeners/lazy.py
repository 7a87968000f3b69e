"""Ack first, work after: how every listener is registered.

The app runs with ``process_before_response=True``, so Bolt calls a listener's ``ack``
function in the request's own thread and returns the HTTP response (or the Socket Mode
ack) as soon as it is done; each ``lazy`` function is then handed to the app's listener
executor. ``acknowledge`` calls no Web API and runs no search, so an ack never waits for
Slack or for a free thread, however many answers are still being delivered.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from slack_bolt import Ack

log = logging.getLogger(__name__)


def acknowledge(ack: Ack) -> None:
    """The ack of every listener: an empty 200, at once."""
    ack()


def listen(register: Callable[..., object], work: Callable[..., None]) -> None:
    """``register`` is ``app.command(...)``, ``app.event(...)`` and the like."""
    register(ack=acknowledge, lazy=[after_ack(work)])


def after_ack(work: Callable[..., None]) -> Callable[..., None]:
    """``work`` as a lazy function: Bolt passes it the arguments it names, after the ack.

    Bolt's own catch around a lazy function would log the exception's text, which may
    quote the request; this logs what the app's error handler logs instead.
    """

    @functools.wraps(work)  # Bolt reads the argument names through __wrapped__
    def lazy(**kwargs) -> None:
        try:
            work(**kwargs)
        except Exception as error:
            log_failure(error)

    return lazy


def log_failure(error: Exception) -> None:
    """The one line for a failed listener: the exception's type, never the request."""
    log.error("slack listener failed: %s", type(error).__name__, exc_info=error)
