"""Fixtures for tests that talk to a local fake of the Slack Web API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.fake_slack import FakeSlack


@pytest.fixture(scope="module")
def module_fake() -> Iterator[FakeSlack]:
    """One fake Slack server per test module (starting one per test is slow)."""
    with FakeSlack() as slack:
        yield slack


@pytest.fixture
def fake(module_fake: FakeSlack) -> FakeSlack:
    """The module's fake with its recorded calls and fault modes cleared."""
    module_fake.reset()
    return module_fake
