"""The stylesheet's colours meet WCAG AA: 4.5:1 for text, 3:1 for the focus ring."""

import re
from pathlib import Path

import pytest

import bot.web

CSS = (Path(bot.web.__file__).parent / "static" / "style.css").read_text(encoding="utf-8")
VARS = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS))
WHITE = "#ffffff"
NOTICE_BG = "#fff4e8"


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("fg", "bg"),
    [
        (VARS["text"], WHITE),
        (VARS["text"], VARS["soft"]),
        (VARS["text"], NOTICE_BG),
        (VARS["muted"], WHITE),
        (VARS["muted"], VARS["soft"]),
        (VARS["link"], WHITE),
        (VARS["link"], VARS["soft"]),
        (WHITE, VARS["accent"]),  # the search button
        (VARS["ins-text"], VARS["ins-bg"]),
        (VARS["del-text"], VARS["del-bg"]),
        ("#5f6368", WHITE),  # placeholder
    ],
)
def test_text_contrast_is_at_least_4_5(fg, bg):
    assert contrast(fg, bg) >= 4.5, (fg, bg, round(contrast(fg, bg), 2))


def test_focus_ring_stands_out():
    assert contrast(VARS["focus"], WHITE) >= 3
    assert contrast(VARS["focus"], VARS["soft"]) >= 3
    assert ":focus-visible { outline: 3px solid var(--focus)" in CSS


def test_the_colours_read_are_the_ones_used():
    assert NOTICE_BG in CSS and "#5f6368" in CSS
    assert {"text", "muted", "link", "accent", "soft", "focus"} <= set(VARS)
