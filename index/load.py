"""load(data_dir) -> PlanData: read and check every data file, or raise one DataError.

The checks are the contract with the staff who edit the files: every problem is reported
at once, each naming file, line and column, so one round of fixes is enough. They are in
``index.check``; this module runs them and hands over the data or the problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.check import FILES, Checker
from index.errors import DataError, Problem
from index.model import PlanData

__all__ = ["FILES", "CheckResult", "check", "load"]


@dataclass(frozen=True, slots=True)
class CheckResult:
    data: PlanData | None
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


def load(data_dir: Path | str) -> PlanData:
    """Read and check every data file. Raises DataError listing every problem."""
    result = check(data_dir)
    if result.data is None:
        raise DataError(result.problems)
    return result.data


def check(data_dir: Path | str) -> CheckResult:
    data_dir = Path(data_dir)
    checker = Checker(data_dir)
    data = checker.run()
    return CheckResult(data, tuple(checker.problems), tuple(checker.warnings))
