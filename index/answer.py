"""answer(question, index) -> Answer: the one entry point every surface uses."""

from __future__ import annotations

from index.contacts import contact_departments
from index.engine import Index, QueryTerm
from index.fuzzy import EXACT, PhraseMatch
from index.model import (
    CURRENT_PLAN,
    PREVIOUS_PLAN,
    Answer,
    Hit,
    Match,
    Measure,
    Need,
    NeedCategory,
    Path,
    QuestionKind,
)
from index.needs import clause_tokens, interleave, need_hits, read_needs, union_departments
from index.question import (
    SHORTENED_NOTICE,
    clean,
    find_department,
    find_measure_id,
    is_about_old_plan,
    unused_services,
    wants_awareness,
)
from index.text import Token, content_terms, is_content, to_katakana

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
ABBREVIATION_WEIGHT = 0.8
SUGGESTION_COUNT = 5
# A question naming city-hall business outside the plan (data/outside.csv) is answered only
# when more than this many of its words independently point to a measure.
OUTSIDE_EVIDENCE = 1
_VERB_ENDINGS = frozenset("りいきぎしちにびみるうくぐすつぬぶむ")
# An answer needs one piece of evidence specific to the measure it gives. Words that occur
# in more than this share of the plan's measures (支援, 相談, 生活, 実施, 連携) run across
# the plan and never carry an answer alone.
SPECIFIC_SHARE = 0.35
# Words about the act of asking, not about a need: a question that meets the plan only on
# these (申請, 窓口, 手続き) is not about anything the plan covers.
GENERIC_TERMS = frozenset(
    """
    申請 申し込み 申込 申し込む 手続き 手続 窓口 相談 支援 担当 案内 制度 利用 実施 情報 専門
    方法 期限 登録 システム 仕組み 取組 取り組み 取組み 計画 関係 場所 連絡 確認 対応 提出 書類
    """.split()
)
# Words that name a person, a place, an institution or an ordinary act: they narrow a need
# but are not one (「区役所で」「高齢者が」「保険の」), so they never carry an answer alone.
NOT_EVIDENCE = GENERIC_TERMS | frozenset(
    """
    住民 市民 区民 子ども 子供 こども 高齢者 高齢 老人 大人 家族 親 母親 父親 男性 女性 男 女
    夫 妻 息子 娘 長男 長女 次男 次女 母 父 両親 兄 姉 弟 妹 兄弟 姉妹 祖母 祖父 孫 旦那 奥さん
    対する 関する 向ける 向け よる 因る おく 置く つく 付く 作る 抱える 通す 基づく 伴う
    含む 応じる 当たる 係る 関わる 図る 進める 努める 目指す 得る 思う 考える 話す 聞く
    世帯 同居 本人 聴取 来所 相談員 担当 ケースワーカー 代 歳 年齢 無い ない 多い 少ない 切る 今 箇月 ヶ月 か月 月 年 日 円 万 回 時間
    区役所 役所 市役所 区 地域 町 近所 施設 センター 機関 課 事業 職員 担当者
    保険 サービス 事業 制度 お金 費用 料金 書類 電話 掛かる 掛ける 払う 行く 来る 出す 作る
    生活 暮らし 暮らす 困る 大変 問題 必要 実施 推進 充実 連携 体制 活用 提供
    """.split()
)
# A question of this many clauses is a record, not a one-line inquiry.
RECORD_CLAUSES = 3
RECORD_HITS = 3
# Words of a procedure (募集, 予約, 再発行, 会場): beside city-hall business outside the plan
# (霊園, 公民館の講座) they say how the asker wants to do it, not a need the plan meets, so they
# are no evidence against declining it. Elsewhere they count as usual.
PROCEDURE_TERMS = frozenset(
    """
    募集 使用 使用者 予約 会場 日程 補助 補助金 助成 依頼 頼む 料金 再発行 紛失 届出 届け出
    時間 何時 場所 開催 参加 登録 イベント 教室 講座
    """.split()
)
FALLBACK_SUGGESTIONS = ("家賃", "借金", "仕事", "ひきこもり", "ひとり親", "高齢者")


