"""What the usage-log tests share: entries to record and a look into the database."""

import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path

from bot.service import AnswerEvent
from bot.settings import Settings
from index.model import Answer, Hit, Measure, QuestionKind
from tests.factories import make_measure

QUESTION = "田中花子さん 090-1234-5678 家賃が払えない"
ROOT = Path(__file__).resolve().parents[3]
WAIT = 30.0  # a bound on waits that end at once when all is well, never a measured time


def measure(measure_id: str) -> Measure:
    return make_measure(measure_id, f"取組{measure_id}", summary="概要", section_title="節")


def answer(question: str = QUESTION, ids: tuple[str, ...] = ("3-1-4-10",), **kw) -> Answer:
    hits = tuple(Hit(measure(i), 1.0 / (n + 1)) for n, i in enumerate(ids))
    return Answer(
        question=question,
        kind=kw.pop("kind", QuestionKind.EVERYDAY),
        hits=hits,
        departments=("保護課",),
        abstained=kw.pop("abstained", not ids),
        **kw,
    )


def event(surface: str = "slash", user: str | None = "U123", **kw) -> AnswerEvent:
    return AnswerEvent(surface, user, answer(**kw), 12.34)


def make_settings(tmp_path: Path, **kw) -> Settings:
    return Settings(db_path=kw.pop("db_path", tmp_path / "var" / "soudan.db"), **kw)


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def db_bytes(path: Path) -> bytes:
    # The main file and its WAL and shared-memory companions: text may hide in any of them.
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def write_from_eight_threads(workers: list, per_thread: int) -> list[BaseException]:
    """Eight threads record answers (every tenth with a vote) through two stores at once."""
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def write(n: int) -> None:
        try:
            start.wait()
            worker = workers[n % 2]
            for i in range(per_thread):
                worker.record_answer(event(user=f"U{n}", question=f"質問 {n} {i}"))
                if i % 10 == 0:
                    worker.record_feedback("3-1-4-10", True, surface="dm", user_id=f"U{n}")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def wait_for(condition, timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def count(path: Path, table: str) -> int:
    return rows(path, f"SELECT COUNT(*) FROM {table}")[0][0]
