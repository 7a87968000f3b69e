"""The `q` parameter made safe to search: bounded, no control or format characters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs

from flask import Request

from index.question import MAX_QUESTION_CHARS, SHORTENED_NOTICE, shorten
from index.text import clean_text

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
    is dropped (index.text.clean_text); the result is cut to MAX_QUESTION_CHARS."""
    raw = raw or ""
    text, cut = shorten(clean_text(raw[:_RAW_LIMIT]))
    return Query(text.rstrip(), cut or len(raw) > _RAW_LIMIT)


def notices_for(query: Query, notices: Iterable[str] = ()) -> list[str]:
    """An answer's notices, led by the remark that the question was cut when the page cut
    it; said once, though answer() may have cut it as well (NFKC can lengthen text)."""
    return list(dict.fromkeys([*([SHORTENED_NOTICE] if query.shortened else []), *notices]))
