"""soudan suggest: what caseworkers' corrections propose for the data files, and applying
the rows a person has reviewed.

Proposals are printed, never written: ``--csv`` gives the rows in the data files' own
format; an editor deletes what should not go in and gives the file to ``--apply``, which
appends it, checks the data and shows the question sets' numbers before and after.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import click

from bot.commands.data import data_option
from bot.commands.errors import CommandError, CommandFailed
from bot.commands.report import parse_since
from bot.commands.search import index_of
from bot.report.queries import read_corrections
from bot.settings import Settings, SettingsError
from bot.store import StoreError, connect
from index.check import split_list
from index.engine import Index, build
from index.evaluate import read_cases
from index.load import check
from index.proposals import (
    MIN_USERS,
    NOT_IN_PLAN,
    OUTSIDE,
    SITUATIONS,
    CorrectionRecord,
    Proposals,
    propose,
    read_rows,
    rows_csv,
)
from index.text import normalize

# The project's question sets, measured before and after an --apply.
DEFAULT_SETS = Path(__file__).resolve().parents[2] / "tests" / "fixtures"


@click.command("suggest")
@click.option(
    "--csv", "as_csv", is_flag=True, help="提案をデータファイルの行の形式（CSV）で出力します。"
)
@click.option("--since", metavar="YYYY-MM-DD", help="この日以降の訂正だけを使います。")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="利用記録のファイル（既定は環境変数 DB_PATH、なければ var/soudan.db）。",
)
@click.option(
    "--apply",
    "apply_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="確認済みの行（--csv の形式）をデータファイルに加え、検査と評価をします。",
)
@click.option(
    "--eval",
    "eval_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="--apply の前後に測る質問集（既定は tests/fixtures の全部）。",
)
@data_option
def suggest(
    as_csv: bool,
    since: str | None,
    db_path: Path | None,
    apply_file: Path | None,
    eval_files: tuple[Path, ...],
    data_dir: Path,
) -> None:
    """「違う」の訂正から、データに加える語を提案します（2人以上が選んだ語だけ）。"""
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise CommandError(str(error)) from None
    if apply_file is not None:
        apply_rows(apply_file, data_dir, eval_files or _default_sets())
        return
    start = parse_since(since, settings.zone)
    path = db_path or settings.db_path
    records = _records(path, start, settings) if path.exists() else []
    if not records and not as_csv:
        click.echo(render(Proposals((), (), 0, 0), None))
        return
    index = index_of(data_dir)
    proposals = propose(records, index, note=_note(start))
    if as_csv:
        click.echo(rows_csv(proposals).encode("utf-8-sig"), nl=False)
        return
    click.echo(render(proposals, index))


def _records(path: Path, start, settings: Settings) -> list[CorrectionRecord]:
    try:
        conn = connect(path)
    except (sqlite3.Error, OSError, StoreError) as error:
        raise CommandFailed(f"利用記録 {path} を開けません（{error}）。") from None
    try:
        rows = read_corrections(conn, start, settings.zone)
    except sqlite3.Error as error:
        raise CommandFailed(f"利用記録 {path} を読めません（{error}）。") from None
    finally:
        conn.close()
    return [CorrectionRecord(r.chosen, r.words, r.user_hash or "", r.shown) for r in rows]


def _note(start) -> str:
    since = f"{start:%Y-%m-%d}以降の" if start else ""
    return f"soudan suggest: {since}訂正から（{MIN_USERS}人以上）"


def render(proposals: Proposals, index: Index | None) -> str:
    if not proposals.corrections:
        return "訂正の記録はまだありません（「違う」から正しい取組が選ばれると記録されます）。"
    lines = [
        f"訂正 {proposals.corrections}件（{proposals.users}人）から、提案 {len(proposals.proposals)}件。"
        f"{MIN_USERS}人以上が同じ取組を選んだ語のうち、今のデータがまだ結び付けていないものです。"
    ]
    target = None
    for p in proposals.proposals:
        if p.target != target:
            target = p.target
            lines.append("")
            lines.append(f"■ {_title(target, index)}（{p.file}）")
        lines.append(f"  「{p.word}」 {p.users}人・{p.clicks}回  → {','.join(p.row)}")
    for measure_id, users, clicks in proposals.gone:
        lines.append("")
        lines.append(
            f"今のデータにない取組 {measure_id} への訂正 {users}人・{clicks}回"
            "（データの更新で消えた取組です。提案はしません）"
        )
    if proposals.proposals:
        lines.append("")
        lines.append(
            "加えるには: soudan suggest --csv > 提案.csv で書き出し、要らない行を消してから"
            " soudan suggest --apply 提案.csv"
        )
    return "\n".join(lines)


def _title(target: str, index: Index | None) -> str:
    if target == NOT_IN_PLAN or index is None:
        return NOT_IN_PLAN
    measure = index.data.measure(target)
    return f"{measure.short_id} {measure.title}" if measure else target


# ------------------------------------------------------------------ --apply


def apply_rows(rows_file: Path, data_dir: Path, sets: tuple[Path, ...]) -> None:
    try:
        rows = read_rows(rows_file.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise CommandError(f"{rows_file} を読めません（{error}）。") from None
    except UnicodeDecodeError:
        raise CommandError(f"{rows_file} は UTF-8 ではありません。") from None
    except ValueError as error:
        raise CommandError(f"{rows_file} {error}") from None
    before_index = index_of(data_dir)
    rows = _new_rows(rows, before_index)
    if not any(rows.values()):
        click.echo("加える行はありません（すべて既にデータにあります）。")
        return
    cases = _cases(sets)
    before = _measure(cases, before_index)
    originals = {file: (data_dir / file).read_bytes() for file in rows}
    for file, new in rows.items():
        _append(data_dir / file, new)
    result = check(data_dir)
    if result.data is None:
        for file, content in originals.items():
            (data_dir / file).write_bytes(content)
        problems = "\n".join(map(str, result.problems))
        raise CommandError(f"{problems}\nデータに問題があるため、何も加えずに元に戻しました。")
    added = "、".join(f"{file} {len(new)}行" for file, new in rows.items() if new)
    click.echo(f"加えました: {added}。データの検査: 問題ありません。")
    after = _measure(cases, build(result.data, before_index.analyzer))
    click.echo(render_eval(before, after))


def _new_rows(
    rows: dict[str, list[tuple[str, ...]]], index: Index
) -> dict[str, list[tuple[str, ...]]]:
    """The rows not already in the data (a proposal applied twice adds nothing)."""
    data = index.data
    situations = {(s.measure_id, normalize(s.phrase)) for s in data.situations}
    outside = {normalize(w) for topic in data.outside for w in topic.words}
    out: dict[str, list[tuple[str, ...]]] = {}
    for file, file_rows in rows.items():
        kept = []
        for row in file_rows:
            if file == SITUATIONS and (row[0], normalize(row[1])) in situations:
                continue
            if file == OUTSIDE and all(normalize(w) in outside for w in split_list(row[1])):
                continue
            kept.append(row)
        out[file] = kept
    return out


def _append(path: Path, rows: list[tuple[str, ...]]) -> None:
    text = path.read_text(encoding="utf-8")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    with path.open("a", encoding="utf-8", newline="") as f:
        if text and not text.endswith("\n"):
            f.write("\n")
        f.write(buffer.getvalue())


def _default_sets() -> tuple[Path, ...]:
    return tuple(sorted(DEFAULT_SETS.glob("*.jsonl"))) if DEFAULT_SETS.is_dir() else ()


def _cases(sets: tuple[Path, ...]):
    out = []
    for path in sets:
        try:
            out.append((path.name, read_cases(path)))
        except (OSError, ValueError) as error:
            raise CommandError(f"質問集 {path} を読めません（{error}）。") from None
    return out


EVAL_METRICS = (("hit@1", "hit@1"), ("hit@3", "hit@3"), ("department@1", "担当課@1"))


def _measure(cases, index: Index) -> dict[str, dict[str, float]]:
    from index.answer import answer
    from index.evaluate import evaluate

    return {
        name: evaluate(set_cases, lambda q: answer(q, index)).summary() for name, set_cases in cases
    }


def render_eval(before: dict[str, dict[str, float]], after: dict[str, dict[str, float]]) -> str:
    if not before:
        return "質問集がないため、評価はしていません（--eval で指定できます）。"
    lines = ["評価（加える前 → 加えた後）:"]
    width = max(len(name) for name in before)
    totals = dict.fromkeys((k for k, _ in EVAL_METRICS), 0.0)
    for name in before:
        cells = []
        for key, label in EVAL_METRICS:
            b, a = before[name][key], after[name][key]
            totals[key] += a - b
            cells.append(f"{label} {b:.3f} → {a:.3f}")
        lines.append(f"  {name:<{width}}  " + "  ".join(cells))
    lines.append(
        "  変化の合計: " + "  ".join(f"{label} {totals[key]:+.3f}" for key, label in EVAL_METRICS)
    )
    return "\n".join(lines)
