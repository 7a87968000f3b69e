"""/soudan 質問: an answer only the asker sees, with a button to share it to the channel."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.service import Service
from bot.slack.delivery import Delivery
from bot.slack.listeners.lazy import listen
from bot.slack.responder import Responder, is_help
from bot.slack.text import plain_text
from bot.surfaces import Surface

# Whatever the admin named the command (/soudan, or another name if that one is taken).
ANY_COMMAND = re.compile(r"^/")


def register(app: App, service: Service) -> None:
    responder = Responder(service, Delivery(app.client))

    def on_command(body: dict) -> None:
        handle_command(body, responder)

    listen(app.command(ANY_COMMAND), on_command)


def handle_command(body: dict, responder: Responder) -> None:
    text = plain_text(str(body.get("text") or ""))
    where = {
        "response_url": body.get("response_url"),
        "channel": body.get("channel_id"),
        "user": body.get("user_id"),
    }
    if is_help(text):
        responder.reply_private(responder.help(str(body.get("command") or "/soudan")), **where)
        return
    composed = responder.compose(
        text, surface=Surface.SLASH, user_id=body.get("user_id"), echo=True, share=True
    )
    responder.reply_private(composed.message, **where)
