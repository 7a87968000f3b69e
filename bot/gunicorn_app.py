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

from bot.bootstrap import EXIT_CONFIG, bootstrap, check_and_keep
from bot.reload import start_reloader
from bot.settings import Settings, SettingsError
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
