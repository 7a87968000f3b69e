"""/soudan 質問: an answer only the asker sees, with a button to share it to the channel."""

from __future__ import annotations

import re

from slack_bolt import Ack, App

from bot.service import Service
from bot.slack.delivery import Delivery
from bot.slack.responder import Responder, is_help
from bot.slack.text import plain_text

SURFACE = "slash"
# Whatever the admin named the command (/soudan, or another name if that one is taken).
ANY_COMMAND = re.compile(r"^/")


def register(app: App, service: Service) -> None:
    responder = Responder(service, Delivery(app.client))

    @app.command(ANY_COMMAND)
    def on_command(ack: Ack, body: dict) -> None:
        ack()
        handle_command(body, responder)


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
        text, surface=SURFACE, user_id=body.get("user_id"), echo=True, share=True
    )
    responder.reply_private(composed.message, **where)
