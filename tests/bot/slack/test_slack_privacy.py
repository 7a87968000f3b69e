import json
from pathlib import Path

import pytest

from bot.slack import privacy
from bot.slack.privacy import client_details

DEV_SET = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "dev.jsonl"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("090-1234-5678 に折り返し", privacy.PHONE),
        ("自宅 043(245)5111", privacy.PHONE),
        ("生年月日 1985年4月1日", privacy.BIRTH_DATE),
        ("昭和45年3月1日生まれの男性", privacy.BIRTH_DATE),
        ("H2.3.1生の女性", privacy.BIRTH_DATE),
        ("田中さんが家賃を払えない", privacy.NAME),
        ("山田様から相談", privacy.NAME),
        ("グエンさん（ベトナム出身）", privacy.NAME),
        ("千葉市中央区千葉港1-1に住む", privacy.ADDRESS),
        ("富士見2丁目3番1号", privacy.ADDRESS),
        ("〒260-8722", privacy.ADDRESS),
        ("ケース番号 12345 の世帯", privacy.CASE_NUMBER),
        ("世帯番号を控えた", privacy.CASE_NUMBER),
        ("受付No.20240315", privacy.CASE_NUMBER),
    ],
)
def test_client_details_are_found(analyzer, question, kind):
    assert kind in client_details(question, analyzer)


@pytest.mark.parametrize(
    "question",
    [
        "家賃を3か月滞納している",
        "1-3-8について",
        "3-1-3-8 と 1-(3)-8 の違い",
        "高2の娘さんが妊娠したかもって親御さんから相談",
        "Aさん（40代男性）。貯金がほぼ尽きた",
        "民生委員さんから連絡があった",
        "令和6年度から始まった取組",
        "78歳で一人暮らし",
        "月収15万円",
        "",
    ],
)
def test_ordinary_questions_are_not_flagged(analyzer, question):
    assert client_details(question, analyzer) == ()


def test_the_development_questions_raise_no_reminder(analyzer):
    questions = [json.loads(line)["q"] for line in DEV_SET.read_text("utf-8").splitlines()]
    flagged = [q for q in questions if client_details(q, analyzer)]
    assert flagged == []


def test_reminder_names_the_kinds_found(analyzer):
    text = privacy.reminder(client_details("田中さん 090-1234-5678", analyzer))
    assert "氏名・電話番号" in text
    assert "入れず" in text
