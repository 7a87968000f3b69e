"""Web fixtures: an app over the real data, and one over a small hand-made plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bot.service import Service
from bot.settings import Settings
from bot.web import create_web_app
from index.engine import Index
from index.model import (
    Answer,
    DataVersion,
    Department,
    Hit,
    Match,
    Measure,
    Plan,
    PlanData,
    QuestionKind,
    Section,
    Status,
)
from tests.fakes.recording_store import RecordingStore

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def web_app(index: Index, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app over the real data, built once: its template cache is what requests see."""
    settings = Settings(
        data_dir=ROOT / "data",
        db_path=tmp_path_factory.mktemp("web") / "soudan.db",
        official_plan_url="https://www.city.chiba.jp/example/plan3.html",
    )
    return create_web_app(settings, Service(settings, index))


@pytest.fixture
def client(web_app: Flask) -> FlaskClient:
    return web_app.test_client()


def _measure(id: str, title: str, departments: tuple[str, ...], status: Status, **kw) -> Measure:
    plan, chapter, section, no = id.split("-")
    return Measure(
        id=id,
        plan=int(plan),
        section=f"{chapter}-{section}",
        section_title=kw.pop("section_title", "予防的施策の充実"),
        no=int(no),
        no_inferred=kw.pop("no_inferred", False),
        title=title,
        summary=kw.pop("summary", f"{title}を行います。"),
        departments=departments,
        status=status,
        predecessor=kw.pop("predecessor", None),
        successor=kw.pop("successor", None),
        **kw,
    )


def tiny_plan(digest: str = "aaaa") -> PlanData:
    measures = (
        _measure(
            "2-1-1-1",
            "疾病の早期発見及び、早期治療開始に向けた支援",
            ("健康支援課",),
            Status.CONTINUED,
            summary="就労世代の疾病を早期に発見します。",
            successor="3-1-1-1",
        ),
        _measure("2-1-1-2", "就職氷河期世代等への支援の実施", ("雇用推進課",), Status.ENDED),
        _measure(
            "2-1-4-1",
            "相談機関の連携",
            ("保護課",),
            Status.MOVED,
            section_title="相談機関の連携強化",
            successor="3-3-1-1",
        ),
        _measure(
            "3-1-1-1",
            "疾病の早期発見及び早期治療開始に向けた支援",
            ("健康支援課",),
            Status.CONTINUED,
            summary="就労世代の疾病を早期に発見・把握し治療を開始します。",
            predecessor="2-1-1-1",
        ),
        _measure(
            "3-1-1-2",
            "若い世代への妊娠等に関する支援",
            ("健康支援課",),
            Status.NEW,
            summary="<script>alert('x')</script>妊娠の相談に応じます。",
            no_inferred=True,
        ),
        _measure(
            "3-3-1-1",
            "相談機関の連携強化",
            ("保護課", "各区社会援護（第一・第二）課"),
            Status.CONTINUED,
            section_title="庁内や相談機関同士の連携強化",
            predecessor="2-1-4-1",
        ),
    )
    departments = (
        Department(
            "健康支援課",
            "ケンコウシエンカ",
            bureau="保健福祉局",
            phone="043-238-9925",
            location="千葉市役所 高層棟8階",
            url="https://www.city.chiba.jp/kenko/",
        ),
        Department("雇用推進課", "コヨウスイシンカ"),
        Department("保護課", "ホゴカ", url="javascript:alert(1)"),
        Department("各区社会援護（第一・第二）課", "カククシャカイエンゴカ", bureau="各区役所"),
    )
    sections = (
        Section(2, "1-1", "予防的施策の充実"),
        Section(2, "1-4", "相談機関の連携強化"),
        Section(3, "1-1", "予防的施策の充実"),
        Section(3, "3-1", "庁内や相談機関同士の連携強化"),
    )
    plans = (
        Plan(2, "第２期千葉市貧困対策アクションプラン"),
        Plan(3, "第３期千葉市貧困対策アクションプラン"),
    )
    return PlanData(measures, departments, sections, (), DataVersion(digest, "2026-04-01"), plans)


@pytest.fixture
def store() -> RecordingStore:
    return RecordingStore()


def _app_over_real_data(index: Index, store: RecordingStore, tmp_path: Path, **settings) -> Flask:
    config = Settings(data_dir=ROOT / "data", db_path=tmp_path / "soudan.db", **settings)
    return create_web_app(config, Service(config, index, store))


@pytest.fixture
def learning_client(index: Index, store: RecordingStore, tmp_path: Path) -> FlaskClient:
    """A client over the real data whose service records into ``store`` (learning on)."""
    return _app_over_real_data(index, store, tmp_path).test_client()


@pytest.fixture
def not_learning_client(index: Index, store: RecordingStore, tmp_path: Path) -> FlaskClient:
    """As learning_client with LEARN_FROM_CORRECTIONS off."""
    app = _app_over_real_data(index, store, tmp_path, learn_from_corrections=False)
    return app.test_client()


@dataclass
class FakeIndex:
    data: PlanData


@dataclass
class FakeService:
    """Stands in for Service: serves hand-made data and returns a prepared answer."""

    settings: Settings
    index: FakeIndex
    reply: Answer | Exception | None = None
    asked: list[tuple[str, str]] = field(default_factory=list)

    @property
    def data(self) -> PlanData:
        return self.index.data

    @property
    def learning(self) -> bool:
        return self.settings.learn_from_corrections

    def answer(self, question: str, *, surface: str, user_id: str | None = None) -> Answer:
        self.asked.append((question, surface))
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply or Answer(question, QuestionKind.EVERYDAY, (), (), True)


def _hit(data: PlanData, measure_id: str, score: float, *matches: Match) -> Hit:
    found = data.measure(measure_id)
    assert found is not None
    return Hit(found, score, matches)


@pytest.fixture
def make_hit():
    return _hit


@pytest.fixture
def make_plan():
    """tiny_plan(digest): the hand-made plan; a new digest is a new data version."""
    return tiny_plan


@pytest.fixture
def fake_service() -> FakeService:
    settings = Settings(public_base_url="https://navi.example.jp")
    return FakeService(settings, FakeIndex(tiny_plan()))


@pytest.fixture
def fake_client(fake_service: FakeService) -> FlaskClient:
    return create_web_app(fake_service.settings, fake_service).test_client()  # type: ignore[arg-type]
