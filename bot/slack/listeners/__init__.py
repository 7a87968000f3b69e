"""Thin Bolt listeners, one module a surface; each has ``register(app, service)``.

Every listener is a Bolt lazy listener (see ``lazy.py``): the ack answers Slack from the
request's own thread, the work runs afterwards on the app's listener threads.
"""

from __future__ import annotations

from slack_bolt import App

from bot.service import Service
from bot.slack.listeners import actions, commands, events, home, shortcuts


def register_all(app: App, service: Service) -> None:
    for module in (commands, events, actions, shortcuts, home):
        module.register(app, service)
