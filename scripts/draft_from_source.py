#!/usr/bin/env python3
"""Draft measures rows from the text of a side-by-side plan comparison PDF.

The city publishes the old and the new poverty action plan as one table: left
column = previous plan, right column = new plan, each row "No. / 取組項目 /
概要 / 担当課".  Text extraction (e.g. ``pdftotext``) interleaves the two
columns, wraps lines inside cells and inserts a space where two cells meet on
one line.  This script reassembles the cells, pairs left and right, follows
"３－（１）へ移転" markers and writes a *draft* of data/measures.csv.

It is a drafting aid: data/measures.csv, checked by a person, is the truth.
Everything the script could not place is printed to stderr; read it, then
compare the draft with the curated file (e.g. with ``diff`` or in Excel).

Usage:
    python scripts/draft_from_source.py data/source/plan-comparison-2nd-3rd.txt \
        --out /tmp/measures.draft.csv --sections /tmp/sections.draft.csv

Only the standard library is used.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

FIELDS = [
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

TO_ASCII = str.maketrans("０１２３４５６７８９", "0123456789")
HEADING = re.compile(r"([０-９])[－ー-]（([０-９])）(\S+)")
MOVE = re.compile(r"^([０-９])[－ー-]（([０-９])）へ(移転|移動)$")
NUMBER = re.compile(r"^\d+$")
SKIP = re.compile(r"^(No\. 取組項目|第.期千葉市貧困対策アクションプラン)")
DEPT_LIKE = re.compile(r"^[^、。]{1,15}$")
TITLE_MAX = 14  # a longer line is not a wrapped title line

NOTE_INFERRED = "原文に番号なし（推定）"


@dataclass
class Piece:
    """One space-separated piece of a source line (kind: text, blank, heading)."""

    kind: str
    text: str
    line: int
    starts_line: bool  # first piece of its physical line


@dataclass
class Cell:
    """One side of one table row."""

    num: int | None
    title: str
    summary: str
    depts: list[str]
    line: int
    trailer: str = ""  # "pair" | "move" | "orphan" | ""
    move_to: str = ""  # "3-1" for "３－（１）へ移転"
    notes: list[str] = field(default_factory=list)


@dataclass
class Row:
    plan: int
    section: str
    cell: Cell
    no: int | None = None
    inferred: bool = False
    pred: Row | None = None
    succ: Row | None = None
    moved: bool = False

    @property
    def id(self) -> str:
        return f"{self.plan}-{self.section}-{self.no}"


def pieces_of(text: str) -> list[Piece]:
    out: list[Piece] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or SKIP.match(line):
            out.append(Piece("blank", "", n, True))
        elif HEADING.match(line) and not MOVE.match(line):
            out.append(Piece("heading", line, n, True))
        else:
            for i, part in enumerate(line.split(" ")):
                if part:
                    out.append(Piece("text", part, n, i == 0))
    return out


def join_wrapped(parts: list[str], notes: list[str]) -> str:
    """Join wrapped lines; keep a space between two half-width words (For You)."""
    text = ""
    for part in parts:
        if text and re.search(r"[A-Za-z0-9]$", text) and re.match(r"[A-Za-z0-9]", part):
            word = (
                re.search(r"[A-Za-z0-9～]*$", text)[0] + " " + re.match(r"[A-Za-z0-9～]*", part)[0]
            )
            notes.append(f"抽出で失われた空白を補った（{word}）")
            text += " "
        text += part
    return text


def paren_open(text: str) -> bool:
    return text.count("（") > text.count("）")


class Parser:
    def __init__(self, pieces: list[Piece]):
        self.p = pieces
        self.i = 0
        self.warnings: list[str] = []

    def peek(self, k: int = 0) -> Piece | None:
        j = self.i + k
        return self.p[j] if j < len(self.p) else None

    def skip_blanks(self) -> None:
        while (q := self.peek()) and q.kind == "blank":
            self.i += 1

    def same_line_next(self) -> bool:
        q = self.peek(1)
        return bool(q and q.kind == "text" and not q.starts_line)

    def cell(self) -> Cell:
        """Parse one cell starting at the current (non-blank, text) piece."""
        start = self.peek()
        notes: list[str] = []
        num = None
        inline = False
        if NUMBER.match(start.text):
            num = int(start.text)
            inline = self.same_line_next()
            self.i += 1
            self.skip_blanks()
        # title: one piece if followed on its line (or after "N " inline), else wrapped lines
        parts = []
        if inline or self.same_line_next():
            parts.append(self.peek().text)
            self.i += 1
        else:
            while (q := self.peek()) and q.kind == "text" and len(q.text) <= TITLE_MAX:
                parts.append(q.text)
                self.i += 1
                if not q.starts_line or self.peek() is None or not self.peek().starts_line:
                    break
        title = join_wrapped(parts, notes)
        self.skip_blanks()
        # summary: pieces up to a blank line, a same-line break, or a department line
        parts = []
        while (q := self.peek()) and q.kind == "text":
            if parts and (not q.starts_line or MOVE.match(q.text) or NUMBER.match(q.text)):
                break
            if (
                parts
                and parts[-1].endswith("。")
                and DEPT_LIKE.match(q.text)
                and (q.text.endswith(("課", "所", "センター")) or paren_open(q.text))
            ):
                break
            parts.append(q.text)
            self.i += 1
        summary = join_wrapped(parts, notes)
        c = Cell(num, title, summary, [], start.line, notes=notes)
        self.skip_blanks()
        # departments, then what follows on the same line: a number, a move marker, or text
        while (q := self.peek()) and q.kind == "text":
            if MOVE.match(q.text):
                m = MOVE.match(q.text)
                c.trailer, c.move_to = "move", f"{m[1]}-{m[2]}".translate(TO_ASCII)
                self.i += 1
                break
            if NUMBER.match(q.text):
                if not q.starts_line:
                    c.trailer = "pair"  # the right-hand cell of this row starts here
                break
            if c.depts and paren_open(c.depts[-1]):
                c.depts[-1] += q.text
            elif c.depts and not q.starts_line:
                c.trailer = "orphan"  # text in the right column with no row of its own
                self.warnings.append(
                    f"line {q.line}: right column has only '{q.text}' "
                    f"beside left row '{title}'; ignored"
                )
                self.i += 1
                break
            else:
                c.depts.append(q.text)
            self.i += 1
            if (n := self.peek()) and n.kind == "blank":
                break
        if not c.trailer:
            j = self.i
            while j < len(self.p) and self.p[j].kind == "blank":
                j += 1
            if j < len(self.p) and self.p[j].kind == "text" and MOVE.match(self.p[j].text):
                m = MOVE.match(self.p[j].text)
                c.trailer, c.move_to = "move", f"{m[1]}-{m[2]}".translate(TO_ASCII)
                self.i = j + 1
        for note in notes:  # a restored space is a guess: have a person confirm it
            self.warnings.append(f"line {start.line}: {note} in {title!r}")
        if not title or not summary:
            self.warnings.append(f"line {start.line}: incomplete cell {title!r} {summary[:20]!r}")
        return c

    def blocks(self):
        """Yield (left_heading, right_heading, [cells]) per section heading."""
        left = right = None
        cells: list[Cell] = []
        while self.i < len(self.p):
            q = self.peek()
            if q.kind == "blank":
                self.i += 1
            elif q.kind == "heading":
                if right:
                    yield left, right, cells
                found = [
                    (f"{m[1]}-{m[2]}".translate(TO_ASCII), m[3]) for m in HEADING.finditer(q.text)
                ]
                left, right = (found[0], found[1]) if len(found) == 2 else (None, found[0])
                cells = []
                self.i += 1
            elif MOVE.match(q.text):
                self.warnings.append(f"line {q.line}: stray move marker {q.text}")
                self.i += 1
            else:
                cells.append(self.cell())
        if right:
            yield left, right, cells


def norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def build(text: str, old: int = 2, new: int = 3) -> tuple[list[Row], dict, list[str]]:
    """Rows of both plans (``old`` = left column, ``new`` = right), section titles, warnings."""
    parser = Parser(pieces_of(text))
    rows: list[Row] = []
    sections: dict[tuple[int, str], str] = {}
    moved: dict[str, Row] = {}  # norm(title+summary) -> old-plan row marked "へ移転"

    def add_section(plan, sec, title):
        if sections.setdefault((plan, sec), title) != title:
            parser.warnings.append(f"plan {plan} {sec}: second heading title {title!r} ignored")

    for left, right, cells in parser.blocks():
        lefts: list[Row] = []
        k = 0
        while k < len(cells):
            c = cells[k]
            if c.trailer in ("pair", "move", "orphan") or c.num is None:
                wants_partner = c.trailer == "pair" or not c.trailer
                partner = cells[k + 1] if wants_partner and k + 1 < len(cells) else None
                if c.trailer == "pair" and partner is None:
                    parser.warnings.append(f"line {c.line}: right-hand cell of {c.title!r} missing")
                k += 2 if partner else 1
                r_row = None
                if partner:
                    r_row = Row(new, right[0], partner, no=partner.num)
                    add_section(new, right[0], right[1])
                    rows.append(r_row)
                key = norm(c.title + c.summary)
                if key in moved:  # the left cell repeats a row moved here
                    orig = moved.pop(key)
                    if r_row:
                        orig.succ, r_row.pred = r_row, orig
                    continue
                if left is None:
                    parser.warnings.append(
                        f"line {c.line}: left cell {c.title!r} outside any "
                        "previous-plan section; skipped"
                    )
                    continue
                l_row = Row(old, left[0], c, no=c.num, moved=c.trailer == "move")
                lefts.append(l_row)
                add_section(old, left[0], left[1])
                if c.trailer == "move":
                    moved[key] = l_row
                if r_row:
                    l_row.succ, r_row.pred = r_row, l_row
            else:  # a right-hand cell alone: new in the new plan
                rows.append(Row(new, right[0], c, no=c.num))
                add_section(new, right[0], right[1])
                k += 1
        used = {r.no for r in lefts if r.no}
        for r in lefts:
            if r.no is None:
                r.no, r.inferred = max(used | {0}) + 1, True
                used.add(r.no)
                r.cell.notes.append(NOTE_INFERRED)
                parser.warnings.append(
                    f"line {r.cell.line}: no number printed for {r.cell.title!r}; inferred {r.id}"
                )
        rows.extend(lefts)

    # a move marker whose row was not repeated: look for the same title in the target section
    for orig in moved.values():
        target = orig.cell.move_to
        cands = [
            r
            for r in rows
            if r.plan == new
            and r.section == target
            and r.pred is None
            and norm(r.cell.title) == norm(orig.cell.title)
        ]
        if len(cands) == 1:
            orig.succ, cands[0].pred = cands[0], orig
        else:
            parser.warnings.append(f"{orig.id}: moved to {target} but no successor found")

    for plan in (old, new):
        for sec in sorted({r.section for r in rows if r.plan == plan}):
            nos = sorted(r.no for r in rows if r.plan == plan and r.section == sec)
            if nos != list(range(1, len(nos) + 1)):
                parser.warnings.append(f"plan {plan} {sec}: numbers {nos} are not 1..{len(nos)}")
    rows.sort(key=lambda r: (r.plan, *map(int, r.section.split("-")), r.no or 0))
    return rows, sections, parser.warnings


def status(r: Row, new: int) -> str:
    if r.plan == new:
        return "継続" if r.pred else "新規"
    if not r.succ:
        return "終了"
    return "移転" if r.moved else "継続"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path)
    ap.add_argument("--out", type=Path, help="draft measures CSV (default: stdout)")
    ap.add_argument("--sections", type=Path, help="also write a draft sections CSV")
    ap.add_argument(
        "--plans",
        nargs=2,
        type=int,
        default=[2, 3],
        metavar=("OLD", "NEW"),
        help="plan numbers of the left and right columns (default: 2 3)",
    )
    args = ap.parse_args()
    old, new = args.plans

    rows, sections, warnings = build(args.source.read_text(encoding="utf-8"), old, new)
    out = args.out.open("w", encoding="utf-8", newline="") if args.out else sys.stdout
    w = csv.writer(out, lineterminator="\n")
    w.writerow(FIELDS)
    for r in rows:
        w.writerow(
            [
                r.id,
                r.plan,
                r.section,
                r.no,
                "1" if r.inferred else "",
                r.cell.title,
                r.cell.summary,
                ";".join(r.cell.depts),
                status(r, new),
                r.pred.id if r.pred else "",
                r.succ.id if r.succ else "",
                "、".join(r.cell.notes),
            ]
        )
    if args.out:
        out.close()
    if args.sections:
        with args.sections.open("w", encoding="utf-8", newline="") as f:
            sw = csv.writer(f, lineterminator="\n")
            sw.writerow(["plan", "section", "title"])
            for (plan, sec), title in sorted(sections.items()):
                sw.writerow([plan, sec, title])

    counts = {}
    for r in rows:
        counts.setdefault((r.plan, r.section), 0)
        counts[(r.plan, r.section)] += 1
    for (plan, sec), n in sorted(counts.items()):
        print(f"plan {plan} {sec}: {n} rows", file=sys.stderr)
    for msg in warnings:
        print("CHECK:", msg, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
