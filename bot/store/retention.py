"""Kept question text and corrections go after the retention period; the counts stay."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.store.schema import iso

PURGE_INTERVAL_S = 24 * 60 * 60  # how often a running store purges


def purge_question_texts(conn: sqlite3.Connection, before: datetime) -> int:
    """Delete the question text kept from before ``before``; returns how many went."""
    deleted = conn.execute("DELETE FROM question_texts WHERE at < ?", (iso(before),)).rowcount
    if deleted:
        # Let the overwritten pages leave the WAL too.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return deleted


def purge_corrections(conn: sqlite3.Connection, before: datetime) -> int:
    """Delete the corrections (and their words) from before ``before``; returns how many."""
    deleted = conn.execute("DELETE FROM corrections WHERE at < ?", (iso(before),)).rowcount
    if deleted:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return deleted
