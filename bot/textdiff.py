"""Character-level diff for Japanese text (no word boundaries to diff on)."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True, slots=True)
class Segment:
    op: str  # "equal" | "insert" | "delete"
    text: str


def segments(old: str, new: str) -> list[Segment]:
    out: list[Segment] = []
    # autojunk off: with it, frequent characters (の, を) in long summaries are ignored.
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(Segment("equal", old[i1:i2]))
            continue
        if op in ("delete", "replace"):
            out.append(Segment("delete", old[i1:i2]))
        if op in ("insert", "replace"):
            out.append(Segment("insert", new[j1:j2]))
    return out


def char_diff(old: str, new: str) -> str:
    """Plain-text rendering: [-削除-]{+追加+}."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[s.op].format(s.text) for s in segments(old, new))
