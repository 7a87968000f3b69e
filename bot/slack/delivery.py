"""Getting a message to Slack: retries on 429 and timeouts, plain text when blocks are refused.

Every send returns a ``Delivered`` instead of raising, so a listener can always tell the
asker something useful. Waiting is bounded (``max_wait`` per 429, ``max_attempts`` tries),
so a listener never holds a worker for long. Log lines name the method and Slack's error
code, never the text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.webhook import WebhookClient

from bot.slack.blocks import Message

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0
MAX_ATTEMPTS = 3
MAX_WAIT = 10.0  # seconds we wait for a Retry-After; longer and we give up and say so
# Slack's answers meaning "these blocks are not acceptable": send the text twin instead.
BLOCKS_REFUSED = frozenset(
    {"invalid_blocks", "invalid_blocks_format", "msg_too_long", "msg_blocks_too_long"}
)
NOT_POSTABLE = frozenset(
    {
        "not_in_channel",
        "channel_not_found",
        "is_archived",
        "restricted_action",
        "cannot_reply_to_message",
    }
)


@dataclass(frozen=True, slots=True)
class Delivered:
    ok: bool
    error: str = ""  # Slack's error code, or "timeout" / "ratelimited" / "http_<status>"
    ts: str | None = None
    plain: bool = False  # sent as plain text because Slack refused the blocks

    @property
    def not_postable(self) -> bool:
        return self.error in NOT_POSTABLE


class _Retry(Exception):
    def __init__(self, error: str, wait: float):
        self.error = error
        self.wait = wait


class _Refused(Exception):
    def __init__(self, error: str):
        self.error = error


class Delivery:
    def __init__(
        self,
        client: WebClient,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_attempts: int = MAX_ATTEMPTS,
        max_wait: float = MAX_WAIT,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.client = client
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self._sleep = sleep

    # ------------------------------------------------------------ Web API

    def post_message(
        self, channel: str, message: Message, *, thread_ts: str | None = None
    ) -> Delivered:
        def send(payload: dict) -> Delivered:
            response = self.client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                unfurl_links=False,
                unfurl_media=False,
                **payload,
            )
            return Delivered(True, ts=response.get("ts"))

        return self._with_fallback("chat.postMessage", message, send)

    def post_ephemeral(
        self, channel: str, user: str, message: Message, *, thread_ts: str | None = None
    ) -> Delivered:
        def send(payload: dict) -> Delivered:
            self.client.chat_postEphemeral(
                channel=channel, user=user, thread_ts=thread_ts, **payload
            )
            return Delivered(True)

        return self._with_fallback("chat.postEphemeral", message, send)

    def publish_home(self, user_id: str, view: dict) -> Delivered:
        def send() -> Delivered:
            self.client.views_publish(user_id=user_id, view=view)
            return Delivered(True)

        return self._view_call("views.publish", send)

    def open_view(self, trigger_id: str, view: dict) -> Delivered:
        """A modal for the person who pressed a button; ``ts`` is the new view's id."""

        def send() -> Delivered:
            response = self.client.views_open(trigger_id=trigger_id, view=view)
            return Delivered(True, ts=(response.get("view") or {}).get("id"))

        # Slack's trigger_id is good for 3 seconds: a second attempt would only be refused.
        return self._view_call("views.open", send, attempts=1)

    def update_view(self, view_id: str, view: dict, *, hash: str | None = None) -> Delivered:
        """Replace an open modal; with ``hash``, only if nobody changed it in between."""

        def send() -> Delivered:
            self.client.views_update(view_id=view_id, view=view, hash=hash)
            return Delivered(True)

        return self._view_call("views.update", send)

    def _view_call(
        self, method: str, send: Callable[[], Delivered], *, attempts: int | None = None
    ) -> Delivered:
        try:
            return self._attempts(method, send, attempts)
        except _Refused as refused:
            log.warning("slack %s refused: %s", method, refused.error)
            return Delivered(False, refused.error)

    # ------------------------------------------------------------ response_url

    def respond(
        self,
        response_url: str,
        message: Message,
        *,
        ephemeral: bool = True,
        replace_original: bool = False,
    ) -> Delivered:
        """Post to an interaction's response_url (works where the bot is not a member)."""
        extra = {
            "response_type": "ephemeral" if ephemeral else "in_channel",
            "replace_original": replace_original,
        }
        hook = WebhookClient(response_url, timeout=self.timeout, retry_handlers=[])

        def send(payload: dict) -> Delivered:
            response = hook.send_dict({**payload, **extra})
            status, body = response.status_code, (response.body or "").strip()
            if status == 200:
                return Delivered(True)
            if status == 429:
                raise _Retry("ratelimited", _retry_after(response.headers))
            if status >= 500:
                raise _Retry(f"http_{status}", 0.5)
            # Slack answers a refused response_url post with the error code as the body.
            raise _Refused(body[:60] if body and body.isascii() else f"http_{status}")

        return self._with_fallback("response_url", message, send)

    # ------------------------------------------------------------ the policy

    def _with_fallback(
        self, method: str, message: Message, send: Callable[[dict], Delivered]
    ) -> Delivered:
        try:
            return self._attempts(method, lambda: send(message.payload()))
        except _Refused as refused:
            if refused.error not in BLOCKS_REFUSED or not message.blocks:
                log.warning("slack %s refused: %s", method, refused.error)
                return Delivered(False, refused.error)
            log.warning(
                "slack %s refused the blocks (%s); sending plain text", method, refused.error
            )
        try:
            delivered = self._attempts(method, lambda: send(message.plain_payload()))
            return Delivered(delivered.ok, delivered.error, delivered.ts, plain=True)
        except _Refused as refused:
            log.warning("slack %s refused the plain text too: %s", method, refused.error)
            return Delivered(False, refused.error, plain=True)

    def _attempts(
        self, method: str, call: Callable[[], Delivered], attempts: int | None = None
    ) -> Delivered:
        """Run ``call`` until it succeeds, is refused (raises _Refused) or ``attempts``
        (else ``max_attempts``) run out."""
        last = ""
        attempts = attempts or self.max_attempts
        for attempt in range(1, attempts + 1):
            try:
                try:
                    return call()
                except SlackApiError as error:
                    raise _classify(error) from None
                except ValueError:
                    # urllib's "unknown url type": a response_url that is no URL at all.
                    raise _Refused("invalid_url") from None
                except (TimeoutError, URLError, ConnectionError, SlackRequestError) as error:
                    raise _Retry(_network_error(error), 0.2 * attempt) from None
            except _Retry as retry:
                last = retry.error
                if attempt == attempts:
                    break
                if retry.wait > self.max_wait:
                    log.warning(
                        "slack %s: %s, Retry-After %.0fs is longer than we wait",
                        method,
                        retry.error,
                        retry.wait,
                    )
                    return Delivered(False, retry.error)
                log.info("slack %s: %s, retrying in %.1fs", method, retry.error, retry.wait)
                self._sleep(retry.wait)
        log.warning("slack %s failed after %d attempts: %s", method, attempts, last)
        return Delivered(False, last)


def _classify(error: SlackApiError) -> Exception:
    response = error.response
    status = getattr(response, "status_code", 200) or 200
    data = response.data if isinstance(getattr(response, "data", None), dict) else {}
    code = str(data.get("error") or f"http_{status}")
    if status == 429 or code == "ratelimited":
        return _Retry("ratelimited", _retry_after(getattr(response, "headers", {}) or {}))
    if status >= 500:
        # The body of a 5xx may be a page of HTML, not a code: name the status instead.
        return _Retry(code if code.isidentifier() else f"http_{status}", 0.5)
    if code in ("internal_error", "fatal_error", "service_unavailable", "request_timeout"):
        return _Retry(code, 0.5)
    return _Refused(code)


def _retry_after(headers: dict) -> float:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            value = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return max(float(value), 0.0)
            except (TypeError, ValueError):
                break
    return 1.0


def _network_error(error: Exception) -> str:
    reason = getattr(error, "reason", error)
    if isinstance(error, TimeoutError) or isinstance(reason, TimeoutError):
        return "timeout"
    return "connection_error"
