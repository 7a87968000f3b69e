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

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from index.contacts import contact_departments
from index.engine import OWN_PATHS, Index, QueryTerm, Ranked, top_documents
from index.model import CURRENT_PLAN, Hit, Need, NeedCategory, Path
from index.text import Token, content_terms, fold_kana

MAX_NEEDS = 4
NEED_HITS = 5
HUB_HITS = 2
CANDIDATE_SPARE = 2
NEED_CARDS = 2  # what a need shows before its 「もっと見る」
# A clause of a case note says a need when, searched alone, its best measure scores this.
CLAUSE_SCORE = 4.0

# A word leads to a need only when, searched alone, its best measure scores this much:
# below it the word meets the plan in passing (one mention in a long summary).
WORD_SCORE = 3.5
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
    # Found only as a clause's second need: kept when the whole question points to it too.
    aside: bool = True
    # Named in the words of data/needs.csv: the asker said it, no vote needed.
    named: bool = False


def word_needs(
    query: list[QueryTerm], index: Index, evidence: frozenset[str], awareness: bool
) -> list[_Group]:
    """Needs the question's words lead to, strongest first, each word counted once."""
    groups: dict[str, _Group] = {}
    # A word inside a phrase the vocabulary read as a whole (回る in 首が回らない) belongs
    # to that phrase, not to a need of its own.
    phrased = {w for q in query if q.via == Path.VOCABULARY for w in index.analyzed(q.source)}
    said = [q for q in query if q.source in evidence and (q.via or q.source not in phrased)]
    for word, ranked in index.by_source(
        said, plan=CURRENT_PLAN, wants_awareness=awareness, whole=query
    ).items():
        if not ranked or ranked[0][0] < WORD_SCORE:
            continue
        for score, measure in ranked[:3]:
            if score < ranked[0][0] * WORD_SHARE:
                break
            for label in index.data.needs_of(measure.id):
                group = groups.setdefault(label, _Group(label, aside=False))
                group.words.add(word)
                group.best = max(group.best, score)
    return _explaining(groups)


def _explaining(groups: dict[str, _Group]) -> list[_Group]:
    """Strongest first; a need is kept only for words no stronger need already explains."""
    # A need whose words all lead to another need too is that need seen from one side
    # (家賃 -> 住まい inside 家賃の滞納 -> 家計): it is not a need of its own.
    whole = [
        g
        for g in groups.values()
        if g.aside or not any(o is not g and g.words < o.words for o in groups.values())
    ]
    ordered = sorted(whole, key=lambda g: (-g.best, g.label))
    kept: list[_Group] = []
    explained: set[str] = set()
    for group in ordered:
        if group.aside or group.words - explained:
            kept.append(group)
            explained |= group.words
    return kept


_CLAUSE_MARKS = frozenset("。．！？!?、 \n")
MIN_CLAUSE = 2


def clause_tokens(tokens: list[Token]) -> list[tuple[str, list[Token]]]:
    """The same clauses from the question's analysis: (text, its tokens), cut at the units
    that are sentence ends, commas or spaces."""
    out: list[tuple[str, list[Token]]] = []
    current: list[Token] = []

    def close() -> None:
        text = "".join(t.surface for t in current if not t.part).strip()
        if len(text) >= MIN_CLAUSE:
            out.append((text, list(current)))
        current.clear()

    for token in tokens:
        if not token.part and token.surface.strip() in _CLAUSE_MARKS | {""}:
            close()
        else:
            current.append(token)
    close()
    return out


