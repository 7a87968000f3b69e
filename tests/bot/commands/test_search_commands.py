"""soudan ask | search --jsonl | eval."""

import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_ask_prints_measures_departments_reasons_and_links():
    result = run("ask", "借金で首が回らない")
    assert result.exit_code == 0
    assert "多重債務" in result.output
    assert "担当課:" in result.output and "一致:" in result.output
    assert "/measures/3-1-3-4" in result.output


def test_ask_outside_the_plan_says_so():
    result = run("ask", "粗大ごみの申し込み")
    assert "見当たりませんでした" in result.output and "/departments" in result.output


def test_search_jsonl_answers_every_line_in_order():
    stdin = '{"q": "家賃を滞納"}\n\n粗大ごみ\n{"q": "1-3-8"}\n{not json\n'
    result = run("search", "--jsonl", stdin=stdin)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["q"] for line in lines] == ["家賃を滞納", "", "粗大ごみ", "1-3-8", "{not json"]
    assert lines[1]["kind"] == "empty" and lines[2]["abstained"] is True
    assert lines[3]["results"][0]["id"] == "3-1-3-8"
    first = lines[0]["results"][0]
    assert set(first) == {"id", "plan", "title", "departments", "score", "matched"}
    assert len(lines[0]["results"]) <= 10


def test_eval_reports_metrics_per_kind():
    result = run("eval", str(FIXTURES / "dev.jsonl"))
    assert result.exit_code == 0
    assert "hit@1" in result.output and "department@1" in result.output
    assert "out_of_scope" in result.output


def test_eval_rejects_a_broken_file(tmp_path: Path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"q": "a"}\nnot json\n', encoding="utf-8")
    result = run("eval", str(broken))
    assert result.exit_code == 2 and "broken.jsonl:2:" in result.output


CASE_NOTE = "失職後、家賃を2か月滞納。消費者金融の返済もあり、夜眠れないとのこと。"


def test_search_jsonl_adds_needs_next_to_the_flat_results():
    stdin = f'{{"q": "{CASE_NOTE}"}}\n借金で首が回らない\n粗大ごみ\n'
    lines = [json.loads(line) for line in run("search", "--jsonl", stdin=stdin).stdout.splitlines()]
    several, one, none = lines
    assert len(several["needs"]) > 1
    for need in several["needs"]:
        assert set(need) == {"need", "departments", "results"}
        assert need["results"] and set(need["results"][0]) == set(several["results"][0])
    assert len(one["needs"]) == 1 and one["needs"][0]["results"] == one["results"]
    assert none["abstained"] and none["needs"] == []


def test_ask_groups_a_case_note_by_need():
    result = run("ask", CASE_NOTE)
    assert result.exit_code == 0
    assert "この相談の困りごと（" in result.output
    assert "■ 借金" in result.output and "■ こころの健康" in result.output


def test_ask_narrows_a_vague_question_and_by_need():
    vague = run("ask", "生活が苦しいという相談")
    assert "困りごとで絞り込めます" in vague.output and "住まい" in vague.output
    narrowed = run("ask", "--need", "借金")
    assert narrowed.exit_code == 0 and "多重債務" in narrowed.output
    unknown = run("ask", "--need", "宇宙")
    assert unknown.exit_code == 2 and "次から選んでください" in unknown.output
    assert run("ask").exit_code == 2


def test_eval_reports_needs_at_5_for_questions_with_several_needs(tmp_path: Path):
    path = tmp_path / "multi.jsonl"
    row = {
        "q": CASE_NOTE,
        "relevant": ["3-3-3", "1-3-4", "1-3-8", "1-3-9", "1-3-10"],
        "departments": ["保護課"],
        "kind": "casenote",
        "needs": [
            {"need": "住まい", "relevant": ["3-3-3", "1-4-10"]},
            {"need": "借金", "relevant": ["1-3-4"]},
            {"need": "こころ", "relevant": ["1-3-8", "1-3-9", "1-3-10"]},
        ],
    }
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run("eval", str(path))
    assert "needs@5 1.000（困りごと 3件）" in result.output


def test_ask_cites_each_measure_as_the_plan_numbers_it():
    result = run("ask", "家賃を3か月滞納している")
    assert result.exit_code == 0
    assert "（第3期 3-(3) No.3・継続）" in result.output
