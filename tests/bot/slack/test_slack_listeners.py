"""Listener logic called directly (no HTTP): what each surface sends, to whom, where."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest
from slack_bolt.request import BoltRequest

from bot.logging_setup import install_redaction
from bot.slack import blocks
from bot.slack.listeners.actions import (
    handle_correction,
    handle_directory,
    handle_feedback,
    handle_more,
    handle_need,
    handle_share,
    handle_suggestion,
)
from bot.slack.listeners.commands import handle_command
from bot.slack.listeners.events import handle_direct_message, handle_mention
from bot.slack.listeners.home import handle_home_opened
from bot.slack.listeners.shortcuts import handle_message_shortcut
from bot.slack.payloads import CorrectionContext, Snapshot
from index.model import CURRENT_PLAN
from tests.bot.slack.conftest import BASE_URL
from tests.fakes.fake_slack import BOT_ID, BOT_USER_ID, TEAM_ID, signed_headers
from tests.fakes.fake_slack import mention_event as mention

RENT = "家賃を3か月滞納していて退去を求められそう"


def link_of_top(responder, question: str) -> str:
    measure = responder.service.answer(question, surface="cli").hits[0].measure
    return f"{BASE_URL}/measures/{measure.id}"


@pytest.fixture
def top(responder):
    """The service's own top measure for RENT: what every surface must show first."""
    return responder.service.answer(RENT, surface="cli").hits[0].measure


@pytest.fixture
def top_link(top) -> str:
    return f"{BASE_URL}/measures/{top.id}"


def slash(fake_slack, text: str, **extra) -> dict:
    return {
        "command": "/soudan",
        "text": text,
        "user_id": "U100",
        "channel_id": "C100",
        "response_url": fake_slack.response_url("slash"),
        **extra,
    }


def dm(text: str, **extra) -> dict:
    return {
        "type": "message",
        "channel_type": "im",
        "user": "U100",
        "channel": "D100",
        "ts": "1700000002.000100",
        "text": text,
        **extra,
    }


def action(fake_slack, action_id: str, value: str, **extra) -> dict:
    return {
        "type": "block_actions",
        "user": {"id": "U100"},
        "channel": {"id": "C100"},
        "container": {"type": "message", "channel_id": "C100", "is_ephemeral": True},
        "response_url": fake_slack.response_url("action"),
        "actions": [{"action_id": action_id, "value": value, "type": "button"}],
        **extra,
    }


# ------------------------------------------------------------------ /soudan


def test_slash_answers_privately_with_measure_link_department_and_share(
    fake_slack, responder, top_link, top
):
    handle_command(slash(fake_slack, RENT), responder)
    [reply] = fake_slack.calls_to("response_url")
    assert reply.params["response_type"] == "ephemeral"
    assert top_link in reply.text
    assert all(name in reply.text for name in top.departments)
    assert f"質問: {RENT}" in reply.text
    assert set(reply.buttons()) >= {
        blocks.ACTION_SHARE,
        blocks.ACTION_HELPFUL,
        blocks.ACTION_NOT_HELPFUL,
    }
    assert fake_slack.calls_to("chat.postMessage") == []  # nothing public


@pytest.mark.parametrize("text", ["", "help", "ヘルプ", "  "])
def test_slash_alone_or_help_explains_how_to_ask(fake_slack, responder, text):
    handle_command(slash(fake_slack, text), responder)
    [reply] = fake_slack.calls_to("response_url")
    assert "相談ナビの使い方" in reply.text and "/soudan 質問" in reply.text


def test_slash_echo_is_escaped(fake_slack, responder):
    # Slack sends a typed "<" as "&lt;": the echo shows it and never pings.
    handle_command(slash(fake_slack, "&lt;!channel&gt; 家賃が払えない"), responder)
    [reply] = fake_slack.calls_to("response_url")
    assert "質問: &lt;!channel&gt; 家賃が払えない" in reply.text
    assert "<!channel>" not in reply.text


