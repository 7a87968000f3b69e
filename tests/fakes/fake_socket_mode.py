"""A local Slack Socket Mode endpoint: the WebSocket side of Slack, for the real client.

    with FakeSlack() as slack, FakeSocketMode(slack) as socket:
        ...                                     # start `soudan run` against slack.api_url
        socket.wait_connected()                 # hello sent on a fresh connection
        envelope_id = socket.slash_command("借金がある", response_url=slack.response_url())
        socket.wait_for_ack(envelope_id)
        slack.wait_for("response_url")

Attached to a ``FakeSlack``, it makes ``apps.connections.open`` answer
``ws://127.0.0.1:<port>/link/?ticket=<n>&app_id=...`` (a new ticket each time, as Slack
does) instead of the unreachable wss URL ``soudan doctor`` is shown; ``detach()`` puts that
back.

As Slack documents Socket Mode (docs.slack.dev/apis/events-api/using-socket-mode): on
connect the server sends ``hello``; it delivers envelopes ``{"type": "events_api" |
"slash_commands" | "interactive", "envelope_id", "payload", "accepts_response_payload",
"retry_attempt", "retry_reason"}``; the app acks with ``{"envelope_id", "payload"?}``; before
rotating a connection it sends ``{"type": "disconnect", "reason": "refresh_requested" |
"warning" | "link_disabled"}``. Envelopes go to the newest live connection, as Slack sends
each to one of the app's connections.

Envelopes: ``events_api(event, event_id=...)``, ``slash_command(text, response_url=...)``,
``interactive(payload)`` or ``send_envelope(type, payload)``, each returning its
envelope_id; a redelivery is ``events_api(..., envelope_id=first, retry_attempt=1,
retry_reason="timeout")``. Every ack is kept (``acks``, ``acks_for(id)``, ``wait_for_ack``)
with the number of the connection it came on.

Faults on the newest live connection:

    socket.disconnect("refresh_requested")   # the disconnect message (close_after: then close)
    socket.go_silent()   # stops reading: no pongs, no acks, nothing sent; the TCP link stays
    socket.cut()         # the TCP connection aborted, no close frame

The WebSocket protocol (framing, pings answered with pongs) is the ``websockets`` library's;
its server runs on an asyncio loop in a thread of its own, and every method here may be
called from any thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from tests.fakes.fake_slack import BOT_USER_ID, SOCKET_URL, TEAM_ID

if TYPE_CHECKING:
    from tests.fakes.fake_slack import FakeSlack

APP_ID = "A0000001"


@dataclass(frozen=True)
class Ack:
    envelope_id: str
    payload: dict[str, Any] | None
    connection: int  # which connection it came on (1, 2, ...)
    at: float = field(default_factory=time.monotonic)


@dataclass
class Link:
    """One WebSocket connection from the app."""

    number: int
    ws: ServerConnection
    opened: float = field(default_factory=time.monotonic)
    silent: bool = False
    retired: bool = False  # sent a disconnect: Slack sends nothing more on it
    closed: bool = False

    @property
    def live(self) -> bool:
        return not (self.closed or self.silent or self.retired)


class FakeSocketMode:
    def __init__(self, slack: FakeSlack | None = None, host: str = "127.0.0.1"):
        self._host = host
        self._slack = slack
        self._changed = threading.Condition()
        self._links: list[Link] = []
        self._acks: list[Ack] = []
        self._tickets = itertools.count(1)
        self._numbers = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: Server | None = None
        self.sent: list[dict[str, Any]] = []  # every message sent, in order

    # ------------------------------------------------------------ lifecycle

    def start(self) -> FakeSocketMode:
        self._thread.start()
        # No server pings: what we test is the client noticing a dead link by its own pings.
        # No size limit beyond the default; Slack's messages are small.
        self._server = self._call(self._serve())
        if self._slack is not None:
            self.attach(self._slack)
        return self

    def stop(self) -> None:
        if self._slack is not None:
            self.detach(self._slack)
        if self._server is not None:
            self._call(self._shut(self._server))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def __enter__(self) -> FakeSocketMode:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def attach(self, slack: FakeSlack) -> None:
        """apps.connections.open on ``slack`` hands out URLs of this server."""
        slack.socket_url = self.new_url

    @staticmethod
    def detach(slack: FakeSlack) -> None:
        slack.socket_url = SOCKET_URL

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.sockets[0].getsockname()[1]

    def new_url(self) -> str:
        return f"ws://{self._host}:{self.port}/link/?ticket={next(self._tickets)}&app_id={APP_ID}"

    # ------------------------------------------------------------ connections

    @property
    def links(self) -> list[Link]:
        with self._changed:
            return list(self._links)

    def live(self) -> list[Link]:
        """Connections open, not silenced, not asked to leave."""
        return [link for link in self.links if link.live]

    def wait_connected(self, count: int = 1, timeout: float = 10.0) -> Link:
        """Wait until ``count`` connections have been made in all (each got its hello);
        the newest live one."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                live = [x for x in self._links if x.live]
                if len(self._links) >= count and live:
                    return live[-1]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} connection(s) within {timeout}s, "
                        f"got {len(self._links)} ({len(live)} live)"
                    )
                self._changed.wait(left)

    # ------------------------------------------------------------ envelopes

    def send_envelope(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        envelope_id: str | None = None,
        accepts_response_payload: bool = False,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
        timeout: float = 10.0,
    ) -> str:
        """Deliver one envelope on the newest live connection, waiting up to ``timeout`` for
        one (as Slack holds events while an app has no connection); its envelope_id."""
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id or str(uuid.uuid4()),
            "payload": payload,
            "type": type,
            "accepts_response_payload": accepts_response_payload,
        }
        if type == "events_api":
            envelope["retry_attempt"] = retry_attempt or 0
            envelope["retry_reason"] = retry_reason or ""
        link = self.wait_connected(1, timeout)
        self._send(link, envelope)
        return envelope["envelope_id"]

    def events_api(
        self,
        event: dict[str, Any],
        *,
        event_id: str = "Ev0001",
        envelope_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = 10.0,
    ) -> str:
        """An Events API event, wrapped in its event_callback as Slack sends it."""
        payload = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            "event": event,
        }
        return self.send_envelope(
            "events_api",
            payload,
            envelope_id=envelope_id,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
            timeout=timeout,
        )

    def slash_command(
        self, text: str, *, response_url: str, command: str = "/soudan", timeout: float = 10.0
    ) -> str:
        """A slash command: the form fields of the HTTP request, as a JSON object."""
        payload = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "channel_id": "C100",
            "user_id": "U100",
            "command": command,
            "text": text,
            "response_url": response_url,
            "trigger_id": "1.2.3",
            "api_app_id": APP_ID,
        }
        return self.send_envelope(
            "slash_commands", payload, accepts_response_payload=True, timeout=timeout
        )

    def interactive(self, payload: dict[str, Any], *, timeout: float = 10.0) -> str:
        """A shortcut, button or view payload (the JSON of the HTTP form's ``payload``)."""
        return self.send_envelope("interactive", payload, timeout=timeout)

    # ------------------------------------------------------------ acks

    @property
    def acks(self) -> list[Ack]:
        with self._changed:
            return list(self._acks)

    def acks_for(self, envelope_id: str) -> list[Ack]:
        return [a for a in self.acks if a.envelope_id == envelope_id]

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> Ack:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for ack in self._acks:
                    if ack.envelope_id == envelope_id:
                        return ack
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no ack for {envelope_id} within {timeout}s")
                self._changed.wait(left)

    # ------------------------------------------------------------ faults

    def disconnect(self, reason: str = "refresh_requested", *, close_after: float | None = None):
        """Send ``disconnect`` on the newest live connection; with ``close_after``, close it
        that many seconds later (Slack closes a link it asked the app to leave)."""
        link = self.wait_connected(1, 1.0)
        with self._changed:
            link.retired = True
        self._send(link, {"type": "disconnect", "reason": reason, "debug_info": _DEBUG_INFO})
        if close_after is not None:
            self._loop.call_soon_threadsafe(
                self._loop.call_later, close_after, lambda: self._loop.create_task(link.ws.close())
            )
        return link

    def go_silent(self) -> Link:
        """The newest live connection stops reading: pings go unanswered and acks unread, and
        nothing more is sent on it, but the TCP connection stays up (a half-dead link: a
        NAT or proxy that dropped it without a word)."""
        link = self.wait_connected(1, 1.0)
        with self._changed:
            link.silent = True
        self._loop.call_soon_threadsafe(link.ws.transport.pause_reading)
        return link

    def cut(self) -> Link:
        """Abort the newest live connection's TCP connection, without a close frame."""
        link = self.wait_connected(1, 1.0)
        with self._changed:
            link.retired = True  # at once: the abort itself happens on the loop's thread
        self._loop.call_soon_threadsafe(link.ws.transport.abort)
        return link

    # ------------------------------------------------------------ internals

    async def _shut(self, server: Server) -> None:
        # Links are aborted first: a silent one would hold close() for its close timeout.
        for link in self.links:
            link.ws.transport.abort()
        server.close()
        await server.wait_closed()

    async def _serve(self) -> Server:
        # serve() needs the running loop, so it is made on the loop's thread.
        return await serve(self._session, self._host, 0, ping_interval=None)

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    def _send(self, link: Link, message: dict[str, Any]) -> None:
        with self._changed:
            self.sent.append(message)
        # The app may have left meanwhile: as with Slack, the envelope is lost on that link.
        with contextlib.suppress(ConnectionClosed):
            self._call(link.ws.send(json.dumps(message, ensure_ascii=False)))

    async def _session(self, ws: ServerConnection) -> None:
        with self._changed:
            link = Link(next(self._numbers), ws)
        hello = {
            "type": "hello",
            "num_connections": len(self.live()) + 1,
            "debug_info": {**_DEBUG_INFO, "approximate_connection_time": 18060},
            "connection_info": {"app_id": APP_ID},
        }
        await ws.send(json.dumps(hello))
        with self._changed:
            self.sent.append(hello)
            self._links.append(link)
            self._changed.notify_all()
        try:
            async for raw in ws:
                try:
                    message = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(message, dict) and "envelope_id" in message:
                    with self._changed:
                        self._acks.append(
                            Ack(message["envelope_id"], message.get("payload"), link.number)
                        )
                        self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                link.closed = True
                self._changed.notify_all()


_DEBUG_INFO = {"host": "applink-fake-1", "build_number": 1}
