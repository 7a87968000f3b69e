import logging
from pathlib import Path

from bot.service import NullStore, Service
from bot.store import BackgroundStore, SqliteStore, open_store
from index.engine import Index
from tests.bot.store.helpers import WAIT, event, make_settings, rows


def test_an_unwritable_path_falls_back_to_no_log(tmp_path: Path, index: Index, caplog) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    settings = make_settings(tmp_path, db_path=blocker / "soudan.db")
    with caplog.at_level(logging.WARNING):
        store = open_store(settings)
    assert isinstance(store, NullStore)
    assert len([r for r in caplog.records if r.name == "bot.store"]) == 1
    assert Service(settings, index, store).answer("家賃が払えない", surface="dm").hits


def test_open_store_returns_the_sqlite_store_behind_its_writer_thread(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = open_store(settings)
    assert isinstance(store, BackgroundStore) and isinstance(store.store, SqliteStore)
    try:
        store.record_answer(event())
        store.record_feedback("3-1-4-10", True, surface="dm", user_id="U1")
        assert store.flush(timeout=WAIT)
        assert rows(settings.db_path, "SELECT COUNT(*) FROM answers") == [(1,)]
        assert rows(settings.db_path, "SELECT COUNT(*) FROM feedback") == [(1,)]
        assert store.dropped == 0
    finally:
        store.close()
