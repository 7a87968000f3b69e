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
