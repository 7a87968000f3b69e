import csv
import io
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.commands.report import report
from bot.corrections import Correction
from bot.report import JST
from bot.service import AnswerEvent
from bot.settings import Settings
from bot.store import SqliteStore
from index.model import Answer, Hit, PlanData, QuestionKind

ENV_NAMES = (
    "SLACK_BOT_TOKEN SLACK_APP_TOKEN SLACK_SIGNING_SECRET PUBLIC_BASE_URL SLACK_API_URL DATA_DIR"
    " DB_PATH HOST PORT LOG_LEVEL LOG_QUESTION_TEXT LOG_RETENTION_DAYS USER_HASH_SALT"
    " OFFICIAL_PLAN_URL TZ"
).split()


class Clock:
    now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def jst(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JST)


def record(store, clock, plan_data, when, surface, ids, latency, user=None, question="質問"):
    clock.now = jst(when)
    hits = tuple(Hit(plan_data.measure(i), 1.0) for i in ids)
    kind = QuestionKind.DEPARTMENT if surface == "web" and ids else QuestionKind.EVERYDAY
    answer = Answer(question, kind, hits, (), abstained=not ids)
    store.record_answer(AnswerEvent(surface, user, answer, latency))


def fill(db_path: Path, plan_data: PlanData, *, text: bool) -> None:
    clock = Clock()
    store = SqliteStore(
        Settings(db_path=db_path, log_question_text=text, log_retention_days=3650), clock=clock
    )
    record(
        store, clock, plan_data, "2025-04-01T10:00", "slash", ("3-1-4-10", "3-1-4-11"), 100, "U1"
    )
    record(
        store,
        clock,
        plan_data,
        "2025-04-01T23:30",  # still April 1st in Chiba, April 1st 14:30 UTC
        "dm",
        (),
        50,
        "U2",
        "ペットの世話ができなくて困っている 090-1111-2222",
    )
    record(store, clock, plan_data, "2025-04-02T00:30", "mention", ("3-1-4-10",), 900.4, "U1")
    record(store, clock, plan_data, "2025-04-02T09:00", "web", (), 30, None, "ペットの餌代と家賃")
    record(store, clock, plan_data, "2025-04-02T12:00", "web", ("3-3-3-3", "3-1-4-10"), 10)
    for helpful in (True, True, False):
        store.record_feedback("3-1-4-10", helpful, surface="slash", user_id="U1")
    store.record_feedback("3-3-3-3", False, surface="web", user_id=None)
    # 「違う」 corrections: 3-3-3-3 chosen over 3-1-4-10 by two people, one of them twice.
    for user in ("U1", "U1", "U2"):
        store.record_correction(
            Correction.of("3-3-3-3", ("3-1-4-10",), "", ("家賃",)), surface="slash", user_id=user
        )
    store.record_correction(Correction.of("計画にない", ("3-1-4-10",)), surface="dm", user_id="U3")
    store.record_correction(Correction.of("3-9-9-9", ()), surface="dm", user_id="U3")
    store.close()


@pytest.fixture
def db(tmp_path: Path, plan_data: PlanData) -> Path:
    path = tmp_path / "soudan.db"
    fill(path, plan_data, text=True)
    return path


def run(*args: str, data_dir: Path, db_path: Path | None = None):
    env = dict.fromkeys(ENV_NAMES)
    env["DATA_DIR"] = str(data_dir)
    if db_path is not None:
        env["DB_PATH"] = str(db_path)
    return CliRunner(env=env).invoke(report, list(args))


def section(text: str, title: str) -> str:
    """The lines of one ■ section of the terminal report."""
    start = text.index(f"■ {title}")
    end = text.find("\n\n■", start)
    return text[start : end if end > 0 else None]


