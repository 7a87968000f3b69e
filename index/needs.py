"""Reading a question as needs: a case note names several (住まい, 借金, こころの健康).

Each word of the question that is evidence on its own (not 相談, 区役所, 高齢者) is searched
alone; the measure it leads to says which needs (data/needs.csv) it speaks of. A need is
kept when at least one word leads to it that no stronger need already explains, so one
word never splits into two needs and a word common to two measures does not invent one.
Each kept need is then searched with its own words, among its own measures.

The needs are ordered by where their best measure stands in the flat ranking, so the first
answer stays the one the whole question points to.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from index.contacts import contact_departments
from index.engine import Index, QueryTerm
from index.model import Hit, Need, NeedCategory

MAX_NEEDS = 4
NEED_HITS = 5
HUB_HITS = 2
NEED_CARDS = 2  # what a need shows before its 「もっと見る」
# A clause of a case note says a need when, searched alone, its best measure scores this.
CLAUSE_SCORE = 4.0

# A word leads to a need only when, searched alone, its best measure scores this much:
# below it the word meets the plan in passing (one mention in a long summary).
WORD_SCORE = 2.5
# Searched alone, a word leads to the needs of every measure this close to its best one.
WORD_SHARE = 0.8
# ... and the whole question must point to it too: one of its measures scores at least this
# share of the best in the flat ranking, so a word said in passing (通院, 無職) does not
# split a one-need question.
FLAT_SHARE = 0.4


@dataclass(slots=True)
class _Group:
    label: str
    words: set[str] = field(default_factory=set)
    best: float = 0.0


def word_needs(
    query: list[QueryTerm], index: Index, evidence: frozenset[str], awareness: bool
) -> list[_Group]:
    """Needs the question's words lead to, strongest first, each word counted once."""
    by_word: dict[str, list[QueryTerm]] = defaultdict(list)
    for q in query:
        by_word[q.source].append(q)
    groups: dict[str, _Group] = {}
    for word, terms in by_word.items():
        if word not in evidence:
            continue
        hits = index.search(terms, plan=3, wants_awareness=awareness, limit=3)
        if not hits or hits[0].score < WORD_SCORE:
            continue
        for hit in hits:
            if hit.score < hits[0].score * WORD_SHARE:
                break
            for label in index.data.needs_of(hit.measure.id):
                group = groups.setdefault(label, _Group(label))
                group.words.add(word)
                group.best = max(group.best, hit.score)
    return _explaining(groups)


def _explaining(groups: dict[str, _Group]) -> list[_Group]:
    """Strongest first; a need is kept only for words no stronger need already explains."""
    # A need whose words all lead to another need too is that need seen from one side
    # (家賃 -> 住まい inside 家賃の滞納 -> 家計): it is not a need of its own.
    whole = [
        g
        for g in groups.values()
        if not any(o is not g and g.words < o.words for o in groups.values())
    ]
    ordered = sorted(whole, key=lambda g: (-g.best, g.label))
    kept: list[_Group] = []
    explained: set[str] = set()
    for group in ordered:
        if group.words - explained:
            kept.append(group)
            explained |= group.words
    return kept


_CLAUSE_END = re.compile(r"[。．！？!?\n ]+|、")
MIN_CLAUSE = 2


def clauses(text: str) -> list[str]:
    """Sentences and comma-separated clauses of a case note, long enough to mean something."""
    parts = [p.strip() for p in _CLAUSE_END.split(text)]
    return [p for p in parts if len(p) >= MIN_CLAUSE]


def clause_needs(text: str, index: Index, build, evidence_of, awareness: bool) -> list[_Group]:
    """Needs the question's clauses lead to, strongest first: each clause is searched alone,
    and the needs of its best measure take the clause's evidence words."""
    groups: dict[str, _Group] = {}
    for clause in clauses(text):
        query = build(clause)
        evidence = evidence_of(query)
        terms = [q for q in query if q.source in evidence]
        if not terms:
            continue
        hits = index.search(terms, plan=3, wants_awareness=awareness, limit=3)
        if not hits or hits[0].score < CLAUSE_SCORE:
            continue
        # A clause speaks of one need: the one its closest measures share most.
        votes: dict[str, float] = defaultdict(float)
        for hit in hits:
            if hit.score < hits[0].score * WORD_SHARE:
                break
            for label in index.data.needs_of(hit.measure.id):
                votes[label] += hit.score
        if not votes:
            continue
        order = {n.label: i for i, n in enumerate(index.data.needs)}
        # Ties go to the need listed first in data/needs.csv (住まい before 家計).
        label = max(votes, key=lambda name: (round(votes[name], 6), -order[name]))
        group = groups.setdefault(label, _Group(label))
        group.words |= {q.source for q in terms}
        group.best = max(group.best, hits[0].score)
    return _explaining(groups)


