"""soudan suggest: proposals from the usage log, and --apply of reviewed rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from bot.commands.suggest import suggest
from bot.corrections import NOT_IN_PLAN, Correction
from bot.settings import Settings
from bot.store import SqliteStore
from tests.bot.store.helpers import Clock

DEV = Path(__file__).resolve().parents[2] / "fixtures" / "dev.jsonl"


def fill(db: Path, when: datetime | None = None) -> None:
    store = SqliteStore(
        Settings(db_path=db, log_retention_days=3650), clock=Clock(when or datetime.now(UTC))
    )
    for user in ("U1", "U2", "U2"):
        store.record_correction(
            Correction.of("3-1-4-1", ("3-3-3-3",), "", ("トリマー", "家計")),
            surface="slash",
            user_id=user,
        )
    store.record_correction(
        Correction.of(NOT_IN_PLAN, (), "", ("トリミング",)), surface="dm", user_id="U1"
    )
    store.record_correction(
        Correction.of("3-9-9-9", (), "", ("トリマー",)), surface="dm", user_id="U3"
    )
    store.close()


def run(*args: str):
    return CliRunner().invoke(suggest, list(args))


def test_lists_proposals_with_people_and_clicks(tmp_path: Path, data_dir: Path) -> None:
    db = tmp_path / "soudan.db"
    fill(db)
    result = run("--db", str(db), "--data", str(data_dir))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "訂正 5件（3人）" in out
    assert "■ 1-4-1 家計改善支援事業の実施（situations.csv）" in out
    assert "「トリマー」 2人・3回  → 3-1-4-1,トリマー" in out
    assert "家計」" not in out  # the data already leads 家計 there
    assert "トリミング" not in out  # one person only
    assert "3-9-9-9" in out and "消えた取組" in out


def test_csv_is_the_rows_of_the_data_files(tmp_path: Path, data_dir: Path) -> None:
    db = tmp_path / "soudan.db"
    fill(db)
    result = run("--csv", "--db", str(db), "--data", str(data_dir))
    assert result.exit_code == 0
    assert result.stdout_bytes.decode("utf-8-sig") == "id,phrase\n3-1-4-1,トリマー\n"


def test_since_leaves_older_corrections_out(tmp_path: Path, data_dir: Path) -> None:
    db = tmp_path / "soudan.db"
    fill(db, datetime(2025, 4, 1, tzinfo=UTC))
    result = run("--since", "2025-05-01", "--db", str(db), "--data", str(data_dir))
    assert result.exit_code == 0 and "訂正の記録はまだありません" in result.output
    assert run("--since", "5月", "--db", str(db)).exit_code == 2


def test_no_log_is_no_error(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "none.db"))
    assert result.exit_code == 0 and "訂正の記録はまだありません" in result.output


def test_apply_appends_checks_and_measures_before_and_after(tmp_path, data_copy) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "\ufeffid,phrase\r\n3-1-4-1,トリマー\r\n\r\ncategory,words,note\r\n利用者の訂正から,トリミング,確認済み\r\n",
        encoding="utf-8",
    )
    result = run("--apply", str(rows), "--data", str(data_copy), "--eval", str(DEV))
    assert result.exit_code == 0, result.output
    assert "situations.csv 1行、outside.csv 1行" in result.output
    assert "dev.jsonl" in result.output and "hit@1" in result.output and "→" in result.output
    assert (
        (data_copy / "situations.csv").read_text(encoding="utf-8").endswith("\n3-1-4-1,トリマー\n")
    )
    assert "利用者の訂正から,トリミング,確認済み\n" in (data_copy / "outside.csv").read_text(
        encoding="utf-8"
    )


def test_apply_that_breaks_the_data_changes_nothing(tmp_path, data_copy) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("id,phrase\n3-1-4-1,トリマー\n3-9-9-9,ないはずの取組\n", encoding="utf-8")
    before = (data_copy / "situations.csv").read_bytes()
    result = run("--apply", str(rows), "--data", str(data_copy), "--eval", str(DEV))
    assert result.exit_code == 2
    assert "situations.csv" in result.output and "3-9-9-9" in result.output
    assert "元に戻しました" in result.output
    assert (data_copy / "situations.csv").read_bytes() == before


def test_apply_refuses_a_file_that_is_no_data_file_s_rows(tmp_path, data_copy) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("measure,word\n3-1-4-1,トリマー\n", encoding="utf-8")
    result = run("--apply", str(rows), "--data", str(data_copy))
    assert result.exit_code == 2 and "1行目" in result.output
    assert "Traceback" not in result.output