def answer(question: str, index: Index) -> Answer:
    q = clean(question)
    notices = (SHORTENED_NOTICE,) if q.truncated else ()
    if not q.text:
        return Answer.declined(
            "", QuestionKind.EMPTY, suggestions=FALLBACK_SUGGESTIONS, notices=notices
        )
    data = index.data

    measure = find_measure_id(q.text, data)
    if measure is not None:
        hits = [Hit(measure, 1.0, (Match(measure.short_id, measure.short_id, Path.ID),))]
        if measure.successor and (after := data.measure(measure.successor)):
            hits.append(Hit(after, 0.9, ()))
        return Answer.found(
            q.text, QuestionKind.MEASURE_ID, tuple(hits), measure.departments, notices=notices
        )

    tokens = index.analyzer.tokens(q.text)
    query = build_query(q.text, index, tokens)
    awareness = wants_awareness(q.text)

    if is_about_old_plan(q.text):
        old = index.search(query, plan=PREVIOUS_PLAN, wants_awareness=awareness, limit=3)
        if old and old[0].score >= index.abstain_score:
            return _history_answer(q.text, index, query, old, awareness, notices)

    hits = index.search(query, plan=CURRENT_PLAN, wants_awareness=awareness, limit=MAX_HITS)
    outside = index.vocabulary.outside(q.text, [q.term for q in query if _is_unit(q)])
    # Before the department: 「地域福祉課の出張旅費」 names a department but asks about staff
    # business, and a department's measures are no answer to it.
    # A record of several sentences reads a word of city-hall business (調理師免許) as one
    # detail among others: it is declined only when none of the first measures is met on
    # more than that word.
    if outside and (not hits or _all_off_topic(query, outside, hits, tokens, index)):
        word, category = outside[0]
        note = f"「{word}」（{category}）のことは、この計画の対象外のようです。"
        return Answer.declined(
            q.text,
            nearby=tuple(hits[:3]),
            suggestions=suggest(q.text, index),
            notices=(*notices, note),
        )

    dept = find_department(q.text, data.departments)
    if dept is not None:
        return _department_answer(q.text, index, query, dept.name, awareness, notices)
    evidence = evidence_words(query, index)
    vague = not outside and _is_vague(q.text, query, evidence, index)
    if vague:
        return _vague_answer(q.text, query, index, awareness, notices)
    # A measure met only on words that run across the plan (男性 in 男性相談, 相談) is no
    # answer: it gives way to the best one the question says something specific about.
    hits = [h for h in hits if has_evidence(h, index)] or hits
    if not hits or hits[0].score < index.abstain_score or not has_evidence(hits[0], index):
        return Answer.declined(
            q.text, nearby=tuple(hits[:3]), suggestions=suggest(q.text, index), notices=notices
        )
    needs = read_needs(query, hits, index, evidence, awareness, tokens=tokens)
    if len(needs) > 1:
        return Answer.found(
            q.text,
            QuestionKind.EVERYDAY,
            interleave(needs, hits, MAX_HITS),
            union_departments(needs),
            notices=notices,
            needs=tuple(needs),
        )
    departments = contact_departments(hits)
    labels = index.data.needs_of(hits[0].measure.id)
    one = (Need(labels[0], tuple(hits), departments),) if labels else ()
    return Answer.found(
        q.text, QuestionKind.EVERYDAY, tuple(hits), departments, notices=notices, needs=one
    )


def answer_need(label: str, index: Index) -> Answer:
    """As if the need had been asked: what a 「住まい」 button under a vague answer gives.

    The catch-all need lists its measures front door first, in data/needs.csv's order;
    other needs are ranked by their words."""
    category = index.data.need(label)
    if category is None:
        return Answer.declined(label, QuestionKind.EMPTY, suggestions=FALLBACK_SUGGESTIONS)
    found = []
    if not category.catch_all:
        query = build_query(" ".join(category.words), index)
        found = need_hits(query, category, index, awareness=False)
    listed = [index.data.measure(i) for i in category.measures]
    rest = [Hit(m, 0.0, ()) for m in listed if m and m.id not in {h.measure.id for h in found}]
    hits = (*found, *rest)[:MAX_HITS]
    departments = contact_departments(hits[:1]) or hits[0].measure.departments
    return Answer.found(
        label, QuestionKind.EVERYDAY, hits, departments, needs=(Need(label, hits, departments),)
    )


