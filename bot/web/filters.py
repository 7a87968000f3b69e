"""Small formatting helpers for the templates."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from flask import Flask

from index.model import Plan, Section

_NOT_DIAL = re.compile(r"[^0-9+]")


def section_label(code: str) -> str:
    """ "1-3" → １－（３）, as printed in the plan."""
    return Section(0, code, "").label


def plan_label(plan: int) -> str:
    """第３期 (the short form, for badges and lists)."""
    return Plan(plan, "").short


def tel_href(phone: str) -> str:
    return "tel:" + _NOT_DIAL.sub("", phone)


def web_url(url: str) -> str | None:
    """The URL if it is http(s); a javascript: link from a data file must not become a link."""
    parsed = urlparse(url.strip())
    return url.strip() if parsed.scheme in ("http", "https") and parsed.netloc else None


def install_filters(app: Flask) -> None:
    for helper in (section_label, plan_label, tel_href, web_url):
        app.add_template_filter(helper)