def test_client_details_get_a_reminder_and_are_never_in_the_share_button(fake_slack, responder):
    question = "田中さん 090-1234-5678 家賃を滞納"
    top_link = link_of_top(responder, question)
    handle_command(slash(fake_slack, question), responder)
    [reply] = fake_slack.calls_to("response_url")
    assert "個人が分かる情報（氏名・電話番号）" in reply.text
    assert top_link in reply.text  # still answered
    share = Snapshot.decode(reply.buttons()[blocks.ACTION_SHARE]["value"])
    assert share.question == ""
    assert "090" not in reply.buttons()[blocks.ACTION_SHARE]["value"]


def test_slash_falls_back_to_an_ephemeral_message_when_response_url_fails(
    fake_slack, responder, top_link
):
    fake_slack.fail("response_url", "expired_url", status=404)
    handle_command(slash(fake_slack, RENT), responder)
    [ephemeral] = fake_slack.calls_to("chat.postEphemeral")
    assert ephemeral.params["channel"] == "C100" and ephemeral.params["user"] == "U100"
    assert top_link in ephemeral.text


def test_an_internal_error_is_a_polite_sentence_without_a_traceback(
    fake_slack, responder, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(responder.service, "answer", broken)
    handle_command(slash(fake_slack, RENT), responder)
    [reply] = fake_slack.calls_to("response_url")
    assert "申し訳ありません" in reply.text
    assert "Traceback" not in reply.text and "exploded" not in reply.text
    assert any("index exploded" in (r.exc_text or str(r.exc_info)) for r in caplog.records)
    assert all(RENT not in r.getMessage() for r in caplog.records)


# ------------------------------------------------------------------ @mention, DM


def test_mention_answers_in_the_thread(fake_slack, responder, top_link, top):
    handle_mention(mention(RENT), responder, bot_user_id=BOT_USER_ID)
    [post] = fake_slack.calls_to("chat.postMessage")
    assert post.params["channel"] == "C100"
    assert post.params["thread_ts"] == "1700000001.000100"
    assert top_link in post.text and top.departments[0] in post.text
    assert RENT not in post.text  # the question is right above: not repeated in public


def test_mention_inside_a_thread_answers_in_that_thread(fake_slack, responder):
    handle_mention(mention(RENT, thread_ts="1699999999.000001"), responder, bot_user_id=BOT_USER_ID)
    assert fake_slack.calls_to("chat.postMessage")[0].params["thread_ts"] == "1699999999.000001"


def test_mention_with_client_details_gets_a_private_reminder(fake_slack, responder):
    handle_mention(mention("山田様 昭和45年3月1日生 家賃滞納"), responder, bot_user_id=BOT_USER_ID)
    [post] = fake_slack.calls_to("chat.postMessage")
    [reminder] = fake_slack.calls_to("chat.postEphemeral")
    assert "個人が分かる情報" not in post.text
    assert (
        reminder.params["user"] == "U100"
        and reminder.params["thread_ts"] == post.params["thread_ts"]
    )
    assert "氏名・生年月日" in reminder.text


def test_mention_alone_gets_the_help_in_the_thread(fake_slack, responder):
    handle_mention(mention(""), responder, bot_user_id=BOT_USER_ID)
    [post] = fake_slack.calls_to("chat.postMessage")
    assert "相談ナビの使い方" in post.text and post.params["thread_ts"]


def test_mention_that_cannot_be_posted_tells_the_asker(fake_slack, responder):
    fake_slack.fail("chat.postMessage", "not_in_channel")
    handle_mention(mention(RENT), responder, bot_user_id=BOT_USER_ID)
    [note] = fake_slack.calls_to("chat.postEphemeral")
    assert "/invite" in note.text


@pytest.mark.parametrize(
    "extra",
    [
        {"bot_id": "B999"},
        {"user": BOT_USER_ID},
        {"edited": {"user": "U100", "ts": "1"}},
        {"subtype": "message_changed"},
        {"channel": "D100"},  # a mention in a DM is answered as the DM
    ],
)
def test_mentions_from_bots_edits_and_self_are_ignored(fake_slack, responder, extra):
    handle_mention(mention(RENT, **extra), responder, bot_user_id=BOT_USER_ID)
    assert fake_slack.settle(quiet=0.05) == []


def test_direct_message_is_answered_there(fake_slack, responder, top_link):
    handle_direct_message(dm(RENT), responder, bot_user_id=BOT_USER_ID)
    [post] = fake_slack.calls_to("chat.postMessage")
    assert post.params["channel"] == "D100"
    assert post.params.get("thread_ts") is None
    assert top_link in post.text


def test_direct_message_with_client_details_has_the_reminder_inline(fake_slack, responder):
    handle_direct_message(dm("ケース番号 12345 家賃"), responder, bot_user_id=BOT_USER_ID)
    [post] = fake_slack.calls_to("chat.postMessage")
    assert "ケース番号などの番号" in post.text
    assert fake_slack.calls_to("chat.postEphemeral") == []


@pytest.mark.parametrize(
    "extra",
    [
        {"bot_id": BOT_ID, "subtype": "bot_message"},
        {"user": BOT_USER_ID},
        {"subtype": "message_changed"},
        {"subtype": "message_deleted"},
        {"channel_type": "channel"},
        {"bot_profile": {"name": "other"}},
    ],
)
def test_direct_messages_from_bots_edits_and_self_are_ignored(fake_slack, responder, extra):
    handle_direct_message(dm(RENT, **extra), responder, bot_user_id=BOT_USER_ID)
    assert fake_slack.settle(quiet=0.05) == []


# ------------------------------------------------------------------ shortcut, home


def test_message_shortcut_searches_that_message_and_answers_privately(
    fake_slack, responder, top_link
):
    body = {
        "type": "message_action",
        "callback_id": "soudan_find_measures",
        "user": {"id": "U200"},
        "channel": {"id": "C100"},
        "message": {"type": "message", "user": "U100", "ts": "1.1", "text": f"相談メモ: {RENT}"},
        "response_url": fake_slack.response_url("shortcut"),
    }
    handle_message_shortcut(body, responder)
    [reply] = fake_slack.calls_to("response_url")
    assert reply.params["response_type"] == "ephemeral"
    assert top_link in reply.text
    assert fake_slack.calls_to("chat.postMessage") == []


def test_message_shortcut_on_a_message_without_text(fake_slack, responder):
    body = {
        "user": {"id": "U200"},
        "channel": {"id": "C1"},
        "message": {"text": ""},
        "response_url": fake_slack.response_url(),
    }
    handle_message_shortcut(body, responder)
    assert "検索できる文章がありません" in fake_slack.calls_to("response_url")[0].text


def test_home_tab_is_published_with_directory_and_version(fake_slack, responder):
    handle_home_opened({"type": "app_home_opened", "user": "U100", "tab": "home"}, responder)
    [publish] = fake_slack.calls_to("views.publish")
    assert publish.params["user_id"] == "U100"
    assert publish.params["view"]["type"] == "home"
    text = publish.text
    assert "保護課" in text and responder.service.data.version.label in text
    assert "第３期千葉市貧困対策アクションプラン" in text


def test_the_messages_tab_publishes_nothing(fake_slack, responder):
    handle_home_opened({"type": "app_home_opened", "user": "U100", "tab": "messages"}, responder)
    assert fake_slack.calls == []


# ------------------------------------------------------------------ buttons


def first_reply_buttons(fake_slack, responder, text=RENT) -> dict:
    handle_command(slash(fake_slack, text), responder)
    buttons = fake_slack.calls_to("response_url")[0].buttons()
    fake_slack.reset()
    return buttons


def test_share_posts_the_answer_to_the_channel_with_the_question(fake_slack, responder, top_link):
    value = first_reply_buttons(fake_slack, responder)[blocks.ACTION_SHARE]["value"]
    handle_share(action(fake_slack, blocks.ACTION_SHARE, value), responder)
    [post] = fake_slack.calls_to("chat.postMessage")
    assert post.params["channel"] == "C100"
    assert "<@U100> さん" in post.text and RENT in post.text and top_link in post.text
    [done] = fake_slack.calls_to("response_url")
    assert "共有しました" in done.text and done.params["response_type"] == "ephemeral"


def test_share_of_a_question_with_client_details_never_reposts_it(fake_slack, responder):
    question = "田中さん 090-1234-5678 家賃を滞納"
    top_link = link_of_top(responder, question)
    value = first_reply_buttons(fake_slack, responder, question)[blocks.ACTION_SHARE]["value"]
    handle_share(action(fake_slack, blocks.ACTION_SHARE, value), responder)
    [post] = fake_slack.calls_to("chat.postMessage")
    assert "田中" not in post.text and "090" not in post.text
    assert top_link in post.text


def test_share_where_the_bot_is_not_a_member_uses_the_response_url(fake_slack, responder, top_link):
    value = first_reply_buttons(fake_slack, responder)[blocks.ACTION_SHARE]["value"]
    fake_slack.fail("chat.postMessage", "not_in_channel")
    handle_share(action(fake_slack, blocks.ACTION_SHARE, value), responder)
    in_channel, done = fake_slack.calls_to("response_url")
    assert in_channel.params["response_type"] == "in_channel" and top_link in in_channel.text
    assert "共有しました" in done.text


def test_share_that_fails_everywhere_says_how_to_fix_it(fake_slack, responder):
    value = first_reply_buttons(fake_slack, responder)[blocks.ACTION_SHARE]["value"]
    fake_slack.fail("chat.postMessage", "channel_not_found")
    fake_slack.fail("response_url", "channel_not_found", status=404)
    handle_share(action(fake_slack, blocks.ACTION_SHARE, value), responder)
    assert "/invite" in fake_slack.calls_to("response_url")[-1].text


def test_more_shows_the_next_results_privately(fake_slack, responder, top_link):
    buttons = first_reply_buttons(fake_slack, responder)
    handle_more(
        action(fake_slack, blocks.ACTION_MORE, buttons[blocks.ACTION_MORE]["value"]), responder
    )
    [reply] = fake_slack.calls_to("response_url")
    assert "4〜6件目" in reply.text
    assert top_link not in reply.text  # the first result is not repeated
    assert reply.text.count(f"{BASE_URL}/measures/3-") >= 3


def test_feedback_records_the_vote_and_thanks(fake_slack, responder, store, top):
    buttons = first_reply_buttons(fake_slack, responder)
    value = buttons[blocks.ACTION_HELPFUL]["value"]
    handle_feedback(action(fake_slack, blocks.ACTION_HELPFUL, value), responder)
    handle_feedback(action(fake_slack, blocks.ACTION_NOT_HELPFUL, value), responder)
    assert store.feedback == [(top.id, True, "slash", "U100"), (top.id, False, "slash", "U100")]
    thanks = fake_slack.calls_to("response_url")
    assert len(thanks) == 2 and all("ありがとうございます" in t.text for t in thanks)


def test_a_forged_button_value_is_refused_politely(fake_slack, responder, store):
    handle_feedback(action(fake_slack, blocks.ACTION_HELPFUL, "slash|<!channel>"), responder)
    handle_more(action(fake_slack, blocks.ACTION_MORE, "{not json"), responder)
    handle_share(action(fake_slack, blocks.ACTION_SHARE, "x" * 5000), responder)
    assert store.feedback == []
    replies = fake_slack.calls_to("response_url")
    assert len(replies) == 3 and all("もう一度質問してください" in r.text for r in replies)
    assert fake_slack.calls_to("chat.postMessage") == []


def test_a_question_the_plan_does_not_cover_offers_suggestions_that_search(fake_slack, responder):
    handle_command(slash(fake_slack, "宇宙旅行に行きたい"), responder)
    [reply] = fake_slack.calls_to("response_url")
    assert "見つかりませんでした" in reply.text
    buttons = reply.buttons()
    suggestion = buttons[f"{blocks.ACTION_SUGGEST}_0"]
    assert blocks.ACTION_DIRECTORY in buttons
    fake_slack.reset()
    handle_suggestion(action(fake_slack, suggestion["action_id"], suggestion["value"]), responder)
    [answer] = fake_slack.calls_to("response_url")
    assert f"質問: {suggestion['text']['text']}" in answer.text
    assert f"{BASE_URL}/measures/" in answer.text
    fake_slack.reset()
    handle_directory(action(fake_slack, blocks.ACTION_DIRECTORY, "slash"), responder)
    assert "担当課の一覧" in fake_slack.calls_to("response_url")[0].text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("保護課の取組", ["保護課", "の取組（第３期・"]),
        ("1-3-8", [f"{BASE_URL}/measures/3-1-3-8"]),
        ("第２期の子ども食堂はどうなった？", ["第２期", "引き継"]),
    ],
)
def test_department_measure_id_and_history_questions(fake_slack, responder, question, expected):
    handle_command(slash(fake_slack, question), responder)
    [reply] = fake_slack.calls_to("response_url")
    for part in expected:
        assert part in reply.text


