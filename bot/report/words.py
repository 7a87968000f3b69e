"""The words of unanswered questions, to compare with the vocabulary: Sudachi's terms as
the search makes them, or pairs of characters when the analyzer cannot be had."""

from __future__ import annotations

from bot.masking import PLACEHOLDERS
from index.model import PlanData


def _strip_placeholders(text: str) -> str:
    for placeholder in PLACEHOLDERS:
        text = text.replace(placeholder, " ")
    return text


def words(text: str, analyzer: object | None) -> list[str]:
    text = _strip_placeholders(text)
    if analyzer is not None:
        from index.text import terms

        return terms(analyzer, text)
    return bigrams(text)


def bigrams(text: str) -> list[str]:
    words: list[str] = []
    for run in "".join(c if c.isalnum() else " " for c in text).split():
        words.extend(run[i : i + 2] for i in range(max(len(run) - 1, 1)))
    return words


def vocabulary_terms(data: PlanData | None, analyzer: object | None) -> set[str]:
    if data is None:
        return set()
    known: set[str] = set()
    for entry in data.vocabulary:
        for term in (*entry.terms, *entry.targets):
            known.add(term)
            known.update(words(term, analyzer))
    return known
