"""@mention in a channel (answer in the thread) and direct messages (answer right there)."""

from __future__ import annotations

from slack_bolt import App, BoltContext

from bot.service import Service
from bot.slack.blocks import notice_message
from bot.slack.delivery import Delivery
from bot.slack.listeners.lazy import listen
from bot.slack.responder import Responder, failure_text, is_help
from bot.slack.text import plain_text
from bot.surfaces import Surface

# Message subtypes that are a person writing: a file with a comment, a reply also sent to
# the channel. Edits (message_changed), deletions and bots' messages are not questions.
PERSON_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})


def register(app: App, service: Service) -> None:
    responder = Responder(service, Delivery(app.client))

    def on_mention(event: dict, context: BoltContext) -> None:
        handle_mention(event, responder, bot_user_id=context.bot_user_id)

    def on_message(event: dict, context: BoltContext) -> None:
        handle_direct_message(event, responder, bot_user_id=context.bot_user_id)

    listen(app.event("app_mention"), on_mention)
    listen(app.event("message"), on_message)


def is_from_person(event: dict, bot_user_id: str | None) -> bool:
    return (
        event.get("subtype") in PERSON_SUBTYPES
        and not event.get("bot_id")
        and not event.get("bot_profile")
        and "edited" not in event
        and bool(event.get("user"))
        and event.get("user") != bot_user_id
    )


def handle_mention(event: dict, responder: Responder, *, bot_user_id: str | None) -> None:
    channel = event.get("channel")
    # A mention in a direct message also arrives as message.im, which answers it.
    if not channel or str(channel).startswith("D") or not is_from_person(event, bot_user_id):
        return
    user = event["user"]
    thread_ts = event.get("thread_ts") or event.get("ts")
    text = plain_text(str(event.get("text") or ""), drop_user=bot_user_id)
    if is_help(text):
        responder.delivery.post_message(channel, responder.help(), thread_ts=thread_ts)
        return
    composed = responder.compose(text, surface=Surface.MENTION, user_id=user, inline_reminder=False)
    delivered = responder.delivery.post_message(channel, composed.message, thread_ts=thread_ts)
    if not delivered.ok:
        responder.delivery.post_ephemeral(
            channel, user, notice_message(failure_text(delivered)), thread_ts=thread_ts
        )
    if composed.reminder:
        responder.delivery.post_ephemeral(
            channel, user, notice_message(composed.reminder), thread_ts=thread_ts
        )


def handle_direct_message(event: dict, responder: Responder, *, bot_user_id: str | None) -> None:
    if event.get("channel_type") != "im" or not is_from_person(event, bot_user_id):
        return
    channel = event.get("channel")
    if not channel:
        return
    thread_ts = event.get("thread_ts")
    text = plain_text(str(event.get("text") or ""), drop_user=bot_user_id)
    if is_help(text):
        responder.delivery.post_message(channel, responder.help(), thread_ts=thread_ts)
        return
    composed = responder.compose(text, surface=Surface.DM, user_id=event["user"])
    responder.delivery.post_message(channel, composed.message, thread_ts=thread_ts)
