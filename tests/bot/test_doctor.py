"""bot.doctor's pieces that need no server: the manifest's scopes, masking, the clock."""

from __future__ import annotations

import time
from email.message import Message
from email.utils import formatdate
from pathlib import Path

from bot.doctor import Reply, clock_check, manifest_bot_scopes, mask_token, scope_check
from tests.fakes.fake_slack import BOT_SCOPES


def test_the_manifest_scopes_are_what_the_fake_grants_by_default():
    assert manifest_bot_scopes() == BOT_SCOPES


def test_the_manifest_reader_keeps_to_oauth_config_scopes_bot(tmp_path: Path):
    manifest = tmp_path / "manifest.yml"
    manifest.write_text(
        "display_information:\n"
        '  background_color: "#2f4f6f"\n'
        "oauth_config:\n"
        "  scopes:\n"
        "    user:\n"
        "      - search:read\n"
        "    bot:\n"
        "    - commands   # same indent as the key is YAML too\n"
        "    - 'chat:write'\n"
        "settings:\n"
        "  bot_events:\n"
        "    - app_mention\n",
        "utf-8",
    )
    assert manifest_bot_scopes(manifest) == ("commands", "chat:write")


def test_scopes_granted_in_any_order_with_spaces_pass_and_extra_ones_do_not_matter():
    header = " ,".join(reversed((*BOT_SCOPES, "users:read")))
    assert scope_check(header).ok


def test_a_missing_manifest_is_a_failed_check(tmp_path: Path):
    check = scope_check("commands", tmp_path / "none.yml")
    assert not check.ok and "none.yml" in check.detail


def test_tokens_show_their_kind_and_last_four_only():
    assert mask_token("xoxb-1111-2222-abcdEFGH") == "xoxb-…EFGH"
    assert mask_token("xapp-1-A1-abcdEFGH") == "xapp-…EFGH"
    assert mask_token("xoxb-1") == "xoxb-…"  # too short to show any of it


def reply_at(slack_time: float | None, received: float) -> Reply:
    headers = Message()
    if slack_time is not None:
        headers["Date"] = formatdate(slack_time, usegmt=True)
    return Reply(200, headers, {"ok": True}, received)


def test_the_clock_within_a_minute_passes_and_beyond_it_fails():
    now = time.time()
    assert clock_check(reply_at(now - 59, now)).ok
    ahead = clock_check(reply_at(now - 61, now))
    assert not ahead.ok and "進んで" in ahead.detail and "NTP" in ahead.fix
    assert "遅れて" in clock_check(reply_at(now + 120, now)).detail


def test_no_date_header_is_a_failed_check_not_a_crash():
    check = clock_check(reply_at(None, time.time()))
    assert not check.ok and "Date" in check.detail


def test_a_slow_slack_is_given_up_on_after_the_timeout(fake):
    from bot.doctor import Unreachable, slack_call

    fake.slow("auth.test", delay=1.0)
    started = time.monotonic()
    try:
        slack_call(fake.api_url, "auth.test", "xoxb-1", timeout=0.2)
    except Unreachable as error:
        assert str(error) == "0.2 秒待っても応答がありません"
    else:
        raise AssertionError("a slow answer was waited for")
    assert time.monotonic() - started < 1.0
