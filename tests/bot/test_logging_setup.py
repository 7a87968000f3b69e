"""No question text in any log line, at INFO and at DEBUG, whoever logs it."""

from __future__ import annotations

import logging

import pytest

from bot import logging_setup
from bot.logging_setup import (
    REDACTED,
    SOCKET_MODE_LOGGER,
    configure_logging,
    install_redaction,
    redact_message,
    socket_mode_logger,
)
from bot.settings import Settings

SECRET = "秘密の相談内容サトウハナコ"


@pytest.mark.parametrize(
    "message",
    [
        # slack_bolt RequestVerification (INFO)
        f"Invalid request signature detected (signature: v0=abc, timestamp: 1, body: text={SECRET})",
        # slack_bolt IgnoringSelfEvents (DEBUG)
        f"Skipped self event: {{'type': 'message', 'text': '{SECRET}'}}",
        # slack_bolt unhandled / middleware warnings (WARNING)
        f"Unhandled request ({{'type': 'event_callback', 'event': {{'text': '{SECRET}'}}}})",
        f"A global middleware (x) skipped calling either `next()` for the request ({{'t': '{SECRET}'}})",
        # slack_bolt ack (DEBUG)
        f'Responding with status: 200 body: "{SECRET}" (3 millis)',
        # slack_sdk WebClient (DEBUG)
        f"Sending a request - url: https://slack.com/api/chat.postMessage, query_params: {{}}, "
        f"body_params: {{}}, files: {{}}, json_body: {{'text': '{SECRET}'}}, headers: {{}}",
        f"Received the following response - status: 200, headers: {{}}, body: {{'text': '{SECRET}'}}",
        # slack_sdk Socket Mode (DEBUG)
        f'on_message invoked: (message: {{"payload": {{"text": "{SECRET}"}}}})',
        f"Sending a text data frame (session id: s1, payload: {SECRET})",
        f"Received bytes: b'{SECRET}'",
        f"Failed to decode Slack API response: {SECRET}",
    ],
)
def test_library_messages_lose_their_bodies(message):
    redacted = redact_message(message)
    assert SECRET not in redacted
    assert REDACTED in redacted


def test_access_log_lines_lose_the_query():
    line = f'127.0.0.1 - - "GET /search?q={SECRET} HTTP/1.1" 200 -'
    assert (
        redact_message(line, body=False) == f'127.0.0.1 - - "GET /search?{REDACTED} HTTP/1.1" 200 -'
    )


def test_useful_lines_are_kept():
    assert redact_message("A new session has been established (session id: s1)") == (
        "A new session has been established (session id: s1)"
    )
    assert redact_message("Failed to run listener function (error: boom)") == (
        "Failed to run listener function (error: boom)"
    )


def test_records_of_library_loggers_are_rewritten_at_creation(caplog):
    install_redaction()
    caplog.set_level(logging.DEBUG)
    logging.getLogger("slack_sdk.web.base_client").debug("json_body: %s", {"text": SECRET})
    logging.getLogger("werkzeug").info('"GET /search?q=%s HTTP/1.1" 200', SECRET)
    logging.getLogger("bot.mine").info("kept as is: %s", "家賃")
    messages = [r.getMessage() for r in caplog.records]
    assert all(SECRET not in m for m in messages)
    assert "kept as is: 家賃" in messages


def test_configure_logging_installs_one_handler_and_keeps_slack_loggers_at_info(tmp_path):
    root = logging.getLogger()
    before_level, before_handlers = root.level, list(root.handlers)
    try:
        settings = Settings(log_level="DEBUG", data_dir=tmp_path, db_path=tmp_path / "x.db")
        configure_logging(settings)
        configure_logging(settings)
        ours = [h for h in root.handlers if getattr(h, logging_setup._HANDLER_MARK, False)]
        assert len(ours) == 1
        assert root.level == logging.DEBUG
        assert logging.getLogger("slack_sdk").level == logging.INFO
        assert logging.getLogger("slack_bolt").level == logging.INFO
    finally:
        root.setLevel(before_level)
        for handler in list(root.handlers):
            if handler not in before_handlers:
                root.removeHandler(handler)


def test_redaction_wraps_the_record_factory_once():
    install_redaction()
    installed = logging.getLogRecordFactory()
    install_redaction()
    assert logging.getLogRecordFactory() is installed


def test_importing_the_store_registers_no_fork_hook():
    import subprocess
    import sys

    # A fresh interpreter: os.register_at_fork is wrapped before bot.store is imported.
    script = (
        "import os, sys\n"
        "ours = []\n"
        "real = os.register_at_fork\n"
        "def spy(**kw):\n"
        "    if sys._getframe(1).f_globals.get('__name__', '').startswith('bot'):\n"
        "        ours.append(kw)\n"
        "    real(**kw)\n"
        "os.register_at_fork = spy\n"
        "import bot.store, bot.masking, bot.logging_setup\n"
        "print(len(ours))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "0", done.stderr


def test_a_socket_mode_reconnect_is_one_line_and_a_lost_link_no_error(caplog):
    logger = socket_mode_logger()
    assert socket_mode_logger() is logger and len(logger.filters) == 1
    with caplog.at_level("INFO", logger=SOCKET_MODE_LOGGER):
        # A link gone quiet, as the built-in client tells it.
        logger.info("The connection seems to be stale. Disconnecting... (session id: s1)")
        logger.info("The connection has been closed (session id: s1)")
        logger.info("The session seems to be already closed. Reconnecting... (session id: s1)")
        logger.info("Connecting to a new endpoint...")
        logger.info("Using non-ssl socket to connect (127.0.0.1:1)")
        logger.info("A new session has been established (session id: s2)")
        logger.info("Connected to a new endpoint...")
        logger.info("Starting to receive messages from a new connection (session id: s2)")
        # Slack's disconnect message.
        logger.info("Connecting to a new endpoint...")
        logger.info("A new session has been established (session id: s3)")
        # A TCP link gone: the client's pings fail five times before it reconnects.
        for _ in range(5):
            logger.error(
                "Failed to check the state of sock (session id: s3, error: BrokenPipeError, "
                "message: [Errno 32] Broken pipe)"
            )
        logger.info("Connecting to a new endpoint...")
        logger.info("A new session has been established (session id: s4)")
        # Anything else is kept as it was.
        logger.error("Failed to check the state of sock (session id: s4, error: ValueError)")
        logger.error("Failed to retrieve WSS URL: invalid_auth")
    lines = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert lines == [
        ("WARNING", "Socket Mode link lost (no pong); reconnecting"),
        ("INFO", "Socket Mode: connecting to a new endpoint"),
        ("WARNING", "Socket Mode link lost (socket error); reconnecting"),
        ("ERROR", "Failed to check the state of sock (session id: s4, error: ValueError)"),
        ("ERROR", f"Failed to retrieve WSS URL: {REDACTED}"),
    ]
