"""A local fake of the Slack Web API and of response_url, recording every call.

    with FakeSlack() as slack:
        settings = Settings(..., slack_api_url=slack.api_url)
        ...                                   # drive the app
        [post] = slack.wait_for("chat.postMessage")
        assert post.params["thread_ts"] == "1700000000.000100"

Point ``SLACK_API_URL`` (``Settings.slack_api_url``) at ``slack.api_url`` and put
``slack.response_url()`` into payloads as their ``response_url``. Every request is kept as a
``Call``: ``method`` is the Web API method ("chat.postMessage", "auth.test", ...) or
"response_url"; ``params`` is the decoded JSON or form body.

``signed_headers(body, content_type=...)`` signs a request to our own /slack/events as
Slack does, with ``SIGNING_SECRET`` unless told otherwise.

Faults, for the next N calls of one method (``times``; "*" matches every method):

    slack.fail("chat.postMessage", "not_in_channel")          # {"ok": false, "error": ...}
    slack.fail("chat.postMessage", "invalid_blocks", when=lambda p: "blocks" in p)
    slack.rate_limit("chat.postEphemeral", retry_after=1)     # HTTP 429 + Retry-After
    slack.server_error("views.publish")                       # HTTP 500
    slack.slow("chat.postMessage", delay=2.0)                 # answers after a delay

What ``soudan doctor`` looks at, set as attributes (``reset()`` restores them):

    slack.oauth_scopes = ("commands", "chat:write")   # auth.test's X-OAuth-Scopes header
    slack.clock_offset = 300                          # the Date header, seconds ahead

``apps.connections.open`` answers ``{"ok": true, "url": socket_url}`` to an app-level
token (``Bearer xapp-...``) and ``not_allowed_token_type`` to any other. ``socket_url`` is
an unreachable wss URL (what ``soudan doctor`` checks the shape of) unless a
``FakeSocketMode`` (tests/fakes/fake_socket_mode.py) is attached: then a ws:// URL of that
local Socket Mode server, a new ticket each call. ``GET /healthz``
answers as our own pages do, also when the fake is used as an HTTP proxy (the request line
then carries the whole URL), so a test can reach a made-up public host through it.

The server is a ThreadingHTTPServer on 127.0.0.1 with a free port; it is safe to use from
many threads and from load tests (``calls`` returns a copy).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SIGNING_SECRET = "test-signing-secret"
BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"


def mention_event(text: str, **extra) -> dict:
    """An app_mention event as Slack sends it, addressed to the fake's bot."""
    return {
        "type": "app_mention",
        "user": "U100",
        "channel": "C100",
        "ts": "1700000001.000100",
        "text": f"<@{BOT_USER_ID}> {text}",
        **extra,
    }


TEAM_ID = "T0000001"
RESPONSE_URL = "response_url"
# The bot scopes slack/manifest.yml asks for: what auth.test reports unless told otherwise.
BOT_SCOPES = ("commands", "app_mentions:read", "im:history", "chat:write", "chat:write.public")
SOCKET_URL = "wss://wss.fake.slack.test/link/?ticket=1&app_id=A0000001"


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    path: str
    headers: dict[str, str]
    status: int  # what the fake answered
    at: float = field(default_factory=time.monotonic)
    # Set when the answer reached the caller (it was still connected when the fake replied).
    delivered: threading.Event = field(default_factory=threading.Event, compare=False)

    @property
    def text(self) -> str:
        """Every human-readable string sent: ``text`` and all texts inside the blocks/view."""
        parts = [str(self.params.get("text") or "")]
        for source in (self.params.get("blocks"), self.params.get("view")):
            if isinstance(source, str):
                try:
                    source = json.loads(source)
                except ValueError:
                    parts.append(source)
                    continue
            parts.extend(_texts(source))
        return "\n".join(p for p in parts if p)

    @property
    def blocks(self) -> list[dict]:
        blocks = self.params.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        return list(blocks or [])

    def buttons(self) -> dict[str, dict]:
        """The buttons of the message by action_id."""
        found = {}
        for block in self.blocks:
            if block.get("type") == "actions":
                for element in block.get("elements", []):
                    found[element.get("action_id")] = element
        return found


@dataclass
class _Fault:
    method: str
    times: int
    status: int = 200
    error: str | None = None
    retry_after: float | None = None
    delay: float = 0.0
    when: Callable[[dict], bool] | None = None
    gate: threading.Event | None = None  # held until set (release())
    takes: float = 0.0  # Slack time a held call takes: what FakeSlack.clock advances