CASE_NOTE = (
    "Aさん（40代男性）。失職後、家賃を2か月滞納。消費者金融の返済もあり、夜眠れないとのこと。"
)


def test_a_case_note_is_answered_need_by_need(fake_slack, responder):
    handle_command(slash(fake_slack, CASE_NOTE), responder)
    [reply] = fake_slack.calls_to("response_url")
    assert "この相談の困りごと（" in reply.text
    assert "■ 借金" in reply.text and "■ こころの健康" in reply.text
    blocks_ = reply.params["blocks"]
    assert len(blocks_) <= blocks.MAX_BLOCKS
    # each need with more measures than it shows has its own 「もっと見る」
    more = [
        e
        for b in blocks_
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"].endswith("をもっと見る")
    ]
    assert more
    fake_slack.reset()
    handle_more(action(fake_slack, blocks.ACTION_MORE, more[0]["value"]), responder)
    [page] = fake_slack.calls_to("response_url")
    assert "続きの取組" in page.text and f"{BASE_URL}/measures/" in page.text


def test_a_vague_question_offers_needs_and_a_click_answers_that_need(fake_slack, responder):
    handle_command(slash(fake_slack, "生活が苦しいという相談"), responder)
    [reply] = fake_slack.calls_to("response_url")
    assert "困りごとで絞り込む" in reply.text
    buttons = reply.buttons()
    need = next(b for name, b in buttons.items() if name.startswith(blocks.ACTION_NEED))
    assert need["text"]["text"] == "住まい"
    fake_slack.reset()
    handle_need(action(fake_slack, need["action_id"], need["value"]), responder)
    [answer] = fake_slack.calls_to("response_url")
    assert f"{BASE_URL}/measures/3-3-3-" in answer.text
    fake_slack.reset()
    handle_need(action(fake_slack, need["action_id"], "slash|存在しない"), responder)
    [stale] = fake_slack.calls_to("response_url")
    assert "ボタンが古くなっています" in stale.text or "もう一度" in stale.text


