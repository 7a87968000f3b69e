"""Insider abbreviations of the plan's program names: まるサポ, 就定, 日自, ヤンケア, 農福.

Staff shorten a long name by the heads of its parts: one kanji of a kanji word, two kana
of a kana word (the second kana with its small kana or long vowel: コミュ, サー); a run of
kanji words often gives one kanji for the run (消費生活センター -> 消セン). Or they cut the
name short (居住支援協 for 居住支援協議会). The
abbreviations are made from the names in the plan (titles, the units of each title and
summary, department names) rather than listed by hand, so a new plan brings its own.

A candidate is dropped when it is no abbreviation at all: an ordinary dictionary word
(生活, 支援), or a string the plan itself writes out (it would match the words, not the
name).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from index.model import CURRENT_PLAN, PlanData
from index.text import Analyzer, Term, Token, content_terms, fold_kana, normalize

_KANJI = re.compile(r"^[一-龥々]")
_KANA = re.compile(r"^[ぁ-ゖァ-ヺー]")
_SMALL = set("ぁぃぅぇぉゃゅょゎァィゥェォャュョヮ")
_WORDLIKE = re.compile(r"^[一-龥々ぁ-ゖァ-ヺー]+$")
_ALL_KANJI = re.compile(r"^[一-龥々]+$")
MIN_PARTS = 2
MAX_PARTS = 3
MIN_LENGTH = 2
MAX_LENGTH = 6
# A name's parts are found by Sudachi; only names of this many characters are worth
# abbreviating (支援 needs no short form).
MIN_NAME = 4
MAX_UNIT = 2  # a unit longer than this is a word of its own, not a piece of a short form
_NAME_POS = frozenset({"名詞", "接頭辞", "接尾辞"})
MIN_CUT = 4
CUT_SHARE = 0.6


@dataclass(frozen=True, slots=True)
class AbbreviationMatch:
    run: str  # the abbreviation as written in the question
    names: tuple[str, ...]  # the plan's names it may stand for
    terms: tuple[Term, ...]  # their search terms


@dataclass(frozen=True, slots=True)
class AbbreviationTable:
    names: dict[str, tuple[str, ...]]  # folded abbreviation -> names
    terms: dict[str, tuple[Term, ...]]  # name -> its search terms
    # Every beginning of an abbreviation: a run that is none stops at once.
    prefixes: frozenset[str] = frozenset()
    # Names of MIN_CUT characters or more, folded and sorted, for names cut short.
    whole: tuple[tuple[str, str], ...] = ()

    def cut_short(self, word: str) -> AbbreviationMatch | None:
        """The name ``word`` begins, when it is a name cut short (居住支援協 ->
        居住支援協議会): at least MIN_CUT characters, CUT_SHARE of the name, one name only."""
        folded = fold_kana(normalize(word))
        if len(folded) < MIN_CUT:
            return None
        start = bisect.bisect_left(self.whole, (folded, ""))
        found = []
        for key, name in self.whole[start:]:
            if not key.startswith(folded):
                break
            if key != folded and len(folded) >= CUT_SHARE * len(key):
                found.append(name)
        if len(found) != 1:
            return None  # the beginning of several names names none of them
        return AbbreviationMatch(word, tuple(found), self.terms.get(found[0], ()))

    def match(self, tokens: list[Token]) -> list[AbbreviationMatch]:
        """Abbreviations spelled by consecutive short units of the question (農/福, 就/定,
        まるサポ): never a piece of a longer word the dictionary knows."""
        units = [t for t in tokens if not t.part]
        out: list[AbbreviationMatch] = []
        seen: set[str] = set()
        folded_units = [fold_kana(u.surface) for u in units]
        for start in range(len(units)):
            run = folded = ""
            for position in range(start, min(start + MAX_LENGTH, len(units))):
                unit = units[position]
                if len(unit.surface) > MAX_UNIT and not unit.oov:
                    break
                run += unit.surface
                folded += folded_units[position]
                if folded not in self.prefixes:
                    break
                names = self.names.get(folded)
                if names and folded not in seen:
                    seen.add(folded)
                    terms = tuple(t for name in names for t in self.terms[name])
                    out.append(AbbreviationMatch(run, names, terms))
        return out


def head(part: str) -> str:
    """The head a part contributes: one kanji, or two kana (three with a small one)."""
    if _KANJI.match(part):
        return part[0]
    if _KANA.match(part) and len(part) >= 2:
        size = 3 if len(part) >= 3 and part[2] in _SMALL else 2
        return part[:size]
    return ""


def candidates(parts: list[str]) -> set[str]:
    """Heads of every run of two or three consecutive parts."""
    out: set[str] = set()
    for start in range(len(parts)):
        for size in range(MIN_PARTS, MAX_PARTS + 1):
            window = parts[start : start + size]
            if len(window) < size:
                break
            heads = [head(p) for p in window]
            if all(heads):
                short = "".join(heads)
                if MIN_LENGTH <= len(short) <= MAX_LENGTH:
                    out.add(short)
    return out


def build_abbreviations(
    data: PlanData, analyzer: Analyzer, plan_terms: frozenset[str] = frozenset()
) -> AbbreviationTable:
    """Every abbreviation of a name in the current plan that is not an ordinary word nor
    a term the plan itself uses (``plan_terms``)."""
    current = data.plan_measures(CURRENT_PLAN)
    names: set[str] = {d for m in current for d in m.departments}
    for m in current:
        names.add(m.title)
        tokens = analyzer.tokens(f"{m.title}。{m.summary}")
        names.update(t.surface for t in tokens if not t.part and len(t.surface) >= MIN_NAME)
        # Runs of nouns are names Sudachi does not know as one (すまいサポートちば).
        names.update(t.surface for t in content_terms(tokens) if len(t.surface) >= MIN_NAME)
    known = {fold_kana(normalize(t)) for t in plan_terms}
    found: dict[str, list[str]] = {}
    rejected: set[str] = set()
    for name in sorted(names, key=len):
        parts = _parts(name, analyzer)
        shorts = candidates(parts) | candidates(_units(name, analyzer)) | candidates(_blocks(parts))
        for short in sorted(shorts):
            folded = fold_kana(normalize(short))
            if folded in rejected:
                continue
            if folded in known or _is_word(short, analyzer):
                rejected.add(folded)
                continue
            found.setdefault(folded, []).append(name)
    whole = tuple(sorted({(fold_kana(normalize(n)), n) for n in names if len(n) >= MIN_CUT + 1}))
    used = {name for names in found.values() for name in names} | {n for _, n in whole}
    terms = {name: tuple(content_terms(analyzer.tokens(name))) for name in used}
    prefixes = frozenset(short[:end] for short in found for end in range(1, len(short) + 1))
    return AbbreviationTable({k: tuple(v) for k, v in found.items()}, terms, prefixes, whole)


def _parts(name: str, analyzer: Analyzer) -> list[str]:
    """The smallest units of a name, in order (mode A parts where Sudachi has them); a
    particle, a verb or punctuation ends a run ("" in the list): 福祉まるごとサポートセンター
    の運営 gives 福祉/まるごと/サポート/センター, "", 運営."""
    tokens = analyzer.tokens(name)
    parts: list[str] = []
    for position, token in enumerate(tokens):
        if token.part:
            continue
        if token.pos not in _NAME_POS or not _WORDLIKE.match(token.surface):
            parts.append("")
            continue
        following = []
        for later in tokens[position + 1 :]:
            if not later.part:
                break
            following.append(later.surface)
        parts.extend(following or [token.surface])
    return parts


def _blocks(parts: list[str]) -> list[str]:
    """Consecutive kanji parts joined into one: 消費/生活/センター gives 消費生活/センター."""
    out: list[str] = []
    for part in parts:
        if out and part and _ALL_KANJI.match(part) and out[-1] and _ALL_KANJI.match(out[-1]):
            out[-1] += part
        else:
            out.append(part)
    return out


def _units(name: str, analyzer: Analyzer) -> list[str]:
    """The mode C units of a name (日常生活/自立/支援事業 gives 日自), runs ended as in _parts."""
    return [
        t.surface if t.pos in _NAME_POS and _WORDLIKE.match(t.surface) else ""
        for t in analyzer.tokens(name)
        if not t.part
    ]


def _is_word(short: str, analyzer: Analyzer) -> bool:
    tokens = [t for t in analyzer.tokens(short) if not t.part]
    return len(tokens) == 1 and not tokens[0].oov
