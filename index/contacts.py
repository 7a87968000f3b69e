"""Whom to contact: the departments behind a list of hits."""

from __future__ import annotations

from collections import defaultdict

from index.model import Hit

# Departments to contact come from hits at least this close to the best one.
DEPARTMENT_SHARE = 0.5
DEPARTMENT_HITS = 3


def contact_departments(hits: list[Hit] | tuple[Hit, ...]) -> tuple[str, ...]:
    """Whom to contact: departments of the top hits, weighted by score."""
    if not hits:
        return ()
    floor = hits[0].score * DEPARTMENT_SHARE
    weight: dict[str, float] = defaultdict(float)
    for hit in hits[:DEPARTMENT_HITS]:
        if hit.score >= floor:
            for position, name in enumerate(hit.measure.departments):
                weight[name] += hit.score / (1 + position)
    return tuple(sorted(weight, key=lambda name: -weight[name]))
