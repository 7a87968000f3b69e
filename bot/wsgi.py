"""The Procfile target: the web pages, plus Slack's /slack/events in HTTP mode.

    gunicorn --config python:bot.wsgi ... bot.wsgi:app

``app`` is built on first access, in the worker, so tests can import this module and use
``create_wsgi(settings, service)``. Loaded as gunicorn's config (``--config python:bot.wsgi``)
this module also gives gunicorn one hook, ``on_starting``: the master checks the settings
and data once before any worker starts, and stops with one Japanese line per problem and
exit status 2 (otherwise every worker would fail in turn). Gunicorn reads every module
global whose name is one of its settings: add no other such names here.
"""

from __future__ import annotations

import logging
import shutil
import sys
import threading
from pathlib import Path

from flask import Flask, Response, jsonify, request
from slack_bolt.adapter.flask.handler import to_flask_response
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.service import Service, build_index
from bot.settings import Settings, SettingsError
from index.errors import DataError

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
# Slack's payloads are a few kB; a message with blocks stays far below this.
MAX_SLACK_BODY = 1024 * 1024
EXIT_SETTINGS = 2
# Under gunicorn a worker exiting with 4 (APP_LOAD_ERROR) stops the server instead of
# being restarted forever.
EXIT_WORKER_LOAD = 4


def create_wsgi(settings: Settings, service: Service | None = None) -> Flask:
    """The Flask app of the pages, with /slack/events when HTTP-mode settings are present."""
    from bot.web import create_web

    if service is None:
        from bot.store import open_store

        service = Service.from_settings(settings, store=open_store(settings))
    web = create_web(settings, service)
    if settings.slack_bot_token and settings.slack_signing_secret:
        _mount_slack(web, settings, service)
    return web


def _mount_slack(web: Flask, settings: Settings, service: Service) -> None:
    from bot.slack.app import create_app, warm_authorization
    from bot.slack.dedupe import SharedEventLedger

    # gunicorn may run several workers: a retried event must be answered once across them.
    ledger = SharedEventLedger(settings.db_path.parent / "events.db")
    bolt = create_app(settings, service, deduper=ledger)
    threading.Thread(target=warm_authorization, args=(bolt,), name="auth-test", daemon=True).start()
    verifier = SignatureVerifier(settings.slack_signing_secret or "")

    def slack_events() -> Response | tuple[Response, int]:
        length = request.content_length
        if length is not None and length > MAX_SLACK_BODY:
            return _error("payload too large", 413)
        try:
            raw = request.stream.read(MAX_SLACK_BODY + 1)
        except Exception:  # noqa: BLE001 - a broken body (bad chunking) is the client's fault
            # The exception text may quote the body: it is not logged.
            return _error("invalid request", 400)
        if len(raw) > MAX_SLACK_BODY:
            return _error("payload too large", 413)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _error("invalid request", 400)
        # Checked here, before anything parses the body; Bolt checks it again.
        if not _signed(verifier, text):
            return _error("invalid request", 401)
        try:
            bolt_request = BoltRequest(
                body=text,
                query=request.query_string.decode("utf-8", "replace"),
                headers={k: v for k, v in request.headers.items()},
            )
        except Exception:  # a signed body Slack would never send: say so, never 500
            log.warning("signed Slack request with an unreadable body")
            return _error("invalid request", 400)
        if not _well_formed(bolt_request.body):
            return _error("invalid request", 400)
        return to_flask_response(bolt.dispatch(bolt_request))

    web.add_url_rule(SLACK_PATH, "slack_events", slack_events, methods=["POST"])


def _signed(verifier: SignatureVerifier, body: str) -> bool:
    try:
        return verifier.is_valid(
            body=body,
            timestamp=request.headers.get("X-Slack-Request-Timestamp"),
            signature=request.headers.get("X-Slack-Signature"),
        )
    except (ValueError, TypeError):  # a timestamp that is no number, a non-ASCII signature
        return False


def _well_formed(body: object) -> bool:
    if not isinstance(body, dict):
        return False
    for key, kind in (
        ("event", dict),
        ("actions", list),
        ("user", (dict, str)),
        ("channel", (dict, str)),
    ):
        if key in body and not isinstance(body[key], kind):
            return False
    actions = body.get("actions")
    return not actions or all(isinstance(a, dict) for a in actions)


def _error(message: str, status: int) -> tuple[Response, int]:
    return jsonify(error=message), status


# ------------------------------------------------------------------ gunicorn


def on_starting(server: object) -> None:
    """gunicorn master hook: stop with exit status 2 on bad settings or data.

    Data that passes is copied aside (``last_good_dir``): if an operator later sends the
    master SIGHUP while a data file is broken, the new workers serve that copy instead of
    failing to boot, which would stop the whole server.
    """
    problems = _check()
    if problems:
        print(problems, file=sys.stderr)
        sys.exit(EXIT_SETTINGS)


def _check() -> str | None:
    from index.load import FILES, load

    try:
        settings = Settings.from_env()
        load(settings.data_dir)
    except SettingsError as error:
        return str(error)
    except DataError as error:
        return error.report()
    try:
        keep = last_good_dir(settings)
        keep.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            shutil.copy2(settings.data_dir / name, keep / name)
    except OSError:
        log.warning("could not keep a copy of the checked data; a reload on bad data will stop")
    return None


def last_good_dir(settings: Settings) -> Path:
    return settings.db_path.parent / "last-good-data"


def _service_on_last_good_data(settings: Settings, error: DataError) -> Service | None:
    """A worker started (by SIGHUP) on data that fails the check: serve the last copy that
    passed, and keep watching the real files so a fix is picked up."""
    from bot.store import open_store
    from index.load import load

    try:
        data = load(last_good_dir(settings))
    except DataError:
        return None
    log.error(
        "data fails the check; serving the last checked copy (%s)\n%s",
        data.version.label,
        error.report(),
    )
    return Service(settings, build_index(data, settings.cache_dir), open_store(settings))


def _load_app() -> Flask:
    from bot.logging_setup import configure_logging
    from bot.reload import start_reloader
    from bot.store import open_store

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(error, file=sys.stderr)
        sys.exit(EXIT_WORKER_LOAD)
    configure_logging(settings)
    try:
        service = Service.from_settings(settings, store=open_store(settings))
    except DataError as error:
        fallback = _service_on_last_good_data(settings, error)
        if fallback is None:
            print(error.report(), file=sys.stderr)
            sys.exit(EXIT_WORKER_LOAD)
        service = fallback
    web = create_wsgi(settings, service)
    # Saved data files are picked up within a second; SIGHUP to a worker forces a reload.
    start_reloader(service, watch_files=True)
    if not (settings.slack_bot_token and settings.slack_signing_secret):
        log.warning("no SLACK_SIGNING_SECRET: serving the pages only, no /slack/events")
    return web


def __getattr__(name: str) -> Flask:
    if name == "app":
        built = _load_app()
        globals()["app"] = built
        return built
    raise AttributeError(name)
