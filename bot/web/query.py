"""The `q` parameter made safe to search: bounded, no control or format characters."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs

from flask import Request

from index.question import MAX_QUESTION_CHARS

# Worded as index.answer words it, so the page shows the remark once, whoever cut.
SHORTENED_NOTICE = f"質問が長いため、先頭の{MAX_QUESTION_CHARS}文字で探しました。"
# Cleaning is per character; cut far-too-long input first so it costs nothing.
_RAW_LIMIT = MAX_QUESTION_CHARS * 4
# Parsing a megabyte of query string costs far more than answering: read only its start.
# 2,000 Japanese characters take 18 KB percent-encoded.
QUERY_BYTES = 32 * 1024


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    shortened: bool


def question_of(request: Request) -> Query:
    """The cleaned `q` of a request; a huge query string is read only in part."""
    if len(request.query_string) <= QUERY_BYTES:
        return clean_query(request.args.get("q"))
    head = request.query_string[:QUERY_BYTES].decode("ascii", "replace")
    values = parse_qs(head, encoding="utf-8", errors="replace").get("q", [""])
    query = clean_query(values[0])
    return Query(query.text, True)


def clean_query(raw: str | None) -> Query:
    """Line breaks and odd spaces become one space; every other character of category C
    (control, format such as bidi overrides and zero-width, surrogate, private, unassigned)
    is dropped; the result is cut to MAX_QUESTION_CHARS."""
    raw = raw or ""
    cut = len(raw) > _RAW_LIMIT
    chars: list[str] = []
    for char in raw[:_RAW_LIMIT]:
        category = unicodedata.category(char)
        if char in "\t\n\r\v\f" or category in ("Zs", "Zl", "Zp"):
            if chars and chars[-1] != " ":
                chars.append(" ")
        elif category[0] != "C":
            chars.append(char)
    text = "".join(chars).strip()
    if len(text) > MAX_QUESTION_CHARS:
        text, cut = text[:MAX_QUESTION_CHARS].rstrip(), True
    return Query(text, cut)
