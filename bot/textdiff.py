"""Character-level diff of two Japanese texts, as typed segments for <ins>/<del>.

Japanese has no spaces, so a word diff is meaningless; characters it is. A raw character
diff of two rewordings shreds into noise (a lone の or を kept in common between two
rewritten clauses), so equalities too short to mean anything are folded into the
surrounding change.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

Kind = Literal["equal", "insert", "delete"]

# Common runs shorter than this, between two changes, read as part of the change.
MIN_EQUAL = 3


@dataclass(frozen=True, slots=True)
class Segment:
    kind: Kind
    text: str


def char_diff(old: str, new: str) -> tuple[Segment, ...]:
    """Segments that turn ``old`` into ``new``: equal text, deletions and insertions.

    Joining the equal and delete segments gives ``old``; equal and insert give ``new``.
    Within one change the deletion comes before the insertion.
    """
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    raw: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            raw.append(Segment("equal", old[i1:i2]))
            continue
        if i2 > i1:
            raw.append(Segment("delete", old[i1:i2]))
        if j2 > j1:
            raw.append(Segment("insert", new[j1:j2]))
    return _merge(_fold_short_equals(raw))


def is_changed(segments: tuple[Segment, ...]) -> bool:
    return any(seg.kind != "equal" for seg in segments)


def _fold_short_equals(segments: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for index, seg in enumerate(segments):
        between_changes = (
            seg.kind == "equal"
            and len(seg.text) < MIN_EQUAL
            and 0 < index < len(segments) - 1
            and segments[index - 1].kind != "equal"
            and segments[index + 1].kind != "equal"
        )
        if between_changes:
            out.append(Segment("delete", seg.text))
            out.append(Segment("insert", seg.text))
        else:
            out.append(seg)
    return out


def _merge(segments: list[Segment]) -> tuple[Segment, ...]:
    """Join runs of changes into one deletion then one insertion; join adjacent equals."""
    out: list[Segment] = []
    run_deleted: list[str] = []
    run_inserted: list[str] = []

    def flush() -> None:
        if run_deleted:
            out.append(Segment("delete", "".join(run_deleted)))
        if run_inserted:
            out.append(Segment("insert", "".join(run_inserted)))
        run_deleted.clear()
        run_inserted.clear()

    for seg in segments:
        if seg.kind == "delete":
            run_deleted.append(seg.text)
        elif seg.kind == "insert":
            run_inserted.append(seg.text)
        else:
            flush()
            if out and out[-1].kind == "equal":
                out[-1] = Segment("equal", out[-1].text + seg.text)
            elif seg.text:
                out.append(seg)
    flush()
    return tuple(out)


def render_plain(segments: tuple[Segment, ...]) -> str:
    """For the terminal: [-削除-]{+追加+}."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[seg.kind].format(seg.text) for seg in segments)
