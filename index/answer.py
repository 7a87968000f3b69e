"""answer(question, index) -> Answer: the one entry point every surface uses."""

from __future__ import annotations

from collections import defaultdict

from index.engine import Index, QueryTerm
from index.model import Answer, Hit, Match, Measure, QuestionKind
from index.question import (
    MAX_QUESTION_CHARS,
    clean,
    find_department,
    find_measure_id,
    is_about_old_plan,
    unused_services,
    wants_awareness,
)
from index.text import Token, content_terms, is_content

MAX_HITS = 10
# Weights of query terms by how they were reached: the user's own words count most.
OWN_WEIGHT = 1.0
VOCAB_WEIGHT = 0.6
# When the user's word itself never occurs in the plan (パチンコ), its vocabulary targets
# are the only way to what they mean: they count almost as much as the word would.
TRANSLATION_WEIGHT = 0.85
# Words about asking rather than about a need weigh half.
GENERIC_WEIGHT = 0.5
READING_WEIGHT = 0.8
# Departments to contact come from hits at least this close to the best one.
DEPARTMENT_SHARE = 0.5
DEPARTMENT_HITS = 3
SUGGESTION_COUNT = 5
# A question naming a topic outside the plan (vocabulary kind 対象外) is answered only when
# more than this many of its words independently point to a measure.
OUTSIDE_EVIDENCE = 1
# Words about the act of asking, not about a need: a question that meets the plan only on
# these (申請, 窓口, 手続き) is not about anything the plan covers.
GENERIC_TERMS = frozenset(
    """
    申請 申し込み 申込 申し込む 手続き 手続 窓口 相談 支援 担当 案内 制度 利用 実施 情報 専門
    方法 期限 登録 システム 仕組み 取組 取り組み 取組み 計画 関係 場所 連絡 確認 対応 提出 書類
    """.split()
)
FALLBACK_SUGGESTIONS = ("家賃", "借金", "仕事", "ひきこもり", "ひとり親", "高齢者")


def answer(question: str, index: Index) -> Answer:
    q = clean(question)
    notices = (
        (f"質問が長いため、先頭の{MAX_QUESTION_CHARS}文字で探しました。",) if q.truncated else ()
    )
    if not q.text:
        return Answer("", QuestionKind.EMPTY, (), (), True, FALLBACK_SUGGESTIONS, None, notices)
    data = index.data

    measure = find_measure_id(q.text, data)
    if measure is not None:
        hits = [Hit(measure, 1.0, (Match(measure.short_id, measure.short_id, "id"),))]
        if measure.successor and (after := data.measure(measure.successor)):
            hits.append(Hit(after, 0.9, ()))
        return Answer(
            q.text,
            QuestionKind.MEASURE_ID,
            tuple(hits),
            measure.departments,
            False,
            (),
            None,
            notices,
        )

    query = build_query(q.text, index)
    awareness = wants_awareness(q.text)

    if is_about_old_plan(q.text):
        old = index.search(query, plan=2, wants_awareness=awareness, limit=3)
        if old and old[0].score >= index.abstain_score:
            return _history_answer(q.text, index, query, old, awareness, notices)

    dept = find_department(q.text, data.departments)
    if dept is not None:
        return _department_answer(q.text, index, query, dept.name, awareness, notices)

    hits = index.search(query, plan=3, wants_awareness=awareness, limit=MAX_HITS)
    outside = index.vocabulary.outside(q.text)
    if outside and hits and _off_topic(query, outside, hits[0]):
        note = f"「{outside[0]}」のことは、この計画の対象外のようです。"
        return Answer(
            q.text, QuestionKind.EVERYDAY, tuple(hits[:3]), (), True,
            suggest(q.text, index), None, (*notices, note),
        )  # fmt: skip
    if not hits or hits[0].score < index.abstain_score or not _has_topic(hits[0]):
        return Answer(
            q.text,
            QuestionKind.EVERYDAY,
            tuple(hits[:3]),
            (),
            True,
            suggest(q.text, index),
            None,
            notices,
        )
    return Answer(
        q.text,
        QuestionKind.EVERYDAY,
        tuple(hits),
        contact_departments(hits),
        False,
        (),
        None,
        notices,
    )