class ManualClock:
    """A clock that moves only when told: the time the fake Slack's held calls take. The
    code under test reads it (AckTimer) instead of the real clock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._now = 0.0

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


# A held call that nobody releases is let go after this, so a broken test fails rather
# than hangs; the Web API client gives up later (bot.slack.delivery.DEFAULT_TIMEOUT).
HOLD_GUARD_S = 4.0


class FakeSlack:
    def __init__(self, host: str = "127.0.0.1"):
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._faults: list[_Fault] = []
        self._ts = itertools.count(100)
        self._changed = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer((host, 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.clock = ManualClock()
        self._gates: list[threading.Event] = []
        self.bot_user_id = BOT_USER_ID
        self.bot_id = BOT_ID
        self.team_id = TEAM_ID
        self.oauth_scopes: tuple[str, ...] | None = BOT_SCOPES  # None: no header at all
        self.clock_offset = 0.0  # seconds the fake's Date header is ahead of this machine
        # apps.connections.open's URL: a string, or a callable for a new one each call.
        self.socket_url: str | Callable[[], str] = SOCKET_URL

    # ------------------------------------------------------------ lifecycle

    def start(self) -> FakeSlack:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        """For SLACK_API_URL."""
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "1") -> str:
        """A response_url to put in a payload; posts to it are recorded as "response_url"."""
        return f"{self.base_url}/response/{name}"

    # ------------------------------------------------------------ faults

    def fail(
        self,
        method: str,
        error: str,
        *,
        times: int = 1,
        status: int = 200,
        when: Callable[[dict], bool] | None = None,
    ) -> None:
        """Answer ``{"ok": false, "error": error}`` (response_url: the error as the body)."""
        self._add(_Fault(method, times, status=status, error=error, when=when))

    def rate_limit(self, method: str, *, retry_after: float = 1, times: int = 1) -> None:
        self._add(_Fault(method, times, status=429, error="ratelimited", retry_after=retry_after))

    def server_error(self, method: str, *, status: int = 500, times: int = 1) -> None:
        self._add(_Fault(method, times, status=status, error="internal_error"))

    def slow(self, method: str, *, delay: float, times: int = 1) -> None:
        self._add(_Fault(method, times, delay=delay))

    def hold(self, method: str, *, takes: float, times: int = 1) -> None:
        """Calls to ``method`` wait until ``release()``, then answer as if they had taken
        ``takes`` seconds: ``clock`` moves on by that much. No real time is spent."""
        gate = threading.Event()
        with self._lock:
            self._gates.append(gate)
        self._add(_Fault(method, times, gate=gate, takes=takes))

    def release(self) -> None:
        """Let every held call answer."""
        with self._lock:
            gates, self._gates = self._gates, []
        for gate in gates:
            gate.set()

    def _add(self, fault: _Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, method: str, params: dict) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.method in (method, "*") and (fault.when is None or fault.when(params)):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # ------------------------------------------------------------ what was called

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """The first ``count`` calls to ``method``, waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self._calls if c.method == method]
                if len(found) >= count:
                    return found[:count]
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = sorted({c.method for c in self._calls})
                    raise AssertionError(
                        f"expected {count} call(s) to {method} within {timeout}s, "
                        f"got {len(found)}; calls so far: {seen}"
                    )
                self._changed.wait(left)

    def settle(self, quiet: float = 0.3, timeout: float = 5.0) -> list[Call]:
        """Wait until no call has arrived for ``quiet`` seconds; all calls so far."""
        deadline = time.monotonic() + timeout
        last = -1
        while time.monotonic() < deadline:
            count = len(self.calls)
            if count == last:
                return self.calls
            last = count
            time.sleep(quiet)
        return self.calls

    def reset(self) -> None:
        self.release()
        with self._lock:
            self._calls.clear()
            self._faults.clear()
        self.oauth_scopes = BOT_SCOPES
        self.clock_offset = 0.0

    # ------------------------------------------------------------ answers

    def _answer(self, method: str, params: dict, headers: Mapping[str, str]) -> dict:
        if method == "apps.connections.open":
            # As Slack: only an app-level token, and only in the Authorization header.
            if not headers.get("Authorization", "").startswith("Bearer xapp-"):
                return {"ok": False, "error": "not_allowed_token_type"}
            url = self.socket_url() if callable(self.socket_url) else self.socket_url
            return {"ok": True, "url": url}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.test/",
                "team": "Fake",
                "user": "soudan",
                "team_id": self.team_id,
                "user_id": self.bot_user_id,
                "bot_id": self.bot_id,
            }
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": ts,
                "message": {"type": "message", "ts": ts, "bot_id": self.bot_id},
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method == "views.publish":
            return {"ok": True, "view": {"id": "V0001", "type": "home"}}
        if method in ("views.open", "views.update"):
            view = params.get("view")
            view = json.loads(view) if isinstance(view, str) else dict(view or {})
            view_id = params.get("view_id") or f"V{next(self._ts):06d}"
            return {"ok": True, "view": {**view, "id": view_id, "hash": f"h.{view_id}"}}
        return {"ok": True}

    def _record(self, call: Call) -> None:
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the calls are the record

            def date_time_string(self, timestamp: float | None = None) -> str:
                # The Date header: a clock ahead of (or behind) this machine's, on request.
                moment = time.time() if timestamp is None else timestamp
                return super().date_time_string(moment + fake.clock_offset)

            def do_GET(self) -> None:
                if urlsplit(self.path).path == "/healthz":
                    fake._record(Call("healthz", {}, self.path, dict(self.headers.items()), 200))
                    body = json.dumps({"status": "ok", "data_version": "fake"}).encode()
                    self._send(200, body, "application/json")
                else:
                    self._send(404, b"not found", "text/plain")

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                params = _decode(raw, self.headers.get("Content-Type", ""))
                if path.startswith("/api/"):
                    method = path[len("/api/") :]
                elif path.startswith("/response/"):
                    method = RESPONSE_URL
                else:
                    self._send(404, b"not found", "text/plain")
                    return
                fault = fake._take_fault(method, params)
                status = fault.status if fault else 200
                call = Call(method, params, path, dict(self.headers.items()), status)
                fake._record(call)
                if fault and fault.delay:
                    time.sleep(fault.delay)
                if fault and fault.gate is not None:
                    fault.gate.wait(HOLD_GUARD_S)
                    fake.clock.advance(fault.takes)
                headers = {}
                if fault and fault.retry_after is not None:
                    headers["Retry-After"] = f"{fault.retry_after:g}"
                if method == RESPONSE_URL:
                    body = (fault.error if fault and fault.error else "ok").encode()
                    self._send(status, body, "text/plain", headers)
                    return
                if fault and fault.error:
                    answer = {"ok": False, "error": fault.error}
                else:
                    answer = fake._answer(method, params, self.headers)
                if method == "auth.test" and fake.oauth_scopes is not None:
                    headers["X-OAuth-Scopes"] = ",".join(fake.oauth_scopes)
                self._send(status, json.dumps(answer).encode(), "application/json", headers)
                call.delivered.set()

            def _send(
                self, status: int, body: bytes, content_type: str, headers: dict | None = None
            ) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

        return Handler


