"""The curated plan data (data/*.csv) against the text extracted from the source PDF.

Only the standard library: these tests must keep working whatever the bot code does.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data"
SOURCE = DATA / "source" / "plan-comparison-2nd-3rd.txt"

THIRD_PLAN_COUNTS = {
    "1-1": 10,
    "1-2": 9,
    "1-3": 20,
    "1-4": 14,
    "2-1": 6,
    "2-2": 3,
    "2-3": 6,
    "3-1": 12,
    "3-2": 5,
    "3-3": 7,
    "3-4": 5,
}
SECOND_PLAN_TOTAL = 54
RESTORED_SPACE = "抽出で失われた空白を補った"


def read(name: str) -> list[dict[str, str]]:
    # utf-8-sig: a file saved from Excel as "CSV UTF-8" starts with a BOM
    with (DATA / name).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def measures() -> list[dict[str, str]]:
    return read("measures.csv")


@pytest.fixture(scope="module")
def pieces() -> list[str]:
    """The source as a stream of pieces: every line split at the spaces extraction inserted."""
    return SOURCE.read_text(encoding="utf-8").split()


def runs(value: str, pieces: list[str]) -> list[range]:
    """Where ``value`` is exactly some consecutive pieces joined (whole lines, whole cells)."""
    found = []
    for i, first in enumerate(pieces):
        if not value.startswith(first):
            continue
        text = first
        j = i + 1
        while len(text) < len(value) and j < len(pieces) and value.startswith(text + pieces[j]):
            text += pieces[j]
            j += 1
        if text == value:
            found.append(range(i, j))
    return found


def as_printed(m: dict[str, str], column: str) -> str:
    """The value as the source prints it: without the space the note says was restored."""
    value = m[column]
    return value.replace(" ", "") if RESTORED_SPACE in m["note"] else value


def test_files_are_utf8() -> None:
    for name in ("measures.csv", "sections.csv", "departments.csv"):
        (DATA / name).read_bytes().decode("utf-8")  # raises on Shift_JIS (Excel's plain "CSV")


def test_header(measures: list[dict[str, str]]) -> None:
    assert list(measures[0]) == [
        "id",
        "plan",
        "section",
        "no",
        "no_inferred",
        "title",
        "summary",
        "departments",
        "status",
        "predecessor",
        "successor",
        "note",
    ]


def test_row_counts(measures: list[dict[str, str]]) -> None:
    third = Counter(m["section"] for m in measures if m["plan"] == "3")
    assert dict(third) == THIRD_PLAN_COUNTS
    assert sum(third.values()) == 97
    assert sum(m["plan"] == "2" for m in measures) == SECOND_PLAN_TOTAL
    assert {m["plan"] for m in measures} == {"2", "3"}


def test_ids_numbers_and_order(measures: list[dict[str, str]]) -> None:
    ids = [m["id"] for m in measures]
    assert len(ids) == len(set(ids))
    for m in measures:
        assert re.fullmatch(r"[1-9]-[1-9]", m["section"]), m["id"]
        assert m["id"] == f"{m['plan']}-{m['section']}-{m['no']}"
        assert m["no_inferred"] in ("", "1"), m["id"]
        if m["no_inferred"]:
            assert m["plan"] == "2" and "番号なし" in m["note"], m["id"]
    by_section: dict[tuple[str, str], list[int]] = {}
    for m in measures:
        by_section.setdefault((m["plan"], m["section"]), []).append(int(m["no"]))
    for key, nos in by_section.items():
        assert nos == list(range(1, len(nos) + 1)), key
    order = [(int(m["plan"]), *map(int, m["section"].split("-")), int(m["no"])) for m in measures]
    assert order == sorted(order)
    assert sum(m["no_inferred"] == "1" for m in measures) == 2


def test_text_is_as_printed(measures: list[dict[str, str]], pieces: list[str]) -> None:
    """Titles and summaries are whole runs of source lines, joined, with nothing added."""
    flat = "".join(pieces)
    for m in measures:
        for column in ("title", "summary"):
            value = m[column]
            assert value == value.strip() and "\n" not in value, (m["id"], column)
            if " " in value:  # only where a lost space was restored, and said so
                assert RESTORED_SPACE in m["note"], (m["id"], column)
                assert re.search(r"[A-Za-z0-9] [A-Za-z0-9]", value), (m["id"], column)
                value = value.replace(" ", "")
            assert value in flat, (m["id"], column)
            assert runs(value, pieces), (m["id"], column)
        assert "。" not in m["title"] and m["summary"].endswith("。"), m["id"]


def test_nothing_left_out(measures: list[dict[str, str]], pieces: list[str]) -> None:
    """Every piece of printed text belongs to some title, summary or department.

    Catches a truncated title or summary (its tail would be left over) and a row
    missing from the CSV.  Left over may only be numbers, headings, table headers
    and move markers.
    """
    covered = [False] * len(pieces)
    values = {as_printed(m, c) for m in measures for c in ("title", "summary")}
    values |= {d for m in measures for d in m["departments"].split(";")}
    for value in values:
        for run in runs(value, pieces):
            for k in run:
                covered[k] = True
    allowed = re.compile(
        r"\d+|No\.|取組項目|概要|担当課|第[２３]期千葉市貧困対策アクションプラン"
        r"|[０-９][－ー]（[０-９]）\S+"
    )
    left = [p for p, c in zip(pieces, covered, strict=True) if not c and not allowed.fullmatch(p)]
    assert left == []


def test_restored_space() -> None:
    rows = [m for m in read("measures.csv") if RESTORED_SPACE in m["note"]]
    assert [m["title"] for m in rows] == ["あなたが使える制度お知らせサービス～For You～"]


def test_departments(measures: list[dict[str, str]], pieces: list[str]) -> None:
    depts = read("departments.csv")
    assert list(depts[0]) == ["name", "kana", "bureau", "phone", "location", "url", "note"]
    names = [d["name"] for d in depts]
    assert len(names) == len(set(names))
    used = {p: set() for p in ("2", "3")}
    for m in measures:
        parts = m["departments"].split(";")
        assert all(parts) and all(p == p.strip() for p in parts), m["id"]
        assert len(parts) == len(set(parts)), m["id"]
        used[m["plan"]].update(parts)
    assert len(used["3"]) == 29
    assert len(used["2"] - used["3"]) == 1
    assert set(names) == used["2"] | used["3"]
    flat = "".join(pieces)
    for d in depts:
        assert d["name"] in flat, d["name"]
        assert re.fullmatch(r"[ァ-ヶー]+", d["kana"]), d["name"]
    assert [d["kana"] for d in depts] == sorted(d["kana"] for d in depts)


def test_sections(measures: list[dict[str, str]], pieces: list[str]) -> None:
    sections = read("sections.csv")
    assert list(sections[0]) == ["plan", "section", "title"]
    keys = [(s["plan"], s["section"]) for s in sections]
    assert len(keys) == len(set(keys))
    assert set(keys) == {(m["plan"], m["section"]) for m in measures}
    flat = "".join(pieces)
    for s in sections:
        chapter, number = s["section"].split("-")
        label = chapter.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        number = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        assert re.search(f"{label}[－ー]（{number}）{re.escape(s['title'])}", flat), s


def test_history_links(measures: list[dict[str, str]]) -> None:
    by_id = {m["id"]: m for m in measures}
    for m in measures:
        if m["plan"] == "3":
            assert m["successor"] == "", m["id"]
            assert m["status"] == ("継続" if m["predecessor"] else "新規"), m["id"]
            if m["predecessor"]:
                pred = by_id[m["predecessor"]]
                assert pred["plan"] == "2" and pred["successor"] == m["id"], m["id"]
        else:
            assert m["predecessor"] == "", m["id"]
            assert m["status"] in ("継続", "移転", "終了"), m["id"]
            if not m["successor"]:
                assert m["status"] == "終了", m["id"]
                continue
            succ = by_id[m["successor"]]
            assert succ["plan"] == "3" and succ["predecessor"] == m["id"], m["id"]
            same = succ["section"] == m["section"] or (m["section"], succ["section"]) == (
                "1-5",
                "1-4",
            )
            assert m["status"] == ("継続" if same else "移転"), m["id"]


def test_moves_follow_the_source(measures: list[dict[str, str]]) -> None:
    """Every row the source marks "へ移転"/"へ移動" is 移転, and nothing else is."""
    text = SOURCE.read_text(encoding="utf-8")
    markers = len(re.findall(r"[０-９][－ー]（[０-９]）へ(?:移転|移動)", text))
    moved = [m for m in measures if m["status"] == "移転"]
    assert len(moved) == markers == 14
    ended = [m["id"] for m in measures if m["status"] == "終了"]
    assert ended == ["2-1-2-4"]
