import pytest

from index.model import PlanData, Status

SECTION_COUNTS_3 = {
    "1-1": 10, "1-2": 9, "1-3": 20, "1-4": 14, "2-1": 6, "2-2": 3, "2-3": 6,
    "3-1": 12, "3-2": 5, "3-3": 7, "3-4": 5,
}  # fmt: skip


def test_real_data_loads_with_both_plans(plan_data: PlanData):
    assert len(plan_data.plan_measures(3)) == 97
    assert len(plan_data.plan_measures(2)) == 54
    counts: dict[str, int] = {}
    for m in plan_data.plan_measures(3):
        counts[m.section] = counts.get(m.section, 0) + 1
    assert counts == SECTION_COUNTS_3


def test_records_are_typed_and_linked(plan_data: PlanData):
    m = plan_data.measure("3-1-3-8")
    assert m is not None and m.short_id == "1-3-8" and m.plan == 3
    assert isinstance(m.departments, tuple)
    for measure in plan_data.measures:
        if measure.predecessor:
            assert plan_data.measure(measure.predecessor).successor == measure.id
    assert plan_data.measure("2-1-2-4").status is Status.ENDED
    with pytest.raises(AttributeError):
        m.title = "x"  # type: ignore[misc]


def test_the_shipped_knowledge_covers_every_measure(plan_data: PlanData):
    current = {m.id for m in plan_data.plan_measures(3)}
    with_situations = {s.measure_id for s in plan_data.situations}
    assert with_situations == current
    per_measure = [len(plan_data.situations_of(m)) for m in current]
    assert min(per_measure) >= 13
    assert all(plan_data.needs_of(m) for m in current)
    assert sum(1 for n in plan_data.needs if n.catch_all) == 1


def test_a_measure_is_cited_as_the_plan_numbers_it(plan_data):
    assert plan_data.measure("3-3-3-3").citation == "第3期 3-(3) No.3"
    assert plan_data.measure("2-1-5-4").citation == "第2期 1-(5) No.4"
