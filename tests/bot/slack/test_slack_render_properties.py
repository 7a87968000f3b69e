"""Any question, answered for real, rendered for Slack: within limits, echoed escaped.

``test_slack_blocks.py`` checks rendering of hand-made answers over a small alphabet; here
the questions are any Unicode and the answers come from the real index, through the same
calls the listeners make.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.slack import blocks
from bot.slack.listeners.commands import handle_command
from bot.slack.listeners.events import handle_direct_message
from bot.slack.privacy import NAME, PHONE
from tests.bot.slack.conftest import BASE_URL
from tests.bot.slack.test_slack_blocks import check_limits, shown_text

MARKUP = [
    "<!channel>", "<!here>", "<!everyone>", "<!subteam^S0123|@team>", "<@U0123ABC>",
    "<@W0123|someone>", "<#C0123|general>", "<http://evil.example|公式サイト>",
    "<mailto:a@evil.example|連絡>", "<https://evil.example>", "&", "&amp;", "&lt;!channel&gt;",
    "*太字*", "_斜体_", "`code`", "```block```", "~消~", "> 引用", ":skull:", "<", ">", "|",
]  # fmt: skip
WORDS = ["家賃", "滞納", "借金", "ひきこもり", "保護課", "1-3-8", "第2期 どうなった", " ", "\n"]
WEIRD = [
    "😀",
    "👨\u200d👩\u200d👧",
    "e\u0301",
    "\u3099",
    "\x00",
    "\x1b",
    "\u202e",
    "مرحبا",
    "\u200b",
]
# Everything but surrogates: those are the known gap below.
ANY_CHAR = st.characters(exclude_categories=("Cs",))
QUESTION = st.lists(
    st.one_of(
        st.sampled_from(MARKUP + WORDS + WEIRD), st.text(alphabet=ANY_CHAR, min_size=1, max_size=6)
    ),
    min_size=1,
    max_size=40,
).map("".join)
LONG_QUESTION = st.builds(lambda q, n: (q * n)[:9000], QUESTION, st.integers(1, 3000))
OFFICIAL = "https://www.city.chiba.jp/"
FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def echo_of(message: blocks.Message) -> str:
    [echo] = [
        element["text"]
        for block in message.blocks
        if block["type"] == "context"
        for element in block["elements"]
        if element["text"].startswith("質問: ")
    ]
    return echo


def assert_escaped(mrkdwn: str) -> None:
    """Shown as typed: no markup characters, every & an entity."""
    assert "<" not in mrkdwn and ">" not in mrkdwn
    assert "&" not in re.sub(r"&(?:amp|lt|gt);", "", mrkdwn)


def assert_only_our_links(text: str) -> None:
    """Every <...> Slack would act on is a link we made: no mention, no foreign link."""
    for target in re.findall(r"<([^<>]*)>", text):
        assert target.startswith((BASE_URL, OFFICIAL)), target


def slash_command(fake_slack, responder, text: str) -> list:
    """/soudan with ``text`` through its listener; the posts to its response_url."""
    body = {"command": "/soudan", "text": text, "user_id": "U100", "channel_id": "C100"}
    handle_command(body | {"response_url": fake_slack.response_url("slash")}, responder)
    return fake_slack.calls_to("response_url")


def direct_message(fake_slack, responder, text: str) -> list:
    """A DM with ``text`` through its listener; the messages posted."""
    event = {"type": "message", "channel_type": "im", "user": "U1", "channel": "D1", "ts": "1.1"}
    handle_direct_message(event | {"text": text}, responder, bot_user_id="UBOT")
    return fake_slack.calls_to("chat.postMessage")


@settings(max_examples=80, deadline=None, suppress_health_check=FIXTURES)
@given(question=st.one_of(QUESTION, LONG_QUESTION), surface=st.sampled_from(["slash", "dm"]))
def test_any_question_renders_within_limits_with_its_echo_escaped(responder, question, surface):
    composed = responder.compose(
        question, surface=surface, user_id="U1", echo=True, share=surface == "slash"
    )
    message = composed.message
    assert message != blocks.error_message(), "the question was answered, not apologized for"
    check_limits(message)
    echo = echo_of(message)
    assert_escaped(echo.removeprefix("質問: "))
    # Button values carry the question as data; Slack reads markup only in what it shows.
    assert_only_our_links(shown_text(message))


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURES)
@given(text=QUESTION)
def test_what_reaches_slack_holds_no_mention_or_foreign_link(fake_slack, responder, text):
    fake_slack.reset()
    [reply] = slash_command(fake_slack, responder, text)
    assert reply.params["response_type"] == "ephemeral"
    assert_only_our_links(reply.text)
    for element in (e for b in reply.blocks if b["type"] == "context" for e in b["elements"]):
        if element["text"].startswith("質問: "):
            assert_escaped(element["text"].removeprefix("質問: "))


@pytest.mark.parametrize(
    "typed",
    [
        "<!channel> 家賃が払えない",
        "<http://evil.example|公式サイト> 借金",
        "&lt;@U0123&gt; ひきこもり",
        "a & b <!subteam^S1> 仕事",
    ],
)
def test_a_slack_link_or_mention_in_a_dm_is_not_reposted(fake_slack, responder, typed):
    [post] = direct_message(fake_slack, responder, typed)
    assert_only_our_links(post.text)


# ------------------------------------------------------------------ lone surrogates
# A JSON event may carry "\ud800": json.loads gives a lone surrogate, which is no character.
# Reported: bot/slack/text.plain_text keeps them, so they are echoed back to Slack, and
# bot/masking.mask raised UnicodeEncodeError on them inside Sudachi, which makes
# privacy.client_details fail and the privacy reminder silently go missing.


def test_a_lone_surrogate_never_reaches_slack(fake_slack, responder):
    [reply] = slash_command(fake_slack, responder, "家賃\ud800が払えない")
    assert not re.search("[\ud800-\udfff]", json.dumps(reply.params, ensure_ascii=False))


@pytest.mark.parametrize(
    ("typed", "kind"),
    [("山田太郎さん\ud800の家賃が払えない", NAME), ("090-1234-5678\ud800 家賃", PHONE)],
)
def test_a_lone_surrogate_does_not_hide_client_details(fake_slack, responder, typed, kind):
    [post] = direct_message(fake_slack, responder, typed)
    assert kind in post.text
