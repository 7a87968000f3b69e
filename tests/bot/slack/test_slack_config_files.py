"""The files an admin copies: .env.example and slack/manifest.yml agree with the code."""

from __future__ import annotations

import re
from pathlib import Path

from dotenv import dotenv_values

from bot.settings import Settings
from bot.slack.listeners.shortcuts import CALLBACK_ID

ROOT = Path(__file__).resolve().parents[3]


def test_env_example_documents_every_setting_and_loads():
    values = dotenv_values(ROOT / ".env.example")
    assert set(values) == {name.upper() for name in Settings.__dataclass_fields__}
    text = (ROOT / ".env.example").read_text("utf-8")
    for name in values:  # each variable has a comment line right above it
        above = text.split(f"\n{name}=", 1)[0].rstrip().splitlines()[-1]
        assert above.startswith("#"), name
    Settings.from_env({k: v for k, v in values.items() if v})


def test_manifest_declares_what_the_listeners_handle():
    manifest = (ROOT / "slack" / "manifest.yml").read_text("utf-8")
    assert re.search(r"^\s+- command: /soudan$", manifest, re.M)
    assert re.search(rf"^\s+callback_id: {CALLBACK_ID}$", manifest, re.M)
    assert re.search(r"^\s+type: message$", manifest, re.M)
    for event in ("app_mention", "message.im", "app_home_opened"):
        assert re.search(rf"^\s+- {re.escape(event)}$", manifest, re.M), event
    for scope in ("commands", "app_mentions:read", "im:history", "chat:write"):
        assert re.search(rf"^\s+- {re.escape(scope)}\b", manifest, re.M), scope
    assert "home_tab_enabled: true" in manifest
    assert "socket_mode_enabled: true" in manifest
    assert "should_escape: false" in manifest
    # HTTP mode: the 「正しい取組は？」 select loads its options from the same endpoint.
    assert re.search(r"^\s+# message_menu_options_url: https://\S+/slack/events\s", manifest, re.M)
