"""soudan backup PATH: a consistent copy of the usage database, safe while the bot runs."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import click

from bot.commands.errors import CommandError, CommandFailed
from bot.settings import Settings, SettingsError


@click.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=True))
@click.option("--force", is_flag=True, help="同じ名前のファイルがあれば上書きします")
def backup(path: Path, force: bool) -> None:
    """利用記録（DB_PATH）を PATH に保存します。PATH がフォルダなら日時つきの名前で保存します。"""
    from bot.backup import BackupRefused, backup_database, default_name

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise CommandError(str(error)) from None
    if path.is_dir():
        # A folder: one file a run, named by the time (a timer or cron needs no date syntax).
        path = path / default_name(datetime.now(settings.zone))
    try:
        result = backup_database(settings.db_path, path, force=force)
    except BackupRefused as error:
        raise CommandError(str(error)) from None
    except (sqlite3.Error, OSError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise CommandFailed(f"利用記録を保存できませんでした（{reason}）。") from None
    size_kb = max(1, round(result.size / 1024))
    click.echo(f"利用記録を {result.path} に保存しました（{size_kb:,} KB）。")