def build_query(text: str, index: Index) -> list[QueryTerm]:
    """The user's own words, then what the vocabulary and kana readings add, weighted less."""
    query: list[QueryTerm] = []
    tokens: list[Token] | None = index.analyzer.tokens(text)
    for service in unused_services(tokens):
        text = text.replace(service, " ")
        tokens = None
    own_text = text
    for match in index.phrases.match(text):
        # The run is read as the phrase it spells; Sudachi's pieces of it are noise.
        own_text = own_text.replace(match.run, " ")
        tokens = None
        for term in match.phrase.terms:
            query.append(QueryTerm(term, READING_WEIGHT, match.run, "reading"))
    # Sudachi runs once unless words were taken out of the question above.
    own_terms = content_terms(tokens if tokens is not None else index.analyzer.tokens(own_text))
    for term in own_terms:
        generic = GENERIC_WEIGHT if term.term in GENERIC_TERMS else 1.0
        query.append(QueryTerm(term.term, OWN_WEIGHT * term.weight * generic, term.term))
    words = [t.term for t in own_terms if t.weight == 1.0]
    for expansion in index.vocabulary.expand(text, words):
        in_plan = any(index.plans[3].has(word) for word in expansion.trigger_words)
        weight = VOCAB_WEIGHT if in_plan else TRANSLATION_WEIGHT
        for term in expansion.terms:
            query.append(
                QueryTerm(term.term, weight * term.weight, expansion.trigger, "vocabulary")
            )
    return query


def _off_topic(query: list[QueryTerm], outside: list[str], top: Hit) -> bool:
    """A question about a topic outside the plan (パスポート, 年休) that says nothing the
    vocabulary knows as a need, and meets the plan on one word at most."""
    needs = {
        q.source
        for q in query
        if q.via == "vocabulary" and not any(q.source in word for word in outside)
    }
    return not needs and _evidence(top) <= OUTSIDE_EVIDENCE


def _evidence(hit: Hit) -> int:
    """How many of the asker's own words (or vocabulary phrases) led to this hit; a part of
    a longer matched word (役所 in 区役所) is the same evidence."""
    sources = {m.source for m in hit.matched if m.term not in GENERIC_TERMS}
    return sum(1 for s in sources if not any(s != other and s in other for other in sources))


def _has_topic(hit: Hit) -> bool:
    return any(m.term not in GENERIC_TERMS for m in hit.matched)


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


def suggest(text: str, index: Index) -> tuple[str, ...]:
    """「もしかして」: vocabulary words that look like the question's words."""
    words = [t.surface for t in index.analyzer.tokens(text) if is_content(t) and not t.part]
    return tuple(index.vocabulary.similar(words, SUGGESTION_COUNT)) or FALLBACK_SUGGESTIONS


def _department_answer(text, index, query, name, awareness, notices) -> Answer:
    # That department's measures, the ones the rest of the question is about first.
    own = [m for m in index.data.plan_measures(3) if name in m.departments]
    scored = {h.measure.id: h for h in index.search(query, plan=3, wants_awareness=awareness)}
    ordered = sorted(
        own, key=lambda m: (-(scored[m.id].score if m.id in scored else 0.0), _order(m))
    )
    hits = tuple(scored.get(m.id) or Hit(m, 0.0, ()) for m in ordered)
    return Answer(text, QuestionKind.DEPARTMENT, hits, (name,), not hits, (), name, notices)


def _history_answer(text, index, query, old: list[Hit], awareness, notices) -> Answer:
    top = old[0]
    current = index.search(query, plan=3, wants_awareness=awareness, limit=MAX_HITS)
    if top.measure.successor is None:
        note = f"第２期の「{top.measure.title}」は、第３期では終了しています。"
        return Answer(text, QuestionKind.HISTORY, (top,), (), True, (), None, (*notices, note))
    successor = index.data.measure(top.measure.successor)
    assert successor is not None  # the loader checks every link
    lead = Hit(successor, top.score, top.matched)
    rest = [h for h in current if h.measure.id != successor.id][: MAX_HITS - 2]
    hits = (lead, top, *rest)
    if successor.title == top.measure.title:
        note = f"第２期の「{top.measure.title}」は、第３期でも同じ名前で続いています（{successor.short_id}）。"
    else:
        note = f"第２期の「{top.measure.title}」は、第３期では「{successor.title}」（{successor.short_id}）に引き継がれています。"
    return Answer(
        text, QuestionKind.HISTORY, hits, successor.departments, False, (), None, (*notices, note)
    )


def _order(m: Measure) -> tuple[int, int, int]:
    chapter, section = map(int, m.section.split("-"))
    return (chapter, section, m.no)