def _catch_all(index: Index) -> NeedCategory | None:
    return next((n for n in index.data.needs if n.catch_all), None)


def _is_vague(text: str, query: list[QueryTerm], evidence: frozenset[str], index: Index) -> bool:
    """Hardship named in general words only (「生活が苦しい」「どうしたらいいか分からない」):
    every word that could carry an answer is part of such a phrase."""
    catch_all = _catch_all(index)
    if catch_all is None:
        return False
    # A kana run is the phrase it spells (セイカツホゴ is 生活保護): read the words as said.
    if any(q.via in (Path.READING, Path.SPELLED) for q in query):
        text = spell(text, index)
    named = [w for w in catch_all.vague if w in text]
    words = {_said(q) for q in query if q.source in evidence}
    return bool(named) and all(any(word in phrase for phrase in named) for word in words)


def _vague_answer(
    text: str,
    query: list[QueryTerm],
    index: Index,
    awareness: bool,
    notices: tuple[str, ...],
) -> Answer:
    """The catch-all measures, and the needs to narrow to."""
    catch_all = _catch_all(index)
    assert catch_all is not None
    broad = answer_need(catch_all.label, index)
    labels = tuple(n.label for n in index.data.needs if not n.catch_all)
    return Answer.found(
        text,
        QuestionKind.EVERYDAY,
        broad.hits,
        broad.departments,
        notices=notices,
        needs=broad.needs,
        narrow=labels,
    )


def evidence_words(query: list[QueryTerm], index: Index) -> frozenset[str]:
    """The asker's words (or vocabulary phrases) that can carry an answer on their own."""
    plan = index.plans[CURRENT_PLAN]
    return frozenset(
        q.source
        for q in query
        if q.term not in NOT_EVIDENCE
        and not _weak(_said(q), index)
        and plan.has(q.term)
        and plan.share(q.term) <= SPECIFIC_SHARE
    )


def build_query(text: str, index: Index, tokens: list[Token] | None = None) -> list[QueryTerm]:
    """The user's own words, then what the vocabulary and kana readings add, weighted less.

    ``tokens``: the analysis of ``text`` when the caller has it, so Sudachi does not run
    twice."""
    query: list[QueryTerm] = []
    if tokens is None:
        tokens = index.analyzer.tokens(text)
    for service in unused_services(tokens):
        text = text.replace(service, " ")
        tokens = None
    own_text = text
    matches = index.phrases.match(text)
    for match in matches:
        # The run is read as the phrase it spells; Sudachi's pieces of it are noise.
        own_text = own_text.replace(match.run, " ")
        tokens = None
        for term in match.phrase.terms:
            # Spelled exactly, the words are the asker's own; a near spelling weighs less
            # and counts as one piece of evidence, as a vocabulary line does.
            if match.score == EXACT:
                query.append(QueryTerm(term, OWN_WEIGHT, match.run, Path.SPELLED))
            else:
                query.append(QueryTerm(term, READING_WEIGHT, match.run, Path.READING))
    # Sudachi runs once unless words were taken out of the question above.
    if tokens is None:
        tokens = index.analyzer.tokens(own_text)
    for short in index.abbreviations.match(tokens):
        # An insider's short form (まるサポ, 就定) searches the name it stands for.
        for term in short.terms:
            if term.weight == 1.0 and term.term not in GENERIC_TERMS:
                query.append(
                    QueryTerm(term.term, ABBREVIATION_WEIGHT, short.run, Path.ABBREVIATION)
                )
    own_terms = content_terms(tokens)
    plan = index.plans[CURRENT_PLAN]
    for term in own_terms:
        if term.weight == 1.0 and not plan.has(term.term):
            cut = index.abbreviations.cut_short(term.surface)
            for name_term in cut.terms if cut else ():
                if name_term.weight == 1.0 and name_term.term not in GENERIC_TERMS:
                    query.append(
                        QueryTerm(name_term.term, ABBREVIATION_WEIGHT, cut.run, Path.ABBREVIATION)
                    )
    for term in own_terms:
        generic = GENERIC_WEIGHT if term.term in GENERIC_TERMS else 1.0
        query.append(QueryTerm(term.term, OWN_WEIGHT * term.weight * generic, term.term))
    # The vocabulary reads the phrases as if written in the plan's way (やちん -> 家賃).
    spelled = _spelled(text, matches)
    if spelled != text:
        # Phrases of the vocabulary match words in order: read them from the spelled text.
        own_terms = content_terms(index.analyzer.tokens(spelled))
    words = [t.term for t in own_terms if t.weight == 1.0]
    for expansion in index.vocabulary.expand(spelled, words):
        in_plan = any(index.plans[CURRENT_PLAN].has(word) for word in expansion.trigger_words)
        weight = VOCAB_WEIGHT if in_plan else TRANSLATION_WEIGHT
        for term in expansion.terms:
            query.append(
                QueryTerm(term.term, weight * term.weight, expansion.trigger, Path.VOCABULARY)
            )
    return query


