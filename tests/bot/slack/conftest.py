"""Slack fixtures: a fake Slack Web API, settings pointing at it, a Responder over the real data."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.service import Service
from bot.settings import Settings
from bot.slack.delivery import Delivery
from bot.slack.responder import Responder
from index.engine import Index
from tests.fakes.fake_slack import SIGNING_SECRET, FakeSlack
from tests.fakes.recording_store import RecordingStore

ROOT = Path(__file__).resolve().parents[3]

BASE_URL = "https://soudan.example.jp"


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
