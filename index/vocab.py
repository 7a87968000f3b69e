"""The domain vocabulary: how people talk -> the plan's words.

An entry matches a question in one of two ways:

* as a substring of the normalized question (kana script folded): caseworkers' phrases
  (住所がない, 首が回らない) are not single dictionary units, and Sudachi may cut them
  differently in different sentences;
* for a phrase of two or more content words, as those words in order, close together, in
  their dictionary forms: 日本語が通じない also matches 日本語がほとんど通じなかった.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from index.model import OutsideTopic, VocabEntry, VocabKind
from index.text import Analyzer, Term, content_terms, fold_kana, normalize

# In data/outside.csv, 国民健康保険&加入: the question names both.
ALL_OF = "&"
# How many other units may stand between the words of a phrase (ほとんど, まったく).
PHRASE_SLOP = 3
SIMILAR_CUTOFF = 70.0


@dataclass(frozen=True, slots=True)
class Expansion:
    trigger: str  # the user's phrase as written in the vocabulary
    target: str  # a phrase to search in addition
    entry_line: int
    trigger_words: tuple[str, ...] = ()  # the trigger's content words
    terms: tuple[Term, ...] = ()  # the target's search terms


@dataclass(frozen=True, slots=True)
class _Rule:
    folded: str
    trigger: str
    line: int
    words: tuple[str, ...]  # content words in order, for matching with slop
    expansions: tuple[Expansion, ...]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    # Longest triggers first so 住所がない wins over a shorter entry inside it.
    _rules: tuple[_Rule, ...]
    # Rule positions by the first two characters of the trigger: a question is scanned
    # once instead of searched for every trigger.
    _by_prefix: dict[str, tuple[int, ...]]
    _by_first_word: dict[str, tuple[int, ...]]
    # data/outside.csv: city-hall business the plan does not cover (パスポート, 年休):
    # (folded parts, word, category); a word written 国民健康保険&加入 needs every part.
    _outside: tuple[tuple[tuple[str, ...], str, str], ...] = ()
    _outside_parts: dict[str, tuple[str, ...]] = field(default_factory=dict)  # by first 2 chars
    # Part -> positions in _outside of the words that have it: a question checks only the
    # words it mentions, not all of them.
    _outside_by_part: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # Outside words of two or more content words, as those words: (words, word, category).
    _outside_phrases: tuple[tuple[tuple[str, ...], str, str], ...] = ()

    @classmethod
    def build(
        cls,
        entries: tuple[VocabEntry, ...],
        analyzer: Analyzer | None = None,
        outside: tuple[OutsideTopic, ...] = (),
    ) -> Vocabulary:
        """Analyze every trigger and target once, so a question costs only lookups."""
        rules: list[_Rule] = []
        analyzed: dict[str, tuple[Term, ...]] = {}

        def analyze(text: str) -> tuple[Term, ...]:
            if analyzer is None:
                return ()
            if text not in analyzed:
                analyzed[text] = tuple(content_terms(analyzer.tokens(text)))
            return analyzed[text]

        for entry in entries:
            for term in entry.terms:
                if entry.kind == VocabKind.SYNONYM:
                    targets = tuple(t for t in entry.terms if t != term)
                else:
                    targets = entry.targets
                words = tuple(t.term for t in analyze(term) if t.weight == 1.0)
                expansions = tuple(
                    Expansion(term, target, entry.line, words, analyze(target))
                    for target in targets
                )
                rules.append(_Rule(_fold(term), term, entry.line, words, expansions))
        rules.sort(key=lambda r: -len(r.folded))
        by_prefix: dict[str, list[int]] = {}
        by_first_word: dict[str, list[int]] = {}
        for position, rule in enumerate(rules):
            by_prefix.setdefault(rule.folded[:2], []).append(position)
            if len(rule.words) > 1:
                by_first_word.setdefault(rule.words[0], []).append(position)
        return cls(
            tuple(rules),
            {k: tuple(v) for k, v in by_prefix.items()},
            {k: tuple(v) for k, v in by_first_word.items()},
            entries := tuple(
                (tuple(_fold(part) for part in word.split(ALL_OF)), word, t.category)
                for t in outside
                for word in t.words
            ),
            _by_first_two({part for parts, _, _ in entries for part in parts}),
            _by_part(entries),
            tuple(
                (words, word, t.category)
                for t in outside
                for word in t.words
                if ALL_OF not in word and len(words := _unit_words(analyze(word))) > 1
            ),
        )

    def expand(self, question: str, words: list[str] | None = None) -> list[Expansion]:
        """Every expansion whose trigger occurs in ``question``.

        ``words``: the question's content words in order (unit terms), for phrase matching.
        """
        text = _fold(question)
        words = words or []
        starts: dict[int, int] = {}  # rule -> first position in the text
        for i in range(len(text)):
            for position in self._by_prefix.get(text[i : i + 2], ()):
                if position not in starts and text.startswith(self._rules[position].folded, i):
                    starts[position] = i
        for position in self._by_prefix.get(text[-1:], ()):  # one-character triggers
            if position not in starts and text.endswith(self._rules[position].folded):
                starts[position] = len(text) - 1
        for word in set(words):
            for position in self._by_first_word.get(word, ()):
                if position not in starts and _in_order(self._rules[position].words, words):
                    starts[position] = -1
        out: list[Expansion] = []
        covered: list[tuple[int, int]] = []
        for position in sorted(starts):  # longest triggers first
            rule, start = self._rules[position], starts[position]
            if start >= 0:
                end = start + len(rule.folded)
                # A trigger wholly inside a longer matched trigger adds nothing new.
                if any(s <= start and end <= e and (e - s) > (end - start) for s, e in covered):
                    continue
                covered.append((start, end))
            out.extend(rule.expansions)
        return out

    def outside(self, question: str, words: list[str] | None = None) -> list[tuple[str, str]]:
        """(word, category) of each outside.csv word the question mentions; for a word of
        several parts (国民健康保険&加入), each part, so callers see what the question says.

        ``words``: the question's content words in order; a word of two or more content
        words also matches them in order with a little between (ごみの分別 in ごみのプラの
        分別), as vocabulary phrases do."""
        text = _fold(question)
        # One scan of the question: the parts that occur, found by their first characters.
        present = {
            part
            for i in range(len(text))
            for part in self._outside_parts.get(text[i : i + 2], ())
            if text.startswith(part, i)
        }
        candidates = sorted({i for part in present for i in self._outside_by_part[part]})
        found = [
            (part, category)
            for parts, word, category in (self._outside[i] for i in candidates)
            if all(p in present for p in parts)
            for part in word.split(ALL_OF)
        ]
        if words:
            said = set(words)
            for phrase, word, category in self._outside_phrases:
                if phrase[0] in said and _in_order(phrase, words):
                    found.append((word, category))
        return found

    def similar(self, words: list[str], limit: int) -> list[str]:
        """Triggers that look like ``words`` (for 「もしかして」), closest first."""
        folded = [rule.folded for rule in self._rules]
        scores: dict[str, float] = {}
        for word in words:
            for _, score, position in process.extract(
                _fold(word), folded, scorer=fuzz.ratio, limit=3, score_cutoff=SIMILAR_CUTOFF
            ):
                trigger = self._rules[position].trigger
                if _fold(trigger) != _fold(word):
                    scores[trigger] = max(scores.get(trigger, 0.0), score)
        return sorted(scores, key=lambda t: -scores[t])[:limit]


def _unit_words(terms: tuple[Term, ...]) -> tuple[str, ...]:
    return tuple(t.term for t in terms if t.weight == 1.0)


def _by_first_two(parts: set[str]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for part in parts:
        grouped.setdefault(part[:2], []).append(part)
    return {key: tuple(value) for key, value in grouped.items()}


def _by_part(entries: tuple[tuple[tuple[str, ...], str, str], ...]) -> dict[str, tuple[int, ...]]:
    grouped: dict[str, list[int]] = {}
    for position, (parts, _, _) in enumerate(entries):
        for part in set(parts):
            grouped.setdefault(part, []).append(position)
    return {key: tuple(value) for key, value in grouped.items()}


def _fold(text: str) -> str:
    return fold_kana(normalize(text))


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
