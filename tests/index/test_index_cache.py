"""The stored built index: read back instead of building, never of a question, never fatal."""

from __future__ import annotations

import gc
import pickle
from dataclasses import replace

import pytest

from bot.service import build_index
from index.answer import answer
from index.index_cache import PREFIX, SUFFIX, index_key, load_index, save_index
from index.model import DataVersion
from tests.conftest import SpaceAnalyzer
from tests.factories import make_measure, make_plan_data
from tests.index.test_analysis_cache import CountingAnalyzer


@pytest.fixture(autouse=True)
def _unfreeze():
    # build_index freezes what it built; the other tests expect a collector that collects.
    yield
    gc.unfreeze()


def _data(digest: str = "aaaa"):
    data = make_plan_data(
        make_measure("3-1-1-1", "家計 相談", summary="家計 改善 支援"),
        make_measure("3-1-1-2", "住居 確保 給付金", summary="家賃 支給"),
    )
    return replace(data, version=DataVersion(digest, "2026-01-01"))


def _ranked(index, query: str) -> list[tuple[str, float, tuple]]:
    return [(h.measure.id, h.score, h.why) for h in answer(query, index).hits]


def _stored(directory):
    return list(directory.glob(f"{PREFIX}*{SUFFIX}"))


def test_a_later_start_reads_the_index_and_analyses_nothing_of_the_data(tmp_path):
    data = _data()
    built = build_index(data, tmp_path, CountingAnalyzer())
    assert len(_stored(tmp_path)) == 1

    later = CountingAnalyzer()
    loaded = build_index(data, tmp_path, later)
    assert later.texts == []
    assert loaded.analyzer is later and loaded.data is data
    for query in ("家賃 支給", "家計 相談", "支援"):
        assert _ranked(loaded, query) == _ranked(built, query)
    # Questions still meet the analyzer of this process.
    assert "家計 相談" in later.texts


def test_no_question_reaches_the_stored_index(tmp_path):
    data = _data()
    index = build_index(data, tmp_path, SpaceAnalyzer())
    answer("田中 さん 家賃 滞納", index)
    save_index(tmp_path, data, index)  # even when written after questions
    (path,) = _stored(tmp_path)
    assert "田中".encode() not in path.read_bytes()


def test_new_data_gets_a_new_file_and_the_old_one_goes(tmp_path):
    old, new = _data("aaaa"), _data("bbbb")
    assert index_key(old) != index_key(new)
    build_index(old, tmp_path, SpaceAnalyzer())
    (before,) = _stored(tmp_path)
    analyzer = CountingAnalyzer()
    build_index(new, tmp_path, analyzer)
    (after,) = _stored(tmp_path)
    assert after != before and analyzer.texts


@pytest.mark.parametrize(
    "body",
    [b"", b"not a pickle", pickle.dumps({"an": "index"}), pickle.dumps(1)[:-1]],
    ids=["empty", "garbage", "not-an-index", "truncated"],
)
def test_a_damaged_file_is_built_again(tmp_path, caplog, body):
    data = _data()
    build_index(data, tmp_path, SpaceAnalyzer())
    (path,) = _stored(tmp_path)
    path.write_bytes(body)
    analyzer = CountingAnalyzer()
    assert load_index(tmp_path, data, analyzer) is None
    index = build_index(data, tmp_path, analyzer)
    assert "unreadable" in caplog.text or "no index" in caplog.text
    assert answer("家計", index).hits[0].measure.id == "3-1-1-1"
    assert load_index(tmp_path, data, SpaceAnalyzer()) is not None, "written anew"


def test_an_unwritable_directory_costs_only_time(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    index = build_index(_data(), blocked / "cache", SpaceAnalyzer())
    assert answer("家計", index).hits[0].measure.id == "3-1-1-1"
    assert "not written" in caplog.text


def test_without_a_directory_nothing_is_read_or_written(tmp_path):
    index = build_index(_data(), None, SpaceAnalyzer())
    assert answer("家計", index).hits[0].measure.id == "3-1-1-1"
    assert list(tmp_path.iterdir()) == []
