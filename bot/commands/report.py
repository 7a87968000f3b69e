"""soudan report: the usage log's tables in a terminal, or as CSV for Excel.

No log yet is no error: it is reported as 0 questions (exit status 0).
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, tzinfo
from pathlib import Path

import click

from bot.commands.errors import CommandError, CommandFailed
from bot.report import build_report, render_csv, render_table
from bot.settings import Settings, SettingsError
from bot.store import StoreError, connect
from index.errors import DataError
from index.model import PlanData


@click.command("report")
@click.option(
    "--since",
    metavar="YYYY-MM-DD",
    help="この日（日本時間。環境変数 TZ で変更可）以降だけを集計します。",
)
@click.option(
    "--csv", "as_csv", is_flag=True, help="Excel で開ける CSV（UTF-8、BOM 付き）で出力します。"
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="利用記録のファイル（既定は環境変数 DB_PATH、なければ var/soudan.db）。",
)
def report(since: str | None, as_csv: bool, db_path: Path | None) -> None:
    """利用状況（質問数、回答なしの割合、よく返された取組など）を集計します。"""
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise CommandError(str(error)) from None
    start = parse_since(since, settings.zone)
    path = db_path or settings.db_path
    if not path.exists():
        click.echo(f"利用記録はまだありません（質問 0 件）: {path}", err=as_csv)
        return
    try:
        conn = connect(path)
    except (sqlite3.Error, OSError, StoreError) as error:
        raise CommandFailed(f"利用記録 {path} を開けません（{error}）。") from None
    try:
        tables = build_report(
            conn,
            start=start,
            data=_load_data(settings),
            analyzer=_analyzer(),
            zone=settings.zone,
        )
    except sqlite3.Error as error:
        raise CommandFailed(f"利用記録 {path} を読めません（{error}）。") from None
    finally:
        conn.close()
    if as_csv:
        # Bytes, so the BOM and UTF-8 reach the file whatever the terminal's encoding.
        click.echo(render_csv(tables).encode("utf-8-sig"), nl=False)
    else:
        click.echo(render_table(tables))


def parse_since(since: str | None, zone: tzinfo) -> datetime | None:
    """--since as midnight of that day in ``zone``; a Japanese error when it is no date."""
    if since is None:
        return None
    try:
        day = date.fromisoformat(since.strip())
        if len(since.strip()) != 10:
            raise ValueError(since)
    except ValueError:
        raise CommandError(
            f"--since の日付「{since}」が読めません。2025-04-01 のように指定してください。"
        ) from None
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def _load_data(settings: Settings) -> PlanData | None:
    from index.load import load

    try:
        return load(settings.data_dir)
    except DataError as error:
        # The log is still worth reading: the tables that need the data say they are missing.
        click.echo(error.report(), err=True)
        return None
    except OSError:
        return None


def _analyzer():
    try:
        from index.text import SudachiAnalyzer

        return SudachiAnalyzer()
    except Exception:  # without Sudachi the words are grouped as character pairs
        return None
