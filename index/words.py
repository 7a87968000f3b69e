"""The content words of a question, as a correction keeps them: a bag, never a sentence.

A correction teaches which words lead to a measure. It keeps the normalized nouns, verbs
and adjectives of the question and nothing that can point to a person: no proper noun
(names of people, places, organisations), no number, no word with a digit, no order.
"""

from __future__ import annotations

import unicodedata
from typing import Protocol

from index.text import SINGLE_CHAR_KEEP, STOP_WORDS

# Nouns, verbs and adjectives (形状詞 are the na-adjectives: 不安, 心配).
WORD_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞"})
# Sub-kinds of noun that name or count: never kept.
DROPPED_NOUNS = frozenset({"固有名詞", "数詞"})
MAX_WORDS = 40  # a 500-character case note has about this many distinct content words


class LemmaTagger(Protocol):
    """What content_words needs of a tokenizer: each unit's normalized form and its full
    part of speech (``index.text.SudachiAnalyzer.lemmas``)."""

    def lemmas(self, text: str) -> list[tuple[str, tuple[str, ...]]]: ...


def content_words(tagger: LemmaTagger, text: str) -> tuple[str, ...]:
    """Distinct content words of ``text`` in code-point order (so no word order survives)."""
    words: set[str] = set()
    after_number = False
    for lemma, pos in tagger.lemmas(text):
        word = unicodedata.normalize("NFKC", lemma).strip()
        # A counter after a number (2か月, 3人, 10年) is part of an amount or an age.
        if _kept(word, pos) and not (after_number and _is_counter(pos)):
            words.add(word)
        after_number = _is_number(word, pos)
    return tuple(sorted(words)[:MAX_WORDS])


def _is_number(word: str, pos: tuple[str, ...]) -> bool:
    return (len(pos) > 1 and pos[1] == "数詞") or any(c.isdigit() for c in word)


def _is_counter(pos: tuple[str, ...]) -> bool:
    return pos[0] == "接尾辞" or (len(pos) > 2 and pos[2] == "助数詞可能")


def _kept(word: str, pos: tuple[str, ...]) -> bool:
    if not word or not pos or pos[0] not in WORD_POS:
        return False
    if len(pos) > 1 and pos[1] in DROPPED_NOUNS:
        return False
    if word in STOP_WORDS or any(c.isdigit() for c in word):
        return False
    # Single characters are noise (and a lone letter is an initial: Aさん), but for the few
    # that name a topic on their own.
    if len(word) == 1 and word not in SINGLE_CHAR_KEEP:
        return False
    return all(c.isalnum() or c in "ー々ヶ・" for c in word)