# ------------------------------------------------------------------ 「違う」: what was right

# A name, a phone number and an amount of time: none of them may be kept as words.
PERSONAL = "山田さんは家賃を3か月滞納していて、090-1234-5678 から電話があった"
VIEW_ID, VIEW_HASH = "V0CORRECT", "1700000000.abc"


def not_helpful_value(fake_slack, responder, text=PERSONAL) -> str:
    value = first_reply_buttons(fake_slack, responder, text)[blocks.ACTION_NOT_HELPFUL]["value"]
    return value


def press_not_helpful(fake_slack, responder, value: str, **extra) -> dict | None:
    """Press 「違う」; the modal it opened (views.open's view), or None."""
    handle_feedback(
        action(fake_slack, blocks.ACTION_NOT_HELPFUL, value, trigger_id="1.2.3", **extra),
        responder,
    )
    opened = fake_slack.calls_to("views.open")
    return opened[-1].params["view"] if opened else None


def in_modal(view: dict, action_id: str, **fields) -> dict:
    """A block_actions payload from inside the modal ``view``, as Slack sends it."""
    element = {"action_id": action_id, "block_id": "b", "type": "button", **fields}
    return {
        "type": "block_actions",
        "user": {"id": "U100"},
        "container": {"type": "view", "view_id": VIEW_ID},
        "trigger_id": "2.3.4",
        "view": {
            "id": VIEW_ID,
            "hash": VIEW_HASH,
            "type": "modal",
            "callback_id": view.get("callback_id"),
            "private_metadata": view.get("private_metadata", ""),
        },
        "actions": [element],
    }