def _decode(raw: bytes, content_type: str) -> dict[str, Any]:
    text = raw.decode("utf-8", "replace")
    if not text:
        return {}
    if "json" in content_type or text.startswith("{"):
        try:
            value = json.loads(text)
            return value if isinstance(value, dict) else {"_": value}
        except ValueError:
            return {"_raw": text}
    return dict(parse_qsl(text, keep_blank_values=True))


def _texts(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_texts(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_texts(item))
    return found


def signature(body: str, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    """As Slack signs a request: ``v0=`` HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    body: str,
    *,
    content_type: str,
    timestamp: int | None = None,
    secret: str = SIGNING_SECRET,
) -> dict[str, str]:
    """Headers of a request from Slack to our /slack/events (now, unless ``timestamp``)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(body, ts, secret),
    }


def message_shortcut(fake: FakeSlack, text: str) -> dict[str, Any]:
    """The payload of 「関連する取組を探す」 used on a message saying ``text``."""
    return {
        "type": "message_action",
        "callback_id": "soudan_find_measures",
        "team": {"id": TEAM_ID},
        "user": {"id": "U200"},
        "channel": {"id": "C100"},
        "message": {"type": "message", "user": "U100", "ts": "1.1", "text": text},
        "response_url": fake.response_url("shortcut"),
        "trigger_id": "1.2.3",
    }
