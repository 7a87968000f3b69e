"""Shared fixtures: the real data, one Sudachi analyzer, one index, a Service over them.

Building the index takes a fraction of a second, so it is built once per session; tests
that change data work on a copy (``data_copy``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.service import Service
from bot.settings import Settings
from index.engine import Index, build
from index.load import load
from index.model import PlanData
from index.text import SudachiAnalyzer, Token

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture(scope="session")
def plan_data() -> PlanData:
    return load(DATA_DIR)


@pytest.fixture(scope="session")
def analyzer() -> SudachiAnalyzer:
    return SudachiAnalyzer()


@pytest.fixture(scope="session")
def index(plan_data: PlanData, analyzer: SudachiAnalyzer) -> Index:
    return build(plan_data, analyzer)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ for tests that damage or edit files."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("source", "README.md"))
    return target


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=DATA_DIR, db_path=tmp_path / "soudan.db", cache_dir=tmp_path / "cache")


@pytest.fixture
def service(settings: Settings, index: Index) -> Service:
    return Service(settings, index)


class SpaceAnalyzer:
    """A stand-in tokenizer: words split on spaces, every word a noun, reading = word.

    Lets search logic be tested without the Sudachi dictionary.
    """

    def tokens(self, text: str) -> list[Token]:
        from index.text import normalize

        return [Token(w, w, w, "名詞") for w in normalize(text).split(" ") if w]


@pytest.fixture
def space_analyzer() -> SpaceAnalyzer:
    return SpaceAnalyzer()