def picked(measure_id: str) -> dict:
    return {
        "type": "external_select",
        "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": measure_id},
    }


def test_not_helpful_records_the_vote_and_opens_the_modal_for_the_asker(
    fake_slack, responder, store
):
    top = responder.service.answer(PERSONAL, surface="cli").hits[0].measure
    view = press_not_helpful(fake_slack, responder, not_helpful_value(fake_slack, responder))
    assert store.feedback == [(top.id, False, "slash", "U100")]
    [opened] = fake_slack.calls_to("views.open")
    assert opened.params["trigger_id"] == "1.2.3"
    assert view["title"]["text"] == "正しい取組は？"
    assert "この質問の言葉（固有名詞・数字を除く）を改善に使います" in opened.text
    # the modal is the answer: no thanks message besides it, nothing in the channel
    assert fake_slack.calls_to("response_url") == []
    assert fake_slack.calls_to("chat.postMessage") == []


def test_a_pick_records_the_measure_with_words_and_no_name_or_number(fake_slack, responder, store):
    answer = responder.service.answer(PERSONAL, surface="cli")
    view = press_not_helpful(fake_slack, responder, not_helpful_value(fake_slack, responder))
    handle_correction(in_modal(view, blocks.ACTION_CORRECT_PICK, **picked("3-1-4-1")), responder)
    [(correction, surface, user)] = store.corrections
    assert (correction.chosen, surface, user) == ("3-1-4-1", "slash", "U100")
    assert correction.shown[0] == answer.hits[0].measure.id
    assert correction.need == (answer.needs[0].label if answer.needs else "")
    assert {"家賃", "滞納"} <= set(correction.words)
    kept = "".join(correction.words)
    assert "山田" not in kept and not any(c.isdigit() for c in kept)
    assert "090" not in kept and "か月" not in kept
    [update] = fake_slack.calls_to("views.update")
    assert update.params["view_id"] == VIEW_ID and update.params["hash"] == VIEW_HASH
    assert "ありがとうございます。今後の改善に使います。" in update.text
    assert fake_slack.calls_to("response_url") == []
    assert fake_slack.calls_to("chat.postMessage") == []


