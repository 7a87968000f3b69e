"""The usage log counted into the report's tables, one function a table."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from datetime import datetime, tzinfo

from bot.corrections import NOT_IN_PLAN, UNKNOWN
from bot.report.queries import read_log
from bot.report.render import shorten
from bot.report.rows import JST, AnswerRow, Table
from bot.report.words import vocabulary_terms, words
from bot.surfaces import Surface
from index.model import CURRENT_PLAN, PlanData

TOP_MEASURES = 20
SLOWEST = 10
UNANSWERED_WORDS = 30
EXAMPLES = 2
EXAMPLE_WIDTH = 50

# Keyed by Surface, looked up with the stored string (a StrEnum member is equal to it).
SURFACE_LABELS = {
    Surface.SLASH: "スラッシュコマンド",
    Surface.MENTION: "メンション",
    Surface.DM: "DM",
    Surface.SHORTCUT: "ショートカット",
    Surface.HOME: "ホーム",
    Surface.WEB: "ウェブ",
    Surface.API: "API",
    Surface.CLI: "コマンドライン",
}
KIND_LABELS = {
    "everyday": "状況の相談",
    "department": "担当課",
    "measure_id": "取組番号",
    "history": "前期との比較",
    "empty": "空の質問",
}


def build_report(
    conn: sqlite3.Connection,
    *,
    start: datetime | None = None,
    data: PlanData | None = None,
    analyzer: object | None = None,
    zone: tzinfo = JST,
) -> list[Table]:
    log = read_log(conn, start, zone)
    rows = log.rows
    titles = {m.id: m.title for m in data.measures} if data else {}
    return [
        _summary(rows, log.votes, start, data, log.empty),
        _per_day(rows),
        _per_surface(rows),
        _per_kind(rows),
        _per_need(rows),
        _most_returned(rows, titles),
        _never_returned(rows, data),
        _feedback(log.votes, titles),
        _corrections(log.corrections, titles),
        _slowest(rows),
        _unanswered(log.texts, log.text_count, data, analyzer),
    ]


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def _summary(
    rows: list[AnswerRow], votes: list, start: datetime | None, data, empty: int = 0
) -> Table:
    abstained = sum(r.abstained for r in rows)
    period = f"{rows[0].at:%Y-%m-%d} 〜 {rows[-1].at:%Y-%m-%d}" if rows else "-"
    table = Table("概要", ("項目", "値"))
    table.rows = [
        ("集計の開始日", f"{start:%Y-%m-%d}" if start else "（全期間）"),
        ("記録のある期間", period),
        ("質問数", len(rows)),
        ("回答なし", abstained),
        ("回答なしの割合", _rate(abstained, len(rows))),
        ("空の質問（除外）", empty),
        ("利用者数", len({r.user_hash for r in rows if r.user_hash})),
        ("フィードバック数", sum(int(good) + int(bad) for _, good, bad in votes)),
        ("データの版", data.version.label if data else "（読み込めませんでした）"),
    ]
    return table


def _per_day(rows: list[AnswerRow]) -> Table:
    table = Table("日別の質問数", ("日付", "質問数", "回答なし", "回答なしの割合"))
    days: dict[str, list[AnswerRow]] = defaultdict(list)
    for row in rows:
        days[f"{row.at:%Y-%m-%d}"].append(row)
    for day, items in sorted(days.items()):
        abstained = sum(r.abstained for r in items)
        table.rows.append((day, len(items), abstained, _rate(abstained, len(items))))
    table.note = "" if rows else "質問の記録はありません。"
    return table


def _per_surface(rows: list[AnswerRow]) -> Table:
    table = Table("窓口別の質問数", ("窓口", "質問数", "回答なし", "回答なしの割合"))
    groups: dict[str, list[AnswerRow]] = defaultdict(list)
    for row in rows:
        groups[row.surface].append(row)
    for surface, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        abstained = sum(r.abstained for r in items)
        label = SURFACE_LABELS.get(surface, surface)
        table.rows.append((label, len(items), abstained, _rate(abstained, len(items))))
    table.note = "" if rows else "質問の記録はありません。"
    return table


def _per_kind(rows: list[AnswerRow]) -> Table:
    table = Table("質問の種類別", ("種類", "質問数", "回答なし"))
    counts = Counter(r.kind for r in rows)
    abstained = Counter(r.kind for r in rows if r.abstained)
    for kind, count in counts.most_common():
        table.rows.append((KIND_LABELS.get(kind, kind), count, abstained[kind]))
    table.note = "" if rows else "質問の記録はありません。"
    return table


def _per_need(rows: list[AnswerRow]) -> Table:
    table = Table("困りごと別（困りごとが複数あった質問）", ("困りごと", "質問数"))
    several = [r for r in rows if len(r.needs) > 1]
    for label, count in Counter(n for r in several for n in r.needs).most_common():
        table.rows.append((label, count))
    table.note = (
        f"困りごとが複数あった質問: {len(several)}件（平均 "
        f"{sum(len(r.needs) for r in several) / len(several):.1f}件の困りごと）"
        if several
        else "困りごとが複数あった質問はありません。"
    )
    return table


def _title(titles: dict[str, str], measure_id: str) -> str:
    if not titles:
        return ""
    return titles.get(measure_id, "（現在のデータにありません）")


def _most_returned(rows: list[AnswerRow], titles: dict[str, str]) -> Table:
    table = Table(
        f"よく返された取組（上位{TOP_MEASURES}件）", ("順位", "取組", "取組名", "回数", "うち1位")
    )
    returned = Counter(i for r in rows for i in dict.fromkeys(r.top_ids))
    first = Counter(r.top_ids[0] for r in rows if r.top_ids)
    ranked = sorted(returned.items(), key=lambda kv: (-kv[1], -first[kv[0]], kv[0]))
    for rank, (measure_id, count) in enumerate(ranked[:TOP_MEASURES], 1):
        table.rows.append((rank, measure_id, _title(titles, measure_id), count, first[measure_id]))
    table.note = "" if ranked else "返された取組はありません。"
    return table


def _never_returned(rows: list[AnswerRow], data: PlanData | None) -> Table:
    table = Table(
        "一度も返されなかった取組（第3期、上位5件に入らなかったもの）", ("取組", "取組名", "担当課")
    )
    if data is None:
        table.note = "データを読み込めないため省略しました（soudan data check で確認できます）。"
        return table
    returned = {i for r in rows for i in r.top_ids}
    for measure in data.plan_measures(CURRENT_PLAN):
        if measure.id not in returned:
            table.rows.append((measure.id, measure.title, "、".join(measure.departments)))
    table.note = "" if table.rows else "すべての取組が一度は返されています。"
    return table


def _feedback(votes: list, titles: dict[str, str]) -> Table:
    table = Table("取組ごとのフィードバック", ("取組", "取組名", "役に立った", "役に立たなかった"))
    for measure_id, good, bad in sorted(votes, key=lambda v: (-(v[1] + v[2]), v[0])):
        table.rows.append((measure_id, _title(titles, measure_id), good, bad))
    table.note = "" if votes else "フィードバックはありません。"
    return table


def _corrections(corrections: list, titles: dict[str, str]) -> Table:
    """Per measure: how often people chose it as right, and how often it was the first
    answer they said was wrong. People are counted apart from clicks."""
    table = Table(
        "取組ごとの訂正（「違う」で選ばれた正しい取組）",
        ("取組", "取組名", "正しいと選ばれた（人・回）", "違うとされた（人・回）"),
    )
    to: dict[str, list] = defaultdict(list)
    away: dict[str, list] = defaultdict(list)
    for c in corrections:
        to[c.chosen].append(c.user_hash)
        if c.shown and c.shown[0] != c.chosen:
            away[c.shown[0]].append(c.user_hash)
    keys = sorted(set(to) | set(away), key=lambda k: (-(len(to[k]) + len(away[k])), k))
    for key in keys:
        title = "" if key in (NOT_IN_PLAN, UNKNOWN) else _title(titles, key)
        table.rows.append((key, title, _people(to[key]), _people(away[key])))
    table.note = (
        ""
        if corrections
        else "訂正はありません（「違う」のあとに正しい取組が選ばれると記録されます）。"
    )
    return table


def _people(users: list) -> str:
    return f"{len(set(users))}人・{len(users)}回" if users else "-"


def _slowest(rows: list[AnswerRow]) -> Table:
    table = Table(
        f"時間のかかった回答（上位{SLOWEST}件）",
        ("日時", "応答時間(ms)", "種類", "窓口", "結果の件数"),
    )
    for row in sorted(rows, key=lambda r: -r.latency_ms)[:SLOWEST]:
        table.rows.append(
            (
                f"{row.at:%Y-%m-%d %H:%M:%S}",
                f"{row.latency_ms:.0f}",
                KIND_LABELS.get(row.kind, row.kind),
                SURFACE_LABELS.get(row.surface, row.surface),
                row.results,
            )
        )
    table.note = "" if rows else "質問の記録はありません。"
    return table


def _unanswered(
    texts: list[str], text_count: int, data: PlanData | None, analyzer: object | None
) -> Table:
    table = Table(
        "答えられなかった質問のことば（語彙に加える候補）", ("ことば", "質問数", "語彙", "質問の例")
    )
    if not text_count:
        table.note = (
            "質問の文面は記録されていません（LOG_QUESTION_TEXT=1 で、伏せ字にして記録します）。"
        )
        return table
    if not texts:
        table.note = "この期間に答えられなかった質問はありません。"
        return table
    known = vocabulary_terms(data, analyzer)
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for text in texts:
        for word in dict.fromkeys(words(text, analyzer)):
            counts[word] += 1
            if len(examples[word]) < EXAMPLES:
                examples[word].append(shorten(text, EXAMPLE_WIDTH))
    for word, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:UNANSWERED_WORDS]:
        status = "登録済" if word in known else ("未登録" if data else "")
        table.rows.append((word, count, status, " / ".join(examples[word])))
    if analyzer is None:
        table.note = "形態素解析が使えないため、2文字ずつに区切って集計しています。"
    return table
