"""The domain vocabulary: how people talk -> the plan's words.

Entries are matched as substrings of the normalized question (kana script folded), not as
tokens: caseworkers' phrases (住所がない, 首が回らない) are not single dictionary units, and
Sudachi would cut them differently in different sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.model import VocabEntry
from index.text import fold_kana, normalize


@dataclass(frozen=True, slots=True)
class Expansion:
    trigger: str  # the user's phrase as written in the vocabulary
    target: str  # a phrase to search in addition
    entry_line: int


@dataclass(frozen=True, slots=True)
class Vocabulary:
    # (folded trigger, trigger, [targets], line): longest triggers first so 住所がない wins
    # over a shorter entry inside it.
    _rules: tuple[tuple[str, str, tuple[str, ...], int], ...]

    @classmethod
    def build(cls, entries: tuple[VocabEntry, ...]) -> Vocabulary:
        rules: list[tuple[str, str, tuple[str, ...], int]] = []
        for entry in entries:
            if entry.kind == "同義":
                for term in entry.terms:
                    others = tuple(t for t in entry.terms if t != term)
                    rules.append((_fold(term), term, others, entry.line))
            else:
                for term in entry.terms:
                    rules.append((_fold(term), term, entry.targets, entry.line))
        rules.sort(key=lambda r: -len(r[0]))
        return cls(tuple(rules))

    def expand(self, question: str) -> list[Expansion]:
        """Every expansion whose trigger occurs in ``question``."""
        text = _fold(question)
        out: list[Expansion] = []
        covered: list[tuple[int, int]] = []
        for folded, trigger, targets, line in self._rules:
            start = text.find(folded)
            if start < 0:
                continue
            end = start + len(folded)
            # A trigger wholly inside a longer matched trigger adds nothing new.
            if any(s <= start and end <= e and (e - s) > (end - start) for s, e in covered):
                continue
            covered.append((start, end))
            out.extend(Expansion(trigger, target, line) for target in targets)
        return out

    def triggers(self) -> list[str]:
        return [trigger for _, trigger, _, _ in self._rules]


def _fold(text: str) -> str:
    return fold_kana(normalize(text))
