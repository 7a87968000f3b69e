from bot.web.query import Query, clean_query, notices_for
from index.question import MAX_QUESTION_CHARS, SHORTENED_NOTICE


def test_plain_question_is_kept():
    query = clean_query("家賃を3か月滞納している")
    assert query.text == "家賃を3か月滞納している"
    assert not query.shortened


def test_missing_or_blank_is_empty():
    assert clean_query(None).text == ""
    assert clean_query(" \n\t　").text == ""


def test_control_format_and_surrogate_characters_are_dropped():
    raw = "家賃\x00を\x1b[31m滞納\u202eして\u200bいる\ud800\x7f"
    assert clean_query(raw).text == "家賃を[31m滞納している"


def test_line_breaks_and_odd_spaces_become_one_space():
    assert clean_query("家賃\r\n\r\n滞納\u3000\u2028相談").text == "家賃 滞納 相談"


def test_long_input_is_cut_and_says_so():
    query = clean_query("あ" * 100_000)
    assert len(query.text) == MAX_QUESTION_CHARS
    assert query.shortened


def test_exactly_the_limit_is_not_shortened():
    query = clean_query("い" * MAX_QUESTION_CHARS)
    assert len(query.text) == MAX_QUESTION_CHARS
    assert not query.shortened


def test_the_shortened_notice_is_said_once_whoever_cut():
    assert notices_for(Query("家賃", False), ["他の注意"]) == ["他の注意"]
    cut = Query("家賃", True)
    assert notices_for(cut) == [SHORTENED_NOTICE]
    assert notices_for(cut, [SHORTENED_NOTICE, "他の注意"]) == [SHORTENED_NOTICE, "他の注意"]