def clause_needs(
    parts: list[tuple[str, list[Token]]],
    query: list[QueryTerm],
    index: Index,
    evidence: frozenset[str],
    awareness: bool,
) -> list[_Group]:
    """Needs the question's clauses lead to, strongest first: each clause is scored alone
    (from one pass over the whole question's postings), and the need its best measures
    share takes the clause's evidence words."""
    said = [q for q in query if q.source in evidence]
    by_word = index.by_source(said, plan=CURRENT_PLAN, wants_awareness=awareness, whole=query)
    plan = index.plans[CURRENT_PLAN]
    reached = [
        (fold_kana(source), source, frozenset(index.analyzed(source)))
        for source in {q.source for q in query if q.via and q.source in by_word}
    ]
    order = {n.label: i for i, n in enumerate(index.data.needs)}
    groups: dict[str, _Group] = {}
    for clause, tokens in parts:
        folded = fold_kana(clause)
        terms = {t.term for t in content_terms(tokens)}
        words = {term for term in terms if term in by_word}
        # A vocabulary phrase belongs to the clause that spells it, or that holds its words
        # in any order (家賃を2か月滞納 holds 家賃の滞納).
        words |= {word for key, word, parts in reached if key in folded or parts <= terms}
        if not words:
            continue
        # The clause scored alone: its words' vectors summed, its best three measures.
        total = np.zeros(len(plan.docs))
        for word in words:
            by_word[word].add_to(total)
        # Every contribution is positive: the measures the clause reaches are those above 0.
        touched = np.flatnonzero(total)
        ranked = [
            (plan.docs[d].measure.id, float(total[d]))
            for d in top_documents(touched, total[touched], plan.id_rank, 3)
        ]
        if ranked[0][1] < CLAUSE_SCORE:
            continue
        # A clause speaks of one need: the one its closest measures share most.
        votes: dict[str, float] = defaultdict(float)
        for measure_id, score in ranked:
            if score < ranked[0][1] * WORD_SHARE:
                break
            for label in index.data.needs_of(measure_id):
                votes[label] += score
        if not votes:
            continue
        # Ties go to the need listed first in data/needs.csv (住まい before 家計).
        label = max(votes, key=lambda name: (round(votes[name], 6), -order[name]))
        group = groups.setdefault(label, _Group(label))
        group.words |= words
        group.best = max(group.best, ranked[0][1])
        group.aside = False
        # A clause may name a second need in a word of its own (家賃を滞納、クビになった):
        # a strong word whose best measures are none of the first need's is that need.
        for word in words:
            other = _leads_to(by_word[word], label, index)
            if other is not None:
                extra = groups.setdefault(other[0], _Group(other[0]))
                extra.words.add(word)
                extra.best = max(extra.best, other[1])
    return _explaining(groups)


def _leads_to(ranked: Ranked, label: str, index: Index) -> tuple[str, float] | None:
    """The need a word alone leads to when that is not ``label``: its best measure (of
    ``ranked``, best first as Index.by_source gives them) scores WORD_SCORE and none of its
    closest measures answers ``label``; else None."""
    first = ranked[:3]
    if not first or first[0][0] < WORD_SCORE:
        return None
    close = [m for score, m in first if score >= first[0][0] * WORD_SHARE]
    if any(label in index.data.needs_of(m.id) for m in close):
        return None
    needs = index.data.needs_of(close[0].id)
    return (needs[0], first[0][0]) if needs else None


def _named(
    query: list[QueryTerm], index: Index, groups: list[_Group], read: bool = False
) -> list[_Group]:
    """Needs the asker names in the words of data/needs.csv (失業, 眠れない) that no measure
    vote found: a word of job loss leads to the housing benefit first, yet it is also a need
    for work. A need found only beside another clause's (aside) and named too is marked
    named: the asker said it, so it needs no vote of the whole question."""
    found = {g.label: g for g in groups}
    own = {q.term for q in query if q.via in OWN_PATHS and q.weight == 1.0}
    # A word inside a longer phrase the vocabulary read (滞納 in 家賃を滞納) is that phrase.
    phrases = [
        words
        for q in query
        if q.via == Path.VOCABULARY and len(words := frozenset(index.analyzed(q.source))) > 1
    ]
    out = []
    for category in index.data.needs:
        if category.catch_all:
            continue
        named = [
            w
            for w in category.words
            if (terms := frozenset(index.analyzed(w)))
            and terms <= own
            and not any(terms < phrase for phrase in phrases)
        ]
        if category.label in found:
            if named:
                found[category.label].named = True
            continue
        if not named and read:
            # In a record of several clauses, a phrase the vocabulary reads as this need's
            # word (仕事を辞め -> 離職) names it too; a one-line question keeps to its words.
            targets = {q.term: q.source for q in query if q.via == Path.VOCABULARY}
            named = [targets[w] for w in category.words if w in targets]
            if named:
                out.append(_Group(category.label, set(named)))
            continue
        if named:
            words = {t for w in named for t in index.analyzed(w)}
            out.append(_Group(category.label, words, named=True))
    return out