def _all_off_topic(
    query: list[QueryTerm],
    outside: list[tuple[str, str]],
    hits: list[Hit],
    tokens: list[Token],
    index: Index,
) -> bool:
    """No first measure is met on more than the out-of-plan business: the first one for a
    question, the first RECORD_HITS for a record of several sentences."""
    record = len(clause_tokens(tokens)) >= RECORD_CLAUSES
    words = [w for w, _ in outside]
    return all(_off_topic(query, words, hit, index) for hit in hits[: RECORD_HITS if record else 1])


def _off_topic(query: list[QueryTerm], outside: list[str], top: Hit, index: Index) -> bool:
    """A question about business outside the plan (パスポート, 年休) that meets the plan on
    one specific word at most, or on two when none of them is a need the vocabulary knows."""
    needs = {
        q.source
        for q in query
        if q.via == Path.VOCABULARY
        and not _within(q.source, outside)
        and not _weak(q.source, index)
    }
    # The asker's own compound words hold their parts: 保健福祉センター is one word, not
    # three pieces of evidence (保健, 福祉, センター).
    words = {q.source for q in query if not q.via and len(q.source) > 2}
    specific = [
        m
        for m in _specific(top, index)
        if not _within(m.source, outside) and m.term not in PROCEDURE_TERMS
    ]
    count = _evidence(specific, words)
    return count <= OUTSIDE_EVIDENCE or (not needs and count <= OUTSIDE_EVIDENCE + 1)


def _is_unit(q: QueryTerm) -> bool:
    """A whole word of the asker's own (not a part, not reached through a table)."""
    return not q.via and q.weight == OWN_WEIGHT


def _within(word: str, outside: list[str]) -> bool:
    return any(word in phrase or phrase in word for phrase in outside)


def _specific(hit: Hit, index: Index) -> list[Match]:
    """The matches that are evidence for this measure rather than for the plan at large."""
    plan = index.plans[hit.measure.plan]
    return [
        m
        for m in hit.matched
        if m.term not in NOT_EVIDENCE
        and not _weak(_said(m), index)
        and plan.share(m.term) <= SPECIFIC_SHARE
    ]


def spell(text: str, index: Index) -> str:
    """The question with its kana runs written as the phrases they spell."""
    return _spelled(text, index.phrases.match(text))


def _spelled(text: str, matches: list[PhraseMatch]) -> str:
    for match in matches:
        text = text.replace(match.run, match.phrase.text + _particle(match))
    return text


def _particle(match: PhraseMatch) -> str:
    """The particle a kana run ends with after the phrase it spells (やちんを: を)."""
    if to_katakana(match.run) == match.phrase.reading:
        return ""
    tail = match.run[-1]
    return tail if to_katakana(match.run[:-1]) == match.phrase.reading else " "


def _said(item: QueryTerm | Match) -> str:
    """What the asker said: a kana run is the phrase it spells (せいかつほご is 生活保護)."""
    return item.term if item.via in (Path.READING, Path.SPELLED) else item.source


