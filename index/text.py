"""The Japanese text pipeline: normalization, Sudachi analysis, terms and readings.

Every string that is indexed or searched goes through the same steps, so a question and
the plan meet on the same terms:

1. ``normalize``: NFKC (full-width ＳＮＳ -> SNS, half-width ｶﾅ -> カナ), lower case,
   control characters dropped, whitespace collapsed.
2. Sudachi, split mode C (the longest dictionary units, e.g. 支援制度), plus the mode A
   parts of each unit (支援, 制度), as Elasticsearch's Sudachi "search mode" does: a long
   compound in the plan then still matches a question that uses one of its parts.
3. Sudachi's normalized form (引きこもり -> 引き籠もり, 子供/こども, 障がい -> 障害), so
   spelling variants meet without a synonym list.
4. Content words only: nouns, verbs, adjectives, and no stop words, so particles and
   "する/ある" never make a measure look relevant.

Readings (katakana) are kept for each unit so a question typed in kana can be matched to
kanji in the plan (see ``index.fuzzy``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

# Sudachi refuses input over ~49 KB; questions are cut long before that (MAX_QUESTION_CHARS),
# and longer data texts are fed in chunks of this many characters.
_CHUNK_CHARS = 4000


CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞"})
# Non-independent nouns and generic verbs carry no topic ("こと", "ため", "する").
STOP_WORDS = frozenset(
    """
    する 為る ある 有る 在る いる 居る なる 成る できる 出来る れる られる せる させる
    こと 事 もの 物 ため 為 よう 様 等 など ほか 他 方 とき 時 ところ 所 中 上 下 前 後
    これ それ あれ どれ ここ そこ どこ 何 なに なん 誰 どう 如何 いつ どの その この あの
    思う 言う 云う 行う 行なう いう 聞く 知る 分かる 分る 教える 欲しい ほしい 良い 好い いい
    くる 来る いく 行く 見る 図る 持つ 使う 使える 出る 入る 取る 受ける 呉れる くれる 貰う もらう
    ちゃう しまう 仕舞う みたい 感じ 方々 的 場合 全部 一通り 色々 いろいろ ちょっと すごい 凄い
    知りたい 教える 人 方 さん 様 本人 自分 千葉 千葉市 市 今日 最近
    おる 居る 下さる くださる 頂く いただく 致す いたす 御座る ござる
    """.split()
)
# Single characters are noise in both directions except these meaningful ones.
SINGLE_CHAR_KEEP = frozenset("金家税親子母父妻夫酒薬死病職寮区心")


def normalize(text: str) -> str:
    """NFKC, lower case, no control or format characters, single spaces."""
    return clean_text(unicodedata.normalize("NFKC", text), gap=" ").lower()


def clean_text(text: str, *, gap: str = "", lines: bool = False) -> str:
    """What a person can see of ``text``, tidied: the one cleaning every input gets.

    Runs of white space become one space, and the ends are trimmed; with ``lines``, line
    breaks stay (one each) and blank lines go. Every other character of Unicode category C
    (control, format such as zero-width and bidi overrides, private use, unassigned)
    becomes ``gap``: a space where the text is matched (``normalize``), so the words on
    either side never run together into a term nobody wrote; nothing where the text is
    shown back, where an invisible character would only split a word. Lone surrogates
    always go: they are no character, and Slack, Sudachi and UTF-8 refuse them.
    """
    if not text.isprintable():  # the common case, data and questions alike, skips this
        text = text.translate(_HIDDEN[gap])
    if not lines:
        return " ".join(text.split())
    tidy = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in tidy if line)


class _Hidden(dict):
    """A ``str.translate`` table for ``clean_text``, filled as characters are first met:
    working out every code point's category up front would slow every start."""

    def __init__(self, gap: str) -> None:
        super().__init__()
        self._gap = gap

    def __missing__(self, code: int) -> str | int | None:
        char = chr(code)
        category = unicodedata.category(char)
        if char in _LINE_BREAKS:
            value: str | int | None = "\n"
        elif char.isspace() or category[0] == "Z":
            value = " "
        elif category == "Cs":
            value = None
        elif category[0] == "C":
            value = self._gap
        else:
            value = code
        # Bounded: a flood of distinct rare characters must not grow it without end.
        if len(self) < _HIDDEN_TABLE_SIZE:
            self[code] = value
        return value


# What str.splitlines breaks at; any other white space is a space.
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_HIDDEN_TABLE_SIZE = 50_000
_HIDDEN = {" ": _Hidden(" "), "": _Hidden("")}  # the two gaps clean_text knows


_HIRA_TO_KATA = {code: code + 0x60 for code in range(ord("ぁ"), ord("ゖ") + 1)}


def to_katakana(text: str) -> str:
    return text.translate(_HIRA_TO_KATA)


def fold_kana(text: str) -> str:
    """Katakana -> hiragana, for substring matching that ignores the script."""
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


@dataclass(frozen=True, slots=True)
class Token:
    surface: str
    term: str  # normalized form: the unit of matching
    reading: str  # katakana
    pos: str
    part: bool = False  # a mode A part of a longer mode C unit
    oov: bool = False  # not in the dictionary (Sudachi guessed the unit)


class Analyzer(Protocol):
    """What search needs from a tokenizer; tests pass a tiny fake instead of Sudachi."""

    def tokens(self, text: str) -> list[Token]: ...


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    weight: float  # 1.0 for a unit or a compound, PART_WEIGHT for a mode A part
    surface: str
    pos: str = "名詞"


