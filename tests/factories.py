"""Small hand-made records for tests that must not depend on the real plan data."""

from __future__ import annotations

from index.model import (
    DataVersion,
    Department,
    Measure,
    Plan,
    PlanData,
    Section,
    Status,
    VocabEntry,
)

PLANS = (
    Plan(2, "第２期千葉市貧困対策アクションプラン"),
    Plan(3, "第３期千葉市貧困対策アクションプラン", period="令和6年度〜"),
)


def make_measure(
    measure_id: str,
    title: str = "住居確保給付金の支給",
    *,
    summary: str = "離職等により住居を失うおそれのある方に家賃相当額を支給します。",
    departments: tuple[str, ...] = ("保護課",),
    section_title: str = "相談体制の充実",
    status: Status = Status.NEW,
    predecessor: str | None = None,
    successor: str | None = None,
) -> Measure:
    """A measure whose plan, section and No. come from its id ("3-1-3-8")."""
    plan, chapter, section, no = measure_id.split("-")
    return Measure(
        id=measure_id,
        plan=int(plan),
        section=f"{chapter}-{section}",
        section_title=section_title,
        no=int(no),
        no_inferred=False,
        title=title,
        summary=summary,
        departments=departments,
        status=status,
        predecessor=predecessor,
        successor=successor,
    )


def make_plan_data(
    *measures: Measure,
    departments: tuple[Department, ...] | None = None,
    vocabulary: tuple[VocabEntry, ...] = (),
    digest: str = "abc1234",
) -> PlanData:
    """Plan data over ``measures``: their departments and sections, both plans named."""
    names = sorted({d for m in measures for d in m.departments})
    sections = {(m.plan, m.section): m.section_title for m in measures}
    return PlanData(
        measures=tuple(measures),
        departments=departments or tuple(Department(n, "カ", phone="043-245-5111") for n in names),
        sections=tuple(
            Section(plan, code, title) for (plan, code), title in sorted(sections.items())
        ),
        vocabulary=vocabulary,
        version=DataVersion(digest, "2025-04-01"),
        plans=PLANS,
    )
