from index.question import MAX_QUESTION_CHARS, SHORTENED_NOTICE, clean, shorten


def test_shorten_cuts_at_the_limit_and_says_so():
    assert shorten("あ" * MAX_QUESTION_CHARS) == ("あ" * MAX_QUESTION_CHARS, False)
    assert shorten("あ" * (MAX_QUESTION_CHARS + 1)) == ("あ" * MAX_QUESTION_CHARS, True)


def test_clean_removes_markup_and_normalizes():
    cleaned = clean("<@U1> ＳＮＳ\u200bで <https://x.example|相談>")
    assert cleaned.text == "sns で 相談" and not cleaned.truncated


def test_the_shortened_notice_names_the_limit():
    assert f"{MAX_QUESTION_CHARS}文字" in SHORTENED_NOTICE
