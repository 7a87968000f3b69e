"""App Home tab: how to ask, examples, the plan and data version, the department directory."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.service import Service
from bot.slack.blocks import home_view
from bot.slack.delivery import Delivery
from bot.slack.listeners.lazy import listen
from bot.slack.responder import Responder

log = logging.getLogger(__name__)


def register(app: App, service: Service) -> None:
    responder = Responder(service, Delivery(app.client))

    def on_home_opened(event: dict) -> None:
        handle_home_opened(event, responder)

    listen(app.event("app_home_opened"), on_home_opened)


def handle_home_opened(event: dict, responder: Responder) -> None:
    user = event.get("user")
    if event.get("tab", "home") != "home" or not user:
        return
    try:
        view = home_view(responder.links())
    except Exception:
        log.exception("home view failed to render")
        return
    responder.delivery.publish_home(user, view)
