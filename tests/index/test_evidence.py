"""Abstaining on evidence: an answer needs a word specific to the measure it gives; words
that name a person, a place or the act of asking never carry one alone; business of a city
hall outside the plan is declined with its category."""

import pytest

from index.answer import answer


@pytest.mark.parametrize(
    "question",
    [
        "区役所に相談したい",
        "高齢者のサービスについて",
        "地域の住民から申請があった",
        "子どもの保険",
    ],
)
def test_words_across_the_plan_never_carry_an_answer_alone(index, question):
    assert answer(question, index).abstained


@pytest.mark.parametrize(
    ("question", "category"),
    [
        ("住民票の写しを取りたい", "届出・証明"),
        ("粗大ごみの出し方", "ごみ・環境"),
        ("期日前投票はどこでできる？", "選挙・市政"),
        ("職員の通勤手当の届け", "職員の人事・給与・庁内事務"),
    ],
)
def test_city_hall_business_outside_the_plan_is_declined_by_category(index, question, category):
    result = answer(question, index)
    assert result.abstained
    assert any(category in n and "対象外" in n for n in result.notices)


def test_a_need_next_to_an_outside_word_is_still_answered(index):
    result = answer("住民票を取るお金もなく、家賃を3か月滞納している", index)
    assert not result.abstained
    assert "住" in result.hits[0].measure.title


def test_a_person_word_in_a_title_gives_way_to_the_need(index):
    # 男性 is in the title of 男性相談; the need here is work and money.
    result = answer("40代の男性、派遣切られて貯金もほぼゼロ", index)
    assert not result.abstained
    assert "男性" not in result.hits[0].measure.title


def test_situations_lead_to_measures_the_plan_words_differently(index):
    result = answer("初診日がいつか分からない", index)
    assert "障害年金" in result.hits[0].measure.title
    assert "初診日" in result.hits[0].why


@pytest.mark.parametrize(
    ("short", "title"),
    [
        ("まるサポにつなぐ基準", "福祉まるごと"),
        ("就定の期間", "就労定着"),
        # A name cut short, and a run of kanji words given one kanji.
        ("居住支援協に相談したい", "居住支援協議会"),
        ("消センに連絡したい", "消費生活"),
    ],
)
def test_insider_abbreviations_find_the_program(index, short, title):
    result = answer(short, index)
    assert not result.abstained and title in result.hits[0].measure.title
    assert any(m.via == "abbreviation" for m in result.hits[0].matched)


def test_an_outside_phrase_matches_its_words_in_order(index):
    # outside.csv has ごみの分別; the question puts a word between.
    result = answer("家庭ごみのプラの分別はどうする？", index)
    assert result.abstained
    assert any("ごみ・環境" in n for n in result.notices)


@pytest.mark.parametrize(
    "question",
    [
        # One compound of the asker's is one piece of evidence, not 保健・福祉・センター.
        "区の保健福祉センターは祝日も開いてる？",
        # 引っ越し and 引っ越す are one word of the asker's, not two.
        "引っ越したので犬の登録をしたい",
    ],
)
def test_one_word_of_the_asker_counts_once_against_an_outside_topic(index, question):
    assert answer(question, index).abstained


def test_a_department_named_beside_staff_business_is_declined(index):
    # The department's measures are no answer to its staff's own paperwork.
    result = answer("保護課の職員の出張旅費はいつ精算される？", index)
    assert result.abstained
    assert any("対象外" in n for n in result.notices)
    # A department named alone still lists its measures.
    assert not answer("保護課の取組を知りたい", index).abstained