def read_needs(
    query: list[QueryTerm],
    flat: list[Hit],
    index: Index,
    evidence: frozenset[str],
    awareness: bool,
    tokens: list[Token] | None = None,
) -> list[Need]:
    """The question's needs, each with its measures; [] when it names none.

    ``tokens``: the question's analysis; a question of several clauses is read clause by
    clause, a one-clause question word by word."""
    if len(evidence) < 2:
        return []  # one word can name one need at most
    parts = clause_tokens(tokens) if tokens is not None else []
    pointed = flat[0].score * FLAT_SHARE if flat else 0.0
    if len(parts) > 1:
        groups = clause_needs(parts, query, index, evidence, awareness)
    else:
        groups = word_needs(query, index, evidence, awareness)
    groups += _named(query, index, groups, read=len(parts) > 1)
    if len(groups) < 2:
        return []
    # The strongest few are enough to fill MAX_NEEDS after merging; each costs a search.
    groups = groups[: MAX_NEEDS + CANDIDATE_SPARE]
    rank = {hit.measure.id: position for position, hit in enumerate(flat)}
    needs: list[tuple[int, Need]] = []
    for group in groups:
        category = index.data.need(group.label)
        assert category is not None  # labels come from the data
        # A clause spoke for its need on its own; a word, or a clause's second need, must be
        # what the whole question points to as well.
        floor = pointed if (len(parts) <= 1 or group.aside) and not group.named else 0.0
        if floor and not any(h.score >= floor and h.measure.id in category.measures for h in flat):
            continue
        terms = [q for q in query if q.source in group.words]
        hits = need_hits(terms, category, index, awareness, whole=query)
        if hits:
            first = min((rank.get(h.measure.id, len(rank)) for h in hits), default=len(rank))
            needs.append((first, Need(group.label, tuple(hits), contact_departments(hits))))
    needs.sort(key=lambda item: item[0])
    # The need of the measure the whole question points to comes first, so the first answer
    # stays what it would be without needs.
    top = set(index.data.needs_of(flat[0].measure.id)) if flat else set()
    lead = next((i for i, (_, need) in enumerate(needs) if need.label in top), None)
    if lead:
        needs.insert(0, needs.pop(lead))
    # A risk to life or safety named in the question (死にたい, 叩いてしまう) comes first,
    # whatever the rest of the record is loudest about.
    # The tokens are of the cleaned (normalized) question: their surfaces are its text.
    said = "".join(t.surface for t in tokens) if tokens is not None else ""
    urgent = next(
        (i for i, (_, need) in enumerate(needs) if _is_urgent(need.label, said, index)), None
    )
    if urgent:
        needs.insert(0, needs.pop(urgent))
    out: list[Need] = []
    for _, need in needs:
        # Two needs answered by the same measures are one need named twice (住まい and
        # 家計 for 家賃の滞納): the one the question points to first stands for both. A need
        # whose first measure is already shown but whose second is not is a need of its own
        # (進学 beside 勉強 in a household on welfare): it leads with what is new.
        shown = {h.measure.id for kept in out for h in kept.hits[:NEED_CARDS]}
        cards = {h.measure.id for h in need.hits[:NEED_CARDS]}
        if need.hits[0].measure.id not in shown:
            out.append(need)
        elif cards - shown:
            new = [h for h in need.hits if h.measure.id not in shown]
            if new[0].score > 0:
                again = (h for h in need.hits if h.measure.id in shown)
                out.append(Need(need.label, (*new, *again), need.departments))
    out = out[:MAX_NEEDS]
    hub = next((n for n in index.data.needs if n.catch_all), None)
    if len(out) > 1 and hub is not None and all(n.label != hub.label for n in out):
        # Several needs at once are what the general windows (自立相談支援, 福祉まるごと
        # サポートセンター) are for: they close the list.
        hits = tuple(Hit(m, 0.0, ()) for m in map(index.data.measure, hub.measures[:HUB_HITS]) if m)
        out.append(Need(hub.label, hits, contact_departments(hits[:1])))
    if out and flat and _has_label(flat[0], out[0], index) and not _leads(out[0], flat[0]):
        # The measure the whole question points to leads its need.
        first = out[0]
        hits = (flat[0], *(h for h in first.hits if h.measure.id != flat[0].measure.id))
        out[0] = Need(first.label, hits[:NEED_HITS], contact_departments(hits))
    return out


def need_hits(
    terms: list[QueryTerm],
    category: NeedCategory,
    index: Index,
    awareness: bool,
    whole: list[QueryTerm] | None = None,
) -> list[Hit]:
    """The category's measures that ``terms`` reach, best first; the need's front door
    (its first measure in data/needs.csv: the general window for that need, such as
    あんしんケアセンター for 介護) stands among the first NEED_CARDS."""
    hits = index.search(
        terms,
        plan=CURRENT_PLAN,
        wants_awareness=awareness,
        limit=NEED_HITS,
        only=category.members,
        whole=whole,
    )
    front = index.data.measure(category.measures[0])
    shown = [h.measure.id for h in hits[:NEED_CARDS]]
    if hits and front is not None and front.id not in shown:
        door = next((h for h in hits if h.measure.id == front.id), Hit(front, 0.0, ()))
        rest = [h for h in hits if h.measure.id != front.id]
        hits = [*rest[: NEED_CARDS - 1], door, *rest[NEED_CARDS - 1 :]][:NEED_HITS]
    return hits


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


def _is_urgent(label: str, said: str, index: Index) -> bool:
    category = index.data.need(label)
    return category is not None and any(word in said for word in category.urgent)


def _leads(need: Need, hit: Hit) -> bool:
    return bool(need.hits) and need.hits[0].measure.id == hit.measure.id


def _has_label(hit: Hit, need: Need, index: Index) -> bool:
    return need.label in index.data.needs_of(hit.measure.id)
