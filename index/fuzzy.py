"""Near misses: kana spellings, half-width or misspelled katakana, loosely quoted names.

Sudachi cannot analyze じゅうきょかくほきゅうふきん or コミュニティソーシャルワカー into the
plan's units, so runs of kana in a question are compared by reading with the plan's
phrases (runs of one to four dictionary units, department names, names in 「」). A match
adds the phrase's terms to the query, weighted below the user's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from index.model import PlanData
from index.text import (
    CONTENT_POS,
    Analyzer,
    Token,
    content_terms,
    is_content,
    normalize,
    to_katakana,
)

MAX_UNITS = 4
MIN_READING = 4  # shorter phrases match too much by chance...
EXACT = 100.0  # the score of a run that spells a phrase exactly
MIN_WORD = 3  # ...unless the run is the word itself, followed by a particle (やちんを)
_PARTICLES = "をがはのにもでとや"
RATIO_CUTOFF = 88.0
# Inside a longer run (a name followed by particles), only a long phrase is trusted.
PARTIAL_CUTOFF = 92.0
PARTIAL_MIN_READING = 7
_KANA_RUN = re.compile(r"[ぁ-ゖァ-ヺー]{3,}")
_HIRAGANA = re.compile(r"[ぁ-ゖ]")
MIN_SPELLED = 5  # an exact reading inside a longer run must be at least this long
_QUOTED = re.compile(r"「([^」]{2,30})」")


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str  # normalized surface
    reading: str  # katakana
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    run: str  # the run of the question that matched
    phrase: Phrase
    score: float


@dataclass(frozen=True, slots=True)
class PhraseTable:
    by_reading: dict[str, Phrase]
    surfaces: frozenset[str]
    # Fuzzy candidates grouped by reading length: a ratio of RATIO_CUTOFF is impossible
    # between strings whose lengths differ by much, so only near lengths are compared.
    by_length: dict[int, tuple[str, ...]]
    long_readings: tuple[str, ...]
    longest: int = 0

    @classmethod
    def build(cls, data: PlanData, analyzer: Analyzer) -> PhraseTable:
        seen: dict[str, Phrase] = {}
        exact: dict[str, Phrase] = {}
        texts = [t for m in data.measures for t in (m.title, m.summary)]
        texts += [q for m in data.measures for q in _QUOTED.findall(m.summary + m.title)]
        for text in dict.fromkeys(texts):
            units = [t for t in analyzer.tokens(text) if not t.part]
            for phrase in _phrases(units):
                if len(phrase.reading) >= MIN_WORD and phrase.terms:
                    seen.setdefault(phrase.reading, phrase)
        # The vocabulary's words (借金, 生活保護) are the ones most often typed in kana; they
        # are matched only when spelled exactly, never as near spellings.
        for text in dict.fromkeys(t for e in data.vocabulary for t in (*e.terms, *e.targets)):
            units = [t for t in analyzer.tokens(text) if not t.part]
            reading = "".join(u.reading for u in units)
            terms = tuple(dict.fromkeys(t.term for t in content_terms(units)))
            if len(reading) >= MIN_WORD and terms and all(u.pos in CONTENT_POS for u in units):
                exact.setdefault(reading, Phrase(normalize(text), reading, terms))
        for dept in data.departments:
            terms = tuple(t.term for t in analyzer.tokens(dept.name) if is_content(t))
            if terms:
                seen[dept.kana] = Phrase(normalize(dept.name), dept.kana, terms)
        by_length: dict[int, list[str]] = {}
        for reading in seen:
            by_length.setdefault(len(reading), []).append(reading)
        spelled = {**exact, **seen}
        return cls(
            by_reading=spelled,
            surfaces=frozenset(p.text for p in spelled.values()),
            by_length={n: tuple(r) for n, r in by_length.items()},
            long_readings=tuple(r for r in seen if len(r) >= PARTIAL_MIN_READING),
            longest=max(map(len, spelled), default=0),
        )

    def match(self, question: str) -> list[PhraseMatch]:
        """Phrases that kana runs of the (normalized) question spell."""
        out: list[PhraseMatch] = []
        for run in _KANA_RUN.findall(question):
            if run in self.surfaces:
                continue  # spelled as in the plan: ordinary search finds it
            if len(run) < MIN_READING:
                # A short run alone (やちん はらえない) counts only as an exact word.
                kata = to_katakana(run)
                if kata in self.by_reading:
                    out.append(PhraseMatch(run, self.by_reading[kata], EXACT))
                continue
            found = self._spelled(run)
            if found is not None:
                out.append(PhraseMatch(run, self.by_reading[found[0]], found[1]))
        return out

    def _spelled(self, run: str) -> tuple[str, float] | None:
        kata = to_katakana(run)
        if kata in self.by_reading:
            return kata, EXACT
        word = to_katakana(run[:-1]) if run[-1] in _PARTICLES else ""
        if len(word) >= MIN_WORD and word in self.by_reading:
            return word, EXACT
        # A name in kana followed by particles (あんしんけあせんたーの): the longest exact
        # reading inside the run. Hiragana is ordinary writing, so only exact spellings
        # count; katakana runs are names, where near spellings count too.
        # No reading is longer than the longest phrase: longer substrings can't match.
        for length in range(min(len(kata) - 1, self.longest), MIN_SPELLED - 1, -1):
            for start in range(len(kata) - length + 1):
                if kata[start : start + length] in self.by_reading:
                    return kata[start : start + length], EXACT
        if _HIRAGANA.search(run):
            return None
        lengths = range(int(len(kata) * 0.8), int(len(kata) * 1.25) + 1)
        near = [r for n in lengths for r in self.by_length.get(n, ())]
        found = process.extractOne(kata, near, scorer=fuzz.ratio, score_cutoff=RATIO_CUTOFF)
        if found is not None:
            return found[0], found[1]
        if len(kata) > PARTIAL_MIN_READING:
            inside = process.extract(
                kata, self.long_readings, scorer=fuzz.partial_ratio,
                score_cutoff=PARTIAL_CUTOFF, limit=20,
            )  # fmt: skip
            fitting = [(score, len(r), r) for r, score, _ in inside if len(r) <= len(kata)]
            if fitting:
                score, _, reading = max(fitting)
                return reading, score
        return None


def _phrases(units: list[Token]):
    # Runs of up to MAX_UNITS units that start and end on a content-bearing unit.
    for start in range(len(units)):
        if units[start].pos not in CONTENT_POS:
            continue
        for end in range(start + 1, min(start + MAX_UNITS, len(units)) + 1):
            span = units[start:end]
            if span[-1].pos not in CONTENT_POS and span[-1].pos != "接尾辞":
                continue
            yield Phrase(
                normalize("".join(t.surface for t in span)),
                "".join(t.reading for t in span),
                tuple(dict.fromkeys(t.term for t in content_terms(span))),
            )
