"""Hostile or broken input: always a safe page, never a 500, everything escaped."""

from urllib.parse import quote

import pytest
from flask import request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.web import MAX_CONTENT_LENGTH, create_web_app
from bot.web.query import QUERY_BYTES
from index.question import SHORTENED_NOTICE

MARKUP = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"


def assert_safe(response, *, allowed=(200,)):
    assert response.status_code in allowed
    html = response.get_data(as_text=True)
    assert "<script>" not in html and "<img" not in html
    assert "Traceback" not in html
    return html


def test_markup_in_q_is_escaped_in_the_search_box(client):
    html = assert_safe(client.get("/search?q=" + quote(MARKUP)))
    assert (
        'value="&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&#34;&#39;&amp;"'
        in html
    )


def test_markup_in_api_q_stays_plain_json(client):
    response = client.get("/api/search?q=" + quote(MARKUP))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json()["q"] == MARKUP


@pytest.mark.parametrize("path", ["/search", "/api/search"])
def test_a_100000_character_question_is_shortened(client, path):
    response = client.get(path + "?q=" + quote("家賃の相談" * 20_000))
    assert response.status_code == 200
    if path == "/search":
        assert SHORTENED_NOTICE in response.get_data(as_text=True)
    else:
        assert response.headers["X-Question-Shortened"] == "1"
        assert len(response.get_json()["q"]) <= 2000
        assert response.get_json()["notices"].count(SHORTENED_NOTICE) == 1


def test_a_huge_query_string_is_read_only_in_part(client):
    # Beyond QUERY_BYTES the parameters are not all parsed: still a page, still shortened.
    filler = "x=" + "a" * QUERY_BYTES
    html = assert_safe(client.get(f"/search?{filler}&q=" + quote("家賃")))
    assert SHORTENED_NOTICE in html


@pytest.mark.parametrize(
    "raw",
    [
        "%00%01%02%1b%5b31m%7f",  # control characters
        "%ED%A0%80",  # a lone surrogate, UTF-8 encoded
        "%ED%A0%80%ED%B0%80",  # a surrogate pair, UTF-8 encoded (invalid)
        "%FF%FE%FD",  # not UTF-8 at all
        "%E2%80%AE%E2%80%8B%EF%BB%BF",  # bidi override, zero width, BOM
        "%",  # a broken escape
        "%25%25%25",
        "a&q=b&q=c",  # repeated q
        "",
    ],
)
@pytest.mark.parametrize("path", ["/search", "/api/search"])
def test_broken_query_strings_never_fail(client, path, raw):
    response = client.get(f"{path}?q={raw}")
    assert response.status_code == 200
    if path == "/api/search":
        assert response.get_json()["kind"] in ("empty", "everyday")
    else:
        assert_safe(response)


@pytest.mark.parametrize(
    "path",
    [
        "/measures/%ED%A0%80",
        "/measures/%00",
        "/measures/" + "9" * 5000,
        "/departments/%ED%A0%80",
        "/departments/" + quote(MARKUP, safe=""),
        "/api/measures/%3Cscript%3E",
    ],
)
def test_hostile_paths_are_404(client, path):
    assert_safe(client.get(path), allowed=(404,))


def test_a_huge_body_is_refused_with_a_japanese_413(fake_service):
    # /slack/events (added by bot/wsgi.py) reads bodies; none may exceed MAX_CONTENT_LENGTH.
    app = create_web_app(fake_service.settings, fake_service)
    app.add_url_rule("/echo", "echo", lambda: str(len(request.get_data())), methods=["POST"])
    client = app.test_client()
    assert client.post("/echo", data="x" * 1000).get_data(as_text=True) == "1000"
    response = client.post("/echo", data="x" * (MAX_CONTENT_LENGTH + 1))
    assert response.status_code == 413
    assert "送信された内容が大きすぎます" in response.get_data(as_text=True)


def test_post_to_a_page_is_405_not_an_error(client):
    assert_safe(client.post("/search", data={"q": "家賃"}), allowed=(405,))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_any_text_gives_a_page(client, text):
    html = assert_safe(client.get("/search", query_string={"q": text}))
    assert "<h1>検索結果</h1>" in html
    response = client.get("/api/search", query_string={"q": text})
    assert response.status_code == 200
