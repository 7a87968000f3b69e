"""Buttons on an answer: share to the channel, more results, feedback, suggestions, directory;
and the 「正しい取組は？」 modal that 「違う」 opens: its type-ahead and its choices."""

from __future__ import annotations

import logging
import re

from slack_bolt import Ack, App

from bot.corrections import NOT_IN_PLAN, UNKNOWN, Correction
from bot.service import Service
from bot.slack import blocks, payloads
from bot.slack.blocks import notice_message
from bot.slack.delivery import Delivery
from bot.slack.listeners.lazy import listen
from bot.slack.payloads import CorrectionContext, Snapshot
from bot.slack.responder import STALE_BUTTON_TEXT, Responder, failure_text
from bot.surfaces import Surface

log = logging.getLogger(__name__)

SHARED_TEXT = "チャンネルに共有しました。"
STALE_VIEW_TEXT = (
    "この画面の内容を読み取れませんでした。お手数ですが、もう一度質問してから"
    "「違う」を押してください。"
)
# Measures offered per keystroke in the 「正しい取組は？」 select (Slack shows up to 100).
PICK_LIMIT = 20
_CHOICE_OF = {
    blocks.ACTION_CORRECT_NOT_IN_PLAN: NOT_IN_PLAN,
    blocks.ACTION_CORRECT_UNKNOWN: UNKNOWN,
}


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
    on(blocks.ACTION_CORRECT_PICK, handle_correction)
    on(blocks.ACTION_CORRECT_NOT_IN_PLAN, handle_correction)
    on(blocks.ACTION_CORRECT_UNKNOWN, handle_correction)

    # Slack shows nothing until the options come back in the ack itself, so this one has
    # no lazy part: a search of the plan, no Web API call.
    def ack_options(ack: Ack, payload: dict) -> None:
        ack(options=correction_options(service, payload.get("value")))

    app.options(blocks.ACTION_CORRECT_PICK)(ack_options)


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
    value = str(action.get("value") or "")
    if action.get("action_id") == blocks.ACTION_NOT_HELPFUL:
        _not_helpful(body, value, where, responder)
        return
    parsed = payloads.parse_feedback(value)
    if parsed is None:
        responder.reply_private(notice_message(STALE_BUTTON_TEXT), **where)
        return
    surface, measure_id = parsed
    responder.service.feedback(measure_id, True, surface=surface, user_id=where["user"])
    responder.reply_private(blocks.thanks_message(True), **where)


def _not_helpful(body: dict, value: str, where: dict, responder: Responder) -> None:
    """The vote against the first measure shown, then the modal asking what was right;
    today's thanks whenever the modal cannot be opened."""
    context = CorrectionContext.from_value(value)
    if context is None:
        responder.reply_private(notice_message(STALE_BUTTON_TEXT), **where)
        return
    service = responder.service
    if context.vote and context.shown:
        service.feedback(context.shown[0], False, surface=context.surface, user_id=where["user"])
    trigger_id = body.get("trigger_id")
    if service.learning and trigger_id:
        view = blocks.correction_view(context)
        if responder.delivery.open_view(str(trigger_id), view).ok:
            return
    responder.reply_private(blocks.thanks_message(False), **where)


def correction_options(service: Service, typed: object) -> list[dict]:
    """The select's options for what is typed; an empty list, never an error."""
    try:
        measures = service.pick_measures(str(typed or ""), PICK_LIMIT)
    except Exception as error:  # an empty menu is better than Slack's error
        log.warning("correction options failed: %s", type(error).__name__)
        measures = ()
    return blocks.measure_options(measures)


def handle_correction(body: dict, responder: Responder) -> None:
    """A choice in the 「正しい取組は？」 modal: recorded, and the modal says thanks."""
    view = body.get("view")
    if not isinstance(view, dict) or not view.get("id"):
        return  # not from our modal: nothing to answer in
    action = _action(body)
    selected = action.get("selected_option")
    chosen = _CHOICE_OF.get(str(action.get("action_id"))) or (
        selected.get("value") if isinstance(selected, dict) else None
    )
    context = CorrectionContext.decode(str(view.get("private_metadata") or ""))
    correction = (
        Correction.of(chosen, context.shown, context.need, context.words) if context else None
    )
    if correction is None:
        log.info("correction refused: unreadable metadata or choice")
        text = STALE_VIEW_TEXT
    else:
        user = (body.get("user") or {}).get("id")
        responder.service.correct(correction, surface=context.surface, user_id=user)
        text = blocks.CORRECTION_THANKS
    responder.delivery.update_view(view["id"], blocks.notice_view(text), hash=view.get("hash"))


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
