"""soudan data check | dump | diff through click, as a person at a terminal would."""

import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli import cli


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_check_passes_with_a_one_line_summary(data_dir: Path):
    result = run("data", "check", "--data", str(data_dir))
    assert result.exit_code == 0
    assert "第３期 97件・第２期 54件" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_check_lists_every_problem_and_exits_2(data_copy: Path):
    path = data_copy / "measures.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",保護課,", ",保護科,", 1), encoding="utf-8")
    (data_copy / "sections.csv").write_bytes(
        (data_copy / "sections.csv").read_text(encoding="utf-8").encode("cp932")
    )
    result = run("data", "check", "--data", str(data_copy))
    assert result.exit_code == 2
    assert "未登録の担当課「保護科」" in result.output
    assert "sections.csv:" in result.output and "Shift_JIS" in result.output
    assert "Traceback" not in result.output


def test_dump_is_every_row_of_both_plans_in_plan_order(data_dir: Path):
    result = run("data", "dump", "--data", str(data_dir))
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 151
    assert [r["plan"] for r in rows] == sorted(r["plan"] for r in rows)
    assert set(rows[0]) == {
        "id", "plan", "section", "section_title", "no", "title", "summary",
        "departments", "status", "predecessor", "successor",
    }  # fmt: skip
    by_id = {r["id"]: r for r in rows}
    assert by_id["2-1-2-4"]["status"] == "終了" and by_id["2-1-2-4"]["successor"] is None
    assert {r["status"] for r in rows if r["plan"] == 3} == {"新規", "継続"}


def test_diff_shows_character_changes_of_one_measure(data_dir: Path):
    result = run("data", "diff", "1-1-3", "--data", str(data_dir))
    assert result.exit_code == 0
    assert "第3期 1-(1) No.3" in result.output and "← 第2期 1-(1) No.2" in result.output
    assert "[-就職氷河期世代等への支援の実施-]" in result.output


def test_diff_of_new_and_unknown_measures(data_dir: Path):
    new = run("data", "diff", "3-1-4-8", "--data", str(data_dir))
    assert "新規" in new.output
    missing = run("data", "diff", "9-9-9", "--data", str(data_dir))
    assert missing.exit_code == 2 and "見つかりません" in missing.output


def test_help_documents_the_exit_codes():
    result = run("--help")
    assert result.exit_code == 0
    assert "終了コード" in result.output
    for code in ("0", "1", "2"):
        assert f"  {code}  " in result.output


def test_errors_are_one_japanese_message_without_an_english_prefix(data_dir: Path):
    result = CliRunner().invoke(cli, ["data", "diff", "9-9-9", "--data", str(data_dir)])
    assert result.exit_code == 2
    assert result.stderr.strip() == "取組「9-9-9」は見つかりません。"
    assert "Error" not in result.output
