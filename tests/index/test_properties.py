"""Any text at all through the text pipeline and answer(): never raises, always consistent.

Questions arrive from Slack and the web as whatever people paste: emoji sequences, combining
marks, control characters, lone surrogates (JSON escapes can carry them), right-to-left
text, Slack markup, and sometimes a whole document.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.answer import MAX_HITS, answer
from index.engine import Index
from index.model import Answer, QuestionKind
from index.question import MAX_QUESTION_CHARS, clean
from index.text import content_terms, normalize

PIECES = [
    # what caseworkers ask about, and what the other kinds of question look like
    "家賃", "滞納", "ひきこもり", "借金", "仕事", "保護課", "地域福祉課", "1-3-8", "3-1-3-8",
    "1-(3)-8", "第2期", "どうなった", "周知", "ｶﾞｽ代", "ＳＮＳ", "㍻", "８０５０",
    # Slack markup and mrkdwn
    "<!channel>", "<!here>", "<@U123ABC>", "<#C1|general>", "<http://x.example|y>",
    "<mailto:a@b.jp|a>", "&amp;", "&lt;", "&", "*太字*", "_斜体_", "`code`", "~消~", "> 引用",
    "﹤!channel﹥",  # NFKC turns the small forms into < and >
    # emoji: ZWJ sequences, flags, skin tones, keycaps
    "😀", "👨\u200d👩\u200d👧", "🏳️\u200d🌈", "👍🏽", "🇯🇵", "1️⃣",
    # combining marks, alone and stacked
    "e\u0301", "\u3099", "か\u3099", "\u0300\u0301\u0302\u0303", "\u20dd",
    # control and format characters
    "\x00", "\x07", "\x1b[31m", "\r\n", "\t", "\x7f", "\x85", "\u200b", "\ufeff", "\u2028",
    # lone and reversed surrogates
    "\ud800", "\udfff", "\udc00\ud800",
    # right-to-left text and bidi controls
    "\u202e", "\u200f", "مرحبا", "שלום", "\u2066abc\u2069",
]  # fmt: skip
ANY_CHAR = st.characters(exclude_categories=())  # every code point, surrogates included
FRAGMENT = st.one_of(st.sampled_from(PIECES), st.text(alphabet=ANY_CHAR, max_size=8))
HOSTILE = st.lists(FRAGMENT, max_size=30).map("".join)
# Up to 100,000 characters, built by repetition so generating them costs nothing. A
# separator after each unit keeps kana runs short: a single kana run of 2,000 characters
# takes over a second (index/fuzzy.py, PhraseTable._spelled); that input is one explicit
# example below rather than a frequent random draw.
SEPARATOR = st.sampled_from([" ", "。", "、", "\n", "😀", "\u0000", "<!channel>", "x"])
HUGE = st.builds(
    lambda unit, sep, n: ((unit + sep) * n)[:100_000],
    HOSTILE,
    SEPARATOR,
    st.integers(min_value=1, max_value=100_000),
)
QUESTIONS = st.one_of(HOSTILE, st.text(alphabet=ANY_CHAR, max_size=300), HUGE)


def encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# ------------------------------------------------------------------ text pipeline


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=ANY_CHAR, max_size=500), HOSTILE))
def test_normalize_gives_clean_single_spaced_text(text):
    out = normalize(text)
    assert encodable(out)  # no lone surrogates left
    assert out == out.strip() and "  " not in out
    assert not any(c in out for c in "\t\n\r\x00\x1b\x7f\u200b\u202e\ufeff")
    assert out == out.lower()
    # The plan and the question are both normalized, and some texts twice: once is all.
    assert normalize(out) == out


@settings(max_examples=150, deadline=None)
@given(st.one_of(HOSTILE, st.text(alphabet=ANY_CHAR, max_size=300)))
def test_sudachi_takes_any_text(analyzer, text):
    tokens = analyzer.tokens(text)
    assert all(t.surface and encodable(t.term + t.reading) for t in tokens)
    terms = content_terms(tokens)
    assert all(t.term and t.weight in (0.5, 1.0) for t in terms)


@pytest.mark.parametrize("length", [4_000, 20_000, 100_000])
def test_sudachi_takes_texts_longer_than_it_accepts_at_once(analyzer, length):
    # Sudachi itself refuses ~49 KB; the analyzer feeds long texts in chunks.
    text = ("家賃を滞納している。" * length)[:length]
    assert len(analyzer.tokens(text)) > length // 10


@settings(max_examples=150, deadline=None)
@given(QUESTIONS)
def test_clean_bounds_the_question(raw):
    cleaned = clean(raw)
    assert len(cleaned.text) <= MAX_QUESTION_CHARS
    assert encodable(cleaned.text)
    if cleaned.truncated:
        assert len(cleaned.text) == MAX_QUESTION_CHARS
    if len(raw) * 18 <= MAX_QUESTION_CHARS:  # NFKC makes a character at most 18
        assert not cleaned.truncated


# ------------------------------------------------------------------ answer()


def check_needs(result: Answer, index: Index) -> None:
    """Several needs: each need's best measure comes before any need repeats, and whom to
    contact is their union in need order. A vague question: the catch-all measures and
    needs to narrow to. Otherwise: one ranking, best first."""
    if result.abstained:
        assert result.needs == () and result.narrow == ()
        return
    if result.narrow:
        catch_all = next(n for n in index.data.needs if n.catch_all)
        assert {h.measure.id for h in result.hits} <= set(catch_all.measures)
        assert catch_all.label not in result.narrow
        return
    if len(result.needs) > 1:
        firsts = {n.hits[0].measure.id for n in result.needs}
        assert firsts <= {h.measure.id for h in result.hits[: len(result.needs)]}
        union = list(dict.fromkeys(d for n in result.needs for d in n.departments))
        assert list(result.departments) == union
        for need in result.needs:
            measures = set(index.data.need(need.label).measures)
            assert {h.measure.id for h in need.hits} <= measures
        return
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert len(result.needs) <= 1


def check_answer(question: str, result: Answer, index: Index) -> None:
    """What every surface relies on, whatever the kind of answer."""
    data = index.data
    cleaned = clean(question)
    assert result.question == cleaned.text
    assert encodable(result.question)
    shortened = [n for n in result.notices if "質問が長いため" in n]
    assert bool(shortened) == cleaned.truncated
    for hit in result.hits:
        assert math.isfinite(hit.score) and hit.score >= 0
        assert data.measure(hit.measure.id) is hit.measure
        assert isinstance(hit.why, str)
    hit_departments = {d for hit in result.hits for d in hit.measure.departments}
    assert set(result.departments) <= hit_departments | {result.department}

    if result.kind is QuestionKind.EMPTY:
        assert not cleaned.text
        assert result.abstained and not result.hits and result.suggestions
        return
    assert cleaned.text  # only an empty question is answered as empty
    if result.kind is QuestionKind.DEPARTMENT:
        own = [m for m in data.plan_measures(3) if result.department in m.departments]
        assert result.departments == (result.department,)
        assert sorted(h.measure.id for h in result.hits) == sorted(m.id for m in own)
        assert result.abstained == (not result.hits)
        return
    assert len(result.hits) <= MAX_HITS
    if result.kind is QuestionKind.MEASURE_ID:
        assert not result.abstained and result.hits[0].score == 1.0
        assert result.departments == result.hits[0].measure.departments
    elif result.kind is QuestionKind.HISTORY:
        assert result.hits and result.notices
        assert result.abstained == (result.hits[0].measure.plan == 2)
    else:
        assert result.kind is QuestionKind.EVERYDAY
        assert all(h.measure.plan == 3 for h in result.hits)
        check_needs(result, index)
        if result.abstained:
            assert len(result.hits) <= 3 and not result.departments and result.suggestions
        else:
            assert result.hits and result.departments and not result.suggestions


@settings(max_examples=120, deadline=None)
@given(QUESTIONS)
def test_answer_takes_any_question(index, question):
    check_answer(question, answer(question, index), index)


@pytest.mark.parametrize(
    "question",
    [
        "",
        "\ud800" * 100_000,
        "あ" * 100_000,  # one kana run: slow (see HUGE), and must still answer
        "<!channel> <@U1> 保護課 1-3-8 第2期 どうなった" * 3_000,
        "\u202eﻻ😀\u0301" * 25_000,
    ],
    ids=["empty", "surrogates", "one-kana-run", "markup-and-kinds", "rtl-emoji-marks"],
)
def test_answer_takes_extreme_questions(index, question):
    check_answer(question, answer(question, index), index)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("家賃を滞納して😀\u0301\u200b困っている\u202e", QuestionKind.EVERYDAY),
        ("\x00保護課\ud800の取組", QuestionKind.DEPARTMENT),
        ("<@U1> 1-3-8\u200f", QuestionKind.MEASURE_ID),
        ("\u3000\t\r\n\u200b\ufeff", QuestionKind.EMPTY),
    ],
)
def test_hostile_characters_do_not_change_what_is_found(index, question, kind):
    result = answer(question, index)
    check_answer(question, result, index)
    assert result.kind is kind
    if kind is not QuestionKind.EMPTY:
        assert not result.abstained
