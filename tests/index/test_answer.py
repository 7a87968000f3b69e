"""answer() on the real plan: kinds of question, abstaining, explanations."""

import pytest

from index.answer import answer
from index.model import QuestionKind


def ids(result) -> list[str]:
    return [h.measure.id for h in result.hits]


def test_everyday_question_finds_the_measure_and_says_why(index):
    result = answer("じゅうきょかくほきゅうふきん", index)
    assert not result.abstained and result.kind is QuestionKind.EVERYDAY
    top = result.hits[0]
    assert "住居確保給付金" in top.measure.title
    assert any(m.via == "spelled" for m in top.matched)
    assert result.departments and result.departments[0] in top.measure.departments


@pytest.mark.parametrize(
    ("question", "kanji"),
    [
        # A short word in kana before a particle; the vocabulary then reads it as kanji.
        ("やちんを払えない", "家賃を払えない"),
        # A vocabulary word not in the plan's text, spelled exactly in kana.
        ("しゃっきんの返済に追われている", "借金の返済に追われている"),
        # A general need in kana gets the front doors, as in kanji.
        ("せいかつほごを受けたい", "生活保護を受けたい"),
        ("ｾｲｶﾂﾎｺﾞ受けたいって人が来た", "生活保護受けたいって人が来た"),
    ],
)
def test_words_typed_in_kana_answer_as_in_kanji(index, question, kanji):
    from index.answer import build_query
    from index.text import normalize

    result, expected = answer(question, index), answer(kanji, index)
    assert not result.abstained
    assert result.hits[0].measure.id in {h.measure.id for h in expected.hits[:3]}
    assert any(q.via == "spelled" for q in build_query(normalize(question), index))


def test_vocabulary_bridges_everyday_words(index):
    result = answer("借金で首が回らない相談者", index)
    assert "多重債務" in result.hits[0].measure.title
    assert any(m.via == "vocabulary" for m in result.hits[0].matched)
    assert "→多重" in result.hits[0].why or "→債務" in result.hits[0].why


@pytest.mark.parametrize(
    "question", ["粗大ごみの申し込み", "今日の天気は？", "公用車の駐車場の申請"]
)
def test_questions_outside_the_plan_abstain_with_suggestions(index, question):
    result = answer(question, index)
    assert result.abstained and result.suggestions
    assert result.departments == ()


@pytest.mark.parametrize("question", ["1-3-8", "3-1-3-8", "取組 1-(3) 8 について"])
def test_measure_id(index, question):
    result = answer(question, index)
    assert result.kind is QuestionKind.MEASURE_ID
    assert result.hits[0].measure.id == "3-1-3-8"


def test_old_plan_id_shows_its_successor(index, plan_data):
    old = plan_data.measure("2-1-1-2")
    result = answer("2-1-1-2", index)
    assert ids(result)[:2] == ["2-1-1-2", old.successor]


def test_department_question_lists_that_departments_measures(index, plan_data):
    result = answer("住宅政策課は何を担当？", index)
    assert result.kind is QuestionKind.DEPARTMENT and result.department == "住宅政策課"
    expected = {m.id for m in plan_data.plan_measures(3) if "住宅政策課" in m.departments}
    assert set(ids(result)) == expected


def test_department_names_match_loosely(index):
    result = answer("地域包括ケア推進の課がやっている取組", index)
    assert result.department == "地域包括ケア推進課"


def test_history_question_gives_fate_and_successor(index, plan_data):
    result = answer("第2期の就職氷河期世代への支援はどうなった？", index)
    assert result.kind is QuestionKind.HISTORY
    old = plan_data.measure("2-1-1-2")
    assert ids(result)[:2] == [old.successor, old.id]
    assert any("引き継がれています" in n for n in result.notices)


def test_ended_measure_says_so_and_abstains(index):
    result = answer("前の計画のＳＮＳ相談はどうなった？", index)
    assert result.kind is QuestionKind.HISTORY and result.abstained
    assert result.hits[0].measure.id == "2-1-2-4"
    assert any("終了しています" in n for n in result.notices)


def test_slack_markup_and_hostile_input(index):
    result = answer("<!channel> <@U123> 家賃を滞納している <https://evil.example|こちら>", index)
    assert not result.abstained
    assert "channel" not in result.question and "evil" not in result.question
    assert answer("", index).kind is QuestionKind.EMPTY
    assert answer("😀😀😀", index).abstained
    long = answer("家賃" * 60_000, index)
    assert long.notices and "先頭" in long.notices[0]