def test_not_in_plan_keeps_the_words_and_unknown_keeps_none(fake_slack, responder, store):
    view = press_not_helpful(fake_slack, responder, not_helpful_value(fake_slack, responder))
    handle_correction(in_modal(view, blocks.ACTION_CORRECT_NOT_IN_PLAN), responder)
    handle_correction(in_modal(view, blocks.ACTION_CORRECT_UNKNOWN), responder)
    (not_in_plan, _, _), (unknown, _, _) = store.corrections
    assert not_in_plan.chosen == "計画にない" and "家賃" in not_in_plan.words
    assert unknown.chosen == "わからない" and unknown.words == ()
    assert unknown.shown == not_in_plan.shown != ()
    updates = fake_slack.calls_to("views.update")
    assert len(updates) == 2 and all("ありがとうございます" in u.text for u in updates)


def test_a_button_value_cannot_choose_for_the_buttons(fake_slack, responder, store):
    # What 計画にない / わからない mean comes from which was pressed, not from their value.
    view = press_not_helpful(fake_slack, responder, not_helpful_value(fake_slack, responder))
    handle_correction(in_modal(view, blocks.ACTION_CORRECT_UNKNOWN, value="3-1-4-1"), responder)
    assert store.corrections[0][0].chosen == "わからない"


def test_a_measure_a_reload_removed_is_still_recorded(fake_slack, responder, store):
    view = press_not_helpful(fake_slack, responder, not_helpful_value(fake_slack, responder))
    assert responder.service.data.measure("3-9-9-99") is None
    handle_correction(in_modal(view, blocks.ACTION_CORRECT_PICK, **picked("3-9-9-99")), responder)
    assert store.corrections[0][0].chosen == "3-9-9-99"


@pytest.mark.parametrize(
    "metadata", ["", "{not json", '{"s": "web", "h": []}', "x" * 4000, '{"s": "dm"}']
)
def test_garbled_metadata_says_so_in_the_modal_and_records_nothing(
    fake_slack, responder, store, metadata
):
    body = in_modal({"private_metadata": metadata}, blocks.ACTION_CORRECT_PICK, **picked("3-1-4-1"))
    handle_correction(body, responder)
    [update] = fake_slack.calls_to("views.update")
    assert "読み取れませんでした" in update.text
    assert store.corrections == []


