"""What the pages show, worked out once per data version instead of per request."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from itertools import groupby

from bot.textdiff import Segment, char_diff, is_changed
from index.model import (
    CURRENT_PLAN,
    Department,
    Measure,
    PlanData,
    Section,
    Status,
    fullwidth_digits,
)

PLANS = (3, 2)


@dataclass(frozen=True, slots=True)
class SectionView:
    section: Section
    measures: tuple[Measure, ...]

    @property
    def anchor(self) -> str:
        return f"s{self.section.plan}-{self.section.code}"


@dataclass(frozen=True, slots=True)
class ChapterView:
    plan: int
    chapter: int
    sections: tuple[SectionView, ...]

    @property
    def label(self) -> str:
        return f"大項目{fullwidth_digits(str(self.chapter))}"


@dataclass(frozen=True, slots=True)
class Change:
    """How one measure became another between the plans (old → new)."""

    old: Measure
    new: Measure
    title: tuple[Segment, ...]
    summary: tuple[Segment, ...]
    departments_changed: bool
    section_changed: bool

    @property
    def title_changed(self) -> bool:
        return is_changed(self.title)

    @property
    def summary_changed(self) -> bool:
        return is_changed(self.summary)

    @property
    def unchanged(self) -> bool:
        return not (
            self.title_changed
            or self.summary_changed
            or self.departments_changed
            or self.section_changed
        )


@dataclass(frozen=True, slots=True)
class DepartmentRow:
    department: Department
    counts: dict[int, int]  # plan → number of measures


class Catalog:
    def __init__(self, data: PlanData):
        self.data = data
        self.chapters = {plan: _chapters(data, plan) for plan in PLANS}
        self._sections = {
            (view.section.plan, view.section.code): view
            for chapters in self.chapters.values()
            for chapter in chapters
            for view in chapter.sections
        }
        self._by_department: dict[str, dict[int, list[Measure]]] = {}
        self._continued_by: dict[str, list[Measure]] = {}
        for measure in data.measures:
            for name in measure.departments:
                plans = self._by_department.setdefault(name, {})
                plans.setdefault(measure.plan, []).append(measure)
            if measure.predecessor:
                self._continued_by.setdefault(measure.predecessor, []).append(measure)
        self.departments = tuple(
            DepartmentRow(
                dept,
                {plan: len(self._by_department.get(dept.name, {}).get(plan, ())) for plan in PLANS},
            )
            for dept in sorted(data.departments, key=lambda d: (d.kana or d.name, d.name))
        )
        self._changes: dict[tuple[str, str], Change] = {}
        # The 「正しい取組」 type-ahead of /search: every current-plan measure as a person
        # picks it, "1-4-1 家計改善支援事業の実施", in plan order.
        self.measure_choices = tuple(
            f"{measure.short_id} {measure.title}"
            for chapter in self.chapters[CURRENT_PLAN]
            for view in chapter.sections
            for measure in view.measures
        )

    def section_view(self, measure: Measure) -> SectionView | None:
        return self._sections.get((measure.plan, measure.section))

    def department_measures(self, name: str) -> dict[int, tuple[Measure, ...]]:
        plans = self._by_department.get(name, {})
        return {plan: tuple(plans[plan]) for plan in PLANS if plans.get(plan)}

    def same_department(self, measure: Measure) -> tuple[tuple[str, tuple[Measure, ...]], ...]:
        """Per department of the measure: its other measures in the same plan."""
        out = []
        for name in measure.departments:
            others = tuple(
                m
                for m in self._by_department.get(name, {}).get(measure.plan, ())
                if m.id != measure.id
            )
            if others:
                out.append((name, others))
        return tuple(out)

    def same_section(self, measure: Measure) -> tuple[Measure, ...]:
        view = self.section_view(measure)
        return tuple(m for m in view.measures if m.id != measure.id) if view else ()

    def history(self, measure: Measure) -> tuple[Change, ...]:
        """3rd plan: the 2nd-plan row it continues. 2nd plan: the rows that continue it."""
        if measure.plan == CURRENT_PLAN:
            old = self.data.measure(measure.predecessor) if measure.predecessor else None
            return (self.change(old, measure),) if old else ()
        newer = list(self._continued_by.get(measure.id, ()))
        successor = self.data.measure(measure.successor) if measure.successor else None
        if successor and successor not in newer:
            newer.insert(0, successor)
        return tuple(self.change(measure, new) for new in newer)

    def change(self, old: Measure, new: Measure) -> Change:
        key = (old.id, new.id)
        found = self._changes.get(key)
        if found is None:
            found = Change(
                old=old,
                new=new,
                title=char_diff(old.title, new.title),
                summary=char_diff(old.summary, new.summary),
                departments_changed=old.departments != new.departments,
                section_changed=old.section != new.section,
            )
            self._changes[key] = found  # a race only computes the same value twice
        return found


def history_note(measure: Measure, changes: tuple[Change, ...]) -> str:
    """One sentence on where the measure comes from or what became of it."""
    if measure.plan == CURRENT_PLAN:
        if changes:
            return "第２期の取組を引き継いでいます。"
        return "第３期で新しく加わった取組です。"
    if measure.status == Status.ENDED or not changes:
        return "第３期には引き継がれていません（終了）。"
    if measure.status == Status.MOVED:
        return "第３期では別の項目に移って続いています。"
    return "第３期に引き継がれています。"


class CatalogCache:
    """The catalog of the data the service serves now; rebuilt when a reload changes it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._catalog: Catalog | None = None

    def get(self, data: PlanData) -> Catalog:
        catalog = self._catalog
        if catalog is not None and catalog.data.version == data.version:
            return catalog
        with self._lock:
            if self._catalog is None or self._catalog.data.version != data.version:
                self._catalog = Catalog(data)
            return self._catalog


def _chapters(data: PlanData, plan: int) -> tuple[ChapterView, ...]:
    measures = sorted(data.plan_measures(plan), key=lambda m: (_code_key(m.section), m.no))
    by_section = {code: tuple(group) for code, group in groupby(measures, key=lambda m: m.section)}
    sections = sorted((s for s in data.sections if s.plan == plan), key=lambda s: _code_key(s.code))
    views = [SectionView(s, by_section.get(s.code, ())) for s in sections]
    return tuple(
        ChapterView(plan, chapter, tuple(group))
        for chapter, group in groupby(views, key=lambda v: v.section.chapter)
    )


def _code_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("-") if part.isdigit())