def test_terminal_report(db: Path, data_dir: Path, plan_data: PlanData) -> None:
    result = run(data_dir=data_dir, db_path=db)
    assert result.exit_code == 0, result.output
    out = result.stdout

    summary = section(out, "概要")
    assert "質問数            5" in summary
    assert "回答なしの割合    40.0%" in summary
    assert "利用者数          2" in summary
    assert "フィードバック数  4" in summary
    assert plan_data.version.label in summary

    days = section(out, "日別の質問数").splitlines()
    assert days[3:] == ["  2025-04-01       2         1           50.0%",
                        "  2025-04-02       3         1           33.3%"]  # fmt: skip

    surfaces = section(out, "窓口別の質問数")
    assert "ウェブ                   2         1           50.0%" in surfaces
    assert "スラッシュコマンド" in surfaces and "メンション" in surfaces and "DM" in surfaces

    most = section(out, "よく返された取組").splitlines()
    assert most[3].split() == [
        "1", "3-1-4-10", plan_data.measure("3-1-4-10").title, "3", "2"
    ]  # fmt: skip

    never = section(out, "一度も返されなかった取組")
    assert "3-1-3-8" in never and plan_data.measure("3-1-3-8").title in never
    for returned in ("3-1-4-10", "3-1-4-11", "3-3-3-3"):
        assert returned not in never
    never_rows = [line for line in never.splitlines()[3:] if line.strip()]
    assert len(never_rows) == len(plan_data.plan_measures(3)) - 3

    feedback = section(out, "取組ごとのフィードバック").splitlines()
    assert feedback[3].split()[0] == "3-1-4-10" and feedback[3].split()[-2:] == ["2", "1"]
    assert feedback[4].split()[0] == "3-3-3-3" and feedback[4].split()[-2:] == ["0", "1"]

    slowest = section(out, "時間のかかった回答").splitlines()
    assert slowest[3].split() == ["2025-04-02", "00:30:00", "900", "状況の相談", "メンション", "1"]

    words = section(out, "答えられなかった質問のことば").splitlines()
    assert words[3].split()[:3] == ["ペット", "2", "未登録"]
    assert any(line.split()[:3] == ["家賃", "1", "登録済"] for line in words[3:])
    assert "〔電話〕" in section(out, "答えられなかった質問のことば")
    assert "1111-2222" not in out


def test_since_counts_from_midnight_japan_time(db: Path, data_dir: Path) -> None:
    result = run("--since", "2025-04-02", data_dir=data_dir, db_path=db)
    assert result.exit_code == 0, result.output
    summary = section(result.stdout, "概要")
    assert "集計の開始日      2025-04-02" in summary
    assert "質問数            3" in summary
    assert "2025-04-01" not in section(result.stdout, "日別の質問数")
    assert "フィードバック数  4" in summary  # cast on April 2nd


def test_csv_opens_in_excel(db: Path, data_dir: Path, plan_data: PlanData) -> None:
    result = run("--csv", "--db", str(db), data_dir=data_dir, db_path=Path("/nonexistent.db"))
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    titles = [row[0] for row in table if row and row[0].startswith("【")]
    assert titles[:3] == ["【概要】", "【日別の質問数】", "【窓口別の質問数】"]
    assert len(titles) == 11
    day = table.index(["【日別の質問数】"])
    assert table[day + 1 : day + 4] == [
        ["日付", "質問数", "回答なし", "回答なしの割合"],
        ["2025-04-01", "2", "1", "50.0%"],
        ["2025-04-02", "3", "1", "33.3%"],
    ]
    most = table.index(["【よく返された取組（上位20件）】"])
    assert table[most + 2] == ["1", "3-1-4-10", plan_data.measure("3-1-4-10").title, "3", "2"]
    assert ["質問数", "5"] in table


def test_without_question_text_the_report_says_how_to_turn_it_on(
    tmp_path: Path, data_dir: Path, plan_data: PlanData
) -> None:
    db = tmp_path / "plain.db"
    fill(db, plan_data, text=False)
    result = run(data_dir=data_dir, db_path=db)
    assert result.exit_code == 0, result.output
    assert "LOG_QUESTION_TEXT=1" in section(result.stdout, "答えられなかった質問のことば")
    assert "ペット" not in result.stdout


def test_missing_database_is_zero_questions(tmp_path: Path, data_dir: Path) -> None:
    missing = tmp_path / "none" / "soudan.db"
    result = run(data_dir=data_dir, db_path=missing)
    assert result.exit_code == 0
    assert result.stdout.strip() == f"利用記録はまだありません（質問 0 件）: {missing}"
    assert not missing.parent.exists()  # a report never creates the log


