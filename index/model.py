"""Immutable records shared by every layer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

# The plan caseworkers search; the one before it is kept as history.
CURRENT_PLAN = 3
PREVIOUS_PLAN = 2


# A measure's number, the one definition of it. Chapters and sections are one digit in both
# plans; a number has no leading zero. Groups: plan, chapter, section, number.
#
# MEASURE_ID: a whole id as the data, permalinks and buttons carry it (3-1-3-8); use
# fullmatch.
MEASURE_ID = re.compile(r"([23])-([1-9])-([1-9])-([1-9][0-9]*)")
# MEASURE_ID_IN_TEXT: an id as a person writes it inside a sentence: the plan may be left
# out (1-3-8 is the current plan's), the number has one or two digits, and it is not part of
# a longer run of digits and dashes (a phone number or an address).
MEASURE_ID_IN_TEXT = re.compile(r"(?<![\d-])(?:([23])-)?([1-9])-([1-9])-(\d{1,2})(?![\d-])")
# SECTION_STYLE_IN_TEXT: the plan's printed numbering, section in brackets: 1-(3) No.8,
# 1-(3)の8, read as the current plan's. Groups: chapter, section, number.
_SECTION_IN_BRACKETS = r"(?<![\d-])([1-9])-\(([1-9])\)"
SECTION_STYLE_IN_TEXT = re.compile(
    _SECTION_IN_BRACKETS + r"\s*(?:(?i:no)\.?|の)?\s*(\d{1,2})(?!\d)"
)
# SECTION_STYLE_DASHED: the same with a dash, 1-(3)-8. Search does not take it for an id: a
# question quoting the 2nd plan writes it so (2次で1-(4)-7だった…), and is answered as
# history. It is still the plan's numbering, never a client's address (bot.slack.privacy).
SECTION_STYLE_DASHED = re.compile(_SECTION_IN_BRACKETS + r"-(\d{1,2})(?![\d-])")


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
        return f"第{fullwidth_digits(str(self.number))}期"


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
        return f"{fullwidth_digits(chapter)}－（{fullwidth_digits(number)}）"


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

    @property
    def citation(self) -> str:
        """How every surface names this row to a person: "第3期 1-(3) No.8", the plan's own
        numbering (it prints １－（３）No.８ under 第３期) in compact characters. Ids stay for
        URLs and JSON."""
        chapter, number = self.section.split("-")
        return f"第{self.plan}期 {chapter}-({number}) No.{self.no}"


class VocabKind(StrEnum):
    """The kind column of data/vocabulary.csv, as staff write it."""

    SYNONYM = "同義"  # every term means the same
    EXPAND = "展開"  # each term also searches the targets (one way: 家賃 finds 住居, not back)


@dataclass(frozen=True, slots=True)
class VocabEntry:
    """One line of data/vocabulary.csv (see VocabKind)."""

    line: int
    kind: str
    terms: tuple[str, ...]
    targets: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Situation:
    """One line of data/situations.csv: a situation, person or name that leads to a measure.

    Written from the measure's own text and knowledge of the program (never from an
    evaluation question); searched as part of the measure's text.
    """

    line: int
    measure_id: str
    phrase: str


@dataclass(frozen=True, slots=True)
class NeedCategory:
    """One line of data/needs.csv: a need as a caseworker writes it on a case sheet (住まい,
    借金), the measures that answer it, and the words that name it when a caseworker
    narrows a vague question to it."""

    line: int
    label: str
    measures: tuple[str, ...]  # measure ids, most central first
    words: tuple[str, ...]
    catch_all: bool = False  # general hardship: what a vague question gets
    note: str = ""
    # Words of a risk to life or safety (死にたい, 叩いてしまう): a question that says one
    # puts this need first, whatever else it is about.
    urgent: tuple[str, ...] = ()

    @property
    def members(self) -> frozenset[str]:
        return frozenset(self.measures)

    @property
    def vague(self) -> tuple[str, ...]:
        """On the catch-all row, its words are the general ways of naming hardship."""
        return self.words if self.catch_all else ()


@dataclass(frozen=True, slots=True)
class OutsideTopic:
    """One line of data/outside.csv: a kind of city-hall business the plan does not cover
    (届出・証明, 税の申告, ごみ), and words that name it."""

    line: int
    category: str
    words: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Condition:
    """One line of data/conditions.csv: a measure only for a group the question must name
    (市営住宅 for the rent reduction of its tenants, 生活保護 for measures for recipients).
    Unnamed, the measure still answers, below those open to everyone."""

    line: int
    measure_id: str
    words: tuple[str, ...]  # any one of them names the group
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
    situations: tuple[Situation, ...] = ()
    needs: tuple[NeedCategory, ...] = ()
    outside: tuple[OutsideTopic, ...] = ()
    conditions: tuple[Condition, ...] = ()
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

    def situations_of(self, measure_id: str) -> tuple[str, ...]:
        return tuple(s.phrase for s in self.situations if s.measure_id == measure_id)

    def need(self, label: str) -> NeedCategory | None:
        for need in self.needs:
            if need.label == label:
                return need
        return None

    def needs_of(self, measure_id: str) -> tuple[str, ...]:
        """The need labels a measure answers, in the order of data/needs.csv."""
        return tuple(n.label for n in self.needs if measure_id in n.measures)


class Path(StrEnum):
    """How a query term was reached from the question."""

    OWN = ""  # the asker's word itself
    SPELLED = "spelled"  # the same, typed in kana and spelled exactly (counts as own)
    READING = "reading"  # a near kana spelling of a plan phrase
    VOCABULARY = "vocabulary"  # data/vocabulary.csv
    ABBREVIATION = "abbreviation"  # an insider's short form of a plan name
    ID = "id"  # the measure's number


@dataclass(frozen=True, slots=True)
class Match:
    """One query term that matched a measure, and how it was reached."""

    term: str  # the form found in the measure
    source: str  # the user's own word that led to it
    via: str = Path.OWN
    situation: str = ""  # the measure's situation phrase the term comes from, if only there

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
            shown = _in_situation(m.term, m.situation)
            if (
                reached
                and shown not in terms
                and len(terms) < WHY_TARGETS
                or not reached
                and m.situation
                and not terms
            ):
                terms.append(shown)
        return "、".join(
            f"{word}→{'・'.join(terms)}" if reached else (terms[0] if terms else word)
            for (word, reached), terms in groups.items()
        )


WHY_TARGETS = 2


def _in_situation(term: str, situation: str) -> str:
    """「初診日（障害年金の初診日が分からない）」: a word found in a measure's situations."""
    return f"{term}（{situation}）" if situation and situation != term else term


