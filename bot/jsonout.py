"""The JSON contracts other tools read: keep these shapes stable.

``answer_json`` is one line of ``soudan search --jsonl`` and the body of ``/api/search``;
``measure_json`` is one line of ``soudan data dump`` and the body of ``/api/measures/<id>``.
"""

from __future__ import annotations

from typing import Any

from index.model import Answer, Hit, Measure

MAX_RESULTS = 10


def measure_json(m: Measure) -> dict[str, Any]:
    return {
        "id": m.id,
        "plan": m.plan,
        "section": m.section,
        "section_title": m.section_title,
        "no": m.no,
        "title": m.title,
        "summary": m.summary,
        "departments": list(m.departments),
        "status": str(m.status),
        "predecessor": m.predecessor,
        "successor": m.successor,
    }


def answer_json(answer: Answer, question: str | None = None) -> dict[str, Any]:
    """``question``: the text as asked (echoed back so callers can join); else as searched."""
    return {
        "q": answer.question if question is None else question,
        "kind": str(answer.kind),
        "abstained": answer.abstained,
        "departments": list(answer.departments),
        "results": [hit_json(hit) for hit in answer.hits[:MAX_RESULTS]],
        # One entry per need read in the question (one for a one-need question, [] when
        # abstaining); "results" stays the flat list.
        "needs": [
            {
                "need": need.label,
                "departments": list(need.departments),
                "results": [hit_json(hit) for hit in need.hits[:MAX_RESULTS]],
            }
            for need in (() if answer.abstained else answer.needs)
        ],
        "narrow": list(answer.narrow),
        "suggestions": list(answer.suggestions),
        "notices": list(answer.notices),
    }


def hit_json(hit: Hit) -> dict[str, Any]:
    return {
        "id": hit.measure.id,
        "plan": hit.measure.plan,
        "title": hit.measure.title,
        "departments": list(hit.measure.departments),
        "score": hit.score,
        "matched": [match.label for match in hit.matched],
    }