@pytest.mark.parametrize("since", ["2025/04/01", "20250401", "2025-13-01", "昨日", ""])
def test_bad_since_is_refused_in_japanese(since: str, db: Path, data_dir: Path) -> None:
    result = run("--since", since, data_dir=data_dir, db_path=db)
    assert result.exit_code == 2
    assert "--since の日付" in result.stderr and "2025-04-01 のように" in result.stderr
    assert "Traceback" not in result.output


def test_a_file_that_is_not_a_database_is_reported(tmp_path: Path, data_dir: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("これはデータベースではありません" * 100)
    result = run(data_dir=data_dir, db_path=bogus)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"利用記録 {bogus} を開けません")
    assert "Traceback" not in result.output


def test_broken_data_still_reports_the_log(db: Path, data_copy: Path) -> None:
    (data_copy / "departments.csv").unlink()
    result = run(data_dir=data_copy, db_path=db)
    assert result.exit_code == 0, result.output
    assert "departments.csv" in result.stderr
    assert "質問数            5" in result.stdout
    assert "データを読み込めないため省略しました" in result.stdout


def test_the_needs_of_case_notes_are_counted_by_label(tmp_path: Path, data_dir: Path, plan_data):
    from index.model import Need

    db_path = tmp_path / "soudan.db"
    clock = Clock()
    store = SqliteStore(Settings(db_path=db_path, log_retention_days=3650), clock=clock)
    clock.now = jst("2025-04-01T10:00")
    hits = (Hit(plan_data.measure("3-3-3-3"), 9.0), Hit(plan_data.measure("3-1-3-4"), 8.0))
    needs = (Need("住まい", hits[:1], ("保護課",)), Need("借金", hits[1:], ("消費生活センター",)))
    answer = Answer(
        "Aさん。家賃を滞納。借金もある。", QuestionKind.EVERYDAY, hits, (), False, needs=needs
    )
    store.record_answer(AnswerEvent("slash", "U1", answer, 10.0))
    store.close()

    with sqlite3.connect(db_path) as conn:
        stored = conn.execute("SELECT needs FROM answers").fetchall()
    assert stored == [("住まい;借金",)]
    out = run(data_dir=data_dir, db_path=db_path).stdout
    table = section(out, "困りごと別（困りごとが複数あった質問）")
    assert "住まい" in table and "借金" in table
    assert "困りごとが複数あった質問: 1件" in table


def test_empty_messages_are_not_counted_as_unanswered(tmp_path: Path, data_dir: Path, plan_data):
    db_path = tmp_path / "soudan.db"
    clock = Clock()
    store = SqliteStore(Settings(db_path=db_path, log_retention_days=3650), clock=clock)
    record(store, clock, plan_data, "2025-04-01T10:00", "slash", ("3-1-4-10",), 10, "U1")
    clock.now = jst("2025-04-01T10:05")
    empty = Answer("", QuestionKind.EMPTY, (), (), True)
    store.record_answer(AnswerEvent("slash", "U1", empty, 1.0))
    store.close()
    summary = section(run(data_dir=data_dir, db_path=db_path).stdout, "概要")
    assert "質問数            1" in summary
    assert "回答なしの割合    0.0%" in summary
    assert "空の質問（除外）  1" in summary


def test_corrections_count_people_per_measure_chosen_and_left(db: Path, data_dir: Path) -> None:
    result = run(data_dir=data_dir, db_path=db)
    assert result.exit_code == 0, result.output
    table = section(result.stdout, "取組ごとの訂正")
    lines = {line.split()[0]: line for line in table.splitlines() if line.strip()[:1] in "3計"}
    assert "2人・3回" in lines["3-3-3-3"] and lines["3-3-3-3"].rstrip().endswith("-")
    # 3-1-4-10 was shown first and corrected away from by three people in four clicks.
    assert lines["3-1-4-10"].rstrip().endswith("3人・4回")
    assert "1人・1回" in lines["計画にない"]
    # A measure a data update removed is still reported, not crashed on.
    assert "現在のデータにありません" in lines["3-9-9-9"]
