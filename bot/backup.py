"""A copy of the usage database taken while the bot keeps writing to it.

SQLite's online backup API (``sqlite3.Connection.backup``) reads one consistent snapshot;
a file copy of a live WAL database can miss the log or catch a page half written. The copy
is written to a temporary file beside the target, checked, and only then renamed into
place: a failed or interrupted backup never leaves a broken file under the target's name,
and ``--force`` never loses the old copy before the new one is whole.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from index.errors import SoudanError

BUSY_TIMEOUT_S = 10.0


class BackupRefused(SoudanError):
    """What was asked cannot be done as asked (no database, the target exists)."""


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    size: int  # bytes


def default_name(now: datetime) -> str:
    return f"soudan-{now:%Y%m%d-%H%M%S}.db"


def backup_database(source: Path, target: Path, *, force: bool = False) -> BackupResult:
    """Copy the database at ``source`` to ``target``. Raises BackupRefused for a missing
    source or an existing target (unless ``force``), sqlite3.Error or OSError otherwise."""
    if not source.is_file():
        raise BackupRefused(f"利用記録 {source} がありません（DB_PATH を確かめてください）。")
    if target.exists() and not force:
        raise BackupRefused(
            f"{target} はすでにあります。上書きするときは --force を付けてください。"
        )
    if target.exists() and not target.is_file():
        raise BackupRefused(f"{target} はファイルではないため、上書きできません。")
    if not target.parent.is_dir():
        raise BackupRefused(f"保存先のフォルダ {target.parent} がありません。")
    if target.resolve() == source.resolve():
        raise BackupRefused("保存先が利用記録そのものです。別の場所を指定してください。")

    # Owner-only from the first byte, like the database itself (it may hold question text).
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    partial = Path(name)
    try:
        _copy(source, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, target.stat().st_size)


def _copy(source: Path, partial: Path) -> None:
    # mode=ro: the backup never writes to (or creates) the live database.
    uri = f"file:{source.resolve()}?mode=ro"
    with (
        contextlib.closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)) as live,
        contextlib.closing(sqlite3.connect(partial, isolation_level=None)) as copy,
    ):
        # All pages in one step (pages=-1): one read transaction, one snapshot. Copied a
        # few pages at a time, each write by the bot would restart the copy, which under
        # steady use might never finish; in WAL mode the read blocks no writer.
        live.backup(copy, pages=-1)
        # The copy stands alone: no -wal file beside it to keep or lose.
        copy.execute("PRAGMA journal_mode = DELETE")
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise sqlite3.DatabaseError(f"integrity_check: {result}")
