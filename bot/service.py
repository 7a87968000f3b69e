"""The one object every surface talks to: current data, answer(), feedback, reload.

Surfaces never touch the index or the store directly, so a reload swaps everything at
once and a broken store never costs an answer.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.corrections import Correction, question_words
from bot.settings import Settings
from bot.surfaces import Surface
from index.analysis_cache import AnalysisCache
from index.answer import answer as answer_question
from index.answer import answer_need
from index.engine import Index, build
from index.errors import DataError
from index.index_cache import load_index, save_index
from index.load import load
from index.model import Answer, Measure, PlanData
from index.pick import pick_measures
from index.text import Analyzer, SudachiAnalyzer

log = logging.getLogger(__name__)


def build_index(data: PlanData, cache_dir: Path | None, analyzer: Analyzer | None = None) -> Index:
    """The index over ``data``: the one stored under ``cache_dir`` for this data version
    (index.index_cache), else built from the data's stored analyses and stored.

    The index is millions of long-lived objects: left to the cyclic garbage collector, its
    first full pass after a build stops one answer for 0.2 s at 100 times this plan. They
    are set aside (gc.freeze) once built; the index holds no reference cycles, so the one
    a reload replaces is still freed when the last reference goes."""
    gc.unfreeze()
    analyzer = analyzer or SudachiAnalyzer()
    index = load_index(cache_dir, data, analyzer) if cache_dir is not None else None
    if index is None:
        # No directory, nothing kept: the analyses would only be held to be written nowhere.
        cache = AnalysisCache.open(cache_dir, data) if cache_dir is not None else None
        index = build(data, analyzer, cache=cache)
        if cache_dir is not None:
            save_index(cache_dir, data, index)
    gc.collect()
    gc.freeze()
    return index


@dataclass(frozen=True, slots=True)
class AnswerEvent:
    """What the store keeps of one answered question: never the text unless allowed."""

    surface: Surface
    user_id: str | None
    answer: Answer
    latency_ms: float


class Store(Protocol):
    """The usage log. Called on the answer path: it must return at once and may drop the
    entry, never raise for a database that cannot be written."""

    def record_answer(self, event: AnswerEvent) -> None: ...
    def record_feedback(
        self, measure_id: str, helpful: bool, *, surface: Surface, user_id: str | None
    ) -> None: ...

    def record_correction(
        self, correction: Correction, *, surface: Surface, user_id: str | None
    ) -> None: ...


class NullStore:
    def record_answer(self, event: AnswerEvent) -> None:
        pass

    def record_feedback(
        self, measure_id: str, helpful: bool, *, surface: Surface, user_id: str | None
    ) -> None:
        pass

    def record_correction(
        self, correction: Correction, *, surface: Surface, user_id: str | None
    ) -> None:
        pass

    def flush(self, timeout: float | None = None) -> bool:
        return True

    def close(self, timeout: float | None = None) -> bool:
        return True


class Service:
    def __init__(self, settings: Settings, index: Index, store: Store | None = None):
        self.settings = settings
        self._index = index
        self.store: Store = store or NullStore()
        self._reload_lock = threading.Lock()

    @property
    def index(self) -> Index:
        return self._index

    @property
    def data(self) -> PlanData:
        return self._index.data

    def answer(self, question: str, *, surface: Surface, user_id: str | None = None) -> Answer:
        return self._recorded(lambda: answer_question(question, self._index), surface, user_id)

    def answer_need(self, label: str, *, surface: Surface, user_id: str | None = None) -> Answer:
        """The measures of one need, as if it had been asked (a narrowing button)."""
        return self._recorded(lambda: answer_need(label, self._index), surface, user_id)

    def _recorded(self, ask, surface: Surface, user_id: str | None) -> Answer:
        started = time.perf_counter()
        result = ask()
        latency_ms = (time.perf_counter() - started) * 1000
        try:
            self.store.record_answer(AnswerEvent(surface, user_id, result, latency_ms))
        except Exception:  # the log entry is worth less than the answer
            log.warning("usage store failed; answer sent without logging it", exc_info=True)
        return result

    def feedback(
        self, measure_id: str, helpful: bool, *, surface: Surface, user_id: str | None = None
    ) -> None:
        try:
            self.store.record_feedback(measure_id, helpful, surface=surface, user_id=user_id)
        except Exception:
            log.warning("usage store failed to record feedback", exc_info=True)

    @property
    def learning(self) -> bool:
        """Whether 「違う」 asks what was right (LEARN_FROM_CORRECTIONS)."""
        return self.settings.learn_from_corrections

    def correct(
        self, correction: Correction, *, surface: Surface, user_id: str | None = None
    ) -> bool:
        """Record what was right instead; False when learning is off or the store failed."""
        if not self.learning:
            return False
        try:
            self.store.record_correction(correction, surface=surface, user_id=user_id)
        except Exception:
            log.warning("usage store failed to record a correction", exc_info=True)
            return False
        return True

    def question_words(self, question: str) -> tuple[str, ...]:
        """What a correction may keep of ``question`` (bot.corrections); () when learning
        is off or the analysis fails, so no answer is lost to it."""
        if not self.learning:
            return ()
        try:
            return question_words(question, self._index.analyzer)
        except Exception as error:  # the message must not carry the text
            log.warning("question words not kept: %s", type(error).__name__)
            return ()

    def pick_measures(self, typed: str, limit: int) -> tuple[Measure, ...]:
        """The current plan's measures for what is typed in a 「正しい取組は？」 select."""
        return pick_measures(self._index, typed, limit)

    def reload(self) -> DataError | None:
        """Reload the data files. On failure keep serving the old data and return the error."""
        with self._reload_lock:
            try:
                data = load(self.settings.data_dir)
            except DataError as error:
                log.error(
                    "data reload refused; still serving %s\n%s",
                    self.data.version.label,
                    error.report(),
                )
                return error
            if data.version == self.data.version:
                return None
            self._index = build_index(data, self.settings.cache_dir, self._index.analyzer)
            log.info("data reloaded: %s", data.version.label)
            return None
