"""Slack fixtures: a fake Slack Web API, settings pointing at it, a Responder over the real data."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.corrections import Correction
from bot.service import AnswerEvent, Service
from bot.settings import Settings
from bot.slack.delivery import Delivery
from bot.slack.responder import Responder
from index.engine import Index
from tests.fakes.fake_slack import SIGNING_SECRET, FakeSlack

ROOT = Path(__file__).resolve().parents[3]

BASE_URL = "https://soudan.example.jp"


class RecordingStore:
    """A Store that keeps what the Service hands it, for asserting on feedback, corrections
    and usage."""

    def __init__(self) -> None:
        self.answers: list[AnswerEvent] = []
        self.feedback: list[tuple[str, bool, str, str | None]] = []
        self.corrections: list[tuple[Correction, str, str | None]] = []

    def record_answer(self, event: AnswerEvent) -> None:
        self.answers.append(event)

    def record_feedback(
        self, measure_id: str, helpful: bool, *, surface: str, user_id: str | None
    ) -> None:
        self.feedback.append((measure_id, helpful, surface, user_id))

    def record_correction(
        self, correction: Correction, *, surface: str, user_id: str | None
    ) -> None:
        self.corrections.append((correction, surface, user_id))


@pytest.fixture
def fake_slack():
    with FakeSlack() as slack:
        yield slack


@pytest.fixture
def slack_settings(fake_slack: FakeSlack, tmp_path: Path) -> Settings:
    return Settings(
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        public_base_url=BASE_URL,
        official_plan_url="https://www.city.chiba.jp/example/plan3.html",
        data_dir=ROOT / "data",
        db_path=tmp_path / "soudan.db",
    )


@pytest.fixture
def store() -> RecordingStore:
    return RecordingStore()


@pytest.fixture
def slack_service(slack_settings: Settings, index: Index, store: RecordingStore) -> Service:
    return Service(slack_settings, index, store)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def delivery(slack_settings: Settings, sleeps: list[float]) -> Delivery:
    client = WebClient(
        token=slack_settings.slack_bot_token,
        base_url=slack_settings.slack_api_url,
        timeout=2,
        retry_handlers=[],
    )
    return Delivery(client, timeout=2, sleep=sleeps.append)


@pytest.fixture
def responder(slack_service: Service, delivery: Delivery) -> Responder:
    return Responder(slack_service, delivery)
