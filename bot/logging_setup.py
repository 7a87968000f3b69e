"""One log format, and no question text in any log line, whoever writes it.

Questions are personal data. Our code never logs them; the libraries would:

- slack_bolt, INFO: "Invalid request signature detected (... body: <the whole request>)";
  WARNING: "Unhandled request ({...})" and "... for the request (<the whole body>)";
  DEBUG: "Skipped self event: <event with text>", "Responding with status: 200 body: ..."
  (the ack body), and the listener-middleware response.
- slack_sdk, DEBUG: every Web API request ("json_body", "body_params": the message text)
  and response ("body"), response_url posts ("body"), and in Socket Mode every received
  envelope ("on_message invoked: (message: ...)") and frame ("payload", "Received bytes").
  INFO/ERROR: "Failed to decode Slack API response: <body>".
- werkzeug (the local page server), INFO: the request line, with /search?q=<question>;
  gunicorn, at DEBUG or with an access log: the same. (gunicorn keeps its access log off
  unless asked; the Procfile does not ask.)

So a log record factory rewrites every record of those loggers before any handler sees it:
the message is cut where a body, payload, event, URL or dict begins, and query strings go.
It holds at DEBUG too. On top of that the Slack loggers are kept at INFO or above.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Callable
from datetime import datetime, tzinfo

from bot.settings import Settings

# Times are in Settings.tz (Asia/Tokyo unless TZ says otherwise, as `soudan report`
# counts days), with the offset written out: 2025-04-01 10:00:00.123+09:00.
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[省略]"
# Loggers whose messages may carry request bodies or message text.
LIBRARY_PREFIXES = ("slack_bolt", "slack_sdk")
# Loggers that may print a request line (with /search?q=<question>).
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "bot.access")
BOLT_LOGGER = "slack_bolt.soudan"

# Where a body starts in the libraries' messages (see the module docstring).
_BODY_START = re.compile(
    r"(?i)\b(?:request body|json_body|body_params|query_params|body|message|payload|event|"
    r"data|bytes|headers|url|submission|value|response|text)\s*[:=]"
    r"|[{\[]"
)
_QUERY = re.compile(r"\?[^\s\"']*")

_install_lock = threading.Lock()
_HANDLER_MARK = "_soudan_handler"


def configure_logging(settings: Settings) -> None:
    """Root logging for every entry point (run, wsgi): one handler, one format, redaction."""
    install_redaction()
    level = getattr(logging, settings.log_level, logging.INFO)
    root = logging.getLogger()
    root.setLevel(level)
    if not any(getattr(h, _HANDLER_MARK, False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(ZonedFormatter(settings.zone))
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    for name in ("slack_bolt", "slack_sdk", BOLT_LOGGER):
        logging.getLogger(name).setLevel(max(level, logging.INFO))


class ZonedFormatter(logging.Formatter):
    """FORMAT with the time in one zone, not the machine's."""

    def __init__(self, zone: tzinfo, fmt: str = FORMAT):
        super().__init__(fmt)
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        moment = datetime.fromtimestamp(record.created, self.zone)
        return moment.isoformat(sep=" ", timespec="milliseconds")


def bolt_logger() -> logging.Logger:
    """The base logger for slack_bolt.App: Bolt copies its level to every logger it makes."""
    install_redaction()
    logger = logging.getLogger(BOLT_LOGGER)
    if logger.level == logging.NOTSET or logger.level < logging.INFO:
        logger.setLevel(logging.INFO)
    if _CLIENT_TOKEN_NOTICE not in logger.filters:
        logger.addFilter(_CLIENT_TOKEN_NOTICE)
    return logger


SOCKET_MODE_LOGGER = "slack_sdk.socket_mode.soudan"


