import hashlib
import hmac
import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.masking import NAME, PHONE
from bot.service import Service
from bot.store import SqliteStore
from index.engine import Index
from index.model import QuestionKind
from tests.bot.store.helpers import (
    QUESTION,
    db_bytes,
    event,
    make_settings,
    rows,
    write_from_eight_threads,
)


def test_records_what_was_answered_but_not_the_question(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = SqliteStore(settings)
    ids = ("3-1-4-10", "3-1-4-11", "3-3-3-3", "3-1-1-1", "3-1-1-2", "3-1-1-3")
    store.record_answer(event("mention", ids=ids))
    store.record_answer(event("web", user=None, ids=(), kind=QuestionKind.EMPTY))
    store.close()
    (first, second) = rows(
        settings.db_path,
        "SELECT at, surface, kind, results, abstained, top_ids, latency_ms, user_hash"
        " FROM answers ORDER BY id",
    )
    at = datetime.fromisoformat(first[0])
    assert at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - at) < timedelta(minutes=1)
    assert first[1:7] == ("mention", "everyday", 6, 0, ",".join(ids[:5]), 12.3)
    assert first[7] and "U123" not in first[7]
    assert second[1:8] == ("web", "empty", 0, 1, "", 12.3, None)
    assert rows(settings.db_path, "SELECT COUNT(*) FROM question_texts") == [(0,)]
    data = db_bytes(settings.db_path)
    for secret in (QUESTION, "田中花子", "090-1234-5678", "家賃が払えない", "U123"):
        assert secret.encode() not in data


def test_user_hash_is_a_keyed_hash_stable_across_restarts(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    first = SqliteStore(settings)
    again = SqliteStore(settings)
    assert first.user_hash("U1") == again.user_hash("U1") != first.user_hash("U2")
    assert first.user_hash(None) is None
    (salt,) = rows(settings.db_path, "SELECT value FROM meta WHERE key = 'user_hash_salt'")[0]
    assert len(salt) == 64
    elsewhere = SqliteStore(make_settings(tmp_path, db_path=tmp_path / "other.db"))
    assert elsewhere.user_hash("U1") != first.user_hash("U1")  # a fresh random salt

    configured = SqliteStore(make_settings(tmp_path, user_hash_salt="pepper"))
    expected = hmac.new(b"pepper", b"U1", hashlib.sha256).hexdigest()[:32]
    assert configured.user_hash("U1") == expected


def test_records_feedback_votes(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = SqliteStore(settings)
    store.record_feedback("3-1-4-10", True, surface="slash", user_id="U1")
    store.record_feedback("3-1-4-10", False, surface="web", user_id=None)
    assert rows(
        settings.db_path, "SELECT measure_id, helpful, surface, user_hash IS NULL FROM feedback"
    ) == [("3-1-4-10", 1, "slash", 0), ("3-1-4-10", 0, "web", 1)]


def test_question_text_is_kept_masked_only_when_the_operator_allows_it(
    tmp_path: Path, analyzer
) -> None:
    settings = make_settings(tmp_path, log_question_text=True)
    store = SqliteStore(settings, names=analyzer)
    store.record_answer(event(ids=()))
    store.close()
    assert rows(settings.db_path, "SELECT text FROM question_texts") == [
        (f"{NAME}さん {PHONE} 家賃が払えない",)
    ]
    data = db_bytes(settings.db_path)
    assert "家賃が払えない".encode() in data
    assert "田中花子".encode() not in data and b"1234-5678" not in data


def test_eight_threads_and_two_workers_write_at_once_without_losing_an_entry(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path, log_question_text=True)
    workers = [SqliteStore(settings), SqliteStore(settings)]
    assert write_from_eight_threads(workers, 40) == []
    assert [w.dropped for w in workers] == [0, 0]
    assert rows(settings.db_path, "SELECT COUNT(*), COUNT(DISTINCT user_hash) FROM answers") == [
        (320, 8)
    ]
    assert rows(settings.db_path, "SELECT COUNT(*) FROM question_texts") == [(320,)]
    assert rows(settings.db_path, "SELECT COUNT(*) FROM feedback") == [(32,)]


def test_a_locked_database_costs_only_the_log_entry(logged_service, caplog) -> None:
    service, store = logged_service
    expected = service.answer("家賃が払えない", surface="slash")
    assert expected.hits
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with caplog.at_level(logging.WARNING):
            result = service.answer("家賃が払えない", surface="slash", user_id="U9")
            service.feedback("3-1-4-10", True, surface="slash", user_id="U9")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert [h.measure.id for h in result.hits] == [h.measure.id for h in expected.hits]
    assert store.dropped == 2
    assert "database is locked" in caplog.text
    assert "家賃" not in caplog.text
    service.answer("家賃が払えない", surface="slash")
    assert rows(store.path, "SELECT COUNT(*) FROM answers") == [(2,)]


def test_a_full_database_costs_only_the_log_entry(logged_service) -> None:
    service, store = logged_service
    conn = store._conn()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    for _ in range(200):
        result = service.answer("家賃が払えない", surface="web")
        assert result.hits
    assert store.dropped > 0


def test_a_store_that_breaks_later_never_costs_an_answer(tmp_path: Path, index: Index) -> None:
    settings = make_settings(tmp_path)
    store = SqliteStore(settings)
    store.close()
    settings.db_path.unlink()
    settings.db_path.parent.rmdir()
    settings.db_path.parent.write_text("the folder became a file")
    service = Service(settings, index, store)
    assert service.answer("家賃が払えない", surface="dm").hits
    assert store.dropped == 1


def test_records_a_correction_as_words_without_order_or_the_user(tmp_path: Path) -> None:
    from bot.corrections import Correction

    settings = make_settings(tmp_path)
    store = SqliteStore(settings)
    correction = Correction.of("3-1-4-1", ("3-3-3-3", "3-1-4-10"), "住まい", ("滞納", "家賃"))
    store.record_correction(correction, surface="slash", user_id="U123")
    store.close()
    [(chosen, shown, need, words, surface, user_hash)] = rows(
        settings.db_path,
        "SELECT chosen, shown, need, words, surface, user_hash FROM corrections",
    )
    assert (chosen, shown, need, words, surface) == (
        "3-1-4-1",
        "3-3-3-3,3-1-4-10",
        "住まい",
        "家賃 滞納",
        "slash",
    )
    assert user_hash == store.user_hash("U123") and "U123" not in user_hash
