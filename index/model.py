"""Immutable records shared by every layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

# The plan caseworkers search; the one before it is kept as history.
CURRENT_PLAN = 3
PREVIOUS_PLAN = 2


class Status(StrEnum):
    NEW = "新規"  # 3rd plan, no predecessor
    CONTINUED = "継続"  # continues a row (3rd plan) / continues in the same section (2nd plan)
    MOVED = "移転"  # 2nd plan row whose successor sits in another section
    ENDED = "終了"  # 2nd plan row with no successor


@dataclass(frozen=True, slots=True)
class Plan:
    """One plan of data/plans.csv: its official name, period and page (both may be empty
    until the city fills them in)."""

    number: int
    name: str
    period: str = ""
    url: str = ""

    @property
    def short(self) -> str:
        """第３期"""
        return f"第{_fullwidth(str(self.number))}期"


@dataclass(frozen=True, slots=True)
class Section:
    plan: int
    code: str  # "1-3" = chapter 1, section (3)
    title: str

    @property
    def chapter(self) -> int:
        return int(self.code.split("-")[0])

    @property
    def label(self) -> str:
        """As printed in the plan: １－（３）."""
        chapter, number = self.code.split("-")
        return f"{_fullwidth(chapter)}－（{_fullwidth(number)}）"


@dataclass(frozen=True, slots=True)
class Department:
    name: str
    kana: str
    bureau: str = ""
    phone: str = ""
    location: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Measure:
    id: str  # "<plan>-<chapter>-<section>-<no>", e.g. "3-1-3-8"
    plan: int
    section: str  # "1-3"
    section_title: str
    no: int
    no_inferred: bool
    title: str
    summary: str
    departments: tuple[str, ...]
    status: Status
    predecessor: str | None  # 3rd plan: the 2nd-plan row it continues
    successor: str | None  # 2nd plan: the 3rd-plan row that continues it
    note: str = ""

    @property
    def short_id(self) -> str:
        """The id without the plan, as caseworkers and the eval set write it: "1-3-8"."""
        return self.id.split("-", 1)[1]


@dataclass(frozen=True, slots=True)
class VocabEntry:
    """One line of data/vocabulary.csv.

    kind "synonym": every term in ``terms`` means the same; kind "expand": each of
    ``terms`` also searches ``targets`` (one way: 家賃 finds 住居, 住居 does not find 家賃).
    """

    line: int
    kind: str
    terms: tuple[str, ...]
    targets: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class DataVersion:
    digest: str  # short content hash of every data file
    date: str  # newest modification date of the data files, YYYY-MM-DD

    @property
    def label(self) -> str:
        return f"{self.date} ({self.digest})"


@dataclass(frozen=True, slots=True)
class PlanData:
    measures: tuple[Measure, ...]
    departments: tuple[Department, ...]
    sections: tuple[Section, ...]
    vocabulary: tuple[VocabEntry, ...]
    version: DataVersion
    plans: tuple[Plan, ...] = ()
    _by_id: dict[str, Measure] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {m.id: m for m in self.measures})

    def measure(self, measure_id: str) -> Measure | None:
        return self._by_id.get(measure_id)

    def department(self, name: str) -> Department | None:
        for dept in self.departments:
            if dept.name == name:
                return dept
        return None

    def section(self, plan: int, code: str) -> Section | None:
        for sec in self.sections:
            if sec.plan == plan and sec.code == code:
                return sec
        return None

    def plan(self, number: int) -> Plan:
        for plan in self.plans:
            if plan.number == number:
                return plan
        return Plan(number, Plan(number, "").short)

    def plan_measures(self, plan: int) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if m.plan == plan)


@dataclass(frozen=True, slots=True)
class Match:
    """One query term that matched a measure, and how it was reached."""

    term: str  # the form found in the measure
    source: str  # the user's own word that led to it
    via: str = ""  # "vocabulary" | "reading" | "fuzzy" | "" (the user's word itself)

    @property
    def label(self) -> str:
        """「家賃→住居」 when reached through the vocabulary, else the word itself."""
        if self.source and self.source != self.term:
            return f"{self.source}→{self.term}"
        return self.term


@dataclass(frozen=True, slots=True)
class Hit:
    measure: Measure
    score: float
    matched: tuple[Match, ...] = ()

    @property
    def why(self) -> str:
        """「家賃→住居・住宅、滞納」: the reasons, strongest first, one per word of the asker.

        Terms reached from the same word are shown together, at most WHY_TARGETS of them.
        """
        groups: dict[tuple[str, bool], list[str]] = {}
        for m in self.matched:
            reached = bool(m.source and m.source != m.term)
            key = (m.source if reached else m.term, reached)
            terms = groups.setdefault(key, [])
            if reached and m.term not in terms and len(terms) < WHY_TARGETS:
                terms.append(m.term)
        return "、".join(
            f"{word}→{'・'.join(terms)}" if reached else word
            for (word, reached), terms in groups.items()
        )


WHY_TARGETS = 2


class QuestionKind(StrEnum):
    EVERYDAY = "everyday"
    DEPARTMENT = "department"
    MEASURE_ID = "measure_id"
    HISTORY = "history"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class Answer:
    question: str  # normalized question as searched (never logged)
    kind: QuestionKind
    hits: tuple[Hit, ...]
    departments: tuple[str, ...]  # whom to contact, aggregated over the top hits
    abstained: bool  # True: the plan has nothing that fits
    suggestions: tuple[str, ...] = ()  # 「もしかして」: close vocabulary terms to try
    department: str | None = None  # the department asked about (kind DEPARTMENT)
    notices: tuple[str, ...] = field(default=())  # short Japanese remarks for the asker

    @property
    def top(self) -> Hit | None:
        return self.hits[0] if self.hits else None


_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _fullwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)