def socket_mode_logger() -> logging.Logger:
    """The logger for the Socket Mode client: one line per reconnect, not a dozen.

    A link is replaced routinely (Slack asks with ``disconnect``, several times a day) and
    now and then lost (no pong, or the TCP connection gone). The client says so in about ten
    INFO lines, and a lost link in up to five ERRORs ("Failed to check the state of sock"),
    though it recovers by itself. Kept: the first sign of a lost link as one WARNING, or
    "Connecting to a new endpoint" as one INFO; the rest of that reconnect is dropped.
    Errors that are not a lost link are kept as they are.
    """
    install_redaction()
    logger = logging.getLogger(SOCKET_MODE_LOGGER)
    if not any(isinstance(f, _SocketModeLines) for f in logger.filters):
        logger.addFilter(_SocketModeLines())
    return logger


# The client's lines about its sessions: said again at every reconnect.
_SESSION_CHATTER = (
    "Using non-ssl socket",
    "Using ssl socket",
    "A new session has been established",
    "Starting to receive messages",
    "Stopped receiving messages",
    "The connection has been closed",
    "Connected to a new endpoint",
    "The session seems to be already closed",
    "Received CLOSE event",
    "Unable to send a ping message",
)
# How the client notices a lost link: pongs stopped, or its pings fail on a dead socket.
_LINK_LOST = ("The connection seems to be stale", "Failed to check the state of sock")
_SOCKET_ERRORS = ("BrokenPipeError", "ConnectionResetError", "ConnectionAbortedError")


class _SocketModeLines(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._reconnecting = False  # this reconnect has had its line

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        with self._lock:
            if message.startswith(_LINK_LOST) and (
                message.startswith(_LINK_LOST[0]) or any(e in message for e in _SOCKET_ERRORS)
            ):
                if self._reconnecting:
                    return False
                self._reconnecting = True
                why = "no pong" if message.startswith(_LINK_LOST[0]) else "socket error"
                _rewrite(record, logging.WARNING, f"Socket Mode link lost ({why}); reconnecting")
                return True
            if message.startswith("Connecting to a new endpoint"):
                if self._reconnecting:
                    return False
                self._reconnecting = True
                _rewrite(record, logging.INFO, "Socket Mode: connecting to a new endpoint")
                return True
            if message.startswith("A new session has been established"):
                self._reconnecting = False
                return False
            return not message.startswith(_SESSION_CHATTER)


def _rewrite(record: logging.LogRecord, level: int, message: str) -> None:
    record.levelno = level
    record.levelname = logging.getLevelName(level)
    record.msg = message
    record.args = None


class _ClientTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and then warns, at every
    start, that it is unused because we pass a client built from the same token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


_CLIENT_TOKEN_NOTICE = _ClientTokenNotice()


class _RedactingFactory:
    """The log record factory that redacts; wraps whichever factory was there before."""

    def __init__(self, previous: Callable[..., logging.LogRecord]):
        self.previous = previous

    def __call__(self, name: str, *args, **kwargs) -> logging.LogRecord:
        record = self.previous(name, *args, **kwargs)
        if name.startswith(LIBRARY_PREFIXES):
            _redact(record, body=True)
        elif name in ACCESS_LOGGERS:
            _redact(record, body=False)
        return record


def install_redaction() -> None:
    """Wrap the log record factory, unless it already redacts (idempotent). The factory in
    place is the only record of whether this ran, so nothing here can disagree with it."""
    with _install_lock:
        if not isinstance(logging.getLogRecordFactory(), _RedactingFactory):
            logging.setLogRecordFactory(_RedactingFactory(logging.getLogRecordFactory()))


def redact_message(message: str, *, body: bool = True) -> str:
    """The message without bodies (library loggers) or query strings (access logs)."""
    if body:
        found = _BODY_START.search(message)
        if found:
            message = message[: found.end()].rstrip("{[") + f" {REDACTED}"
    return _QUERY.sub(f"?{REDACTED}", message)


def _redact(record: logging.LogRecord, *, body: bool) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep nothing of it
        message = str(record.msg)
    record.msg = redact_message(message, body=body)
    record.args = None
