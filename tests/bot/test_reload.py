import csv
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.reload import Reloader, start_reloader
from bot.service import Service
from bot.settings import Settings
from index.engine import build
from index.load import load

MEASURE = "3-1-3-8"
QUESTION = "こころと命の相談室"


def edit_measure(data_dir: Path, measure_id: str, **changes: str) -> None:
    path = data_dir / "measures.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames
        rows = list(reader)
    for row in rows:
        if row["id"] == measure_id:
            row.update(changes)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def live(data_copy: Path, analyzer, tmp_path: Path) -> Service:
    settings = Settings(data_dir=data_copy, db_path=tmp_path / "soudan.db")
    return Service(settings, build(load(data_copy), analyzer))


def top_ids(service: Service, question: str = QUESTION) -> list[str]:
    return [hit.measure.id for hit in service.answer(question, surface="cli").hits]


def test_a_failed_check_keeps_the_old_data_serving_then_a_fix_is_served(
    live: Service, data_copy: Path, caplog
) -> None:
    before_version = live.data.version
    before = top_ids(live)
    assert MEASURE in before
    title = live.data.measure(MEASURE).title

    edit_measure(data_copy, MEASURE, departments="保護科")
    with caplog.at_level(logging.ERROR):
        error = live.reload()
    assert error is not None
    assert any("measures.csv" in str(p) and "保護科" in str(p) and p.column for p in error.problems)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert error.report() in logged  # the same precise lines `soudan data check` prints
    assert live.data.version == before_version
    assert top_ids(live) == before
    assert live.data.measure(MEASURE).title == title

    edit_measure(data_copy, MEASURE, departments="精神保健福祉課", title="ZZ改訂後の相談室")
    assert live.reload() is None
    assert live.data.version != before_version
    assert live.data.measure(MEASURE).title == "ZZ改訂後の相談室"


def test_sighup_reloads_the_data(live: Service, data_copy: Path) -> None:
    assert threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGHUP)
    reloader = start_reloader(live, watch_files=False)
    try:
        assert signal.getsignal(signal.SIGHUP) != previous
        edit_measure(data_copy, MEASURE, title="SIGHUPで読み直した相談室")
        os.kill(os.getpid(), signal.SIGHUP)
        assert wait_for(lambda: live.data.measure(MEASURE).title == "SIGHUPで読み直した相談室")
    finally:
        reloader.stop()
    assert signal.getsignal(signal.SIGHUP) == previous


def test_sighup_with_broken_data_keeps_serving(live: Service, data_copy: Path, caplog) -> None:
    version = live.data.version
    reloader = start_reloader(live, watch_files=False)
    try:
        edit_measure(data_copy, MEASURE, departments="保護科")
        with caplog.at_level(logging.ERROR):
            os.kill(os.getpid(), signal.SIGHUP)
            assert wait_for(lambda: "保護科" in caplog.text)
    finally:
        reloader.stop()
    assert live.data.version == version
    assert MEASURE in top_ids(live)


def test_no_signal_handler_off_the_main_thread(live: Service) -> None:
    previous = signal.getsignal(signal.SIGHUP)
    result: list[Reloader] = []
    thread = threading.Thread(target=lambda: result.append(start_reloader(live, watch_files=False)))
    thread.start()
    thread.join()
    assert result and signal.getsignal(signal.SIGHUP) == previous
    result[0].stop()


def test_watching_files_reloads_on_change_and_refuses_broken_files(
    live: Service, data_copy: Path, caplog
) -> None:
    reloader = start_reloader(live, watch_files=True, interval=0.05, debounce=0.1)
    try:
        edit_measure(data_copy, MEASURE, title="保存したら読み直す相談室")
        assert wait_for(lambda: live.data.measure(MEASURE).title == "保存したら読み直す相談室")
        version = live.data.version

        with caplog.at_level(logging.ERROR):
            edit_measure(data_copy, MEASURE, departments="保護科")
            assert wait_for(lambda: "保護科" in caplog.text)
        assert live.data.version == version
        assert MEASURE in top_ids(live)

        edit_measure(data_copy, MEASURE, departments="精神保健福祉課", title="直した相談室")
        assert wait_for(lambda: live.data.measure(MEASURE).title == "直した相談室")
    finally:
        reloader.stop()


class CountingService:
    def __init__(self, data_dir: Path):
        self.settings = Settings(data_dir=data_dir)
        self.calls = 0

    def reload(self) -> None:
        self.calls += 1


def test_a_burst_of_saves_reloads_once_after_the_files_settle(tmp_path: Path) -> None:
    (tmp_path / "measures.csv").write_text("a")
    service = CountingService(tmp_path)
    reloader = Reloader(service, interval=1.0, debounce=0.5)
    reloader.reload = lambda: setattr(service, "calls", service.calls + 1)
    state = reloader.start_watch_state()

    assert not reloader.tick(state, now=0.0)
    for n, now in enumerate((1.0, 1.2, 1.4)):
        (tmp_path / "measures.csv").write_text("ab" * (n + 1))
        assert not reloader.tick(state, now=now)  # still changing
    assert not reloader.tick(state, now=1.8)  # quiet, but not yet long enough
    assert reloader.tick(state, now=1.95)
    assert not reloader.tick(state, now=3.0)  # nothing new
    (tmp_path / "vocabulary.csv").write_text("new file")
    assert not reloader.tick(state, now=3.1)
    assert reloader.tick(state, now=3.7)
    (tmp_path / "vocabulary.csv").unlink()
    reloader.tick(state, now=4.0)
    assert reloader.tick(state, now=4.6)
    assert service.calls == 3


def test_a_reload_that_raises_does_not_kill_the_watcher(tmp_path: Path, caplog) -> None:
    class Broken(CountingService):
        def reload(self) -> None:
            self.calls += 1
            raise RuntimeError("boom")

    service = Broken(tmp_path)
    reloader = Reloader(service, interval=0.05, debounce=0)
    with caplog.at_level(logging.ERROR):
        reloader.reload()
        assert wait_for(lambda: service.calls == 1 and "still serving" in caplog.text)
        reloader.reload()
        assert wait_for(lambda: service.calls == 2)
