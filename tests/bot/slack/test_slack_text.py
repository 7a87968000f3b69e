from hypothesis import given
from hypothesis import strategies as st

from bot.slack.text import clip, escape, fit_escaped, plain_text, trim_sentences, unescape


def test_escape_neutralises_mentions_and_links():
    assert escape("<!channel> & <@U123> <http://evil|safe>") == (
        "&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;http://evil|safe&gt;"
    )


def test_plain_text_reads_slack_markup_as_a_person_wrote_it():
    raw = "<@UBOT> 家賃 &amp; 借金 &lt;!channel&gt; <#C1|general> <https://x.jp|リンク> <@U9|taro>"
    assert plain_text(raw, drop_user="UBOT") == "家賃 & 借金 <!channel> general リンク"


def test_plain_text_drops_real_broadcasts_and_keeps_bare_links():
    assert plain_text("<!channel> 相談 <https://x.jp/a>") == "相談 https://x.jp/a"


def test_plain_text_keeps_lines_and_drops_blank_ones():
    assert plain_text("一行目\n\n  二行目  ") == "一行目\n二行目"


def test_trim_sentences_ends_at_a_sentence():
    text = "一文目です。二文目はとても長い説明が続きます。三文目。"
    assert trim_sentences(text, 20) == "一文目です。"
    assert trim_sentences(text, 100) == text


def test_trim_sentences_clips_one_overlong_sentence():
    assert trim_sentences("あ" * 50, 10) == "あ" * 9 + "…"


def test_clip():
    assert clip("abcdef", 4) == "abc…"
    assert clip("abc", 4) == "abc"


@given(st.text(alphabet="<>&!@a日", max_size=400), st.integers(min_value=1, max_value=300))
def test_fit_escaped_fits_and_never_leaves_markup(raw, limit):
    fitted = fit_escaped(raw, limit)
    assert len(fitted) <= limit
    assert "<" not in fitted and ">" not in fitted
    # Every & starts a whole entity: the cut never split one.
    body = fitted.removesuffix("…")
    assert unescape(body).startswith(unescape(body)) and all(
        body[i:].startswith(("&amp;", "&lt;", "&gt;")) for i, c in enumerate(body) if c == "&"
    )
