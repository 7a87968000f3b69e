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
MIN_READING = 4  # shorter phrases match too much by chance
RATIO_CUTOFF = 88.0
# Inside a longer run (a name followed by particles), only a long phrase is trusted.
PARTIAL_CUTOFF = 92.0
PARTIAL_MIN_READING = 7
_KANA_RUN = re.compile(r"[ぁ-ゖァ-ヺー]{4,}")
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
    phrases: tuple[Phrase, ...]
    readings: tuple[str, ...]
    surfaces: frozenset[str]
    long_readings: tuple[str, ...]

    @classmethod
    def build(cls, data: PlanData, analyzer: Analyzer) -> PhraseTable:
        seen: dict[str, Phrase] = {}
        texts = [t for m in data.measures for t in (m.title, m.summary)]
        texts += [d.name for d in data.departments]
        texts += [q for m in data.measures for q in _QUOTED.findall(m.summary + m.title)]
        for text in texts:
            units = [t for t in analyzer.tokens(text) if not t.part]
            for phrase in _phrases(units):
                if len(phrase.reading) >= MIN_READING and phrase.terms:
                    seen.setdefault(phrase.reading, phrase)
        for dept in data.departments:
            terms = tuple(t.term for t in analyzer.tokens(dept.name) if is_content(t))
            if terms:
                seen[dept.kana] = Phrase(normalize(dept.name), dept.kana, terms)
        phrases = tuple(seen.values())
        readings = tuple(p.reading for p in phrases)
        long_readings = tuple(r for r in readings if len(r) >= PARTIAL_MIN_READING)
        return cls(phrases, readings, frozenset(p.text for p in phrases), long_readings)

    def match(self, question: str) -> list[PhraseMatch]:
        """Phrases that kana runs of the (normalized) question spell, best first."""
        out: list[PhraseMatch] = []
        for run in _KANA_RUN.findall(question):
            if run in self.surfaces:
                continue  # spelled as in the plan: ordinary search finds it
            kata = to_katakana(run)
            found = process.extractOne(
                kata, self.readings, scorer=fuzz.ratio, score_cutoff=RATIO_CUTOFF
            )
            if found is None and len(kata) > PARTIAL_MIN_READING:
                found = self._inside(kata)
            if found is not None:
                reading, score, position = found
                out.append(PhraseMatch(run, self.phrases[position], score))
        return out

    def _inside(self, kata: str):
        # A long phrase spelled inside the run, e.g. ひきこもりさぽーたーってだれでも.
        found = process.extract(
            kata,
            self.long_readings,
            scorer=fuzz.partial_ratio,
            score_cutoff=PARTIAL_CUTOFF,
            limit=20,
        )
        candidates = [
            (score, len(reading), reading)
            for reading, score, _ in found
            if len(reading) <= len(kata)
        ]
        if not candidates:
            return None
        score, _, reading = max(candidates)
        return reading, score, self.readings.index(reading)


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
