"""Reading a question as needs: case notes with several needs, one-need questions, vague
questions and the need buttons."""

import pytest

from index.answer import answer, answer_need
from index.model import Hit, Need
from index.needs import clause_tokens, interleave, union_departments
from tests.factories import make_measure

CASE_NOTE = (
    "Aさん（40代男性）。失職後、家賃を2か月滞納。本人より聴取。"
    "消費者金融の返済もあり、夜眠れないとのこと。"
)


def labels(result) -> list[str]:
    return [n.label for n in result.needs]


def test_a_case_note_gets_a_group_for_each_need(index):
    result = answer(CASE_NOTE, index)
    assert not result.abstained
    assert {"住まい", "借金", "こころの健康"} <= set(labels(result))
    for need in result.needs:
        category = index.data.need(need.label)
        assert need.hits and {h.measure.id for h in need.hits} <= set(category.measures)
        assert need.departments
    # the first measures shown cover every need before any need repeats
    first = [h.measure.id for h in result.hits[: len(result.needs)]]
    assert {n.hits[0].measure.id for n in result.needs} <= set(first)
    # whom to contact: the union of the needs' departments, in need order
    assert list(result.departments) == list(union_departments(result.needs))


def test_each_need_leads_with_the_measure_for_it(index):
    groups = {n.label: n.hits[0].measure.title for n in answer(CASE_NOTE, index).needs}
    assert "多重債務" in groups["借金"]
    assert "こころ" in groups["こころの健康"]
    assert "住" in groups["住まい"]


@pytest.mark.parametrize(
    "question",
    ["家賃を3か月滞納している", "息子が10年ひきこもっている", "借金で首が回らない"],
)
def test_a_one_need_question_answers_as_one_ranking(index, question):
    result = answer(question, index)
    assert len(result.needs) == 1
    assert result.needs[0].hits == result.hits
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)


def test_two_needs_in_one_line(index):
    result = answer("借金の返済に追われていて、中学生の子どもが不登校", index)
    assert {"借金", "子どもの学び"} <= set(labels(result))


def test_one_clause_can_name_two_needs(index):
    # No comma between them: the clause's second need is read from its own word.
    result = answer("Bさん（50代男性）。家賃の滞納が続いているうえに解雇されて仕事がない。", index)
    assert {"住まい", "仕事"} <= set(labels(result))


@pytest.mark.parametrize(
    "question",
    [
        CASE_NOTE,
        "80代の母が認知症ぎみで独り暮らし。窓口に来られないので訪問してほしい",
        "認知症の一人暮らしの男性、窓口には来ない。高齢者の相談窓口の人に家を見に行ってほしい",
    ],
)
def test_the_measure_the_whole_question_points_to_stays_first(index, question):
    from index.answer import build_query, has_evidence

    flat = [h for h in index.search(build_query(question, index)) if has_evidence(h, index)]
    result = answer(question, index)
    assert len(result.needs) > 1
    assert result.hits[0].measure.id == flat[0].measure.id
    assert result.needs[0].hits[0].measure.id == flat[0].measure.id


@pytest.mark.parametrize(
    "question", ["失業中で家賃も払えない人の相談", "派遣切りにあって寮を出される人"]
)
def test_a_need_named_in_its_own_words_is_read(index, question):
    # Job loss leads to the housing benefit first; it is a need for work all the same.
    assert {"住まい", "仕事"} <= set(labels(answer(question, index)))


def test_several_needs_end_with_the_general_window(index):
    result = answer(CASE_NOTE, index)
    hub = next(n for n in index.data.needs if n.catch_all)
    assert result.needs[-1].label == hub.label
    assert result.needs[-1].hits[0].measure.id == hub.measures[0]


@pytest.mark.parametrize(
    "question", ["生活が苦しいという相談", "どうしたらいいか分からないと言っている"]
)
def test_a_vague_question_gets_the_front_doors_and_needs_to_narrow_to(index, question):
    result = answer(question, index)
    catch_all = next(n for n in index.data.needs if n.catch_all)
    assert not result.abstained
    assert [h.measure.id for h in result.hits] == list(catch_all.measures[: len(result.hits)])
    assert "住まい" in result.narrow and catch_all.label not in result.narrow


def test_a_need_button_answers_as_if_the_need_was_asked(index):
    result = answer_need("借金", index)
    assert not result.abstained and labels(result) == ["借金"]
    assert "多重債務" in result.hits[0].measure.title
    assert answer_need("存在しない困りごと", index).abstained


def test_off_plan_questions_have_no_needs(index):
    result = answer("パスポートの申請はどこ？", index)
    assert result.abstained and result.needs == () and result.narrow == ()


def test_clauses_split_sentences_commas_and_spaces(analyzer):
    text = "失職後、家賃を2か月滞納。夜眠れない 借金あり"
    parts = clause_tokens(analyzer.tokens(text))
    assert [clause for clause, _ in parts] == [
        "失職後",
        "家賃を2か月滞納",
        "夜眠れない",
        "借金あり",
    ]
    assert all(tokens for _, tokens in parts)
    assert clause_tokens(analyzer.tokens("。、 a")) == []


def _hits(*ids: str) -> tuple[Hit, ...]:
    return tuple(Hit(make_measure(i), 1.0) for i in ids)


def test_interleave_covers_every_need_before_repeating_one():
    needs = [
        Need("住まい", _hits("3-3-3-3", "3-3-3-5", "3-3-3-1"), ("保護課",)),
        Need("借金", _hits("3-1-3-4", "3-1-4-1"), ("消費生活センター",)),
        Need("仕事", _hits("3-1-1-3"), ("雇用推進課", "保護課")),
    ]
    flat = _hits("3-3-3-3", "3-9-9-9")
    order = [h.measure.id for h in interleave(needs, list(flat), 10)]
    assert order == ["3-3-3-3", "3-1-3-4", "3-1-1-3", "3-3-3-5", "3-1-4-1", "3-3-3-1", "3-9-9-9"]
    assert len(interleave(needs, list(flat), 4)) == 4
    assert union_departments(needs) == ("保護課", "消費生活センター", "雇用推進課")


def test_a_record_names_a_need_in_a_phrase_the_vocabulary_reads(index):
    # 仕事を辞めた is read as 離職, a word of the need 仕事: in a record of several
    # sentences that is a need of its own beside the care it was given up for.
    result = answer(
        "Cさん（40代女性）。父の介護で仕事を辞めた。父は物忘れがひどくなっているとのこと。", index
    )
    assert labels(result)[0] == "介護"
    assert "仕事" in labels(result)


def test_no_two_needs_lead_with_the_same_measure(index):
    for question in (
        CASE_NOTE,
        "Cさん（40代女性）。父の介護で仕事を辞めた。家賃も払えないとのこと。",
    ):
        firsts = [n.hits[0].measure.id for n in answer(question, index).needs]
        assert len(set(firsts)) == len(firsts)


def test_a_risk_to_life_puts_its_need_first(index):
    record = "Aさん（40代男性）。失職して家賃を2か月滞納。借金の返済もある。最近は{}とのこと。"
    calm = answer(record.format("眠れない"), index)
    risk = answer(record.format("死にたいと口にする"), index)
    assert labels(calm)[0] != "こころの健康"
    assert labels(risk)[0] == "こころの健康"
    assert "死にたい" in index.data.need("こころの健康").urgent
    # The other needs are still there, and the first answer is the need's own.
    assert {"住まい", "借金"} <= set(labels(risk))
    assert risk.hits[0].measure.id in index.data.need("こころの健康").members
