"""The usage log: one SQLite file of answered questions and feedback votes.

What is kept is what the plan's owners need (how often, from where, what was found, how
fast), never who asked or what was asked: users are an HMAC of their id, and the question
text is stored only when the operator turns it on, masked first and purged after the
retention period. A store that cannot write costs its log entry, never an answer.

Nor does an answer wait for the disk: the bot's store (``open_store``) only queues each
entry, and one writer thread per process writes the queue in batches, one transaction each.

One module a job: ``schema`` (the file, its migrations, how times are written),
``entries`` (what waits to be written), ``sqlite`` (the writer), ``retention`` (the purge
of kept text), ``background`` (the queue and its writer thread).
"""

from __future__ import annotations

import logging

from bot.masking import NameTagger
from bot.service import NullStore, Store
from bot.settings import Settings
from bot.store.background import BackgroundStore
from bot.store.retention import PURGE_INTERVAL_S
from bot.store.schema import (
    BUSY_TIMEOUT_MS,
    MIGRATIONS,
    SCHEMA_VERSION,
    StoreError,
    connect,
    iso,
    migrate,
    now_utc,
    schema_version,
)
from bot.store.sqlite import STORE_ERRORS, SqliteStore

__all__ = [
    "BUSY_TIMEOUT_MS",
    "MIGRATIONS",
    "PURGE_INTERVAL_S",
    "SCHEMA_VERSION",
    "STORE_ERRORS",
    "BackgroundStore",
    "SqliteStore",
    "StoreError",
    "connect",
    "iso",
    "migrate",
    "now_utc",
    "open_store",
    "schema_version",
]

log = logging.getLogger(__name__)


def open_store(settings: Settings, names: NameTagger | None = None) -> Store:
    """The SQLite store behind its writer thread, or a NullStore (answers still served) if
    the file cannot be opened. ``names``: see SqliteStore."""
    try:
        store = SqliteStore(settings, names=names)
    except STORE_ERRORS as error:
        log.warning(
            "usage log disabled: cannot open %s (%s: %s)",
            settings.db_path,
            type(error).__name__,
            error,
        )
        return NullStore()
    return BackgroundStore(store)
