"""build(data, analyzer) -> Index; Index.search(query) -> scored hits.

One index per plan: the 3rd plan is what caseworkers search, the 2nd is searched only for
questions about the old plan, and each keeps its own document frequencies.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from index.abbrev import AbbreviationTable, build_abbreviations
from index.analysis_cache import AnalysisCache
from index.bm25 import field_tf, idf, saturate
from index.fuzzy import PhraseTable
from index.model import CURRENT_PLAN, PREVIOUS_PLAN, Hit, Match, Measure, Path, PlanData
from index.text import Analyzer, conjugation_twin, content_terms, is_content, normalize
from index.vocab import Vocabulary

# Title above summary above section title and department (issue 3).
# Situations (data/situations.csv: who a measure is for, what brings people to it, its
# insider names) count like the summary: they are the measure's text in caseworkers' words.
FIELD_WEIGHTS = {
    "title": 3.0,
    "summary": 1.0,
    "situations": 1.0,
    "section": 0.4,
    "departments": 0.6,
    "former": 0.8,
}
# Generic awareness measures mention everything and help with nothing specific: they are
# kept, but below a measure that acts on the need, unless the asker wants publicity.
PUBLICITY_WORDS = ("周知", "啓発")
AWARENESS_WORDS = (*PUBLICITY_WORDS, "醸成", "養成")
AWARENESS_FACTOR = 0.6
# A measure for a group the question does not name (data/conditions.csv) stays on the list,
# below the measures open to everyone: 市営住宅 tenants' rent reduction is no answer to a
# private tenant's rent arrears unless nothing else fits.
CONDITION_FACTOR = 0.6
# Terms one vocabulary line or one kana run brought in are one piece of evidence: the best
# of them counts fully, the rest at this share. Otherwise a line with many targets
# (親の介護 -> 介護・負担・軽減・ケアセンター) would outvote the user's own words by length.
EXTRA_TERM_SHARE = 0.3
# Calibrated on the tuning sets (docs/search.md, しきい値の決め方): below
# this top score nothing in the plan fits well enough to show. It depends on the corpus's
# idf scale, so an index over other data (a test plan, another city) passes its own.
ABSTAIN_SCORE = 4.5
OWN_PATHS = frozenset({Path.OWN, Path.SPELLED})
# Analyses kept per index: vocabulary phrases are a few hundred, so this bounds only
# pathological input (the cache never holds question text beyond short phrases).
ANALYZED_CACHE = 4096
SHARE_MIN_DOCS = 20
PHRASE_FLOOR = 0.6
# Factor vectors kept per plan index (see PlanIndex.factors): a few questions' worth,
# cleared when full.
FACTORS_KEPT = 8
# Phrase factors kept per plan index: bounded, cleared when full. A key holds only words of
# the plan's own phrases, never a question's text.
PHRASE_FACTORS_KEPT = 4096


@dataclass(frozen=True, slots=True)
class QueryTerm:
    term: str
    weight: float
    source: str  # the user's word (or vocabulary trigger) that led here
    via: str = Path.OWN


@dataclass(slots=True)
class _Doc:
    measure: Measure
    tf: dict[str, Counter[str]]  # field -> term -> count (a mode A part counts half)
    length: dict[str, float]
    awareness: bool
    # Terms found only in the measure's situations -> the phrase they come from, so an
    # explanation can say 「初診日（障害年金の請求）」 rather than a bare word.
    situation_of: dict[str, str] = field(default_factory=dict)
    # The same terms -> the word sets of the phrases that hold them: a phrase is evidence in
    # proportion to how much of it the question says (仕事 alone is little of シニアの仕事探し).
    phrases_of: dict[str, tuple[frozenset[str], ...]] = field(default_factory=dict)
    # data/conditions.csv: the words naming the group the measure is for, each as itself
    # (normalized) and as the terms it is made of; empty for a measure open to everyone.
    group: tuple[tuple[str, frozenset[str]], ...] = ()
    # An awareness measure about one program (障害年金についての周知): the title's words no
    # other measure's text has. A question naming them asks for that program, and the
    # measure is the plan's way to it, so it does not wait.
    subject: frozenset[str] = frozenset()

    def waits(self, asked: _Asked, wants_awareness: bool) -> bool:
        """An awareness measure this question does not ask for: it ranks AWARENESS_FACTOR
        lower (PlanIndex.factors)."""
        return self.awareness and not wants_awareness and not self.subject & asked.terms

    def phrase_factor(self, term: str, said: frozenset[str]) -> float:
        phrases = self.phrases_of.get(term)
        if not phrases:
            return 1.0
        covered = max(len(words & said) / len(words) for words in phrases)
        return PHRASE_FLOOR + (1.0 - PHRASE_FLOOR) * covered


@dataclass(slots=True)
class _Asked:
    """The terms of one query, for the conditions of data/conditions.csv."""

    terms: frozenset[str]
    text: str  # the terms joined, so "a term holds this word" is one substring search

    @classmethod
    def of(cls, query: list[QueryTerm]) -> _Asked:
        terms = frozenset(q.term for q in query)
        return cls(terms, "\n".join(terms))

    def names(self, word: str, terms: frozenset[str]) -> bool:
        """The question names the word: all its terms, or a longer term that holds it (an
        abbreviation's 就労定着支援 names 就労定着). A word of one character names it only as
        a term of its own: 子 is in 様子 and 調子 too."""
        if len(word) == 1:
            return word in self.terms
        return bool(terms) and terms <= self.terms or word in self.text


@dataclass(slots=True)
class PlanIndex:
    docs: list[_Doc]
    doc_of: dict[str, int]  # measure id -> position in docs
    text_df: dict[str, int]  # term -> measures whose title or summary has it
    # term -> (documents ascending, idf x saturated BM25F tf of each): everything but the
    # query weight is known at build time, so a term's part of a search is one vector
    # multiply, whatever the number of measures.
    postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    # term -> the documents where it comes only from situation phrases (see phrase_factor),
    # as (their positions in its postings, the documents, the words of their phrases):
    # every other posting counts in full without a look at the phrases.
    phrased_at: dict[str, tuple[np.ndarray, tuple[int, ...], frozenset[str]]] = field(
        default_factory=dict
    )
    # Per document: an awareness measure; its place in measure-id order (ties break by id).
    awareness: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    # The awareness measures about one program (_Doc.subject).
    subjects: tuple[int, ...] = ()
    id_rank: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # The groups of data/conditions.csv, each with the documents it applies to: a question
    # is checked once per group, not once per measure.
    groups: tuple[tuple[tuple[tuple[str, frozenset[str]], ...], np.ndarray], ...] = ()
    _factors: dict[tuple[frozenset[str], bool], np.ndarray] = field(
        default_factory=dict, repr=False
    )
    _phrase_factors: dict[tuple[str, frozenset[str]], np.ndarray] = field(
        default_factory=dict, repr=False
    )

    def factors(self, asked: _Asked, wants_awareness: bool) -> np.ndarray:
        """What each measure's kind does to its score for this question (_Doc.factor, for
        all measures at once). One answer searches many times with the same question, so
        the last few are kept. Threads share the index: the cache is only read, set and
        cleared whole, each one step under the GIL (no iteration that another thread's
        write could break)."""
        key = (asked.terms, wants_awareness)
        out = self._factors.get(key)
        if out is None:
            out = self._factors_of(asked, wants_awareness)
            if len(self._factors) >= FACTORS_KEPT:
                self._factors.clear()
            self._factors[key] = out
        return out

    def _factors_of(self, asked: _Asked, wants_awareness: bool) -> np.ndarray:
        out = np.ones(len(self.docs))
        if not wants_awareness:
            waiting = self.awareness.copy()
            for doc_id in self.subjects:
                waiting[doc_id] = self.docs[doc_id].waits(asked, wants_awareness)
            out[waiting] *= AWARENESS_FACTOR
        for group, doc_ids in self.groups:
            if not any(asked.names(word, terms) for word, terms in group):
                out[doc_ids] *= CONDITION_FACTOR
        return out

    def has(self, term: str) -> bool:
        return term in self.postings

    def share(self, term: str) -> float:
        """The share of measures whose own text (title, summary) has the term: near 1 for
        words that run across the plan (支援, 相談). The situations are left out: they name
        needs in many ways on purpose (仕事 is in dozens of them) and say nothing of how
        general a word is.

        Below SHARE_MIN_DOCS measures a share says nothing (in a plan of three, every word
        is in a third of it), so it reads 0."""
        if len(self.docs) < SHARE_MIN_DOCS:
            return 0.0
        return self.text_df.get(term, 0) / len(self.docs)


@dataclass(slots=True)
class Ranked:
    """What one word alone gives the measures it reaches (Index.by_source), read best first
    only as far as a caller asks (ranked[:3])."""

    reached: np.ndarray  # the documents the word reaches, ascending
    scores: np.ndarray  # what the word gives each of them, after the measures' factors
    plan: PlanIndex

    def __len__(self) -> int:
        return len(self.reached)

    def __getitem__(self, wanted: slice | int):
        if isinstance(wanted, int):
            return self[: wanted + 1][wanted]
        order = top_documents(
            np.arange(len(self.reached)), self.scores, self.plan.id_rank[self.reached], wanted.stop
        )
        return [(float(self.scores[k]), self.plan.docs[self.reached[k]].measure) for k in order][
            wanted
        ]

    def __iter__(self):
        return iter(self[:])

    def add_to(self, total: np.ndarray) -> None:
        """Add what the word gives each measure to ``total`` (a vector over the plan)."""
        total[self.reached] += self.scores


@dataclass(slots=True)
class Index:
    data: PlanData
    analyzer: Analyzer
    plans: dict[int, PlanIndex]
    vocabulary: Vocabulary
    phrases: PhraseTable
    abbreviations: AbbreviationTable
    abstain_score: float = ABSTAIN_SCORE
    _analyzed: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # Tables a caller derives once per index (index.pick's folded titles): built on first
    # use, dropped with the index at a reload.
    memo: dict[str, object] = field(default_factory=dict, repr=False)

    def analyzed(self, text: str) -> tuple[str, ...]:
        """Content words of a short text (a vocabulary phrase), analysed once per index."""
        words = self._analyzed.get(text)
        if words is None:
            words = tuple(
                t.term for t in content_terms(self.analyzer.tokens(text)) if t.weight == 1.0
            )
            if len(self._analyzed) < ANALYZED_CACHE:
                self._analyzed[text] = words
        return words

    def search(
        self,
        query: list[QueryTerm],
        plan: int = 3,
        *,
        wants_awareness: bool = False,
        limit: int | None = None,
        only: frozenset[str] | None = None,
        whole: list[QueryTerm] | None = None,
    ) -> list[Hit]:
        """Score every measure of ``plan`` that matches any query term, best first.

        ``only``: measure ids to consider (the measures of one need); the rest are skipped
        before scoring, not filtered after. ``whole``: the whole question when ``query`` is
        part of it (one need's words): whom a measure is for is read from all it says."""
        index = self.plans[plan]
        best = _best_terms(query, index)
        size = len(index.docs)
        allowed = None
        if only is not None:
            allowed = np.zeros(size, dtype=bool)
            allowed[[index.doc_of[m] for m in only if m in index.doc_of]] = True
        said = frozenset(best)
        own = np.zeros(size)
        reached = np.zeros(size, dtype=bool)
        # Per evidence group (one vocabulary line or kana run): best and sum per document.
        grouped: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        parts: list[tuple[QueryTerm, np.ndarray, np.ndarray]] = []
        for q in best.values():
            doc_ids, contribution = _contributions(index, q, said)
            if allowed is not None:
                keep = allowed[doc_ids]
                doc_ids, contribution = doc_ids[keep], contribution[keep]
            parts.append((q, doc_ids, contribution))
            reached[doc_ids] = True
            if q.via in OWN_PATHS:
                own[doc_ids] += contribution
                continue
            key = (q.via, q.source)
            if key not in grouped:
                grouped[key] = (np.zeros(size), np.zeros(size))
            top, total = grouped[key]
            top[doc_ids] = np.maximum(top[doc_ids], contribution)
            total[doc_ids] += contribution
        extra = np.zeros(size)
        for top, total in grouped.values():
            extra += top + EXTRA_TERM_SHARE * (total - top)
        scores = (own + extra) * index.factors(_Asked.of(whole or query), wants_awareness)
        # Scores to four places: closer than that, measures tie and go in id order.
        rounded = np.round(scores, 4)
        candidates = np.flatnonzero(reached)
        order = top_documents(candidates, rounded[candidates], index.id_rank, limit)
        matched = _matched(parts, order)
        return [
            Hit(
                index.docs[doc_id].measure,
                float(rounded[doc_id]),
                _reasons(matched[doc_id], index.docs[doc_id].situation_of),
            )
            for doc_id in order
        ]

    def by_source(
        self,
        query: list[QueryTerm],
        plan: int = 3,
        *,
        wants_awareness: bool = False,
        whole: list[QueryTerm] | None = None,
    ) -> dict[str, Ranked]:
        """For each word of the asker (term source), the measures it reaches and the score
        it alone gives each, best first: what searching each word alone would give, in one
        pass over the postings. ``whole`` as in search."""
        index = self.plans[plan]
        size = len(index.docs)
        best = _best_terms(query, index)
        said = frozenset(best)
        # Per source word: its terms' contributions. Most words give one term; a phrase
        # read through a table gives several, kept as best and sum per document.
        per: dict[str, list[tuple[np.ndarray, np.ndarray]]] = defaultdict(list)
        for q in best.values():
            per[q.source].append(_contributions(index, q, said))
        reached = {q.source for q in query if q.via not in OWN_PATHS}
        factors = index.factors(_Asked.of(whole or query), wants_awareness)
        out: dict[str, Ranked] = {}
        for source, parts in per.items():
            if len(parts) == 1:
                doc_ids, top = parts[0]
                total = top
            else:
                top, total = np.zeros(size), np.zeros(size)
                for ids, contribution in parts:
                    top[ids] = np.maximum(top[ids], contribution)
                    total[ids] += contribution
                doc_ids = np.flatnonzero(total)
                top, total = top[doc_ids], total[doc_ids]
            # The asker's own word counts every term it gave; a phrase read through a table
            # counts as one piece of evidence (EXTRA_TERM_SHARE), as in search.
            scores = top + EXTRA_TERM_SHARE * (total - top) if source in reached else total
            out[source] = Ranked(doc_ids, scores * factors[doc_ids], index)
        return out


def _contributions(index: PlanIndex, q: QueryTerm, said: frozenset[str]):
    """The term's documents and what it gives each: its BM25F weight times the query
    weight, times how much of a situation phrase the question says where it comes only
    from one."""
    doc_ids, values = index.postings[q.term]
    contribution = values * q.weight
    phrased = index.phrased_at.get(q.term)
    if phrased is not None:
        positions, docs, words = phrased
        # The factors depend only on which of the phrases' words the question says: one
        # answer asks for the same few sets many times.
        key = (q.term, said & words)
        factors = index._phrase_factors.get(key)
        if factors is None:
            factors = np.array([index.docs[d].phrase_factor(q.term, said) for d in docs])
            if len(index._phrase_factors) >= PHRASE_FACTORS_KEPT:
                index._phrase_factors.clear()
            index._phrase_factors[key] = factors
        contribution[positions] *= factors
    return doc_ids, contribution


def top_documents(
    candidates: np.ndarray, scores: np.ndarray, id_rank: np.ndarray, limit: int | None
) -> list[int]:
    """Documents best first (by ``scores``, then measure id), at most ``limit``: the few
    that can be in the top are picked by partition before anything is sorted."""
    keys = -scores
    if limit is not None and limit < len(candidates):
        cut = np.partition(keys, limit - 1)[limit - 1]
        within = keys <= cut
        candidates, keys = candidates[within], keys[within]
    order = np.lexsort((id_rank[candidates], keys))
    return candidates[order[:limit]].tolist()


def _matched(
    parts: list[tuple[QueryTerm, np.ndarray, np.ndarray]], shown: list[int]
) -> dict[int, list[tuple[float, QueryTerm]]]:
    """What each query term gave each shown document, for the explanations."""
    out: dict[int, list[tuple[float, QueryTerm]]] = {doc_id: [] for doc_id in shown}
    wanted = np.array(shown, dtype=np.int64)
    for q, doc_ids, contribution in parts:
        if not len(doc_ids):
            continue
        at = np.minimum(np.searchsorted(doc_ids, wanted), len(doc_ids) - 1)
        for k in np.flatnonzero(doc_ids[at] == wanted).tolist():
            out[shown[k]].append((float(contribution[at[k]]), q))
    return out


def _best_terms(query: list[QueryTerm], index: PlanIndex) -> dict[str, QueryTerm]:
    """Each indexed term once, at the highest weight any path gave it."""
    best: dict[str, QueryTerm] = {}
    for q in query:
        if index.has(q.term) and (q.term not in best or q.weight > best[q.term].weight):
            best[q.term] = q
    return best


def _reasons(
    contributions: list[tuple[float, QueryTerm]], situation_of: dict[str, str]
) -> tuple[Match, ...]:
    ordered = sorted(contributions, key=lambda item: -item[0])
    return tuple(Match(q.term, q.source, q.via, situation_of.get(q.term, "")) for _, q in ordered)


def build(
    data: PlanData,
    analyzer: Analyzer,
    *,
    abstain_score: float = ABSTAIN_SCORE,
    cache: AnalysisCache | None = None,
) -> Index:
    """``cache``: stored analyses of the data's texts (index.analysis_cache); what the build
    had to analyse is added to it and written back. Questions always meet ``analyzer``."""
    source = cache.view(analyzer) if cache is not None else analyzer
    plans = {plan: _build_plan(data, plan, source) for plan in (PREVIOUS_PLAN, CURRENT_PLAN)}
    index = Index(
        data=data,
        analyzer=analyzer,
        plans=plans,
        vocabulary=Vocabulary.build(data.vocabulary, source, data.outside),
        phrases=PhraseTable.build(data, source),
        # Only the plan's own text rules an abbreviation out: a short form that the situations
        # list (日自) still stands for the full name.
        abbreviations=build_abbreviations(data, source, frozenset(plans[CURRENT_PLAN].text_df)),
        abstain_score=abstain_score,
    )
    if cache is not None:
        cache.save()
    return index


def _situation_terms(
    analyzer: Analyzer, tf: dict[str, Counter[str]], situations: tuple[str, ...]
) -> tuple[dict[str, str], dict[str, tuple[frozenset[str], ...]]]:
    """Terms that only the situations give this measure, each with its (shortest) phrase,
    and the word sets of all its phrases."""
    elsewhere = {term for name, counts in tf.items() if name != "situations" for term in counts}
    out: dict[str, str] = {}
    phrases: dict[str, list[frozenset[str]]] = defaultdict(list)
    for phrase in sorted(situations, key=len):
        tokens = analyzer.tokens(phrase)
        terms = content_terms(tokens)
        # Whole units only: a joined run of nouns would count one word twice.
        words = frozenset(t.term for t in tokens if not t.part and is_content(t))
        for term in terms:
            if term.term not in elsewhere:
                out.setdefault(term.term, phrase)
                if words and words not in phrases[term.term]:
                    phrases[term.term].append(words)
    return out, {term: tuple(sets) for term, sets in phrases.items()}


def _former_title(data: PlanData, measure: Measure) -> str:
    before = data.measure(measure.predecessor) if measure.predecessor else None
    return before.title if before and before.title != measure.title else ""


def _group_terms(
    analyzer: Analyzer, words: tuple[str, ...]
) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each word with the set of terms a question naming it has (被保護 -> 保護, 被保護)."""
    out = []
    for word in words:
        tokens = analyzer.tokens(word)
        terms = frozenset(t.term for t in content_terms(tokens) if t.weight == 1.0)
        out.append((normalize(word), terms or frozenset(t.term for t in tokens)))
    return tuple(out)


def _build_plan(data: PlanData, plan: int, analyzer: Analyzer) -> PlanIndex:
    docs: list[_Doc] = []
    groups = {c.measure_id: c.words for c in data.conditions}
    for measure in data.plan_measures(plan):
        texts = {
            "title": measure.title,
            "summary": measure.summary,
            "section": measure.section_title,
            "departments": " ".join(measure.departments),
            # Caseworkers still use the 2nd plan's names for renamed measures.
            "former": _former_title(data, measure),
            "situations": " 。 ".join(situations := data.situations_of(measure.id)),
        }
        tf: dict[str, Counter[str]] = {}
        length: dict[str, float] = {}
        for name, text in texts.items():
            counts: Counter[str] = Counter()
            for term in content_terms(analyzer.tokens(text)):
                counts[term.term] += term.weight
                twin = conjugation_twin(term)
                if twin is not None:
                    counts[twin] += term.weight
            tf[name] = counts
            length[name] = sum(counts.values())
        awareness = any(word in measure.title for word in AWARENESS_WORDS)
        situation_of, phrases_of = _situation_terms(analyzer, tf, situations)
        group = _group_terms(analyzer, groups.get(measure.id, ()))
        docs.append(_Doc(measure, tf, length, awareness, situation_of, phrases_of, group))
    doc_freq: Counter[str] = Counter()
    for doc in docs:
        doc_freq.update(set().union(*(counts.keys() for counts in doc.tf.values())))
    avg_length = {
        name: (sum(d.length[name] for d in docs) / len(docs) if docs else 0.0)
        for name in FIELD_WEIGHTS
    }
    lists: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for doc_id, doc in enumerate(docs):
        blended: dict[str, float] = defaultdict(float)
        for name, weight in FIELD_WEIGHTS.items():
            for term, tf in doc.tf[name].items():
                blended[term] += weight * field_tf(tf, doc.length[name], avg_length[name])
        for term, value in blended.items():
            lists[term].append((doc_id, idf(doc_freq[term], len(docs)) * saturate(value)))
    postings = {
        term: (np.array([d for d, _ in pairs], dtype=np.int64), np.array([v for _, v in pairs]))
        for term, pairs in lists.items()
    }
    text_df: Counter[str] = Counter()
    for doc in docs:
        text_df.update(set(doc.tf["title"]) | set(doc.tf["summary"]))
    for doc in docs:
        if any(word in doc.measure.title for word in PUBLICITY_WORDS):
            doc.subject = frozenset(t for t in doc.tf["title"] if text_df[t] == 1)
    doc_of = {d.measure.id: i for i, d in enumerate(docs)}
    phrased: dict[str, set[int]] = defaultdict(set)
    for doc_id, doc in enumerate(docs):
        for term in doc.phrases_of:
            phrased[term].add(doc_id)
    phrased_at = {}
    for term, doc_ids in phrased.items():
        if term not in postings:
            continue  # a phrase's word the texts never index (a part of a longer one)
        at = [(k, d) for k, (d, _) in enumerate(lists[term]) if d in doc_ids]
        on = tuple(d for _, d in at)
        words = frozenset().union(*(w for d in on for w in docs[d].phrases_of[term]))
        phrased_at[term] = (np.array([k for k, _ in at], dtype=np.int64), on, words)
    by_id = sorted(range(len(docs)), key=lambda k: docs[k].measure.id)
    id_rank = np.empty(len(docs), dtype=np.int64)
    id_rank[by_id] = np.arange(len(docs))
    members: dict[tuple, list[int]] = defaultdict(list)
    for doc_id, doc in enumerate(docs):
        if doc.group:
            members[doc.group].append(doc_id)
    return PlanIndex(
        docs,
        doc_of,
        dict(text_df),
        postings,
        phrased_at,
        np.array([d.awareness for d in docs], dtype=bool),
        tuple(k for k, d in enumerate(docs) if d.subject),
        id_rank,
        tuple((group, np.array(ids, dtype=np.int64)) for group, ids in members.items()),
    )
