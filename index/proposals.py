"""Corrections turned into proposed data lines, for a person to review.

A word becomes a proposal when at least MIN_USERS different people, correcting an answer,
chose the same measure (or 計画にない) for questions that held it, and the data does not
already lead that word there. People are counted, not clicks, so one person's habit (or a
flood of clicks) is never a rule. Each proposal is a row in the exact format of the file
it belongs to: ``situations.csv`` (id,phrase) for a measure, ``outside.csv``
(category,words,note) for 計画にない.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from index.answer import build_query
from index.engine import Index
from index.model import CURRENT_PLAN

NOT_IN_PLAN = "計画にない"
UNKNOWN = "わからない"

MIN_USERS = 2
# A word goes to the target most of its correctors chose: at least this share of them.
MIN_SHARE = 0.5
# A word that alone reaches this share of the plan's measures (相談, 支援, 生活) names no
# measure: it is never proposed for one.
GENERIC_REACH = 0.15
# Searched alone, a word that already puts the measure among the first few leads there.
LEADS_WITHIN = 3
# An out-of-plan word must not be evidence for the plan: it reaches at most this many.
OUTSIDE_MAX_REACH = 2

# Words that say nothing of a situation or a program, however often they recur: the verbs
# and nouns of asking and of getting something done.
LIGHT_WORDS = frozenset(
    """
    有る 有り 無い 無し なし 出す 入れる 付く 付ける つける 切る 遣る やる 纏める 立てる 進む
    取り組み 取組 取り組む 一覧 中心 担当 計画 困る 相談 支援 対応 利用 必要 状況 関係 場所
    今 今回 前回 以前 先日 毎日 毎月 去年 今年 来月 今月 半年 一遍 全然 少し 多い 少ない
    様子 言える 出来る 変わる 分かる 続く 始める 終わる 掛かる 頼む 探す 調べる 伝える
    """.split()
)

SITUATIONS = "situations.csv"
OUTSIDE = "outside.csv"
HEADERS = {SITUATIONS: ("id", "phrase"), OUTSIDE: ("category", "words", "note")}
OUTSIDE_CATEGORY = "利用者の訂正から"


@dataclass(frozen=True, slots=True)
class CorrectionRecord:
    """One stored correction as suggest reads it."""

    chosen: str  # a measure id, NOT_IN_PLAN or UNKNOWN
    words: tuple[str, ...]
    user: str  # the hashed user ("" when unknown: all unknown count as one person)
    shown: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Proposal:
    target: str  # a measure id or NOT_IN_PLAN
    word: str
    users: int
    clicks: int
    file: str  # SITUATIONS or OUTSIDE
    row: tuple[str, ...]  # the cells, in that file's column order


@dataclass(frozen=True, slots=True)
class Proposals:
    proposals: tuple[Proposal, ...]
    # Corrections to a measure the current data no longer has: (id, users, clicks).
    gone: tuple[tuple[str, int, int], ...]
    corrections: int
    users: int


def propose(records: Iterable[CorrectionRecord], index: Index, *, note: str = "") -> Proposals:
    """The proposals that ``records`` support over the current ``index``."""
    records = [r for r in records if r.chosen != UNKNOWN]
    users: dict[tuple[str, str], set[str]] = defaultdict(set)
    clicks: dict[tuple[str, str], int] = defaultdict(int)
    word_users: dict[str, set[str]] = defaultdict(set)
    for r in records:
        for word in set(r.words):
            users[(r.chosen, word)].add(r.user)
            clicks[(r.chosen, word)] += 1
            word_users[word].add(r.user)

    gone = _gone(records, index)
    gone_ids = {g[0] for g in gone}
    out: list[Proposal] = []
    reach_cache: dict[str, list[str]] = {}
    size = len(index.data.plan_measures(CURRENT_PLAN))
    for (target, word), who in sorted(users.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        # The data files take no one-character words (check.py): 夫, 子 name no situation.
        if len(who) < MIN_USERS or target in gone_ids or word in LIGHT_WORDS:
            continue
        if len(word) < 2 and not word.isascii():
            continue
        if len(who) / len(word_users[word]) < MIN_SHARE:
            continue
        if word not in reach_cache:  # one search a word, however many targets it has
            reach_cache[word] = _reach(index, word)
        reached = reach_cache[word]
        if target == NOT_IN_PLAN:
            if len(reached) > OUTSIDE_MAX_REACH or index.vocabulary.outside(word):
                continue
            row = (OUTSIDE_CATEGORY, word, note)
            file = OUTSIDE
        else:
            if not reached and not index.analyzed(word):
                continue
            if len(reached) > GENERIC_REACH * size or target in reached[:LEADS_WITHIN]:
                continue
            row = (target, word)
            file = SITUATIONS
        out.append(Proposal(target, word, len(who), clicks[(target, word)], file, row))
    return Proposals(tuple(out), gone, len(records), len({r.user for r in records}))


def _reach(index: Index, word: str) -> list[str]:
    """The measures the word alone reaches, best first."""
    hits = index.search(build_query(word, index), plan=CURRENT_PLAN)
    return [h.measure.id for h in hits]


def _gone(records: list[CorrectionRecord], index: Index) -> tuple[tuple[str, int, int], ...]:
    missing: dict[str, list[str]] = defaultdict(list)
    for r in records:
        if r.chosen != NOT_IN_PLAN and index.data.measure(r.chosen) is None:
            missing[r.chosen].append(r.user)
    return tuple(
        (measure_id, len(set(who)), len(who)) for measure_id, who in sorted(missing.items())
    )


def rows_csv(proposals: Proposals) -> str:
    """The proposals as CSV sections, one a data file: that file's header, then its rows;
    a blank line between sections (what ``read_rows`` and ``soudan suggest --apply`` take)."""
    sections = []
    for file, header in HEADERS.items():
        rows = [p.row for p in proposals.proposals if p.file == file]
        if rows:
            sections.append(_csv_lines([header, *rows]))
    return "\n".join(sections)


def read_rows(text: str) -> dict[str, list[tuple[str, ...]]]:
    """Rows per data file from ``rows_csv``'s format (as an editor left it in Excel).

    Raises ValueError with the line number when a section's header is no data file's."""
    by_header = {header: file for file, header in HEADERS.items()}
    out: dict[str, list[tuple[str, ...]]] = {}
    file: str | None = None
    for number, row in _csv_rows(text.lstrip("\ufeff")):
        cells = tuple(c.strip() for c in row)
        if not any(cells):
            file = None  # a blank line ends a section
            continue
        if file is None:
            file = by_header.get(tuple(c for c in cells if c))
            if file is None:
                known = " か ".join(",".join(h) for h in HEADERS.values())
                raise ValueError(
                    f"{number}行目: 見出し「{','.join(cells)}」は {known} ではありません。"
                )
            out.setdefault(file, [])
            continue
        width = len(HEADERS[file])
        if len([c for c in cells[width:] if c]):
            raise ValueError(f"{number}行目: 列が多すぎます（{file} は {width}列）。")
        out[file].append((cells + ("",) * width)[:width])
    return out


def _csv_lines(rows: list[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _csv_rows(text: str):
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        yield reader.line_num, row
