from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import store as store_module
from bot.service import Service
from bot.settings import Settings
from bot.store import BackgroundStore, SqliteStore
from index.engine import Index
from tests.bot.store.helpers import WAIT, make_settings


@pytest.fixture
def logged_service(tmp_path: Path, index: Index):
    settings = make_settings(tmp_path)
    store = SqliteStore(settings, busy_timeout_ms=100)
    return Service(settings, index, store), store


@pytest.fixture
def background() -> Iterator:
    made: list[BackgroundStore] = []

    def make(settings: Settings, *, busy_timeout_ms: int = 100, clock=None, **kw):
        inner = SqliteStore(
            settings, busy_timeout_ms=busy_timeout_ms, clock=clock or store_module.now_utc
        )
        made.append(BackgroundStore(inner, **kw))
        return made[-1]

    yield make
    for store in made:
        store.close(timeout=WAIT)
