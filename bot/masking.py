"""Masking of personal details in question text, before it is ever stored.

Used only when the operator turns on LOG_QUESTION_TEXT. Errs on the side of masking:
a masked ordinary word costs a little vocabulary insight, a kept name costs privacy.
Kinship and role words before an honorific (娘さん, 保護司さん) are kept, because they
are exactly what the vocabulary needs to learn.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Protocol, runtime_checkable

PHONE = "〔電話〕"
DATE = "〔日付〕"
NAME = "〔氏名〕"
ADDRESS = "〔住所〕"
POSTAL = "〔郵便番号〕"
EMAIL = "〔メール〕"
NUMBER = "〔番号〕"
PLACEHOLDERS = (PHONE, DATE, NAME, ADDRESS, POSTAL, EMAIL, NUMBER)

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ"
_KATA = "\u30a1-\u30fa\u30fc"
_HIRA = "\u3041-\u3096"
_KNUM = "〇一二三四五六七八九十百"
_DASH = "\\-‐‑–—―−ー"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)
_POSTAL_MARKED = re.compile(rf"〒\s*\d{{3}}[{_DASH}]?\d{{4}}")
_POSTAL = re.compile(rf"(?<![\d{_DASH}])\d{{3}}[{_DASH}]\d{{4}}(?![\d{_DASH}])")
_PHONE = re.compile(
    rf"(?<!\d)(?:\+81[{_DASH} ]?|0)\d{{1,4}}(?:[{_DASH}( ]|\) ?)?\d{{1,4}}[{_DASH}) ]?\d{{3,4}}(?!\d)"
)
_ERA = "明治|大正|昭和|平成|令和"
_DATES = (
    # 和暦: 昭和45年3月1日, 平成元年, 昭和四十五年生まれ, S45.3.1
    re.compile(
        rf"(?:{_ERA})\s*(?:\d{{1,2}}|[{_KNUM}]+|元)\s*年"
        rf"(?:\s*(?:\d{{1,2}}|[{_KNUM}]+)\s*月(?:\s*(?:\d{{1,2}}|[{_KNUM}]+)\s*日)?)?"
    ),
    re.compile(r"(?<![A-Za-z])[MTSHR]\s?\d{1,2}[./-]\d{1,2}(?:[./-]\d{1,2})?(?!\d)"),
    # 西暦: 1985年4月1日, 1985/4/1, 2024-03-05, 1985年
    re.compile(r"(?<!\d)\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?(?!\d)"),
    re.compile(r"(?<!\d)\d{4}\s*年(?:\s*\d{1,2}\s*月)?"),
    # 3月15日, 3/15
    re.compile(rf"(?<!\d)(?:\d{{1,2}}|[{_KNUM}]+)\s*月\s*(?:\d{{1,2}}|[{_KNUM}]+)\s*日"),
    re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}(?![\d/])"),
)
_NUM = rf"(?:\d+|[{_KNUM}]+)"
_UNIT = "都道府県市区郡"  # the town name before a block number starts after these
_ADDRESS = re.compile(
    # 富士見2丁目3番1号, 3番地の2, 1-2-3, 101号室; the town name before it goes too.
    rf"(?:(?<=[{_UNIT}])|(?<![{_HAN}{_KATA}]))[^\W\d{_UNIT}{_HIRA}]{{0,8}}"
    rf"(?:{_NUM}\s*丁目(?:\s*{_NUM}\s*番地?)?(?:\s*の?\s*{_NUM}\s*号?)?"
    rf"|{_NUM}\s*番地(?:\s*の?\s*{_NUM}\s*号?)?"
    rf"|{_NUM}\s*番\s*{_NUM}\s*号"
    rf"|(?<!\d)\d{{1,2}}[{_DASH}]\d{{1,4}}[{_DASH}]\d{{1,4}}(?![\d{_DASH}])"
    rf"|(?<=[{_HAN}{_KATA}]{{2}})\d{{1,2}}[{_DASH}]\d{{1,4}}(?![\d{_DASH}代歳才人時分円%件回か箇ヶ万])"
    rf")(?:\s*\d+\s*号室)?"
    rf"|\d+\s*号室"
)
_DIGITS = re.compile(rf"(?<!\d)\d(?:[{_DASH}]?\d){{4,}}(?![\d円])")
# An identifier written in groups (マイナンバー 1234 5678 9012, a pension number split over
# two lines): groups of two or more digits joined by spaces, line breaks or dashes, eight
# digits or more in all. Amounts and counts (2か月 12万円) never come as bare digit groups.
_GROUPED = re.compile(
    rf"(?<![\d.,+])(?<!\d[{_DASH}])\d{{2,}}(?:(?:\s+|\s*[{_DASH}]\s*)\d{{2,}})+(?![\d.,円])"
)
_GROUPED_MIN_DIGITS = 8
_POSTAL_GROUPS = re.compile(r"\d{3}\D+\d{4}")
# What follows a masked address (〔住所〕-4, 〔住所〕 5-302) is still part of it.
_ADDRESS_TAIL = re.compile(
    rf"{re.escape(ADDRESS)}(?:\s*[{_DASH}]\s*\d+|\s*\d+(?:[{_DASH}]\d+)+)+(?:\s*号室)?"
)

_HONORIFIC = re.compile(
    rf"(?P<stem>[{_HAN}]{{1,8}}|[{_KATA}]{{2,10}}|[{_HIRA}]{{2,6}}|[A-Za-z]{{2,20}})"
    rf"(?P<hon>さん|さま|くん|ちゃん|(?:様|君|氏)(?![{_HAN}]))"
)
# Role and kinship words: "娘さん" is not a name. Single-character entries match the
# whole stem only (花子さん must not pass as 子), longer ones also as its ending.
_ROLES = frozenset(
    """
    娘 息子 子 母 父 姉 兄 妹 弟 孫 嫁 婿 夫 妻 奥 主人 旦那 親 親御 両親 祖母 祖父 婆 爺
    叔母 叔父 伯母 伯父 甥 姪 赤 坊 嬢 長男 長女 次男 次女 三男 三女 末っ子 義母 義父 家族
    本人 相手 彼 彼女 同 両 皆 各 客 神 王 仏 隣 近所 多 一 異 模 仕 有 今 何 誰 某 諸 主
    大家 家主 医者 歯医者 先生 担任 校長 教頭 会長 部長 課長 係長 社長 店長 所長 園長 院長
    委員 民生委員 児童委員 保護司 保健師 看護師 助産師 薬剤師 栄養士 弁護士 司法書士 税理士
    職員 担当 担当者 相談員 支援員 指導員 調整員 保育士 介護士 ヘルパー ケアマネ ケアマネジャー
    ケースワーカー ワーカー ソーシャルワーカー 学生 生徒 児童 利用者 相談者 申請者 患者 住人 住民
    入居者 入所者 世帯主 保護者 後見人 保佐人 補助人 代理人 店員 業者 配達 屋 役所 警察 消防
    お巡り 駐在 郵便屋 八百屋 魚屋 肉屋 床屋 花屋 本屋 酒屋 大工 隣人 知人 友人 友達 仲間
    お母 お父 お姉 お兄 お子 お嬢 お婆 お爺 おかあ おとう おねえ おにい おばあ おじい おば おじ
    かあ とう ねえ にい ばあ じい ばっ じっ ぼっ あか おこ おく みな みんな たく おつかれ
    ごちそう ごくろう おじょう おいしゃ かみ おくさ ママ パパ ババ ジジ CW SW MSW PSW
    """.split()
)
_PARTICLES = "のはがをにでとへもやか"
_ENDINGS = tuple(sorted((r for r in _ROLES if len(r) > 1), key=len, reverse=True))


_SURROGATES = re.compile(r"[\ud800-\udfff]")


@runtime_checkable
class NameTagger(Protocol):
    """Tells names from words: the index's own Sudachi (``index.text.SudachiAnalyzer``), so
    masking loads no dictionary of its own."""

    def units(self, text: str) -> list[tuple[str, tuple[str, ...]]]: ...


def mask(text: str, names: object) -> str:
    """The question with phone numbers, dates, names, addresses and long numbers masked.

    ``names``: a NameTagger for names without an honorific (山田から電話); anything else
    (None, a test's tiny analyzer) masks by patterns only.
    """
    # Lone surrogates can't reach Sudachi (or SQLite) as UTF-8: they carry no text anyway.
    text = unicodedata.normalize("NFKC", _SURROGATES.sub("", text))
    text = _EMAIL.sub(EMAIL, text)
    # Before the phone and date patterns, which would take a piece of a grouped number.
    text = _GROUPED.sub(_mask_grouped, text)
    text = _POSTAL_MARKED.sub(POSTAL, text)
    for pattern in _DATES:
        text = pattern.sub(DATE, text)
    text = _PHONE.sub(PHONE, text)
    text = _POSTAL.sub(POSTAL, text)
    text = _ADDRESS.sub(ADDRESS, text)
    text = _ADDRESS_TAIL.sub(ADDRESS, text)
    text = _DIGITS.sub(NUMBER, text)
    text = _HONORIFIC.sub(_mask_honorific, text)
    return _mask_person_names(text, names) if isinstance(names, NameTagger) else text


def _mask_grouped(match: re.Match[str]) -> str:
    """A phone number stays a phone number; other groups of eight digits or more are a
    number; shorter groups are left to the patterns after this one."""
    if _PHONE.fullmatch(match[0]):
        return PHONE
    if _POSTAL_GROUPS.fullmatch(match[0]):
        return POSTAL
    digits = sum(c.isdigit() for c in match[0])
    return NUMBER if digits >= _GROUPED_MIN_DIGITS else match[0]


def _mask_honorific(match: re.Match[str]) -> str:
    stem, honorific = match["stem"], match["hon"]
    # "ちゃんと" is mostly the adverb (学校ちゃんと行ってる); only hiragana stems are
    # masked there, names in kanji/katakana are left to the name tagger.
    adverb = honorific == "ちゃん" and match.string.startswith("と", match.end())
    if adverb and not ("\u3041" <= stem[0] <= "\u3096"):
        return match[0]
    keep = ""
    if "\u3041" <= stem[0] <= "\u3096" and stem[0] in _PARTICLES and len(stem) > 2:
        keep, stem = stem[0], stem[1:]
    if _is_role(stem):
        return match[0]
    return f"{keep}{NAME}{honorific}"


def _is_role(stem: str) -> bool:
    if len(stem) == 1 and stem.isascii():
        return True  # "Aさん": already anonymous
    return stem in _ROLES or stem.upper() in _ROLES or stem.endswith(_ENDINGS)


def _mask_person_names(text: str, names: NameTagger) -> str:
    out: list[str] = []
    for surface, pos in names.units(text):
        # Hiragana "names" are mostly misreadings of ordinary words (すまいさぽーとちば).
        if pos[2] == "人名" and _has_kanji_or_katakana(surface) and surface not in PLACEHOLDERS:
            if not out or out[-1] != NAME:
                out.append(NAME)
        else:
            out.append(surface)
    return "".join(out)


def _has_kanji_or_katakana(text: str) -> bool:
    return bool(re.search(rf"[{_HAN}{_KATA}]", text))
