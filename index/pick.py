"""Measures for what a person types into a 「正しい取組は？」 select: type-ahead, not an answer.

An id or the start of one (1-4, 3-1-4-1) lists those measures; words list the measures
whose title holds them, then what the search ranks for them, so 家計 finds 家計改善支援
and 家賃が払えない finds the housing measures. Never abstains: a person is choosing.
"""

from __future__ import annotations

import re
import unicodedata

from index.answer import build_query
from index.engine import Index
from index.model import CURRENT_PLAN, Measure

_ID_PREFIX = re.compile(r"\d+(?:-\d*)*")
# Hyphens and dashes an IME may type between the numbers of an id (１ー４ー１).
DASHES = re.compile(r"[‐‑–—―−ー－]")
MAX_TYPED = 100  # a select's query; more is not a search term anymore


def pick_measures(index: Index, typed: str, limit: int) -> tuple[Measure, ...]:
    """Up to ``limit`` current-plan measures for ``typed``, best first; all in plan order
    (up to ``limit``) when nothing is typed."""
    measures = index.data.plan_measures(CURRENT_PLAN)
    text = _fold(typed)[:MAX_TYPED]
    if limit <= 0:
        return ()
    if not text:
        return measures[:limit]
    picked: dict[str, Measure] = {}
    if _ID_PREFIX.fullmatch(text):
        for m in measures:
            if m.short_id.startswith(text) or m.id.startswith(text):
                picked.setdefault(m.id, m)
                if len(picked) >= limit:
                    return tuple(picked.values())
    for title, m in _titles(index):
        if text in title:
            picked.setdefault(m.id, m)
            if len(picked) >= limit:
                return tuple(picked.values())
    if len(picked) < limit:
        query = build_query(text, index)
        for hit in index.search(query, plan=CURRENT_PLAN, limit=limit):
            picked.setdefault(hit.measure.id, hit.measure)
    return tuple(picked.values())[:limit]


def _titles(index: Index) -> tuple[tuple[str, Measure], ...]:
    # Folded once per index: a keystroke at 100 times this plan must not fold 9,700 titles.
    titles = index.memo.get("pick_titles")
    if titles is None:
        titles = tuple((_fold(m.title), m) for m in index.data.plan_measures(CURRENT_PLAN))
        index.memo["pick_titles"] = titles
    return titles  # type: ignore[return-value]


def _fold(text: str) -> str:
    # Full-width digits and hyphens (１－４) as half-width; case and spaces do not matter.
    folded = unicodedata.normalize("NFKC", text or "").lower()
    folded = DASHES.sub("-", folded) if re.search(r"\d", folded) else folded
    return re.sub(r"\s+", "", folded)
