"""Reading a question: cleaning, and telling what kind of question it is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from index.model import (
    MEASURE_ID_IN_TEXT,
    SECTION_STYLE_IN_TEXT,
    Department,
    Measure,
    PlanData,
)
from index.text import Token, normalize

MAX_QUESTION_CHARS = 2000
# Said to the asker by whichever step cut the question, in the same words, so a page that
# cut it before the search shows the remark once.
SHORTENED_NOTICE = f"質問が長いため、先頭の{MAX_QUESTION_CHARS}文字で探しました。"

# Slack markup that may arrive inside a question: mentions, channel links, <!channel>,
# links with labels. None of it is a topic; a link keeps its label.
_SLACK_LINK = re.compile(r"<(?:https?|mailto):[^|>]*\|([^>]*)>")
_SLACK_MARKUP = re.compile(r"<[!@#][^>]*>|<(?:https?|mailto):[^>]*>")
_URL = re.compile(r"https?://\S+")


# Words that put a question about the old plan: the 2nd plan by name, or asking what
# became of something in the current one.
_OLD_PLAN = re.compile(
    r"第?[2２二]期|前の(?:計画|プラン)|前回の(?:計画|プラン)|旧(?:計画|プラン)|以前の(?:計画|プラン)"
)
_FATE = re.compile(
    r"(?:無く|なく)なっ|どうなっ|名前(?:が)?変わ|見当たらな|廃止|終わっ|終了|移っ|引き継"
)
# "What became of it" alone is everyday speech (お金がなくなった); it is about the plan only
# next to a mention of the current plan.
_CURRENT_PLAN = re.compile(
    r"第?[3３三]期|今の(?:計画|プラン)|新しい(?:計画|プラン)|今回の(?:計画|プラン)"
)

DEPARTMENT_CUTOFF = 90.0
DEPARTMENT_MIN_LENGTH = 5  # shorter names (保護課) must be written exactly


@dataclass(frozen=True, slots=True)
class CleanQuestion:
    text: str  # normalized, markup removed, capped
    truncated: bool


def clean(raw: str) -> CleanQuestion:
    text = _SLACK_LINK.sub(r" \1 ", raw)
    text = _SLACK_MARKUP.sub(" ", text)
    text = _URL.sub(" ", text)
    return CleanQuestion(*shorten(normalize(text)))


def shorten(text: str) -> tuple[str, bool]:
    """At most MAX_QUESTION_CHARS characters of ``text``, and whether any were cut."""
    return text[:MAX_QUESTION_CHARS], len(text) > MAX_QUESTION_CHARS


def find_measure_id(text: str, data: PlanData) -> Measure | None:
    """A measure id written in the question: 3-1-3-8, 1-3-8 (3rd plan), 1-(3) No.8."""
    for match in MEASURE_ID_IN_TEXT.finditer(text):
        plan, chapter, section, no = match.groups()
        found = data.measure(f"{plan or 3}-{chapter}-{section}-{int(no)}")
        if found:
            return found
    for match in SECTION_STYLE_IN_TEXT.finditer(text):
        chapter, section, no = match.groups()
        found = data.measure(f"3-{chapter}-{section}-{int(no)}")
        if found:
            return found
    return None


def find_department(text: str, departments: tuple[Department, ...]) -> Department | None:
    """The department a question names, exactly or nearly (住宅政策の課, 地域包括ケア推進).

    Longest names first, so 西部児童相談所 is not read as a shorter name inside it.
    """
    ordered = _by_length(departments)
    for name, dept in ordered:
        if name in text:
            return dept
    best: tuple[float, Department] | None = None
    for name, dept in ordered:
        if len(name) < DEPARTMENT_MIN_LENGTH:
            continue
        score = fuzz.partial_ratio(name, text, score_cutoff=DEPARTMENT_CUTOFF)
        if score and (best is None or score > best[0]):
            best = (score, dept)
    return best[1] if best else None


@lru_cache(maxsize=4)
def _by_length(departments: tuple[Department, ...]) -> tuple[tuple[str, Department], ...]:
    named = ((normalize(d.name), d) for d in departments)
    return tuple(sorted(named, key=lambda item: -len(item[0])))


# "生活保護は受けていない": a service the client does NOT use. Measures for its users fit
# less, so the service's words are left out of the search. Only verbs of using a service:
# "仕事はしていない" still means the client needs work.
_USE_VERBS = frozenset({"受ける", "受給", "利用", "使う", "貰う", "もらう", "申請", "加入", "入る"})
_TOPIC_PARTICLES = frozenset({"は", "を", "も", "の"})
_NEGATIONS = frozenset({"ない", "無い", "ず", "ぬ"})
_NEGATION_WINDOW = 5


def unused_services(tokens: list[Token]) -> list[str]:
    """Surfaces of nouns the question says do not apply: 生活保護は受けていない, 生保じゃない."""
    units = [t for t in tokens if not t.part]
    out: list[str] = []
    for i, noun in enumerate(units[:-2]):
        if noun.pos != "名詞":
            continue
        verb = i + 2 if units[i + 1].surface in _TOPIC_PARTICLES else i + 1
        if _is_not(units[i + 1 :]) or (
            units[verb].term in _USE_VERBS
            and any(
                t.pos == "助動詞" and t.term in _NEGATIONS
                for t in units[verb + 1 : verb + 1 + _NEGATION_WINDOW]
            )
        ):
            out.append(noun.surface)
    return out


def _is_not(rest: list[Token]) -> bool:
    """じゃない / ではない right after a noun."""
    if not rest or rest[0].term != "だ":
        return False
    following = rest[1:3]
    if following and following[0].surface == "は":
        following = following[1:]
    return bool(following) and following[0].term in _NEGATIONS


def is_about_old_plan(text: str) -> bool:
    return bool(_OLD_PLAN.search(text) or (_CURRENT_PLAN.search(text) and _FATE.search(text)))


# Asking for publicity, or for training and volunteers: the measures that raise awareness
# or train supporters (周知・啓発・醸成・養成) are then what the asker wants.
_WANTS_AWARENESS = (
    "周知",
    "啓発",
    "広報",
    "知らせ",
    "知ってもら",
    "養成",
    "研修",
    "講座",
    "サポーター",
    "ボランティア",
    "担い手",
    "育成",
    "醸成",
)


def wants_awareness(text: str) -> bool:
    return any(word in text for word in _WANTS_AWARENESS)