def test_an_unreadable_choice_says_so_in_the_modal(fake_slack, responder, store):
    view = press_not_helpful(fake_slack, responder, not_helpful_value(fake_slack, responder))
    fake_slack.reset()
    handle_correction(in_modal(view, blocks.ACTION_CORRECT_PICK, **picked("../etc")), responder)
    handle_correction(in_modal(view, blocks.ACTION_CORRECT_PICK), responder)  # no option
    handle_correction(
        in_modal(view, blocks.ACTION_CORRECT_PICK, selected_option="3-1-4-1"), responder
    )
    updates = fake_slack.calls_to("views.update")
    assert len(updates) == 3 and all("読み取れませんでした" in u.text for u in updates)
    assert store.corrections == []


def test_an_old_not_helpful_button_still_votes_and_asks_without_words(
    fake_slack, responder, store, top
):
    # Posted before this change: 「違う」 carried surface|measure_id.
    view = press_not_helpful(fake_slack, responder, f"mention|{top.id}")
    assert store.feedback == [(top.id, False, "mention", "U100")]
    assert "固有名詞" not in str(view)  # no words carried, none announced
    handle_correction(in_modal(view, blocks.ACTION_CORRECT_PICK, **picked("3-1-4-1")), responder)
    [(correction, surface, _)] = store.corrections
    assert correction.shown == (top.id,) and correction.words == () and surface == "mention"


@pytest.mark.parametrize("fault", ["views.open", "no_trigger"])
def test_when_the_modal_cannot_open_the_asker_gets_todays_thanks(
    fake_slack, responder, store, fault
):
    value = not_helpful_value(fake_slack, responder, RENT)
    if fault == "views.open":
        fake_slack.fail("views.open", "expired_trigger_id")
        press_not_helpful(fake_slack, responder, value)
    else:
        handle_feedback(action(fake_slack, blocks.ACTION_NOT_HELPFUL, value), responder)
    [thanks] = fake_slack.calls_to("response_url")
    assert "ご意見ありがとうございます" in thanks.text
    assert len(store.feedback) == 1 and store.feedback[0][1] is False
    assert len(fake_slack.calls_to("views.open")) == (1 if fault == "views.open" else 0)


@pytest.fixture
def learning_off(slack_settings, index, store, delivery):
    from dataclasses import replace

    from bot.service import Service
    from bot.slack.responder import Responder

    settings = replace(slack_settings, learn_from_corrections=False)
    return Responder(Service(settings, index, store), delivery)


def test_with_learning_off_not_helpful_is_todays_vote_and_thanks(fake_slack, learning_off, store):
    value = not_helpful_value(fake_slack, learning_off)
    assert "家賃" not in value  # no words carried at all
    press_not_helpful(fake_slack, learning_off, value)
    assert fake_slack.calls_to("views.open") == []
    [thanks] = fake_slack.calls_to("response_url")
    assert "ご意見ありがとうございます" in thanks.text
    assert len(store.feedback) == 1
    # a modal left open from before is answered, but nothing is kept
    view = blocks.correction_view(CorrectionContext("slash", ("3-1-3-8",), "", ("家賃",)))
    handle_correction(in_modal(view, blocks.ACTION_CORRECT_PICK, **picked("3-1-4-1")), learning_off)
    assert store.corrections == []


def test_with_learning_off_a_not_found_reply_has_no_not_helpful(fake_slack, learning_off):
    handle_command(slash(fake_slack, "宇宙旅行に行きたい"), learning_off)
    [reply] = fake_slack.calls_to("response_url")
    assert blocks.ACTION_NOT_HELPFUL not in reply.buttons()


def test_not_found_asks_what_was_right_without_a_vote(fake_slack, responder, store):
    buttons = first_reply_buttons(fake_slack, responder, "宇宙旅行に行きたい")
    view = press_not_helpful(fake_slack, responder, buttons[blocks.ACTION_NOT_HELPFUL]["value"])
    assert store.feedback == []  # nothing was shown to vote against
    handle_correction(in_modal(view, blocks.ACTION_CORRECT_NOT_IN_PLAN), responder)
    [(correction, _, _)] = store.corrections
    assert correction.chosen == "計画にない"
    assert {"宇宙", "旅行"} <= set(correction.words)


