"""Domain errors. Each edge (Slack, CLI, web) turns them into a Japanese sentence."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a data file, located for a person who will open it in Excel."""

    file: str  # path as shown to the user, e.g. "data/measures.csv"
    line: int | None  # 1-based physical line; None for whole-file problems
    column: str | None  # column name (header), None when not about one column
    message: str  # Japanese

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return (
            f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


class SoudanError(Exception):
    """Base of the library's errors; ``str()`` is a Japanese sentence for the user."""


class DataError(SoudanError):
    """The data files fail the check. Carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        # In the order a person fixes them: file by file (first seen first), line by line.
        files = {p.file: i for i, p in reversed(list(enumerate(problems)))}
        self.problems = tuple(
            sorted(problems, key=lambda p: (files[p.file], p.line is not None, p.line or 0))
        )
        super().__init__(self.summary())

    def summary(self) -> str:
        return f"データに{len(self.problems)}件の問題があります。"

    def report(self) -> str:
        return "\n".join([*map(str, self.problems), self.summary()])