def read_needs(
    query: list[QueryTerm],
    flat: list[Hit],
    index: Index,
    evidence: frozenset[str],
    awareness: bool,
    text: str = "",
    build=None,
    evidence_of=None,
) -> list[Need]:
    """The question's needs, each with its measures; [] when it names none."""
    if build is not None and len(clauses(text)) > 1:
        groups = clause_needs(text, index, build, evidence_of, awareness)
    else:
        groups = word_needs(query, index, evidence, awareness)
    if len(groups) < 2:
        return []
    rank = {hit.measure.id: position for position, hit in enumerate(flat)}
    floor = flat[0].score * FLAT_SHARE if flat else 0.0
    needs: list[tuple[int, Need]] = []
    for group in groups:
        category = index.data.need(group.label)
        assert category is not None  # labels come from the data
        if not any(h.score >= floor and h.measure.id in category.measures for h in flat):
            continue
        terms = [q for q in query if q.source in group.words]
        hits = need_hits(terms, category, index, awareness)
        if hits:
            first = min((rank.get(h.measure.id, len(rank)) for h in hits), default=len(rank))
            needs.append((first, Need(group.label, tuple(hits), _departments(hits))))
    needs.sort(key=lambda item: item[0])
    out: list[Need] = []
    for _, need in needs:
        # Two needs answered by the same measures are one need named twice (住まい and
        # 家計 for 家賃の滞納): the one the question points to first stands for both.
        first = need.hits[0].measure.id
        if not any(first == h.measure.id for kept in out for h in kept.hits[:NEED_CARDS]):
            out.append(need)
    out = out[:MAX_NEEDS]
    hub = next((n for n in index.data.needs if n.catch_all), None)
    if 1 < len(out) < MAX_NEEDS and hub is not None and all(n.label != hub.label for n in out):
        # Several needs at once are what the general windows (自立相談支援, 福祉まるごと
        # サポートセンター) are for: they close the list when there is room.
        hits = tuple(Hit(m, 0.0, ()) for m in map(index.data.measure, hub.measures[:HUB_HITS]) if m)
        out.append(Need(hub.label, hits, _departments(hits[:1])))
    if out and flat and _has_label(flat[0], out[0], index) and not _shows(out[0], flat[0]):
        # The measure the whole question points to leads its need.
        first = out[0]
        hits = (flat[0], *(h for h in first.hits if h.measure.id != flat[0].measure.id))
        out[0] = Need(first.label, hits[:NEED_HITS], _departments(hits))
    return out


def need_hits(
    terms: list[QueryTerm], category: NeedCategory, index: Index, awareness: bool
) -> list[Hit]:
    """The category's measures that ``terms`` reach, best first."""
    members = set(category.measures)
    hits = index.search(terms, plan=3, wants_awareness=awareness)
    return [h for h in hits if h.measure.id in members][:NEED_HITS]


def interleave(needs: list[Need], flat: list[Hit], limit: int) -> tuple[Hit, ...]:
    """One measure of each need in turn, so the first five cover every need before any
    repeats; then the rest of the flat ranking."""
    out: list[Hit] = []
    seen: set[str] = set()

    def add(hit: Hit) -> None:
        if hit.measure.id not in seen and len(out) < limit:
            seen.add(hit.measure.id)
            out.append(hit)

    for position in range(NEED_HITS):
        for need in needs:
            if position < len(need.hits):
                add(need.hits[position])
    for hit in flat:
        add(hit)
    return tuple(out)


def union_departments(needs: list[Need] | tuple[Need, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for need in needs:
        for name in need.departments:
            if name not in out:
                out.append(name)
    return tuple(out)


def _shows(need: Need, hit: Hit) -> bool:
    return any(h.measure.id == hit.measure.id for h in need.hits)


def _has_label(hit: Hit, need: Need, index: Index) -> bool:
    return need.label in index.data.needs_of(hit.measure.id)


def _departments(hits: list[Hit] | tuple[Hit, ...]) -> tuple[str, ...]:
    return contact_departments(hits)