class QuestionKind(StrEnum):
    EVERYDAY = "everyday"
    DEPARTMENT = "department"
    MEASURE_ID = "measure_id"
    HISTORY = "history"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class Need:
    """One need read in a question (住まい, 借金), with the measures and departments for it."""

    label: str
    hits: tuple[Hit, ...]
    departments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    question: str  # normalized question as searched (never logged)
    kind: QuestionKind
    hits: tuple[Hit, ...]  # flat ranking; with several needs, interleaved so each shows early
    departments: tuple[str, ...]  # whom to contact, aggregated over the top hits
    abstained: bool  # True: the plan has nothing that fits
    suggestions: tuple[str, ...] = ()  # 「もしかして」: close vocabulary terms to try
    department: str | None = None  # the department asked about (kind DEPARTMENT)
    notices: tuple[str, ...] = field(default=())  # short Japanese remarks for the asker
    needs: tuple[Need, ...] = ()  # one per need read in the question; () when abstaining
    narrow: tuple[str, ...] = ()  # need labels to offer when the question names no need

    @classmethod
    def declined(
        cls,
        question: str,
        kind: QuestionKind = QuestionKind.EVERYDAY,
        *,
        nearby: tuple[Hit, ...] = (),
        suggestions: tuple[str, ...] = (),
        notices: tuple[str, ...] = (),
    ) -> Answer:
        """Nothing in the plan fits: ``nearby`` measures for reference, words to try."""
        return cls(question, kind, nearby, (), True, suggestions, None, notices)

    @classmethod
    def found(
        cls,
        question: str,
        kind: QuestionKind,
        hits: tuple[Hit, ...],
        departments: tuple[str, ...],
        *,
        department: str | None = None,
        notices: tuple[str, ...] = (),
        needs: tuple[Need, ...] = (),
        narrow: tuple[str, ...] = (),
    ) -> Answer:
        return cls(question, kind, hits, departments, False, (), department, notices, needs, narrow)

    @property
    def top(self) -> Hit | None:
        return self.hits[0] if self.hits else None


_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def fullwidth_digits(text: str) -> str:
    """１－（３）: digits as the plan prints them in its headings (第３期, 大項目１)."""
    return text.translate(_FULLWIDTH)
