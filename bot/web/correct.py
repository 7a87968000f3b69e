"""The 「違う場合は、正しい取組を教えてください」 form of /search, read back: what was right.

The form carries the question, the measures shown and the need label as hidden fields;
the question is only turned into content words (Service.question_words) and never
logged or stored as text.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from bot.corrections import MAX_NEED, MAX_SHOWN, NOT_IN_PLAN, UNKNOWN
from index.model import CURRENT_PLAN, MEASURE_ID_IN_TEXT, Answer, Measure, PlanData
from index.pick import DASHES, MAX_TYPED
from index.question import MAX_QUESTION_CHARS

log = logging.getLogger(__name__)

# The radio buttons: 「この取組」 uses the text input, the others name themselves.
CHOICE_MEASURE = "measure"
CHOICES = {CHOICE_MEASURE: "", "not_in_plan": NOT_IN_PLAN, "unknown": UNKNOWN}

# What the form can send, with room to spare: a body beyond this is not our form and is
# refused (413) before it is parsed. A question of MAX_QUESTION_CHARS takes 18 KB encoded.
MAX_BODY_BYTES = 64 * 1024
MAX_ID_CHARS = 20  # a measure id as the hidden fields carry it (3-1-4-10)


# Japanese sentences for a form that cannot be used; the keys name the case in tests.
PROBLEMS = {
    "unreadable": "送信された内容を読み取れませんでした。検索結果のページからもう一度お試しください。",
    "no_choice": "「この取組」「計画にない」「わからない」のどれかを選んでください。",
    "no_measure": "正しい取組の番号か名前を入力してください。",
    "unknown_measure": "入力された取組が見つかりませんでした。候補の一覧から選んでください。",
}


class FormProblem(Exception):
    """The form cannot be used; ``key`` is one of PROBLEMS."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key

    @property
    def message(self) -> str:
        return PROBLEMS[self.key]


@dataclass(frozen=True, slots=True)
class CorrectionForm:
    """The fields of one posted form, checked for size and shape."""

    question: str
    shown: tuple[str, ...]
    need: str
    choice: str  # a key of CHOICES
    typed: str  # the text input, for CHOICE_MEASURE

    @classmethod
    def read(cls, form: MultiDict[str, str]) -> CorrectionForm:
        if "q" not in form:
            raise FormProblem("unreadable")
        question = form.get("q", "")
        shown = form.getlist("shown")
        need = form.get("need", "")
        typed = form.get("measure", "")
        # Longer than the page ever writes or the input allows: not a form of ours.
        if (
            len(question) > MAX_QUESTION_CHARS
            or len(shown) > MAX_SHOWN
            or any(len(s) > MAX_ID_CHARS for s in shown)
            or len(need) > MAX_NEED
            or len(typed) > MAX_TYPED
        ):
            raise FormProblem("unreadable")
        choice = form.get("choice", "")
        if not choice:
            raise FormProblem("no_choice")
        if choice not in CHOICES:
            raise FormProblem("unreadable")
        return cls(question, tuple(shown), need, choice, typed.strip())

    def chosen(self, data: PlanData, pick: Callable[[str, int], tuple[Measure, ...]]) -> str:
        """A measure id, NOT_IN_PLAN or UNKNOWN, as Correction.of takes it."""
        if self.choice != CHOICE_MEASURE:
            return CHOICES[self.choice]
        if not self.typed:
            raise FormProblem("no_measure")
        found = find_measure(self.typed, data, pick)
        if found is None:
            raise FormProblem("unknown_measure")
        return found.id


def find_measure(
    typed: str, data: PlanData, pick: Callable[[str, int], tuple[Measure, ...]]
) -> Measure | None:
    """The current-plan measure a person typed or picked from the list: a leading id
    ("1-4-1 家計改善…", "3-1-4-1"), an exact title, else the one measure ``pick`` finds."""
    text = unicodedata.normalize("NFKC", typed).strip()
    numbered = DASHES.sub("-", text) if text[:1].isdigit() else text
    # An id at the start of what was typed or picked ("1-4-1 家計改善…", "3-1-4-1").
    match = MEASURE_ID_IN_TEXT.match(numbered)
    if match is not None:
        # An id that names no current measure is not guessed at: the person meant that one.
        plan, chapter, section, no = match.groups()
        found = data.measure(f"{plan or CURRENT_PLAN}-{chapter}-{section}-{int(no)}")
        return found if found is not None and found.plan == CURRENT_PLAN else None
    current = data.plan_measures(CURRENT_PLAN)
    for measure in current:
        if unicodedata.normalize("NFKC", measure.title) == text:
            return measure
    if not text:
        return None
    try:
        picked = pick(text, 1)
    except Exception as error:  # the message must not carry the text
        log.warning("measure pick failed: %s", type(error).__name__)
        return None
    return picked[0] if len(picked) == 1 else None


def shown_ids(answer: Answer) -> tuple[str, ...]:
    """The measures the form says were shown: the first of the flat ranking."""
    return tuple(hit.measure.id for hit in answer.hits[:MAX_SHOWN])


def answer_need(answer: Answer, narrowed: str) -> str:
    """The need label the answer was grouped by: the one narrowed to, or the only need read
    in the question. With several needs none is named: which one was wrong is not known."""
    if narrowed:
        return narrowed
    return answer.needs[0].label if len(answer.needs) == 1 else ""
