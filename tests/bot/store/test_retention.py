from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot import store as store_module
from bot.store import SqliteStore, connect, iso
from bot.store.retention import purge_question_texts
from tests.bot.store.helpers import Clock, count, db_bytes, event, make_settings, rows


def test_question_text_is_purged_after_the_retention_period(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, log_question_text=True, log_retention_days=30)
    now = datetime.now(UTC)
    clock = Clock(now - timedelta(days=31))
    store = SqliteStore(settings, clock=clock)
    store.record_answer(event(question="古い質問 ペットの世話"))
    clock.now = now - timedelta(days=29)
    store.record_answer(event(question="新しい質問 ペットの餌代"))
    clock.now = now
    store.record_answer(event(question="今日の質問"))
    texts = [t for (t,) in rows(settings.db_path, "SELECT text FROM question_texts")]
    assert len(texts) == 3  # the daily purge is not due yet

    store._last_purge -= store_module.PURGE_INTERVAL_S + 1
    store.record_answer(event(question="もう一つ"))
    texts = [t for (t,) in rows(settings.db_path, "SELECT text FROM question_texts ORDER BY at")]
    assert texts == ["新しい質問 ペットの餌代", "今日の質問", "もう一つ"]
    assert rows(settings.db_path, "SELECT COUNT(*) FROM answers") == [(4,)]  # counts stay
    store.close()
    assert "ペットの世話".encode() not in db_bytes(settings.db_path)  # overwritten, not freed


def test_purges_on_open(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, log_question_text=True, log_retention_days=1)
    SqliteStore(settings, clock=Clock(datetime.now(UTC) - timedelta(days=2))).record_answer(
        event(question="二日前の質問")
    )
    assert rows(settings.db_path, "SELECT COUNT(*) FROM question_texts") == [(1,)]
    SqliteStore(settings)
    assert rows(settings.db_path, "SELECT COUNT(*) FROM question_texts") == [(0,)]


def test_purge_question_texts_deletes_only_older_text_and_keeps_the_counts(tmp_path: Path) -> None:
    path = tmp_path / "usage.db"
    conn = connect(path)
    now = datetime.now(UTC)
    for answer_id, age in ((1, timedelta(days=2)), (2, timedelta(0))):
        at = iso(now - age)
        conn.execute(
            "INSERT INTO answers (id, at, surface, kind, results, abstained, top_ids, latency_ms)"
            " VALUES (?, ?, 'dm', 'everyday', 0, 1, '', 1)",
            (answer_id, at),
        )
        conn.execute(
            "INSERT INTO question_texts VALUES (?, ?, ?)", (answer_id, at, f"質問{answer_id}")
        )
    assert purge_question_texts(conn, now - timedelta(days=1)) == 1
    assert purge_question_texts(conn, now - timedelta(days=1)) == 0
    conn.close()
    assert rows(path, "SELECT text FROM question_texts") == [("質問2",)]
    assert count(path, "answers") == 2


def test_corrections_go_after_the_retention_period(tmp_path: Path) -> None:
    from bot.corrections import Correction

    settings = make_settings(tmp_path, log_retention_days=30)
    now = datetime.now(UTC)
    clock = Clock(now - timedelta(days=31))
    store = SqliteStore(settings, clock=clock)
    store.record_correction(
        Correction.of("3-1-4-1", (), "", ("トリマー",)), surface="dm", user_id="U1"
    )
    clock.now = now
    store.record_correction(
        Correction.of("3-1-4-1", (), "", ("家計簿",)), surface="dm", user_id="U1"
    )
    store._last_purge -= store_module.PURGE_INTERVAL_S + 1
    store.record_answer(event())
    assert rows(settings.db_path, "SELECT words FROM corrections") == [("家計簿",)]
    store.close()
    assert "トリマー".encode() not in db_bytes(settings.db_path)
