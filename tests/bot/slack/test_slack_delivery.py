"""Delivery against the fake Slack: retries, plain-text fallback, useful errors, no hangs."""

from __future__ import annotations

import time

from slack_sdk import WebClient

from bot.slack.blocks import Message
from bot.slack.delivery import Delivery

MESSAGE = Message(
    blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*回答*"}}],
    text="回答",
    plain="回答（テキスト版）",
)


def test_posts_blocks_and_text(fake_slack, delivery):
    delivered = delivery.post_message("C1", MESSAGE, thread_ts="1.2")
    assert delivered.ok and delivered.ts
    [call] = fake_slack.calls_to("chat.postMessage")
    assert call.params["channel"] == "C1"
    assert call.params["thread_ts"] == "1.2"
    assert call.params["blocks"] == MESSAGE.blocks
    assert call.params["unfurl_links"] is False
    assert "link_names" not in call.params


def test_429_waits_retry_after_then_retries(fake_slack, delivery, sleeps):
    fake_slack.rate_limit("chat.postMessage", retry_after=3)
    delivered = delivery.post_message("C1", MESSAGE)
    assert delivered.ok
    assert [c.status for c in fake_slack.calls_to("chat.postMessage")] == [429, 200]
    assert sleeps == [3.0]


def test_a_retry_after_longer_than_we_wait_gives_up_with_ratelimited(fake_slack, delivery, sleeps):
    fake_slack.rate_limit("chat.postEphemeral", retry_after=120)
    delivered = delivery.post_ephemeral("C1", "U1", MESSAGE)
    assert not delivered.ok and delivered.error == "ratelimited"
    assert len(fake_slack.calls_to("chat.postEphemeral")) == 1
    assert sleeps == []


def test_attempts_are_bounded(fake_slack, delivery, sleeps):
    fake_slack.server_error("chat.postMessage", times=10)
    delivered = delivery.post_message("C1", MESSAGE)
    assert not delivered.ok and delivered.error == "internal_error"
    assert len(fake_slack.calls_to("chat.postMessage")) == delivery.max_attempts


def test_refused_blocks_fall_back_to_plain_text(fake_slack, delivery):
    fake_slack.fail("chat.postMessage", "invalid_blocks", when=lambda p: "blocks" in p)
    delivered = delivery.post_message("C1", MESSAGE)
    assert delivered.ok and delivered.plain
    first, second = fake_slack.calls_to("chat.postMessage")
    assert "blocks" in first.params
    assert "blocks" not in second.params and second.params["text"] == "回答（テキスト版）"


def test_not_in_channel_is_reported_not_retried(fake_slack, delivery):
    fake_slack.fail("chat.postMessage", "not_in_channel")
    delivered = delivery.post_message("C1", MESSAGE)
    assert not delivered.ok and delivered.not_postable and delivered.error == "not_in_channel"
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_channel_not_found_is_not_postable(fake_slack, delivery):
    fake_slack.fail("chat.postMessage", "channel_not_found")
    assert delivery.post_message("C1", MESSAGE).not_postable


def test_a_timeout_is_retried_and_never_hangs(fake_slack, slack_settings, sleeps):
    client = WebClient(
        token="xoxb-t", base_url=slack_settings.slack_api_url, timeout=1, retry_handlers=[]
    )
    delivery = Delivery(client, timeout=1, sleep=sleeps.append)
    fake_slack.slow("chat.postMessage", delay=1.5)
    started = time.monotonic()
    delivered = delivery.post_message("C1", MESSAGE)
    assert delivered.ok
    assert len(fake_slack.calls_to("chat.postMessage")) == 2
    assert time.monotonic() - started < 4


def test_response_url_post_is_ephemeral_by_default(fake_slack, delivery):
    delivered = delivery.respond(fake_slack.response_url("a"), MESSAGE)
    assert delivered.ok
    [call] = fake_slack.calls_to("response_url")
    assert call.path == "/response/a"
    assert call.params["response_type"] == "ephemeral"
    assert call.params["replace_original"] is False
    assert call.params["blocks"] == MESSAGE.blocks


def test_response_url_in_channel(fake_slack, delivery):
    delivery.respond(fake_slack.response_url(), MESSAGE, ephemeral=False)
    assert fake_slack.calls_to("response_url")[0].params["response_type"] == "in_channel"


def test_response_url_429_and_refusals(fake_slack, delivery, sleeps):
    fake_slack.rate_limit("response_url", retry_after=2)
    assert delivery.respond(fake_slack.response_url(), MESSAGE).ok
    assert sleeps == [2.0]
    fake_slack.fail("response_url", "invalid_blocks", status=400, when=lambda p: "blocks" in p)
    delivered = delivery.respond(fake_slack.response_url(), MESSAGE)
    assert delivered.ok and delivered.plain
    fake_slack.fail("response_url", "expired_url", status=404, times=3)
    delivered = delivery.respond(fake_slack.response_url(), MESSAGE)
    assert not delivered.ok and delivered.error == "expired_url"


def test_publish_home(fake_slack, delivery):
    assert delivery.publish_home("U1", {"type": "home", "blocks": []}).ok
    [call] = fake_slack.calls_to("views.publish")
    assert call.params["user_id"] == "U1"


MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": []}


def test_open_and_update_a_modal(fake_slack, delivery):
    opened = delivery.open_view("1.2.3", MODAL)
    assert opened.ok and opened.ts  # the new view's id
    [call] = fake_slack.calls_to("views.open")
    assert call.params["trigger_id"] == "1.2.3" and call.params["view"] == MODAL
    assert delivery.update_view(opened.ts, MODAL, hash="h1").ok
    [update] = fake_slack.calls_to("views.update")
    assert update.params["view_id"] == opened.ts and update.params["hash"] == "h1"


def test_a_modal_is_opened_once_or_not_at_all(fake_slack, delivery, sleeps):
    # A trigger_id lasts 3 seconds: a refused or failed open is not tried again.
    fake_slack.fail("views.open", "expired_trigger_id")
    refused = delivery.open_view("1.2.3", MODAL)
    assert not refused.ok and refused.error == "expired_trigger_id"
    fake_slack.server_error("views.open")
    failed = delivery.open_view("1.2.3", MODAL)
    assert not failed.ok and failed.error == "internal_error"
    assert len(fake_slack.calls_to("views.open")) == 2 and sleeps == []
    fake_slack.fail("views.update", "hash_conflict")
    conflict = delivery.update_view("V1", MODAL, hash="old")
    assert not conflict.ok and conflict.error == "hash_conflict"


def test_an_unreachable_slack_is_a_failure_not_an_exception(sleeps):
    client = WebClient(
        token="xoxb-t", base_url="http://127.0.0.1:9/api/", timeout=1, retry_handlers=[]
    )
    delivered = Delivery(client, sleep=sleeps.append).post_message("C1", MESSAGE)
    assert not delivered.ok and delivered.error == "connection_error"
    assert not Delivery(client, sleep=sleeps.append).open_view("1.2.3", MODAL).ok
