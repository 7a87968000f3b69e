import threading

import pytest

from bot.slack.dedupe import EventDeduper


def test_an_event_is_new_once():
    deduper = EventDeduper()
    assert deduper.first_time("Ev1") is True
    assert deduper.first_time("Ev1") is False
    assert deduper.first_time("Ev2") is True


def test_memory_is_bounded_and_the_oldest_id_is_forgotten():
    deduper = EventDeduper(capacity=3)
    for event_id in ("a", "b", "c", "d"):
        deduper.first_time(event_id)
    assert len(deduper) == 3
    assert deduper.first_time("a") is True  # forgotten: beyond capacity
    assert deduper.first_time("d") is False


def test_a_repeated_id_stays_remembered():
    deduper = EventDeduper(capacity=2)
    deduper.first_time("a")
    deduper.first_time("b")
    deduper.first_time("a")  # seen again: now the newest
    deduper.first_time("c")  # pushes out b, not a
    assert deduper.first_time("a") is False
    assert deduper.first_time("b") is True


def test_concurrent_deliveries_are_answered_once():
    deduper = EventDeduper()
    wins: list[bool] = []
    barrier = threading.Barrier(16)

    def deliver():
        barrier.wait()
        wins.append(deduper.first_time("Ev-same"))

    threads = [threading.Thread(target=deliver) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins.count(True) == 1


def test_capacity_must_be_positive():
    with pytest.raises(ValueError):
        EventDeduper(capacity=0)


def test_shared_ledger_answers_an_event_once_across_processes(tmp_path):
    from bot.slack.dedupe import SharedEventLedger

    # Two ledgers on one file stand for two gunicorn workers.
    first = SharedEventLedger(tmp_path / "events.db")
    second = SharedEventLedger(tmp_path / "events.db")
    assert first.first_time("Ev1") is True
    assert second.first_time("Ev1") is False  # the retry reached the other worker
    assert first.first_time("Ev1") is False
    assert second.first_time("Ev2") is True


def test_shared_ledger_is_safe_from_many_threads(tmp_path):
    import threading

    from bot.slack.dedupe import SharedEventLedger

    ledgers = [SharedEventLedger(tmp_path / "events.db") for _ in range(2)]
    wins: list[str] = []
    lock = threading.Lock()

    def offer(ledger, ids):
        for event_id in ids:
            if ledger.first_time(event_id):
                with lock:
                    wins.append(event_id)

    ids = [f"Ev{i}" for i in range(200)]
    threads = [threading.Thread(target=offer, args=(ledgers[n % 2], ids)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == sorted(ids)  # each id won exactly once


def test_shared_ledger_falls_back_to_memory_when_the_file_is_unusable(tmp_path, caplog):
    from bot.slack.dedupe import SharedEventLedger

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    ledger = SharedEventLedger(blocker / "events.db")
    assert ledger.first_time("Ev1") is True
    assert ledger.first_time("Ev1") is False  # still deduplicated in this process
    assert "shared event ledger unavailable" in caplog.text


def test_shared_ledger_forgets_old_events(tmp_path):
    from bot.slack.dedupe import SharedEventLedger

    old = SharedEventLedger(tmp_path / "events.db", keep_seconds=0.0)
    assert old.first_time("Ev1") is True
    fresh = SharedEventLedger(tmp_path / "events.db", keep_seconds=0.0)
    fresh.first_time("Ev2")  # purges everything older than now
    assert SharedEventLedger(tmp_path / "events.db").first_time("Ev1") is True
