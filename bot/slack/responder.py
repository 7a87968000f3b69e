"""What every Slack surface does with a question: answer it, render it, deliver it.

Listeners stay thin and call in here; tests call in here directly with hand-made payloads.
Nothing about ranking lives here: the answer comes from ``service.answer()``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.service import Service
from bot.slack import blocks, privacy
from bot.slack.blocks import Links, Message
from bot.slack.delivery import Delivered, Delivery
from bot.surfaces import Surface

log = logging.getLogger(__name__)

# Slack allows 40,000 characters in a message; nothing longer than this is read at all.
MAX_RAW_QUESTION = 8000
HELP_WORDS = frozenset({"help", "ヘルプ", "使い方", "つかいかた", "?", "？", "-h", "--help"})

NOT_POSTABLE_TEXT = (
    "このチャンネルには相談ナビが参加していないため投稿できませんでした。"
    "チャンネルで `/invite @相談ナビ` を実行してから、もう一度お試しください。"
)
RATE_LIMITED_TEXT = (
    "Slack が混み合っているため送れませんでした。少し待ってからもう一度お試しください。"
)
FAILED_TEXT = "Slack に送れませんでした。時間をおいてもう一度お試しください。"
STALE_BUTTON_TEXT = (
    "このボタンの内容を読み取れませんでした。お手数ですが、もう一度質問してください。"
)


@dataclass(frozen=True, slots=True)
class Composed:
    message: Message
    reminder: str | None  # the privacy reminder, when it is to be sent on its own


def is_help(text: str) -> bool:
    return not text.strip() or text.strip().lower() in HELP_WORDS


def failure_text(delivered: Delivered) -> str:
    """A sentence for the asker about why their message did not go out."""
    if delivered.not_postable:
        return NOT_POSTABLE_TEXT
    if delivered.error == "ratelimited":
        return RATE_LIMITED_TEXT
    return FAILED_TEXT


class Responder:
    def __init__(self, service: Service, delivery: Delivery):
        self.service = service
        self.delivery = delivery

    def links(self) -> Links:
        settings = self.service.settings
        # Read per message: a data reload swaps service.data underneath us.
        return Links(self.service.data, settings.public_base_url, settings.official_plan_url)

    def compose(
        self,
        question: str,
        *,
        surface: Surface,
        user_id: str | None,
        echo: bool = False,
        share: bool = False,
        inline_reminder: bool = True,
    ) -> Composed:
        """The reply to ``question``; never raises (an error becomes a polite message)."""
        question = question[:MAX_RAW_QUESTION]
        try:
            kinds = privacy.client_details(question, self.service.index.analyzer)
        except Exception:  # the reminder is worth less than the answer
            log.warning("client detail check failed on %s", surface, exc_info=True)
            kinds = ()
        reminder = privacy.reminder(kinds) if kinds else None
        try:
            answer = self.service.answer(question, surface=surface, user_id=user_id)
            # Masked content words only: what 「違う」 may carry for a correction.
            words = self.service.question_words(question) if self.service.learning else None
            message = blocks.answer_message(
                answer,
                self.links(),
                surface=surface,
                echo=question if echo else None,
                # A question holding client details is never reposted by the share button.
                share_question=("" if kinds else question) if share else None,
                reminder=reminder if inline_reminder else None,
                words=words,
            )
        except Exception:
            log.exception("answering a question from %s failed", surface)
            return Composed(blocks.error_message(), None)
        log.info(
            "answered on %s: kind=%s hits=%d needs=%d abstained=%s client_details=%s",
            surface,
            answer.kind.value,
            len(answer.hits),
            len(answer.needs),
            answer.abstained,
            bool(kinds),
        )
        return Composed(message, None if inline_reminder else reminder)

    def compose_need(self, label: str, *, surface: Surface, user_id: str | None) -> Message:
        """The measures of one need (a button under a vague answer); never raises."""
        try:
            answer = self.service.answer_need(label, surface=surface, user_id=user_id)
            if answer.abstained:
                return blocks.notice_message(STALE_BUTTON_TEXT)
            return blocks.answer_message(answer, self.links(), surface=surface)
        except Exception:
            log.exception("answering a need from %s failed", surface)
            return blocks.error_message()

    def reply_private(
        self,
        message: Message,
        *,
        response_url: str | None,
        channel: str | None = None,
        user: str | None = None,
        thread_ts: str | None = None,
    ) -> Delivered:
        """Only the asker sees it: through response_url, else an ephemeral message."""
        delivered = Delivered(False, "no_response_url")
        if response_url:
            delivered = self.delivery.respond(response_url, message)
        if not delivered.ok and channel and user:
            delivered = self.delivery.post_ephemeral(channel, user, message, thread_ts=thread_ts)
        if not delivered.ok:
            log.warning("private reply could not be delivered: %s", delivered.error)
        return delivered

    def help(self, command: str = "/soudan") -> Message:
        return blocks.help_message(self.links(), command=command)