def _weak(source: str, index: Index) -> bool:
    """A word or vocabulary phrase made only of words that are no evidence (地域の人)."""
    if source in NOT_EVIDENCE:
        return True
    words = index.analyzed(source)
    return bool(words) and all(w in NOT_EVIDENCE for w in words)


def has_evidence(hit: Hit, index: Index) -> bool:
    return bool(_specific(hit, index))


def _evidence(matches: list[Match], words: set[str] | frozenset[str] = frozenset()) -> int:
    """How many of the asker's own words (or vocabulary phrases) are behind ``matches``; a
    part of a longer matched word (役所 in 区役所) or of a longer word of the asker's
    (``words``) is the same evidence, and so are the two forms of one verb (引っ越し, 引っ越す)."""
    sources = {_stem(_whole(m.source, words)) for m in matches}
    return sum(1 for s in sources if not any(s != other and s in other for other in sources))


def _whole(source: str, words: set[str] | frozenset[str]) -> str:
    """The longest of ``words`` that holds ``source``, or ``source`` itself."""
    return max((w for w in words if source in w), key=len, default=source)


def _stem(word: str) -> str:
    """引っ越し and 引っ越す alike: a word without the last kana of a verb or verbal noun."""
    return word[:-1] if len(word) > 2 and word[-1] in _VERB_ENDINGS else word


def suggest(text: str, index: Index) -> tuple[str, ...]:
    """「もしかして」: vocabulary words that look like the question's words."""
    words = [t.surface for t in index.analyzer.tokens(text) if is_content(t) and not t.part]
    return tuple(index.vocabulary.similar(words, SUGGESTION_COUNT)) or FALLBACK_SUGGESTIONS


def _department_answer(
    text: str,
    index: Index,
    query: list[QueryTerm],
    name: str,
    awareness: bool,
    notices: tuple[str, ...],
) -> Answer:
    # That department's measures, the ones the rest of the question is about first.
    own = [m for m in index.data.plan_measures(CURRENT_PLAN) if name in m.departments]
    scored = {
        h.measure.id: h
        for h in index.search(
            query, plan=CURRENT_PLAN, wants_awareness=awareness, only=frozenset(m.id for m in own)
        )
    }
    ordered = sorted(
        own, key=lambda m: (-(scored[m.id].score if m.id in scored else 0.0), _order(m))
    )
    hits = tuple(scored.get(m.id) or Hit(m, 0.0, ()) for m in ordered)
    if not hits:
        # A department with no measure in the plan: say whom it was, and that nothing fits.
        return Answer(
            text,
            QuestionKind.DEPARTMENT,
            hits=(),
            departments=(name,),
            abstained=True,
            department=name,
            notices=notices,
        )
    return Answer.found(
        text, QuestionKind.DEPARTMENT, hits, (name,), department=name, notices=notices
    )


def _history_answer(
    text: str,
    index: Index,
    query: list[QueryTerm],
    old: list[Hit],
    awareness: bool,
    notices: tuple[str, ...],
) -> Answer:
    top = old[0]
    current = index.search(query, plan=CURRENT_PLAN, wants_awareness=awareness, limit=MAX_HITS)
    if top.measure.successor is None:
        note = f"第２期の「{top.measure.title}」は、第３期では終了しています。"
        return Answer.declined(text, QuestionKind.HISTORY, nearby=(top,), notices=(*notices, note))
    successor = index.data.measure(top.measure.successor)
    assert successor is not None  # the loader checks every link
    lead = Hit(successor, top.score, top.matched)
    rest = [h for h in current if h.measure.id != successor.id][: MAX_HITS - 2]
    hits = (lead, top, *rest)
    if successor.title == top.measure.title:
        note = f"第２期の「{top.measure.title}」は、第３期でも同じ名前で続いています（{successor.short_id}）。"
    else:
        note = f"第２期の「{top.measure.title}」は、第３期では「{successor.title}」（{successor.short_id}）に引き継がれています。"
    return Answer.found(
        text, QuestionKind.HISTORY, hits, successor.departments, notices=(*notices, note)
    )


def _order(m: Measure) -> tuple[int, int, int]:
    chapter, section = map(int, m.section.split("-"))
    return (chapter, section, m.no)
