"""The domain vocabulary: how people talk -> the plan's words.

An entry matches a question in one of two ways:

* as a substring of the normalized question (kana script folded): caseworkers' phrases
  (住所がない, 首が回らない) are not single dictionary units, and Sudachi may cut them
  differently in different sentences;
* for a phrase of two or more content words, as those words in order, close together, in
  their dictionary forms: 日本語が通じない also matches 日本語がほとんど通じなかった.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.model import VocabEntry
from index.text import Analyzer, content_terms, fold_kana, normalize

# How many other units may stand between the words of a phrase (ほとんど, まったく).
PHRASE_SLOP = 3


@dataclass(frozen=True, slots=True)
class Expansion:
    trigger: str  # the user's phrase as written in the vocabulary
    target: str  # a phrase to search in addition
    entry_line: int


@dataclass(frozen=True, slots=True)
class _Rule:
    folded: str
    trigger: str
    targets: tuple[str, ...]
    line: int
    words: tuple[str, ...]  # content words in order, for matching with slop


@dataclass(frozen=True, slots=True)
class Vocabulary:
    # Longest triggers first so 住所がない wins over a shorter entry inside it.
    _rules: tuple[_Rule, ...]

    @classmethod
    def build(cls, entries: tuple[VocabEntry, ...], analyzer: Analyzer | None = None) -> Vocabulary:
        rules: list[_Rule] = []
        for entry in entries:
            for term in entry.terms:
                if entry.kind == "同義":
                    targets = tuple(t for t in entry.terms if t != term)
                else:
                    targets = entry.targets
                words = _words(analyzer, term) if analyzer else ()
                rules.append(_Rule(_fold(term), term, targets, entry.line, words))
        rules.sort(key=lambda r: -len(r.folded))
        return cls(tuple(rules))

    def expand(self, question: str, words: list[str] | None = None) -> list[Expansion]:
        """Every expansion whose trigger occurs in ``question``.

        ``words``: the question's content words in order (unit terms), for phrase matching.
        """
        text = _fold(question)
        out: list[Expansion] = []
        covered: list[tuple[int, int]] = []
        for rule in self._rules:
            start = text.find(rule.folded)
            if start >= 0:
                end = start + len(rule.folded)
                # A trigger wholly inside a longer matched trigger adds nothing new.
                if any(s <= start and end <= e and (e - s) > (end - start) for s, e in covered):
                    continue
                covered.append((start, end))
            elif not (words and len(rule.words) > 1 and _in_order(rule.words, words)):
                continue
            out.extend(Expansion(rule.trigger, target, rule.line) for target in rule.targets)
        return out

    def triggers(self) -> list[str]:
        return [rule.trigger for rule in self._rules]


def _fold(text: str) -> str:
    return fold_kana(normalize(text))


def _words(analyzer: Analyzer, phrase: str) -> tuple[str, ...]:
    return tuple(t.term for t in content_terms(analyzer.tokens(phrase)) if t.weight == 1.0)


def _in_order(needle: tuple[str, ...], haystack: list[str]) -> bool:
    """``needle`` appears in order in ``haystack`` with at most PHRASE_SLOP words between."""
    for start, word in enumerate(haystack):
        if word != needle[0]:
            continue
        position = start
        for wanted in needle[1:]:
            window = haystack[position + 1 : position + 2 + PHRASE_SLOP]
            if wanted not in window:
                break
            position = position + 1 + window.index(wanted)
        else:
            return True
    return False
