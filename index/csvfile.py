"""Reading one CSV data file into rows, with every problem located by file, line and column.

Staff edit these files in Excel, so the reader expects what Excel does: a BOM (its
「CSV UTF-8」 writes one: accepted quietly), Shift_JIS (refused with the line and column of the
first bad byte), rows cut short, unclosed quotes, columns renamed or missing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from index.errors import Problem

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # physical line where the record starts
    values: dict[str, str]


@dataclass(slots=True)
class CsvFile:
    path: Path
    shown: str  # the path as printed in messages
    header: tuple[str, ...]
    rows: list[Row]


def read_csv(
    path: Path,
    shown: str,
    required: tuple[str, ...],
    problems: list[Problem],
) -> CsvFile | None:
    """Parse ``path``; append problems; return None when the file cannot be read at all."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(shown, None, None, "ファイルがありません。"))
        return None
    except OSError as error:
        problems.append(Problem(shown, None, None, f"ファイルを読めません（{error.strerror}）。"))
        return None
    if raw.startswith(BOM):
        # Excel's 「CSV UTF-8」, which data/README.md tells staff to use, writes one: it is the
        # expected form, not a fault.
        raw = raw[len(BOM) :]
    text = _decode(raw, shown, problems)
    if text is None:
        return None
    if not text.strip():
        problems.append(Problem(shown, None, None, "ファイルが空です。"))
        return None
    return _parse(text, path, shown, required, problems)


def _decode(raw: bytes, shown: str, problems: list[Problem]) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        column = len(raw[line_start : error.start].decode("utf-8", errors="replace")) + 1
        hint = "UTF-8 ではありません"
        try:
            raw.decode("cp932")
            hint = "Shift_JIS で保存されているようです。Excel では「CSV UTF-8」で保存してください"
        except UnicodeDecodeError:
            hint = "UTF-8 として読めないバイトがあります（ファイルが壊れている可能性があります）"
        problems.append(Problem(shown, line, None, f"{column}文字目: {hint}。"))
        return None


def _parse(
    text: str, path: Path, shown: str, required: tuple[str, ...], problems: list[Problem]
) -> CsvFile | None:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error:
        problems.append(
            Problem(shown, start, None, '引用符（"）が閉じていません。この行以降を読めません。')
        )
    if not records:
        problems.append(Problem(shown, None, None, "見出し行がありません。"))
        return None
    header_line, header = records[0]
    header = [h.strip() for h in header]
    missing = [name for name in required if name not in header]
    for name in missing:
        problems.append(Problem(shown, header_line, None, f"必須の列「{name}」がありません。"))
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(shown, header_line, None, f"列「{name}」が二つあります。"))
        seen.add(name)
    if missing:
        return None
    rows: list[Row] = []
    for line, record in records[1:]:
        if not any(cell.strip() for cell in record):
            continue  # blank lines are harmless: Excel leaves them at the end
        if len(record) != len(header):
            cause = (
                "行が途中で切れているか、区切りのカンマが足りません。"
                if len(record) < len(header)
                else '区切りのカンマが多すぎます（値にカンマがあるときは " で囲みます）。'
            )
            problems.append(
                Problem(
                    shown,
                    line,
                    None,
                    f"列の数が合いません（{len(header)}列のところ{len(record)}列）。{cause}",
                )
            )
            continue
        rows.append(Row(line, dict(zip(header, record, strict=True))))
    return CsvFile(path, shown, tuple(header), rows)


def stray_whitespace(value: str) -> str | None:
    """A Japanese description of stray whitespace in a cell, or None."""
    if value != value.strip():
        return "前後に余分な空白があります。"
    if "\n" in value or "\r" in value:
        return "セルの中に改行があります。"
    if "\t" in value:
        return "タブ文字があります。"
    if "  " in value or "　　" in value:
        return "空白が続いています。"
    return None
