"""The web pages: search, measures, departments, and a small JSON API.

Served from the same process as HTTP-mode Slack (``bot/wsgi.py`` adds /slack/events to the
app made here) and on its own by ``make run`` when no Slack settings are given.
"""

from __future__ import annotations

from flask import Flask

from bot.service import Service
from bot.settings import Settings
from bot.web.api import api
from bot.web.errors import register_error_pages
from bot.web.filters import install_filters
from bot.web.headers import add_headers
from bot.web.pages import pages
from bot.web.state import WebState, install_state

# Nothing on these pages is uploaded; Slack's event payloads stay far below this.
MAX_CONTENT_LENGTH = 1024 * 1024

__all__ = ["create_web_app"]


def create_web_app(settings: Settings, service: Service) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_LENGTH
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    install_state(app, WebState(settings, service))
    app.register_blueprint(pages)
    app.register_blueprint(api)
    register_error_pages(app)
    install_filters(app)
    app.after_request(add_headers)
    return app