# A mode A part of a longer unit is weaker evidence than the unit itself.
PART_WEIGHT = 0.5
_COMPOUND_POS = frozenset({"名詞", "接頭辞", "接尾辞"})


def content_terms(tokens: list[Token]) -> list[Term]:
    """Units and parts that carry content, plus compounds of adjacent nouns.

    Sudachi leaves words it does not know as runs of short nouns (農福連携 -> 農/福/連携);
    the joined run is kept as one more term so the name still matches as a whole.
    """
    out: list[Term] = []
    run: list[Token] = []

    def close_run() -> None:
        if len(run) > 1 and any(t.pos == "名詞" for t in run):
            out.append(Term("".join(t.term for t in run), 1.0, "".join(t.surface for t in run)))
        run.clear()

    for token in tokens:
        if token.part:
            if is_content(token):
                out.append(Term(token.term, PART_WEIGHT, token.surface))
            continue
        if token.pos in _COMPOUND_POS and token.term not in STOP_WORDS and not token.term.isdigit():
            run.append(token)
        else:
            close_run()
        if is_content(token):
            out.append(Term(token.term, 1.0, token.surface, token.pos))
    close_run()
    return out


# The plan names needs with nouns made from verbs (ひきこもり, 見守り, 支え合い); people
# use the verbs (ひきこもっている, 見守ってほしい). Sudachi normalizes each to its own
# lemma, so the index also stores each such word's twin.
_I_TO_U = dict(zip("りいきぎしちにびみ", "るうくぐすつぬぶむ", strict=True))
_U_TO_I = {u: i for i, u in _I_TO_U.items()}
_KANJI = re.compile(r"[一-龥]")


def conjugation_twin(term: Term) -> str | None:
    """引き籠もり <-> 引き籠もる, 見守り <-> 見守る: the other form of a verbal noun or verb."""
    word = term.term
    if len(word) < 2 or not _KANJI.search(word[:-1]):
        return None
    if term.pos == "名詞" and word[-1] in _I_TO_U:
        return word[:-1] + _I_TO_U[word[-1]]
    if term.pos == "動詞" and word[-1] in _U_TO_I:
        return word[:-1] + _U_TO_I[word[-1]]
    return None


def terms(analyzer: Analyzer, text: str) -> list[str]:
    """Content terms of ``text``: mode C units, their mode A parts, noun compounds."""
    return [t.term for t in content_terms(analyzer.tokens(text))]


def is_content(token: Token) -> bool:
    if token.pos not in CONTENT_POS or token.term in STOP_WORDS or token.surface in STOP_WORDS:
        return False
    if len(token.term) == 1 and token.term not in SINGLE_CHAR_KEEP:
        return False
    # Numbers alone ("3", "20") say nothing about a situation; "8050" is in the vocabulary.
    return not token.term.isdigit()


class SudachiAnalyzer:
    """Sudachi with the core dictionary, one tokenizer per thread.

    A Sudachi tokenizer is not thread-safe and Bolt runs listeners in a thread pool, so
    each thread gets its own (they share the loaded dictionary).
    """

    def __init__(self) -> None:
        from sudachipy import Dictionary, SplitMode

        self._mode_c = SplitMode.C
        self._mode_a = SplitMode.A
        self._dictionary = Dictionary(dict="core")
        self._local = threading.local()

    def _tokenizer(self):
        tokenizer = getattr(self._local, "tokenizer", None)
        if tokenizer is None:
            tokenizer = self._dictionary.create(mode=self._mode_c)
            self._local.tokenizer = tokenizer
        return tokenizer

    def tokens(self, text: str) -> list[Token]:
        tokenizer = self._tokenizer()
        out: list[Token] = []
        for chunk in _chunks(normalize(text)):
            for m in tokenizer.tokenize(chunk):
                pos = m.part_of_speech()[0]
                surface = m.surface()
                out.append(
                    Token(surface, m.normalized_form(), m.reading_form(), pos, oov=m.is_oov())
                )
                # A unit of one or two characters has no parts worth keeping (single
                # characters are dropped), and particles and symbols have none at all.
                if len(surface) < 3 or pos not in CONTENT_POS:
                    continue
                parts = m.split(self._mode_a)
                if len(parts) > 1:
                    for p in parts:
                        out.append(
                            Token(
                                p.surface(),
                                p.normalized_form(),
                                p.reading_form(),
                                p.part_of_speech()[0],
                                part=True,
                            )
                        )
        return out

    def lemmas(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """Each mode C unit's normalized form with its full part of speech: what a
        correction keeps of a question (``index.words``) is chosen by the sub-kind."""
        return [
            (m.normalized_form(), tuple(m.part_of_speech()))
            for chunk in _chunks(normalize(text))
            for m in self._tokenizer().tokenize(chunk)
        ]

    def units(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """Each mode C unit of ``text`` as written (not normalized) with its full part of
        speech: how ``bot.masking`` finds names, with this dictionary rather than a second."""
        return [(m.surface(), tuple(m.part_of_speech())) for m in self._tokenizer().tokenize(text)]


def _chunks(text: str) -> Iterator[str]:
    # Cut at sentence ends where possible so a unit is never split in two.
    while len(text) > _CHUNK_CHARS:
        cut = max(text.rfind("。", 0, _CHUNK_CHARS), text.rfind(" ", 0, _CHUNK_CHARS))
        cut = cut + 1 if cut > 0 else _CHUNK_CHARS
        yield text[:cut]
        text = text[cut:]
    if text:
        yield text
