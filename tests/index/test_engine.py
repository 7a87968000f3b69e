"""Ranking logic on a tiny hand-made plan, with a whitespace tokenizer instead of Sudachi."""

from index.answer import answer, build_query
from index.engine import QueryTerm, build
from index.model import Measure, PlanData, VocabEntry
from tests.factories import make_measure, make_plan_data


def _measure(no: int, title: str, summary: str, dept: str = "保護課") -> Measure:
    return make_measure(
        f"3-1-1-{no}", title, summary=summary, departments=(dept,), section_title="予防"
    )


def _plan(*measures: Measure, vocabulary: tuple[VocabEntry, ...] = ()) -> PlanData:
    return make_plan_data(*measures, vocabulary=vocabulary)


def test_title_outweighs_summary(space_analyzer):
    plan = _plan(
        _measure(1, "家計 相談", "暮らし 支援"),
        _measure(2, "暮らし 支援", "家計 相談 ほか"),
    )
    hits = build(plan, space_analyzer).search([QueryTerm("家計", 1.0, "家計")])
    assert [h.measure.id for h in hits] == ["3-1-1-1", "3-1-1-2"]


def test_vocabulary_terms_weigh_less_than_own_words(space_analyzer):
    plan = _plan(
        _measure(1, "多重債務 相談", "弁護士"),
        _measure(2, "滞納 相談", "税"),
        vocabulary=(VocabEntry(2, "展開", ("借金",), ("多重債務",)),),
    )
    index = build(plan, space_analyzer)
    query = build_query("借金 滞納", index)
    assert any(q.term == "多重債務" and q.via == "vocabulary" and q.source == "借金" for q in query)
    hits = index.search(query)
    assert hits[0].measure.id == "3-1-1-2"  # own word 滞納 beats 借金→多重債務
    assert hits[1].matched[0].label == "借金→多重債務"


def test_awareness_measures_do_not_crowd_out_specific_ones(space_analyzer):
    plan = _plan(
        _measure(1, "窓口 周知", "家賃 滞納"),
        _measure(2, "住居 支援", "家賃 滞納"),
    )
    index = build(plan, space_analyzer)
    query = [QueryTerm("家賃", 1.0, "家賃"), QueryTerm("滞納", 1.0, "滞納")]
    # Equal scores otherwise (ties go to the lower id), so the order shows the penalty.
    assert index.search(query)[0].measure.id == "3-1-1-2"
    assert index.search(query, wants_awareness=True)[0].measure.id == "3-1-1-1"


def test_answer_abstains_when_nothing_fits(space_analyzer):
    index = build(_plan(_measure(1, "家計 相談", "暮らし")), space_analyzer, abstain_score=0.1)
    result = answer("天気 予報", index)
    assert result.abstained and result.suggestions
    assert not answer("家計 相談 家計", index).abstained


def test_departments_are_aggregated_over_top_hits(space_analyzer):
    plan = _plan(
        _measure(1, "家計 相談", "家計", "保護課"),
        _measure(2, "家計 改善", "家計", "保護課"),
        _measure(3, "家計 教室", "講座", "消費生活センター"),
    )
    result = answer("家計 家計 相談", build(plan, space_analyzer, abstain_score=0.1))
    assert result.departments[0] == "保護課"


def test_a_measure_for_a_group_the_question_does_not_name_ranks_below(space_analyzer):
    from dataclasses import replace

    from index.model import Condition

    plan = _plan(
        _measure(1, "市営住宅 家賃 減免", "家賃 滞納 減少"),
        _measure(2, "住居 確保 給付金", "家賃 滞納 支給"),
        _measure(3, "就労 支援", "仕事"),
    )
    rent = [QueryTerm("家賃", 1.0, "家賃"), QueryTerm("滞納", 1.0, "滞納")]
    tenant = [*rent, QueryTerm("市営住宅", 1.0, "市営住宅")]

    def first(data, query):
        return build(data, space_analyzer).search(query)[0].measure.id

    # On its words alone the tenants' measure wins; named for a group, it waits for it.
    assert first(plan, rent) == "3-1-1-1"
    plan = replace(plan, conditions=(Condition(2, "3-1-1-1", ("市営住宅",)),))
    assert first(plan, rent) == "3-1-1-2"
    assert first(plan, tenant) == "3-1-1-1"


def test_whom_a_measure_is_for_is_read_from_the_whole_question(space_analyzer):
    from dataclasses import replace

    from index.model import Condition

    plan = _plan(_measure(1, "学習 支援", "勉強 宿題"), _measure(2, "家計 相談", "勉強 家計"))
    plan = replace(plan, conditions=(Condition(2, "3-1-1-1", ("子ども", "子")),))
    index = build(plan, space_analyzer)
    study = [QueryTerm("勉強", 1.0, "勉強")]
    child = QueryTerm("子", 1.0, "子")
    # One need's words (勉強) searched alone: the child is named elsewhere in the question.
    assert index.search(study)[0].measure.id == "3-1-1-2"
    assert index.search(study, whole=[*study, child])[0].measure.id == "3-1-1-1"
    by_word = index.by_source(study, whole=[*study, child])
    assert by_word["勉強"][0][1].id == "3-1-1-1"
    # A one-character word names the group only as a word of its own: 子 is in 様子 too.
    manner = QueryTerm("様子", 1.0, "様子")
    assert index.search(study, whole=[*study, manner])[0].measure.id == "3-1-1-2"


def test_a_situation_phrase_counts_by_how_much_of_it_the_question_says(space_analyzer):
    from dataclasses import replace

    from index.engine import PHRASE_FLOOR
    from index.model import Situation

    plan = _plan(_measure(1, "生涯 現役", "高齢者 就労"), _measure(2, "家計 相談", "家計"))
    plan = replace(plan, situations=(Situation(2, "3-1-1-1", "シニア 仕事 探し"),))
    doc = build(plan, space_analyzer).plans[3].docs[0]
    assert doc.phrase_factor("仕事", frozenset({"仕事"})) == PHRASE_FLOOR + (1 - PHRASE_FLOOR) / 3
    assert doc.phrase_factor("仕事", frozenset({"シニア", "仕事", "探し"})) == 1.0
    # Words of the measure's own text are not situations: they count in full.
    assert doc.phrase_factor("就労", frozenset({"就労"})) == 1.0
