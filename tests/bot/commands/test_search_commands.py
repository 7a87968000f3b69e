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
