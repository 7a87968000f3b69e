"""Rendering answers as Block Kit: content, escaping, and Slack's limits for any input."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.corrections import NOT_IN_PLAN, UNKNOWN, WORDS_NOTICE
from bot.slack import blocks
from bot.slack.blocks import Links, answer_message, home_view, more_message, shared_message
from bot.slack.payloads import MAX_VALUE, CorrectionContext, Snapshot
from index.model import (
    Answer,
    Department,
    Hit,
    Match,
    Measure,
    Need,
    PlanData,
    QuestionKind,
    Status,
)
from tests.factories import make_measure, make_plan_data

BASE = "https://soudan.example.jp"


def measure(
    mid: str,
    title: str = "住居確保給付金の支給",
    *,
    summary: str = "離職等により住居を失うおそれのある方に家賃相当額を支給します。就労支援も行います。",
    **fields,
) -> Measure:
    return make_measure(mid, title, summary=summary, **fields)


def plan_data(*measures: Measure, departments: tuple[Department, ...] | None = None) -> PlanData:
    names = sorted({d for m in measures for d in m.departments})
    return make_plan_data(
        *measures,
        departments=departments or tuple(Department(n, n, phone="043-245-5111") for n in names),
    )


NEW = measure("3-1-3-8", "こころと命の相談室")
CONTINUED = measure(
    "3-1-3-9", "住居確保給付金の支給", status=Status.CONTINUED, predecessor="2-1-3-5"
)
OLD = measure("2-1-3-5", "住居確保給付金（旧）", status=Status.CONTINUED, successor="3-1-3-9")
ENDED = measure("2-1-3-6", "廃止された事業", status=Status.ENDED)
DATA = plan_data(NEW, CONTINUED, OLD, ENDED)
LINKS = Links(DATA, BASE, "https://www.city.chiba.jp/plan3.html")


def hit(m: Measure, *matches: tuple[str, str]) -> Hit:
    return Hit(m, 5.0, tuple(Match(term, source) for source, term in matches))


def everyday(*hits: Hit, departments: tuple[str, ...] = ("保護課",)) -> Answer:
    return Answer("家賃", QuestionKind.EVERYDAY, hits, departments, False)


def all_text(message: blocks.Message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def shown_text(message: blocks.Message) -> str:
    """What Slack reads as markup: mrkdwn texts and the message text (plain_text and button
    values are never parsed for mentions)."""
    found = [message.text, message.plain]

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.blocks)
    return "\n".join(found)


def check_limits(message: blocks.Message, max_blocks: int = blocks.MAX_BLOCKS) -> None:
    assert 0 < len(message.blocks) <= max_blocks
    assert message.text and len(message.text) <= blocks.MAX_TEXT
    assert len(message.plain) <= blocks.MAX_PLAIN
    for block in message.blocks:
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
            assert all(len(e["text"]) <= 3000 for e in block["elements"])
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
            ids = [e["action_id"] for e in block["elements"]]
            assert len(ids) == len(set(ids))
            for element in block["elements"]:
                if element["type"] == "external_select":
                    assert len(element["placeholder"]["text"]) <= 150
                    continue
                assert element["type"] == "button"
                assert len(element["text"]["text"]) <= 75
                assert len(element.get("value", "")) <= MAX_VALUE


def test_a_measure_card_links_its_page_and_names_plan_section_no_and_department():
    message = answer_message(
        everyday(hit(NEW, ("家賃", "住居"), ("滞納", "滞納"))), LINKS, surface="slash"
    )
    card = message.blocks[0]["text"]["text"]
    assert f"<{BASE}/measures/3-1-3-8|こころと命の相談室>" in card
    assert "第3期 1-(3) No.8" in card
    assert "担当課: 保護課" in card
    assert "`新規`" in card
    assert "就労支援も行います。" in card
    assert message.blocks[1]["elements"][0]["text"] == "一致: 家賃→住居、滞納"


def test_a_continued_measure_says_where_it_came_from():
    card = answer_message(everyday(hit(CONTINUED)), LINKS, surface="dm").blocks[0]["text"]["text"]
    assert "`継続`" in card
    assert f"<{BASE}/measures/2-1-3-5|第2期 1-(3) No.5「住居確保給付金（旧）」> から" in card


def test_an_old_plan_row_says_what_became_of_it():
    answer = Answer(
        "第２期",
        QuestionKind.HISTORY,
        (hit(CONTINUED), hit(OLD)),
        ("保護課",),
        False,
        notices=("第２期の「住居確保給付金（旧）」は、第３期では…に引き継がれています。",),
    )
    message = answer_message(answer, LINKS, surface="slash")
    text = all_text(message)
    assert message.blocks[0]["type"] == "section"  # the history note leads
    assert "`第２期・継続`" in text
    assert (
        f"<{BASE}/measures/3-1-3-9|第3期 1-(3) No.9「住居確保給付金の支給」> に引き継がれています"
        in text
    )


def test_an_ended_row_says_it_ended():
    answer = Answer(
        "q", QuestionKind.HISTORY, (hit(ENDED),), (), True, notices=("終了しています。",)
    )
    text = all_text(answer_message(answer, LINKS, surface="slash"))
    assert "廃止された事業" in text
    assert "第３期には引き継がれていません（終了）" in text


def test_departments_to_contact_are_aggregated_with_phone_and_link():
    text = all_text(answer_message(everyday(hit(NEW)), LINKS, surface="slash"))
    assert "*相談先の担当課*" in text
    assert f"<{BASE}/departments/%E4%BF%9D%E8%AD%B7%E8%AA%B2|保護課>" in text
    assert "043-245-5111" in text


def test_more_button_carries_the_next_hits_and_shows_them():
    many = [measure(f"3-1-3-{n}", f"取組{n}") for n in range(1, 8)]
    links = Links(plan_data(*many), BASE)
    message = answer_message(everyday(*(hit(m) for m in many)), links, surface="mention")
    buttons = {b["action_id"]: b for b in message.blocks[-2]["elements"]}
    assert set(buttons) == {blocks.ACTION_MORE, blocks.ACTION_HELPFUL, blocks.ACTION_NOT_HELPFUL}
    snapshot = Snapshot.decode(buttons[blocks.ACTION_MORE]["value"])
    page2 = more_message(snapshot, links)
    text = all_text(page2)
    assert "4〜6件目" in text
    assert "取組4" in text and "取組6" in text and "取組3" not in text
    last = Snapshot.decode(
        {b["action_id"]: b for b in page2.blocks[-2]["elements"]}[blocks.ACTION_MORE]["value"]
    )
    page3 = all_text(more_message(last, links))
    assert "7〜7件目" in page3 and "取組7" in page3
    assert blocks.ACTION_MORE not in page3


def test_feedback_buttons_name_the_top_measure_and_surface():
    message = answer_message(everyday(hit(NEW), hit(CONTINUED)), LINKS, surface="dm")
    buttons = {b["action_id"]: b for b in message.blocks[-2]["elements"]}
    assert buttons[blocks.ACTION_HELPFUL]["text"]["text"] == "役に立った"
    assert buttons[blocks.ACTION_NOT_HELPFUL]["text"]["text"] == "違う"
    assert buttons[blocks.ACTION_HELPFUL]["value"] == "dm|3-1-3-8"


def test_share_button_only_when_asked_and_carries_the_cleared_question():
    plain = answer_message(everyday(hit(NEW)), LINKS, surface="mention")
    assert blocks.ACTION_SHARE not in all_text(plain)
    shared = answer_message(everyday(hit(NEW)), LINKS, surface="slash", share_question="家賃の相談")
    button = {b["action_id"]: b for b in shared.blocks[-2]["elements"]}[blocks.ACTION_SHARE]
    assert button["text"]["text"] == "チャンネルに共有"
    assert Snapshot.decode(button["value"]).question == "家賃の相談"
    private = answer_message(everyday(hit(NEW)), LINKS, surface="slash", share_question="")
    button = {b["action_id"]: b for b in private.blocks[-2]["elements"]}[blocks.ACTION_SHARE]
    assert Snapshot.decode(button["value"]).question == ""


def test_the_shared_message_names_the_asker_and_never_pings_a_channel():
    snap = Snapshot(
        "slash", QuestionKind.EVERYDAY, (("3-1-3-8", "家賃"),), ("保護課",), "<!channel> 家賃"
    )
    text = shown_text(shared_message(snap, LINKS, "U0123ABC"))
    assert "<@U0123ABC> さん" in text
    assert "&lt;!channel&gt; 家賃" in text and "<!channel>" not in text
    assert "こころと命の相談室" in text
    assert all_text(shared_message(snap, LINKS, "<!here>")).count("<!here>") == 0


def test_footer_names_the_source_and_data_version():
    footer = answer_message(everyday(hit(NEW)), LINKS, surface="slash").blocks[-1]
    text = footer["elements"][0]["text"]
    assert "<https://www.city.chiba.jp/plan3.html|第３期千葉市貧困対策アクションプラン>" in text
    assert "2025-04-01 (abc1234)" in text


def test_not_found_says_so_and_offers_suggestions_and_the_directory():
    answer = Answer("宇宙", QuestionKind.EVERYDAY, (hit(NEW),), (), True, ("家賃", "借金"))
    message = answer_message(answer, LINKS, surface="slash")
    text = all_text(message)
    assert "見つかりませんでした" in text
    assert "こころと命の相談室" not in text  # weak hits are not passed off as answers
    buttons = message.blocks[-2]["elements"]
    assert [b["text"]["text"] for b in buttons] == ["家賃", "借金", "担当課の一覧"]
    assert buttons[0]["value"] == "slash|家賃"


def test_a_department_question_lists_all_its_measures():
    many = [measure(f"3-1-3-{n}", f"取組{n}", departments=("保護課",)) for n in range(1, 30)]
    links = Links(plan_data(*many), BASE)
    answer = Answer(
        "保護課",
        QuestionKind.DEPARTMENT,
        tuple(hit(m) for m in many),
        ("保護課",),
        False,
        department="保護課",
    )
    message = answer_message(answer, links, surface="slash")
    text = all_text(message)
    assert "保護課" in text and "（第３期・29件）" in text
    assert all(f"/measures/3-1-3-{n}|取組{n}>" in text for n in range(1, 30))
    check_limits(message)


def test_an_empty_question_gets_the_help():
    answer = Answer("", QuestionKind.EMPTY, (), (), True, ("家賃",))
    text = all_text(answer_message(answer, LINKS, surface="slash"))
    assert "相談ナビの使い方" in text and "/soudan 質問" in text


def test_echo_and_reminder_are_escaped_and_first():
    message = answer_message(
        everyday(hit(NEW)),
        LINKS,
        surface="slash",
        echo="<!channel> <@U1> &",
        reminder="個人情報に注意",
    )
    assert message.blocks[0]["elements"][0]["text"] == ":warning: 個人情報に注意"
    assert message.blocks[1]["elements"][0]["text"] == "質問: &lt;!channel&gt; &lt;@U1&gt; &amp;"


def test_data_text_is_escaped_too():
    hostile = measure(
        "3-1-3-8",
        "<!everyone> & <http://evil|ok>",
        summary="<@U1> 概要。",
        departments=("<!here>課",),
    )
    links = Links(plan_data(hostile), BASE)
    message = answer_message(
        everyday(hit(hostile), departments=("<!here>課",)), links, surface="dm"
    )
    text = all_text(message)
    for markup in ("<!everyone>", "<http://evil", "<@U1>", "<!here>"):
        assert markup not in text
    assert "&lt;!everyone&gt; &amp; &lt;http://evil|ok&gt;" in text


def test_the_plain_twin_has_titles_and_links():
    message = answer_message(everyday(hit(NEW), hit(CONTINUED)), LINKS, surface="slash")
    assert "こころと命の相談室" in message.plain
    assert f"{BASE}/measures/3-1-3-9" in message.plain
    assert message.payload() == {"blocks": message.blocks, "text": message.text}
    assert message.plain_payload() == {"text": message.plain}


def test_home_view_has_how_to_ask_examples_plan_version_and_directory():
    view = home_view(LINKS)
    assert view["type"] == "home"
    text = json.dumps(view, ensure_ascii=False)
    for expected in (
        "/soudan 質問",
        "質問の例",
        "令和6年度",
        "2025-04-01 (abc1234)",
        "担当課の一覧",
        "保護課",
    ):
        assert expected in text
    assert len(view["blocks"]) <= blocks.MAX_HOME_BLOCKS


def test_home_view_of_a_huge_directory_stays_within_limits():
    departments = tuple(
        Department(f"部署{n}" * 20, f"ブショ{n}", phone="0" * 12) for n in range(600)
    )
    view = home_view(Links(plan_data(NEW, departments=departments), BASE))
    assert len(view["blocks"]) <= blocks.MAX_HOME_BLOCKS
    assert all(len(b["text"]["text"]) <= 3000 for b in view["blocks"] if b["type"] == "section")


hostile_text = st.lists(
    st.sampled_from(list("<>&!@|*_`~ 家賃。\n") + ["<!channel>", "&amp;", "あ" * 700]), max_size=20
).map("".join)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=hostile_text,
    summary=hostile_text,
    why=hostile_text,
    question=hostile_text,
    count=st.integers(min_value=0, max_value=120),
    kind=st.sampled_from(list(QuestionKind)),
    abstained=st.booleans(),
    suggestions=st.lists(hostile_text, max_size=8),
    words=st.lists(hostile_text, max_size=40),
)
def test_any_answer_stays_within_block_kit_limits(
    title, summary, why, question, count, kind, abstained, suggestions, words
):
    measures = [
        measure(
            f"3-1-3-{n}", title or "t", summary=summary, departments=(f"課{n % 40}" + title[:50],)
        )
        for n in range(1, count + 1)
    ]
    links = Links(plan_data(*measures), BASE)
    hits = tuple(Hit(m, 1.0, (Match(why or "x", why or "x"),)) for m in measures)
    answer = Answer(
        question,
        kind,
        hits,
        tuple(m.departments[0] for m in measures[:20]),
        abstained,
        tuple(suggestions),
        department=measures[0].departments[0] if measures else None,
        notices=(question[:300],) if question else (),
    )
    message = answer_message(
        answer,
        links,
        surface="slash",
        echo=question,
        share_question=question,
        reminder="注意",
        words=tuple(words),
    )
    check_limits(message)
    assert len(message.plain) <= blocks.MAX_PLAIN
    assert "<!channel>" not in shown_text(message)
    for block in message.blocks:
        for button in block.get("elements", []) if block["type"] == "actions" else []:
            if button["action_id"] in (blocks.ACTION_MORE, blocks.ACTION_SHARE):
                snapshot = Snapshot.decode(button["value"])
                assert snapshot is not None
                check_limits(more_message(snapshot, links))
                check_limits(shared_message(snapshot, links, "U1"))
            if button["action_id"] == blocks.ACTION_NOT_HELPFUL:
                assert CorrectionContext.decode(button["value"]) is not None


@pytest.mark.parametrize("kind", list(QuestionKind))
def test_every_kind_of_answer_renders_something(kind):
    answer = Answer("q", kind, (hit(NEW),), ("保護課",), False, ("家賃",), department="保護課")
    message = answer_message(answer, LINKS, surface="slash")
    check_limits(message)
    assert message.plain


# ------------------------------------------------------------------ 「違う」 and its modal


def buttons_of(message: blocks.Message) -> dict[str, dict]:
    return {
        e["action_id"]: e for b in message.blocks if b["type"] == "actions" for e in b["elements"]
    }


def test_not_helpful_carries_the_shown_ids_the_need_and_the_words():
    many = [measure(f"3-1-3-{n}", f"取組{n}") for n in range(1, 9)]
    links = Links(plan_data(*many), BASE)
    message = answer_message(
        everyday(*(hit(m) for m in many)), links, surface="dm", words=("家賃", "滞納")
    )
    buttons = buttons_of(message)
    assert buttons[blocks.ACTION_HELPFUL]["value"] == "dm|3-1-3-1"  # unchanged format
    context = CorrectionContext.decode(buttons[blocks.ACTION_NOT_HELPFUL]["value"])
    # the page shown (3 cards), first first; no needs, so no need label
    assert context == CorrectionContext(
        "dm", ("3-1-3-1", "3-1-3-2", "3-1-3-3"), "", ("家賃", "滞納")
    )


def test_not_helpful_under_needs_names_the_first_need():
    a, b, c = (measure(f"3-1-3-{n}", f"取組{n}") for n in (1, 2, 3))
    # a answers both needs and is shown under each: one id in the button all the same
    needs = (
        Need("住まい", (hit(a), hit(b)), ("保護課",)),
        Need("借金", (hit(a), hit(c)), ("保護課",)),
    )
    answer = Answer.found(
        "q", QuestionKind.EVERYDAY, (hit(a), hit(c), hit(b)), ("保護課",), needs=needs
    )
    message = answer_message(answer, Links(plan_data(a, b, c), BASE), surface="slash", words=())
    context = CorrectionContext.decode(buttons_of(message)[blocks.ACTION_NOT_HELPFUL]["value"])
    assert context.need == "住まい"
    assert context.shown == ("3-1-3-1", "3-1-3-2", "3-1-3-3")
    assert context.vote and context.words == ()


def test_pages_shares_and_department_answers_carry_no_words():
    many = [measure(f"3-1-3-{n}", f"取組{n}", departments=("保護課",)) for n in range(1, 8)]
    links = Links(plan_data(*many), BASE)
    first = answer_message(
        everyday(*(hit(m) for m in many)), links, surface="slash", words=("家賃",)
    )
    more = Snapshot.decode(buttons_of(first)[blocks.ACTION_MORE]["value"])
    page = buttons_of(more_message(more, links))[blocks.ACTION_NOT_HELPFUL]["value"]
    assert CorrectionContext.decode(page) == CorrectionContext(
        "slash", ("3-1-3-4", "3-1-3-5", "3-1-3-6")
    )
    shared = shared_message(
        Snapshot.of(everyday(hit(many[0])), "slash", (hit(many[0]),)), links, None
    )
    value = buttons_of(shared)[blocks.ACTION_NOT_HELPFUL]["value"]
    assert CorrectionContext.decode(value) == CorrectionContext("slash", ("3-1-3-1",))
    department = Answer(
        "保護課",
        QuestionKind.DEPARTMENT,
        tuple(hit(m) for m in many),
        ("保護課",),
        False,
        department="保護課",
    )
    value = buttons_of(answer_message(department, links, surface="dm", words=("保護",)))[
        blocks.ACTION_NOT_HELPFUL
    ]["value"]
    decoded = CorrectionContext.decode(value)
    assert decoded.words == () and decoded.shown == tuple(f"3-1-3-{n}" for n in range(1, 6))


def test_not_found_asks_for_a_correction_only_when_corrections_are_on():
    answer = Answer("宇宙", QuestionKind.EVERYDAY, (hit(NEW),), (), True, ("家賃",))
    off = buttons_of(answer_message(answer, LINKS, surface="slash"))
    assert blocks.ACTION_NOT_HELPFUL not in off
    on = buttons_of(answer_message(answer, LINKS, surface="slash", words=("宇宙", "旅行")))
    button = on[blocks.ACTION_NOT_HELPFUL]
    assert button["text"]["text"] == "違う"
    # the nearby measure helps the choice but is no vote: it was never shown as an answer
    assert CorrectionContext.decode(button["value"]) == CorrectionContext(
        "slash", ("3-1-3-8",), "", ("宇宙", "旅行"), vote=False
    )
    assert blocks.ACTION_HELPFUL not in on


def check_modal(view: dict) -> None:
    assert view["type"] == "modal"
    assert 0 < len(view["title"]["text"]) <= blocks.MAX_MODAL_TITLE
    assert view["close"]["type"] == "plain_text"
    assert 0 < len(view["close"]["text"]) <= blocks.MAX_MODAL_TITLE
    assert "submit" not in view  # every choice is acted on at once
    assert 0 < len(view["blocks"]) <= blocks.MAX_MODAL_BLOCKS
    assert len(view.get("private_metadata", "")) <= blocks.MAX_PRIVATE_METADATA
    check_limits(blocks.Message(view["blocks"], "x", "x"), blocks.MAX_MODAL_BLOCKS)


def test_the_correction_modal_offers_the_plan_and_two_answers_within_limits():
    words = tuple(f"{chr(0x3042 + i)}{'長' * 60}" for i in range(40))
    context = CorrectionContext("slash", ("3-1-3-8",), "住まい", words)
    view = blocks.correction_view(context)
    check_modal(view)
    assert view["title"]["text"] == "正しい取組は？" and view["close"]["text"] == "閉じる"
    assert CorrectionContext.decode(view["private_metadata"]).shown == ("3-1-3-8",)
    [select] = [
        e
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "external_select"
    ]
    assert select["action_id"] == blocks.ACTION_CORRECT_PICK
    assert select["placeholder"] == {"type": "plain_text", "text": "取組名・番号・言葉で探す"}
    assert select["min_query_length"] in (0, 1)
    buttons = buttons_of(blocks.Message(view["blocks"]))
    assert buttons[blocks.ACTION_CORRECT_NOT_IN_PLAN]["text"]["text"] == NOT_IN_PLAN
    assert buttons[blocks.ACTION_CORRECT_UNKNOWN]["text"]["text"] == UNKNOWN
    assert WORDS_NOTICE in json.dumps(view, ensure_ascii=False)
    assert view["blocks"][0]["text"]["text"].startswith("どの取組が合っていましたか？")


def test_the_modal_without_words_says_nothing_about_keeping_them():
    view = blocks.correction_view(CorrectionContext("dm", ("3-1-3-8",)))
    check_modal(view)
    assert WORDS_NOTICE not in json.dumps(view, ensure_ascii=False)


def test_the_modal_once_answered_is_one_sentence():
    view = blocks.notice_view(blocks.CORRECTION_THANKS)
    check_modal(view)
    assert [b["text"]["text"] for b in view["blocks"]] == [
        "ありがとうございます。今後の改善に使います。"
    ]


def test_measure_options_are_clipped_to_slack_limits():
    long = measure("3-1-3-12", "とても長い取組名" * 20)
    many = [measure(f"3-1-{n % 9 + 1}-{n}", f"取組{n}") for n in range(1, 150)]
    options = blocks.measure_options([NEW, long, *many])
    assert len(options) == blocks.MAX_OPTIONS
    assert options[0] == {
        "text": {"type": "plain_text", "text": "1-3-8 こころと命の相談室"},
        "value": "3-1-3-8",
    }
    assert options[1]["value"] == "3-1-3-12"
    assert options[1]["text"]["text"].startswith("1-3-12 とても長い取組名")
    assert len(options[1]["text"]["text"]) == blocks.MAX_OPTION_TEXT
    assert options[1]["text"]["text"].endswith("…")
    assert all(len(o["value"]) <= blocks.MAX_OPTION_VALUE for o in options)
    assert blocks.measure_options([]) == []
