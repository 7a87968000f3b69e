"""The tables laid out: aligned columns for a terminal, one CSV sheet for Excel."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence

from bot.report.rows import Table

_NUMBER = re.compile(r"-|\d[\d,.]*%?")
CELL_WIDTH = 40


def display_width(text: str) -> int:
    """Columns on a terminal: wide (Japanese) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "FW" else 1 for c in text)


def shorten(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for char in text:
        used += display_width(char)
        if used > width - 1:
            break
        out.append(char)
    return "".join(out) + "…"


def _cell(value: object) -> str:
    return str(value).replace("\n", " ")


def render_table(tables: Iterable[Table]) -> str:
    """Aligned columns for a terminal; long cells are cut, except the last column's."""
    blocks = []
    for table in tables:
        lines = [f"■ {table.title}"]
        if table.rows:
            last = len(table.headers) - 1
            cells = [
                [
                    _cell(v) if i == last else shorten(_cell(v), CELL_WIDTH)
                    for i, v in enumerate(row)
                ]
                for row in [table.headers, *table.rows]
            ]
            widths = [max(display_width(row[i]) for row in cells) for i in range(last + 1)]
            right = [all(_numeric(row[i]) for row in table.rows) for i in range(last + 1)]
            for n, row in enumerate(cells):
                padded = (_pad(cell, widths[i], right[i]) for i, cell in enumerate(row))
                lines.append(("  " + "  ".join(padded)).rstrip())
                if n == 0:
                    lines.append("  " + "  ".join("-" * w for w in widths))
        if table.note:
            lines.append(f"  {table.note}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _numeric(value: object) -> bool:
    return isinstance(value, int | float) or bool(_NUMBER.fullmatch(str(value)))


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - display_width(text))
    return space + text if right else text + space


def render_csv(tables: Sequence[Table]) -> str:
    """One sheet: each section is its title row, a header row, the rows and a blank line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for table in tables:
        writer.writerow([f"【{table.title}】"])
        if table.rows:
            writer.writerow(table.headers)
            writer.writerows([[_cell(v) for v in row] for row in table.rows])
        if table.note:
            writer.writerow([table.note])
        writer.writerow([])
    return out.getvalue()
