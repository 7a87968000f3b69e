"""Message shortcut 「関連する取組を探す」: search with a message's text, answer privately."""

from __future__ import annotations

from slack_bolt import App

from bot.service import Service
from bot.slack.blocks import notice_message
from bot.slack.delivery import Delivery
from bot.slack.listeners.lazy import listen
from bot.slack.responder import Responder
from bot.slack.text import plain_text
from bot.surfaces import Surface

CALLBACK_ID = "soudan_find_measures"
NO_TEXT = "このメッセージには検索できる文章がありませんでした。"


def register(app: App, service: Service) -> None:
    responder = Responder(service, Delivery(app.client))

    def on_shortcut(body: dict) -> None:
        handle_message_shortcut(body, responder)

    listen(app.shortcut(CALLBACK_ID), on_shortcut)


def handle_message_shortcut(body: dict, responder: Responder) -> None:
    message = body.get("message") or {}
    user = (body.get("user") or {}).get("id")
    where = {
        "response_url": body.get("response_url"),
        "channel": (body.get("channel") or {}).get("id"),
        "user": user,
        "thread_ts": message.get("thread_ts"),
    }
    text = plain_text(str(message.get("text") or ""))
    if not text:
        responder.reply_private(notice_message(NO_TEXT), **where)
        return
    composed = responder.compose(text, surface=Surface.SHORTCUT, user_id=user)
    responder.reply_private(composed.message, **where)
