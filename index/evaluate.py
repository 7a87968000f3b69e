"""Search quality over a question set: hit@1, hit@3, recall@5, MRR@10, department@1, abstain,
and needs@5 for questions annotated with several needs."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from index.model import CURRENT_PLAN, Answer

METRICS = ("hit@1", "hit@3", "recall@5", "mrr@10", "department@1")
# needs@5: what an answer shows at a glance is its first five results plus the first two
# measures of each of at most four need groups.
SHOWN_FLAT = 5
SHOWN_NEEDS = 4
SHOWN_PER_NEED = 2


@dataclass(frozen=True, slots=True)
class Case:
    q: str
    relevant: tuple[str, ...]  # 3rd-plan short ids ("1-3-4"), most useful first
    departments: tuple[str, ...]
    kind: str
    needs: tuple[tuple[str, ...], ...] = ()  # relevant ids of each annotated need


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    ranked: tuple[str, ...]  # short ids of 3rd-plan results, best first (empty if abstained)
    departments: tuple[str, ...]
    abstained: bool
    shown: frozenset[str] = frozenset()  # what the answer shows at a glance (needs@5)

    def needs_found(self) -> list[bool]:
        """For each annotated need: is one of its measures shown?"""
        return [bool(set(need) & self.shown) for need in self.case.needs]

    def scores(self) -> dict[str, float]:
        relevant = set(self.case.relevant)
        ranked = self.ranked
        rank = next((i for i, mid in enumerate(ranked[:10], 1) if mid in relevant), None)
        return {
            "hit@1": float(bool(ranked[:1]) and ranked[0] in relevant),
            "hit@3": float(any(mid in relevant for mid in ranked[:3])),
            "recall@5": len(relevant & set(ranked[:5])) / len(relevant),
            "mrr@10": 1.0 / rank if rank else 0.0,
            "department@1": float(
                bool(self.departments) and self.departments[0] in self.case.departments
            ),
        }


@dataclass(slots=True)
class Report:
    answerable: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    by_kind: dict[str, dict[str, list[float]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    abstain_expected: list[bool] = field(default_factory=list)
    false_abstain: list[bool] = field(default_factory=list)
    misses: list[Outcome] = field(default_factory=list)
    needs: list[bool] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        kind = outcome.case.kind
        if len(outcome.case.needs) > 1:
            found = outcome.needs_found()
            self.needs.extend(found)
            self.by_kind[kind]["needs@5"].extend(float(f) for f in found)
        if not outcome.case.relevant:
            self.abstain_expected.append(outcome.abstained)
            self.by_kind[kind]["abstain"].append(float(outcome.abstained))
            if not outcome.abstained:
                self.misses.append(outcome)
            return
        self.false_abstain.append(outcome.abstained)
        for name, value in outcome.scores().items():
            self.answerable[name].append(value)
            self.by_kind[kind][name].append(value)
        if not outcome.scores()["hit@1"]:
            self.misses.append(outcome)

    def summary(self) -> dict[str, float]:
        out = {name: _mean(self.answerable[name]) for name in METRICS}
        out["abstain"] = _mean([float(x) for x in self.abstain_expected])
        out["false_abstain"] = _mean([float(x) for x in self.false_abstain])
        if self.needs:
            out["needs@5"] = _mean([float(x) for x in self.needs])
        return out

    def kinds(self) -> dict[str, dict[str, float]]:
        return {
            kind: {name: _mean(values) for name, values in metrics.items()}
            for kind, metrics in sorted(self.by_kind.items())
        }


def read_cases(path: Path) -> list[Case]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            cases.append(
                Case(
                    row["q"],
                    tuple(row.get("relevant", ())),
                    tuple(row.get("departments", ())),
                    row.get("kind", "-"),
                    tuple(tuple(n["relevant"]) for n in row.get("needs") or ()),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise ValueError(f"{path}:{number}: 評価データの行を読めません（{error}）。") from None
    return cases


def evaluate(cases: Iterable[Case], ask: Callable[[str], Answer]) -> Report:
    report = Report()
    for case in cases:
        result = ask(case.q)
        ranked = (
            ()
            if result.abstained
            else tuple(h.measure.short_id for h in result.hits if h.measure.plan == CURRENT_PLAN)
        )
        report.add(Outcome(case, ranked, result.departments, result.abstained, shown(result)))
    return report


def shown(result: Answer) -> frozenset[str]:
    if result.abstained:
        return frozenset()
    ids = [h.measure.short_id for h in result.hits[:SHOWN_FLAT] if h.measure.plan == CURRENT_PLAN]
    for need in result.needs[:SHOWN_NEEDS]:
        ids += [
            h.measure.short_id for h in need.hits[:SHOWN_PER_NEED] if h.measure.plan == CURRENT_PLAN
        ]
    return frozenset(ids)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
