"""What gunicorn runs (gunicorn.conf.py): the master's check, and each worker's app.

The master checks the settings and the data once, before any worker starts, and stops
with one Japanese line per problem and exit status 2 (otherwise every worker would fail
in turn). Data that passes is kept aside, so workers started later (SIGHUP to the master)
on a broken file serve that copy instead (``bot.bootstrap``).
"""

from __future__ import annotations

import logging
import sys

from flask import Flask
from gunicorn import glogging, util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

from bot.bootstrap import EXIT_CONFIG, bootstrap, check_and_keep
from bot.logging_setup import ZonedFormatter
from bot.reload import start_reloader
from bot.settings import Settings, SettingsError
from bot.web.errors import server_error_response
from bot.wsgi import create_wsgi_app
from index.errors import DataError

log = logging.getLogger(__name__)

# A worker exiting with 4 (gunicorn's APP_LOAD_ERROR) stops the server instead of being
# restarted forever.
EXIT_WORKER_LOAD = 4


def check_at_start() -> None:
    """gunicorn's on_starting: exit status 2 on bad settings or data."""
    problems = problems_at_start()
    if problems:
        print(problems, file=sys.stderr)
        sys.exit(EXIT_CONFIG)


def problems_at_start() -> str | None:
    """What stops a start, one line a problem; None when the settings and data pass."""
    try:
        check_and_keep(Settings.from_env())
    except SettingsError as error:
        return str(error)
    except DataError as error:
        return error.report()
    return None


def create_wsgi_app_from_env() -> Flask:
    """The app of one worker: ``wsgi_app`` in gunicorn.conf.py."""
    try:
        settings = Settings.from_env()
        service = bootstrap(settings)
    except SettingsError as error:
        print(error, file=sys.stderr)
        sys.exit(EXIT_WORKER_LOAD)
    except DataError as error:
        print(error.report(), file=sys.stderr)
        sys.exit(EXIT_WORKER_LOAD)
    web = create_wsgi_app(settings, service)
    # Saved data files are picked up within a second; SIGHUP to a worker forces a reload.
    start_reloader(service, watch_files=True)
    if not (settings.slack_bot_token and settings.slack_signing_secret):
        log.warning("no SLACK_SIGNING_SECRET: serving the pages only, no /slack/events")
    return web


class Worker(ThreadWorker):
    """gunicorn's gthread worker, answering in Japanese what it refuses before the app sees
    it: a request line (a long /search?q=) or headers too large. The path is not read by
    then, so /api/ callers get the page too."""

    _OWN_ERRORS = ((LimitRequestLine, 414), (LimitRequestHeaders, 431))

    def handle_error(self, req, client, addr, exc) -> None:
        code = next((code for kind, code in self._OWN_ERRORS if isinstance(exc, kind)), None)
        if code is None:
            super().handle_error(req, client, addr, exc)
            return
        # As gunicorn logs it: sizes only, never the line itself (it holds the question).
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        body, content_type = server_error_response(code)
        head = (
            f"HTTP/1.1 {code} {'URI Too Long' if code == 414 else 'Request Header Fields Too Large'}\r\n"
            f"Connection: close\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        try:
            util.write_nonblock(client, head.encode("ascii") + body)
        except Exception:
            self.log.debug("Failed to send error message.")


class Logger(glogging.Logger):
    """gunicorn's own lines (master and workers) in our format and time zone, so the log
    reads on one clock."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        try:
            zone = Settings.from_env().zone
        except SettingsError:
            return  # on_starting says what is wrong and stops
        for handler in self.error_log.handlers:
            handler.setFormatter(ZonedFormatter(zone))
