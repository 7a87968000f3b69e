"""What the buttons carry: small, bounded, and never a question that holds client details.

Slack gives a button 2,000 characters of value. A button carries the hits it needs to show
(ids and the reason they matched), so pressing it never searches again; the share button
carries the question only when the caller has cleared it for reposting. The 「違う」 button
carries what a correction needs (``CorrectionContext``): never the question, only its
content words (bot.corrections.question_words).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.corrections import MAX_NEED, MAX_SHOWN
from bot.surfaces import Surface
from index.model import MEASURE_ID, Answer, Hit, Match, PlanData, QuestionKind

MAX_VALUE = 2000
MAX_WHY = 60
MAX_QUESTION = 500
_SURFACES = Surface.slack()


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Enough of an answer to show it again: which surface, which hits, whom to contact."""

    surface: Surface
    kind: QuestionKind
    hits: tuple[tuple[str, str], ...]  # (measure id, why)
    departments: tuple[str, ...] = ()
    question: str = ""  # only when it may be reposted
    shown: int = 0  # hits already shown before these

    def encode(self) -> str:
        """JSON within Slack's limit: the question is shortened and trailing hits dropped first."""
        hits = [[mid, why[:MAX_WHY]] for mid, why in self.hits]
        body = {
            "s": self.surface,
            "k": self.kind.value,
            "n": self.shown,
            "d": list(self.departments[:5]),
            "q": self.question[:MAX_QUESTION],
            "h": hits,
        }
        _shrink(body, "h", lambda hits: hits[:-1])
        return _shrink(body, "q", lambda question: question[: len(question) // 2])

    @classmethod
    def decode(cls, value: str) -> Snapshot | None:
        """The snapshot in a button value, or None when it is not one of ours."""
        if not isinstance(value, str) or len(value) > MAX_VALUE:
            return None
        try:
            body = json.loads(value)
            surface = Surface(body["s"]) if body["s"] in _SURFACES else Surface.SLASH
            kind = QuestionKind(body["k"])
            shown = int(body.get("n", 0))
            hits = tuple(
                (str(mid), str(why)) for mid, why in body["h"] if MEASURE_ID.fullmatch(str(mid))
            )
            departments = tuple(str(d) for d in body.get("d", ()))
            question = str(body.get("q", ""))
        except (ValueError, KeyError, TypeError):
            return None
        return cls(surface, kind, hits, departments, question, max(shown, 0))

    @classmethod
    def of(
        cls,
        answer: Answer,
        surface: Surface,
        hits: tuple[Hit, ...],
        *,
        question: str = "",
        shown: int = 0,
    ) -> Snapshot:
        return cls(
            surface,
            answer.kind,
            tuple((h.measure.id, h.why) for h in hits),
            answer.departments,
            question,
            shown,
        )

    def answer(self, data: PlanData) -> Answer:
        """The answer again, over the current data (hits whose measure is gone are left out)."""
        hits = []
        for mid, why in self.hits:
            measure = data.measure(mid)
            if measure is not None:
                matched = tuple(Match(part, part) for part in why.split("、") if part)
                hits.append(Hit(measure, 0.0, matched))
        return Answer(self.question, self.kind, tuple(hits), self.departments, not hits)


@dataclass(frozen=True, slots=True)
class CorrectionContext:
    """What a 「違う」 button hands the 「正しい取組は？」 modal, and the modal its choice."""

    surface: Surface
    shown: tuple[str, ...] = ()  # measure ids shown, first first
    need: str = ""  # the label of the answer's first need, if it had needs
    words: tuple[str, ...] = ()  # the question's content words (bot.corrections)
    # The shown measures were the answer: 「違う」 is also a vote against the first. False
    # under a not-found reply, where the ids were only nearby.
    vote: bool = True

    def encode(self) -> str:
        """JSON within a button's limit: words are dropped from the end until it fits."""
        body = {
            "s": self.surface,
            "h": list(self.shown[:MAX_SHOWN]),
            "n": self.need[:MAX_NEED],
            "w": list(self.words),
            "v": int(self.vote),
        }
        return _shrink(body, "w", lambda words: words[:-1])

    @classmethod
    def decode(cls, value: str) -> CorrectionContext | None:
        """The context in a button value or a modal's metadata; None when not one of ours."""
        if not isinstance(value, str) or len(value) > MAX_VALUE:
            return None
        try:
            body = json.loads(value)
            if body["s"] not in _SURFACES:
                return None
            shown, words = body["h"], body.get("w") or []
            if not isinstance(shown, list) or not isinstance(words, list):
                return None
            shown = tuple(str(mid) for mid in shown if MEASURE_ID.fullmatch(str(mid)))
            words = tuple(w for w in words if isinstance(w, str))
            need = str(body.get("n") or "")[:MAX_NEED]
            vote = bool(body.get("v", 1))
        except (ValueError, KeyError, TypeError):
            return None
        return cls(Surface(body["s"]), shown[:MAX_SHOWN], need, words, vote)

    @classmethod
    def from_value(cls, value: str) -> CorrectionContext | None:
        """A 「違う」 value of either format: this JSON, or ``surface|measure_id`` as posted
        before corrections (a vote and a choice, without words)."""
        if value.startswith("{"):
            return cls.decode(value)
        parsed = parse_feedback(value)
        if parsed is None:
            return None
        surface, measure_id = parsed
        return cls(surface, (measure_id,))


def feedback_value(surface: Surface, measure_id: str) -> str:
    return f"{surface}|{measure_id}"


def parse_feedback(value: str) -> tuple[Surface, str] | None:
    surface, _, measure_id = (value or "").partition("|")
    if surface not in _SURFACES or not MEASURE_ID.fullmatch(measure_id):
        return None
    return Surface(surface), measure_id


def suggestion_value(surface: Surface, term: str) -> str:
    return f"{surface}|{term[:100]}"


def parse_suggestion(value: str) -> tuple[Surface, str] | None:
    surface, _, term = (value or "").partition("|")
    term = term.strip()
    if surface not in _SURFACES or not term or len(term) > 100:
        return None
    return Surface(surface), term


def _shrink(body: dict, key: str, cut) -> str:
    """``body`` as JSON, ``body[key]`` cut down until it fits a button's value (or is empty)."""
    value = _dump(body)
    while len(value) > MAX_VALUE and body[key]:
        body[key] = cut(body[key])
        value = _dump(body)
    return value


def _dump(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))