def test_the_question_never_reaches_the_logs(fake_slack, responder, store, caplog):
    install_redaction()
    caplog.set_level(logging.DEBUG)
    for name in ("slack_sdk", "slack_bolt"):
        caplog.set_level(logging.DEBUG, logger=name)
    view = press_not_helpful(fake_slack, responder, not_helpful_value(fake_slack, responder))
    handle_correction(in_modal(view, blocks.ACTION_CORRECT_PICK, **picked("3-1-4-1")), responder)
    handle_correction(in_modal({}, blocks.ACTION_CORRECT_PICK, **picked("3-1-4-1")), responder)
    assert store.corrections
    assert any(r.name.startswith("slack_sdk") for r in caplog.records), "DEBUG was on"
    for record in caplog.records:
        message = record.getMessage()
        assert "山田" not in message and "090-1234-5678" not in message
        assert PERSONAL not in message and "滞納" not in message


# ------------------------------------------------------------------ the select's options


def suggest(app, typed: str, action_id: str = blocks.ACTION_CORRECT_PICK):
    """A block_suggestion for the modal's select, through the Bolt app as Slack sends it."""
    body = urlencode(
        {
            "payload": json.dumps(
                {
                    "type": "block_suggestion",
                    "team": {"id": TEAM_ID},
                    "user": {"id": "U100", "team_id": TEAM_ID},
                    "api_app_id": "A0001",
                    "action_id": action_id,
                    "block_id": "b",
                    "value": typed,
                    "container": {"type": "view", "view_id": VIEW_ID},
                    "view": {"id": VIEW_ID, "type": "modal", "private_metadata": ""},
                },
                ensure_ascii=False,
            )
        }
    )
    headers = signed_headers(body, content_type="application/x-www-form-urlencoded")
    return app.dispatch(BoltRequest(body=body, headers=headers))


@pytest.fixture
def bolt_app(slack_settings, slack_service):
    from bot.slack.app import create_slack_app

    return create_slack_app(slack_settings, slack_service)


def options_of(response) -> list[dict]:
    assert response.status == 200
    return json.loads(response.body)["options"]


def test_the_select_offers_measures_by_id_title_or_words(fake_slack, bolt_app):
    by_id = options_of(suggest(bolt_app, "1-4-1"))
    assert by_id[0] == {
        "text": {"type": "plain_text", "text": "1-4-1 家計改善支援事業の実施"},
        "value": "3-1-4-1",
    }
    assert options_of(suggest(bolt_app, "家計"))[0]["value"] == "3-1-4-1"
    first = options_of(suggest(bolt_app, ""))
    assert len(first) == 20  # the plan's first measures before anything is typed
    assert all(o["value"].startswith("3-") for o in first)
    # answered in the ack: not one call to Slack besides Bolt's auth.test
    assert {c.method for c in fake_slack.calls} <= {"auth.test"}


def test_options_stay_within_slacks_limits(bolt_app, slack_service, monkeypatch, plan_data):
    from dataclasses import replace

    measures = plan_data.plan_measures(CURRENT_PLAN)
    long = tuple(replace(m, title=m.title * 10) for m in measures)
    monkeypatch.setattr(slack_service, "pick_measures", lambda typed, limit: (long * 2)[:150])
    options = options_of(suggest(bolt_app, "家"))
    assert len(options) == 100
    assert all(len(o["text"]["text"]) <= 75 for o in options)
    assert all(0 < len(o["value"]) <= 150 for o in options)


def test_no_measure_or_a_failure_is_an_empty_list(bolt_app, slack_service, monkeypatch):
    monkeypatch.setattr(slack_service, "pick_measures", lambda typed, limit: ())
    assert options_of(suggest(bolt_app, "zzzz")) == []

    def broken(typed, limit):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(slack_service, "pick_measures", broken)
    assert options_of(suggest(bolt_app, "家賃")) == []
