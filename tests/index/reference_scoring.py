"""Today's scoring written as plain loops over postings: the reference the array scoring in
index/engine.py must match (same scores to 1e-9, same order) on every question we have."""

from __future__ import annotations

from collections import defaultdict

from index.engine import (
    AWARENESS_FACTOR,
    CONDITION_FACTOR,
    EXTRA_TERM_SHARE,
    OWN_PATHS,
    Index,
    PlanIndex,
    QueryTerm,
    _Asked,
    _best_terms,
)


def _phrased(plan_index: PlanIndex, term: str) -> set[int]:
    """The documents where ``term`` comes only from situation phrases."""
    return set(plan_index.phrased_at[term][1]) if term in plan_index.phrased_at else set()


def _factor(plan_index: PlanIndex, doc_id: int, asked: _Asked, wants_awareness: bool) -> float:
    """What the measure's kind does to its score, one measure at a time."""
    doc = plan_index.docs[doc_id]
    out = AWARENESS_FACTOR if doc.waits(asked, wants_awareness) else 1.0
    if doc.group and not any(asked.names(word, terms) for word, terms in doc.group):
        out *= CONDITION_FACTOR
    return out


def reference_search(
    index: Index,
    query: list[QueryTerm],
    plan: int = 3,
    *,
    wants_awareness: bool = False,
    only: frozenset[str] | None = None,
    whole: list[QueryTerm] | None = None,
) -> list[tuple[str, float]]:
    plan_index = index.plans[plan]
    best = _best_terms(query, plan_index)
    allowed = None if only is None else {plan_index.doc_of[m] for m in only}
    said = frozenset(best)
    own: dict[int, float] = defaultdict(float)
    grouped: dict[int, dict[tuple[str, str], list[float]]] = defaultdict(dict)
    matched: set[int] = set()
    for q in best.values():
        key = (q.via, q.source)
        ids, values = plan_index.postings[q.term]
        for doc_id, value in zip(ids.tolist(), values.tolist(), strict=True):
            if allowed is not None and doc_id not in allowed:
                continue
            contribution = q.weight * value
            if doc_id in _phrased(plan_index, q.term):
                contribution *= plan_index.docs[doc_id].phrase_factor(q.term, said)
            matched.add(doc_id)
            if q.via in OWN_PATHS:
                own[doc_id] += contribution
                continue
            group = grouped[doc_id].get(key)
            if group is None:
                grouped[doc_id][key] = [contribution, contribution]
            else:
                group[0] = max(group[0], contribution)
                group[1] += contribution
    asked = _Asked.of(whole or query)
    scores = []
    for doc_id in matched:
        score = own[doc_id] + sum(
            b + EXTRA_TERM_SHARE * (t - b) for b, t in grouped[doc_id].values()
        )
        score *= _factor(plan_index, doc_id, asked, wants_awareness)
        scores.append((-round(score, 4), plan_index.docs[doc_id].measure.id, score))
    scores.sort()
    return [(measure_id, score) for _, measure_id, score in scores]


def reference_by_source(
    index: Index,
    query: list[QueryTerm],
    plan: int = 3,
    *,
    wants_awareness: bool = False,
    whole: list[QueryTerm] | None = None,
) -> dict[str, list[tuple[str, float]]]:
    plan_index = index.plans[plan]
    per: dict[str, dict[int, list[float]]] = defaultdict(dict)
    best = _best_terms(query, plan_index)
    said = frozenset(best)
    for q in best.values():
        ids, values = plan_index.postings[q.term]
        for doc_id, value in zip(ids.tolist(), values.tolist(), strict=True):
            contribution = q.weight * value
            if doc_id in _phrased(plan_index, q.term):
                contribution *= plan_index.docs[doc_id].phrase_factor(q.term, said)
            group = per[q.source].get(doc_id)
            if group is None:
                per[q.source][doc_id] = [contribution, contribution]
            else:
                group[0] = max(group[0], contribution)
                group[1] += contribution
    reached = {q.source for q in query if q.via not in OWN_PATHS}
    asked = _Asked.of(whole or query)
    out = {}
    for source, docs in per.items():
        ranked = []
        for doc_id, (b, t) in docs.items():
            score = t if source not in reached else b + EXTRA_TERM_SHARE * (t - b)
            score *= _factor(plan_index, doc_id, asked, wants_awareness)
            ranked.append((score, plan_index.docs[doc_id].measure.id))
        ranked.sort(key=lambda item: (-item[0], item[1]))
        out[source] = [(measure_id, score) for score, measure_id in ranked]
    return out
