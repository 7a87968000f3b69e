"""Buttons on an answer: share to the channel, more results, feedback, suggestions, directory."""

from __future__ import annotations

import logging
import re

from slack_bolt import App

from bot.service import Service
from bot.slack import blocks, payloads
from bot.slack.blocks import notice_message
from bot.slack.delivery import Delivery
from bot.slack.listeners.lazy import listen
from bot.slack.payloads import Snapshot
from bot.slack.responder import STALE_BUTTON_TEXT, Responder, failure_text
from bot.surfaces import Surface

log = logging.getLogger(__name__)

SHARED_TEXT = "チャンネルに共有しました。"


def register(app: App, service: Service) -> None:
    responder = Responder(service, Delivery(app.client))

    def on(action_id: str | re.Pattern, handler) -> None:
        def on_action(body: dict) -> None:
            handler(body, responder)

        listen(app.action(action_id), on_action)

    on(blocks.ACTION_SHARE, handle_share)
    on(blocks.ACTION_MORE, handle_more)
    on(blocks.ACTION_HELPFUL, handle_feedback)
    on(blocks.ACTION_NOT_HELPFUL, handle_feedback)
    on(re.compile(rf"^{blocks.ACTION_SUGGEST}_\d+$"), handle_suggestion)
    on(re.compile(rf"^{blocks.ACTION_NEED}_\d+$"), handle_need)
    on(blocks.ACTION_DIRECTORY, handle_directory)


def _action(body: dict) -> dict:
    actions = body.get("actions") or [{}]
    return actions[0] if isinstance(actions[0], dict) else {}


def _where(body: dict) -> dict:
    container = body.get("container") or {}
    return {
        "response_url": body.get("response_url"),
        "channel": (body.get("channel") or {}).get("id") or container.get("channel_id"),
        "user": (body.get("user") or {}).get("id"),
        "thread_ts": container.get("thread_ts"),
    }


def handle_share(body: dict, responder: Responder) -> None:
    where = _where(body)
    snapshot = Snapshot.decode(str(_action(body).get("value") or ""))
    if snapshot is None or not where["channel"]:
        responder.reply_private(notice_message(STALE_BUTTON_TEXT), **where)
        return
    message = blocks.shared_message(snapshot, responder.links(), where["user"])
    delivered = responder.delivery.post_message(where["channel"], message)
    if not delivered.ok and delivered.not_postable and where["response_url"]:
        # The bot is not in this channel, but the command's response_url may still post there.
        delivered = responder.delivery.respond(where["response_url"], message, ephemeral=False)
    if delivered.ok:
        responder.reply_private(notice_message(SHARED_TEXT), **where)
    else:
        log.warning("share to channel failed: %s", delivered.error)
        responder.reply_private(notice_message(failure_text(delivered)), **where)


def handle_more(body: dict, responder: Responder) -> None:
    where = _where(body)
    snapshot = Snapshot.decode(str(_action(body).get("value") or ""))
    if snapshot is None:
        responder.reply_private(notice_message(STALE_BUTTON_TEXT), **where)
        return
    responder.reply_private(blocks.more_message(snapshot, responder.links()), **where)


def handle_feedback(body: dict, responder: Responder) -> None:
    action = _action(body)
    where = _where(body)
    parsed = payloads.parse_feedback(str(action.get("value") or ""))
    if parsed is None:
        responder.reply_private(notice_message(STALE_BUTTON_TEXT), **where)
        return
    surface, measure_id = parsed
    helpful = action.get("action_id") == blocks.ACTION_HELPFUL
    responder.service.feedback(measure_id, helpful, surface=surface, user_id=where["user"])
    responder.reply_private(blocks.thanks_message(helpful), **where)


def handle_suggestion(body: dict, responder: Responder) -> None:
    """A 「もしかして」 word: searched as a question of its own."""

    def reply(term: str, surface: Surface, user: str | None):
        return responder.compose(term, surface=surface, user_id=user, echo=True).message

    _answer_button(body, responder, reply)


def handle_need(body: dict, responder: Responder) -> None:
    """A need chosen under a vague answer: answered as if that need had been asked."""

    def reply(label: str, surface: Surface, user: str | None):
        return responder.compose_need(label, surface=surface, user_id=user)

    _answer_button(body, responder, reply)


def _answer_button(body: dict, responder: Responder, reply) -> None:
    """A button that carries a word (surface|word) and answers it for the asker only."""
    where = _where(body)
    parsed = payloads.parse_suggestion(str(_action(body).get("value") or ""))
    if parsed is None:
        responder.reply_private(notice_message(STALE_BUTTON_TEXT), **where)
        return
    surface, word = parsed
    responder.reply_private(reply(word, surface, where["user"]), **where)


def handle_directory(body: dict, responder: Responder) -> None:
    responder.reply_private(blocks.directory_message(responder.links()), **_where(body))
