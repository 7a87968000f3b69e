"""Slack's text format: escaping what we echo, reading what users typed, fitting limits."""

from __future__ import annotations

import re

from index.text import clean_text

ELLIPSIS = "…"

_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_LABELLED = re.compile(r"<(?:[^<>|]*)\|([^<>]*)>")
_ANGLED = re.compile(r"<([^<>]*)>")


def escape(text: str) -> str:
    """Escape the three characters Slack reads as markup, so echoed text never pings,
    links or spoofs (``<!channel>`` is shown, not sent)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain_text(slack_text: str, *, drop_user: str | None = None) -> str:
    """What a person typed, from Slack's message format.

    Mentions of ``drop_user`` (the bot) go; other mentions, channel links and links keep
    their label, so a question still reads as written. Entities are decoded last, so a
    typed ``&lt;`` stays the text "<" and never becomes markup.
    """
    # Lone surrogates and bidi controls can't be encoded back to Slack, and can disguise
    # text (right-to-left overrides): they go first, with the shared cleaning.
    text = clean_text(slack_text or "", lines=True)
    if drop_user:
        text = re.sub(rf"<@{re.escape(drop_user)}(?:\|[^>]*)?>", " ", text)
    text = _USER_MENTION.sub(" ", text)
    text = _LABELLED.sub(r"\1", text)
    text = _ANGLED.sub(lambda m: "" if m[1].startswith(("!", "#", "@")) else m[1], text)
    return clean_text(unescape(text), lines=True)


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def fit_escaped(raw: str, limit: int) -> str:
    """``raw`` escaped and at most ``limit`` characters long, never cut inside an entity."""
    escaped = escape(raw)
    if len(escaped) <= limit:
        return escaped
    # Escaping only grows text, so cutting the raw text until it fits always ends.
    keep = min(len(raw), limit)
    while keep > 0:
        candidate = escape(raw[:keep].rstrip()) + ELLIPSIS
        if len(candidate) <= limit:
            return candidate
        keep -= max(1, (len(candidate) - limit) // 5)
    return ELLIPSIS[:limit]


def trim_sentences(text: str, limit: int) -> str:
    """Whole sentences up to ``limit`` characters; a single overlong sentence is clipped."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind("。"), cut.rfind("！"), cut.rfind("？"))
    if end != -1:
        return cut[: end + 1]
    return clip(text, limit)