def test_a_verb_finds_the_plans_noun(index):
    # The plan says ひきこもり; people say ひきこもっている.
    result = answer("息子が10年ひきこもっている", index)
    assert not result.abstained
    assert "ひきこもり" in result.hits[0].measure.title
    assert all("ひきこもり" in h.measure.title + h.measure.summary for h in result.hits[:3])


def test_a_service_the_client_does_not_use_is_not_searched(index):
    from index.question import unused_services

    assert unused_services(index.analyzer.tokens("生活保護は受けていない")) == ["生活保護"]
    assert unused_services(index.analyzer.tokens("介護保険は使ってない")) == ["介護保険"]
    # Not using a service is different from lacking something: 仕事はしていない needs work.
    assert unused_services(index.analyzer.tokens("仕事はしていない")) == []
    result = answer("生活保護は受けていないが家計が苦しい", index)
    assert all("生活保護" not in m.term for h in result.hits for m in h.matched)


def test_topics_outside_the_plan_are_declined_unless_a_need_is_named(index):
    result = answer("パスポートの申請って区役所でもできる？", index)
    assert result.abstained
    assert any("パスポート" in n and "対象外" in n for n in result.notices)
    # The same kind of word next to a need the plan covers does not stop the answer.
    assert not answer("年休を使い切って休めないほど借金の返済に追われている", index).abstained


def test_a_short_kana_word_alone_is_read_when_spelled_exactly(index):
    result = answer("やちん はらえない", index)
    assert not result.abstained
    assert any(m.via == "spelled" and m.term == "家賃" for h in result.hits for m in h.matched)


@pytest.mark.parametrize(
    "record",
    [
        "Cさん（40代男性）、妻と中学生の子の3人世帯。勤めていた店が閉店し、借入の返済も"
        "残っているとのこと。調理師免許を持っていると話す。",
        "Fさん（40代男性）。自営業を廃業し借金が残った。妻はパート。犬の登録もまだとのこと。",
    ],
)
def test_a_record_is_not_declined_for_city_hall_business_named_in_passing(index, record):
    result = answer(record, index)
    assert not result.abstained
    assert "3-1-3-4" in [h.measure.id for h in result.hits[:3]]


@pytest.mark.parametrize("question", ["市営斎場の使用の予約をしたい", "市営墓地の使用者の変更"])
def test_words_of_a_procedure_do_not_keep_out_of_plan_business_in(index, question):
    # 市営 and 使用 both meet the plan (市営住宅の一時使用), but 使用・予約 say how, not what.
    assert answer(question, index).abstained
    # The same words beside a need the plan covers still answer.
    assert not answer("市営住宅の使用料を滞納して退去を求められている", index).abstained


def test_training_and_awareness_measures_wait_unless_asked_for(index):
    # ひきこもりサポーターの養成 trains volunteers: a family's question finds the centre first.
    family = [h.measure.id for h in answer("息子が家から出ず部屋にこもっている", index).hits]
    assert family[0] != "3-2-1-5" and "3-2-1-5" in family[:3]
    volunteer = answer("ひきこもりサポーターの養成講座に参加したい", index).hits
    assert volunteer[0].measure.id == "3-2-1-5"
    assert answer("地域の見守りの意識を高める研修をしたい", index).hits[0].measure.id == "3-2-1-1"


def test_an_awareness_measure_about_one_program_does_not_wait_when_it_is_named(index):
    # 障害年金についての周知 is the plan's only way to the pension: asked for, it comes first.
    pension = answer("うつで何年も働けていない。障害年金はもらえる？", index)
    assert pension.hits[0].measure.id == "3-1-1-9"
    # The general awareness rows (生活困窮者への周知啓発) still wait behind the windows.
    general = [h.measure.id for h in answer("生活に困っていて相談したい", index).hits[:2]]
    assert not {"3-1-2-6", "3-1-2-7", "3-1-2-8", "3-1-2-9"} & set(general)


def test_threads_sharing_one_index_get_the_answers_one_thread_gets(index):
    # The engine keeps small caches on the index (factor vectors, phrase factors); threads
    # of one worker answer at once and must neither break them nor read each other's.
    from concurrent.futures import ThreadPoolExecutor

    questions = [
        "家賃を3か月滞納している",
        "息子が10年ひきこもっている",
        "借金の返済に追われていて、中学生の子どもが不登校",
        "うつで何年も働けていない。障害年金はもらえる？",
        "Aさん（40代男性）。失職して家賃を2か月滞納。借金の返済もある。最近は死にたいと口にするとのこと。",
        "市営墓地の使用者の変更",
    ] * 8

    def ids(question: str) -> list[str]:
        return [h.measure.id for h in answer(question, index).hits]

    alone = [ids(q) for q in questions]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(ids, questions))
    assert together == alone
