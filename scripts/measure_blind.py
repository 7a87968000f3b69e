"""Blind measurement of a question set: prints numbers only, never the questions.

Works with any build of ``index/`` (run it with that build first on PYTHONPATH), so a new
set is measured on the build it must judge, once, before anything changes because of it:

    PYTHONPATH=. .venv/bin/python scripts/measure_blind.py SET.jsonl data/

needs@5 counts, for questions annotated with two or more needs, the needs with a relevant
measure among the first five results plus the first two of each of at most four need
groups (builds without needs show only the first five).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from index.answer import answer
from index.engine import build
from index.evaluate import evaluate, read_cases
from index.load import load
from index.text import SudachiAnalyzer


def shown(result) -> set[str]:
    if result.abstained:
        return set()
    ids = [h.measure.short_id for h in result.hits if h.measure.plan == 3][:5]
    needs = getattr(result, "needs", ())
    for need in needs[:4] if len(needs) > 1 else ():
        ids += [h.measure.short_id for h in need.hits if h.measure.plan == 3][:2]
    return set(ids)


def main(path: Path, data_dir: str) -> None:
    index = build(load(data_dir), SudachiAnalyzer())
    cases = read_cases(path)
    report = evaluate(cases, lambda q: answer(q, index))
    summary = report.summary()
    answerable, outside = len(report.false_abstain), len(report.abstain_expected)
    print(f"{path.name}: n={len(cases)} answerable={answerable} oos={outside}")
    print("  all: " + "  ".join(f"{k} {v:.3f}" for k, v in summary.items()))
    for kind, metrics in report.kinds().items():
        print(f"  {kind:12s} " + "  ".join(f"{k} {v:.3f}" for k, v in metrics.items()))
    found: dict[str, list[bool]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else {}
        needs = row.get("needs") or []
        if len(needs) < 2:
            continue
        got = shown(answer(row["q"], index))
        for need in needs:
            found.setdefault(row.get("kind", "-"), []).append(bool(set(need["relevant"]) & got))
    for kind, values in found.items():
        print(f"  needs@5 {kind}: {sum(values) / len(values):.3f} (needs {len(values)})")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "data")
