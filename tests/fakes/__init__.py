"""Local stand-ins for outside services (the Slack Web API), shared by unit, fault and load
tests: ``from tests.fakes.fake_slack import FakeSlack``."""
