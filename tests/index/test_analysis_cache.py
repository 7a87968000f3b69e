"""The stored analyses of the data: reused across builds, never of a question, never fatal."""

from __future__ import annotations

from dataclasses import replace

from index.analysis_cache import PREFIX, AnalysisCache
from index.answer import answer
from index.engine import build
from index.model import DataVersion
from tests.conftest import SpaceAnalyzer
from tests.factories import make_measure, make_plan_data


class CountingAnalyzer(SpaceAnalyzer):
    def __init__(self) -> None:
        self.texts: list[str] = []

    def tokens(self, text):
        self.texts.append(text)
        return super().tokens(text)


def _data(digest: str = "aaaa"):
    data = make_plan_data(
        make_measure("3-1-1-1", "家計 相談", summary="家計 改善 支援"),
        make_measure("3-1-1-2", "住居 確保 給付金", summary="家賃 支給"),
    )
    return replace(data, version=DataVersion(digest, "2026-01-01"))


def _scores(index, query: str) -> list[tuple[str, float]]:
    return [(h.measure.id, h.score) for h in answer(query, index).hits]


def test_a_second_build_reads_the_stored_analyses_and_ranks_the_same(tmp_path):
    data = _data()
    first = CountingAnalyzer()
    built = build(data, first, cache=AnalysisCache.open(tmp_path, data))
    assert first.texts, "the first build analyses the data"
    assert list(tmp_path.glob(f"{PREFIX}*.json"))

    second = CountingAnalyzer()
    rebuilt = build(data, second, cache=AnalysisCache.open(tmp_path, data))
    assert second.texts == []
    assert _scores(rebuilt, "家賃 支給") == _scores(built, "家賃 支給")


def test_questions_meet_the_analyzer_and_are_never_stored(tmp_path):
    data = _data()
    analyzer = CountingAnalyzer()
    index = build(data, analyzer, cache=AnalysisCache.open(tmp_path, data))
    answer("田中 さん 家賃 滞納", index)
    assert "田中 さん 家賃 滞納" in analyzer.texts
    stored = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.json"))
    assert "田中" not in stored


def test_new_data_gets_a_new_file_and_the_old_one_goes(tmp_path):
    old, new = _data("aaaa"), _data("bbbb")
    build(old, SpaceAnalyzer(), cache=AnalysisCache.open(tmp_path, old))
    (before,) = tmp_path.glob(f"{PREFIX}*.json")
    analyzer = CountingAnalyzer()
    build(new, analyzer, cache=AnalysisCache.open(tmp_path, new))
    (after,) = tmp_path.glob(f"{PREFIX}*.json")
    assert after != before and analyzer.texts


def test_a_damaged_file_is_analysed_again(tmp_path, caplog):
    data = _data()
    build(data, SpaceAnalyzer(), cache=AnalysisCache.open(tmp_path, data))
    (path,) = tmp_path.glob(f"{PREFIX}*.json")
    path.write_text('{"texts": {"家計": [[1, 2]]', encoding="utf-8")
    analyzer = CountingAnalyzer()
    index = build(data, analyzer, cache=AnalysisCache.open(tmp_path, data))
    assert analyzer.texts and "unreadable" in caplog.text
    assert answer("家計", index).hits[0].measure.id == "3-1-1-1"


def test_an_unwritable_directory_costs_only_time(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    data = _data()
    cache = AnalysisCache.open(blocked / "cache", data)
    index = build(data, SpaceAnalyzer(), cache=cache)
    assert answer("家計", index).hits[0].measure.id == "3-1-1-1"
    assert "not written" in caplog.text


def test_without_a_directory_nothing_is_written(tmp_path):
    data = _data()
    cache = AnalysisCache.open(None, data)
    build(data, SpaceAnalyzer(), cache=cache)
    assert cache.size > 0 and not cache.save()
