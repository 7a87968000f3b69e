"""Socket Mode for `soudan run`: Bolt's handler over slack_sdk's built-in client, set so that a
lost or replaced link costs seconds, not a minute.

Measured against tests/fakes/fake_socket_mode.py with Bolt's defaults (ping every 10 s, a
link stale after 4 pings without a pong, 3 s socket reads): a silently dead link went
unnoticed for 40-50 s, and every reconnect (Slack asks for one with ``disconnect``) left the
app deaf for up to 3 s, Slack's whole ack deadline, because the old link's close waits for
its reader's read to time out and the new link is not read until then.
"""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.builtin import SocketModeClient

from bot.logging_setup import socket_mode_logger

# A dead link is dropped once its last pong is more than 4 pings old, checked once a ping:
# at 1 s that is about 5 s. A ping is a few bytes a second.
PING_INTERVAL_S = 1.0
# How long one read of the socket may block: the longest a reconnect waits for the old
# link's reader. Not much lower: a read that times out in the middle of a frame loses it,
# so this is also the longest pause inside one frame the link survives.
RECEIVE_TIMEOUT_S = 1.0


class _Client(SocketModeClient):
    def connect(self) -> None:
        # The built-in client has no option for its read timeout (3 s); it is the socket's.
        # Set here, before the client's reader is started on the new link (on its next tick).
        super().connect()
        session = self.current_session
        if session is not None and session.sock is not None:
            session.sock.settimeout(RECEIVE_TIMEOUT_S)


class SocketMode(SocketModeHandler):
    """SocketModeHandler with our client: the same listener, our ping interval and logger."""

    def __init__(self, app: App, app_token: str) -> None:
        # Not super().__init__: it would build (and start the threads of) a client of its own.
        self.app = app
        self.app_token = app_token
        self.client = _Client(
            app_token=app_token,
            logger=socket_mode_logger(),
            web_client=app.client,
            proxy=app.client.proxy,
            ping_interval=PING_INTERVAL_S,
        )
        self.client.socket_mode_request_listeners.append(self.handle)

    def close(self) -> None:
        # The pings stop first: a link being closed no longer reads its pongs, and would be
        # reported as lost on the way out.
        self.client.current_app_monitor.shutdown()
        super().close()
