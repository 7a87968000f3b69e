"""A caseworker's 「違う」 made useful: which measure was right, and the words that led there.

What is kept of the question is its content words after masking (``question_words``):
no sentence, no order, no name, place, number, date, phone or address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.masking import PLACEHOLDERS, mask
from index.model import MEASURE_ID
from index.proposals import NOT_IN_PLAN, UNKNOWN
from index.words import MAX_WORDS, LemmaTagger, content_words

CHOICES = (NOT_IN_PLAN, UNKNOWN)
MAX_SHOWN = 5
MAX_NEED = 40
MAX_WORD = 20

# Told wherever a correction is asked for (Slack, pages, README).
WORDS_NOTICE = "この質問の言葉（固有名詞・数字を除く）を改善に使います"

_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))


@dataclass(frozen=True, slots=True)
class Correction:
    """What one person said was right instead of what was shown."""

    chosen: str  # a measure id, NOT_IN_PLAN or UNKNOWN
    shown: tuple[str, ...] = ()  # the measures the bot had shown, first first
    need: str = ""  # the need label the answer was grouped by, if any
    words: tuple[str, ...] = ()  # content words of the question (question_words)

    @classmethod
    def of(cls, chosen: str, shown=(), need: str = "", words=()) -> Correction | None:
        """A correction from values a button or a form carried; None when they are not ours."""
        chosen = str(chosen or "").strip()
        if chosen not in CHOICES and not MEASURE_ID.fullmatch(chosen):
            return None
        return cls(
            chosen,
            tuple(str(s) for s in shown if MEASURE_ID.fullmatch(str(s)))[:MAX_SHOWN],
            str(need or "")[:MAX_NEED],
            # A chosen 「わからない」 teaches nothing: no words are kept with it.
            ()
            if chosen == UNKNOWN
            else tuple(sorted({str(w) for w in words if _word(w)}))[:MAX_WORDS],
        )

    @property
    def teaches(self) -> bool:
        return self.chosen != UNKNOWN and bool(self.words)


def _word(value: object) -> bool:
    # Words come back from a button: only what content_words could have made is kept.
    word = str(value or "")
    return 0 < len(word) <= MAX_WORD and not any(c.isdigit() for c in word)


def question_words(question: str, tagger: LemmaTagger) -> tuple[str, ...]:
    """The content words a correction keeps of ``question``: masked first, so every word
    the masking hides (names, numbers, phones, addresses, dates) is gone with it."""
    masked = mask(question, tagger)
    return content_words(tagger, _PLACEHOLDER.sub("。", masked))
