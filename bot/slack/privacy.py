"""Does a question look like it holds a client's details? Then the asker gets a reminder.

The answer is given all the same: the reminder is about what to type next time. What counts
as a detail is decided with ``bot.masking`` (the same rules that mask stored questions), plus
birth dates and case numbers, which a caseworker types in forms of their own.
"""

from __future__ import annotations

import re
import unicodedata

from bot import masking
from index.model import MEASURE_ID_IN_TEXT, SECTION_STYLE_DASHED, SECTION_STYLE_IN_TEXT

PHONE = "電話番号"
BIRTH_DATE = "生年月日"
NAME = "氏名"
ADDRESS = "住所"
EMAIL = "メールアドレス"
CASE_NUMBER = "ケース番号などの番号"

REMINDER = (
    "ご質問に個人が分かる情報（{kinds}）が含まれているようです。"
    "相談ナビには相談者の氏名・連絡先・番号などを入れず、状況だけを書いてください。"
)

_ERA = r"(?:明治|大正|昭和|平成|令和|[MTSHR])"
_BIRTH = (
    re.compile(r"生年月日|誕生日"),
    # A date or year followed by 生まれ/生: 昭和45年生まれ, 1985年4月1日生, S45.3.1生
    re.compile(
        rf"(?:{_ERA}\s*)?(?:\d{{1,4}}|元)\s*[年./-](?:\s*\d{{1,2}}\s*[月./-]?)?"
        rf"(?:\s*\d{{1,2}}\s*日?)?\s*(?:生まれ|生)"
    ),
    # A full date with a year: 1985年4月1日, 1985/4/1, 昭和45年3月1日, H2.3.1
    re.compile(r"(?<!\d)(?:19|20)\d{2}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}(?!\d)"),
    re.compile(rf"{_ERA}\s*(?:\d{{1,2}}|元)\s*[年./-]\s*\d{{1,2}}\s*[月./-]\s*\d{{1,2}}(?!\d)"),
)
_CASE_NUMBER = re.compile(
    r"(?:ケース|世帯|受付|記録|管理|相談|受給者|被保険者|保険証|個人|マイ|台帳|児童|利用者)\s*"
    r"(?:番号|no\.?|ナンバー|id)"
    r"|(?:no\.?|#)\s*\d{3,}",
    re.IGNORECASE,
)

# Measure ids (1-3-8, 3-1-3-8, 1-(3)-8) look like block numbers; without a town name
# before them they are the plan's numbering, the commonest number in a question here.
_MEASURE_ID = re.compile(
    rf"(?<!\w)(?:{MEASURE_ID_IN_TEXT.pattern}|{SECTION_STYLE_DASHED.pattern}"
    rf"|{SECTION_STYLE_IN_TEXT.pattern})"
)

_FROM_MASK = (
    (masking.PHONE, PHONE),
    (masking.NAME, NAME),
    (masking.ADDRESS, ADDRESS),
    (masking.POSTAL, ADDRESS),
    (masking.EMAIL, EMAIL),
    (masking.NUMBER, CASE_NUMBER),
)
_KIND_ORDER = (NAME, PHONE, BIRTH_DATE, ADDRESS, EMAIL, CASE_NUMBER)


def client_details(text: str, names: object) -> tuple[str, ...]:
    """The kinds of client details found in ``text`` (Japanese labels), in a fixed order.

    ``names``: the index's analyzer, which finds names without an honorific (masking.mask).
    """
    if not text:
        return ()
    normalized = unicodedata.normalize("NFKC", text)
    found: set[str] = set()
    if any(pattern.search(normalized) for pattern in _BIRTH):
        found.add(BIRTH_DATE)
    if _CASE_NUMBER.search(normalized):
        found.add(CASE_NUMBER)
    masked = masking.mask(_MEASURE_ID.sub(" ", normalized), names)
    for placeholder, kind in _FROM_MASK:
        if placeholder in masked:
            found.add(kind)
    if masking.DATE in masked and BIRTH_DATE not in found and _is_birth_context(masked):
        found.add(BIRTH_DATE)
    return tuple(kind for kind in _KIND_ORDER if kind in found)


def reminder(kinds: tuple[str, ...]) -> str:
    return REMINDER.format(kinds="・".join(kinds))


def _is_birth_context(masked: str) -> bool:
    return bool(re.search(re.escape(masking.DATE) + r"\s*(?:生まれ|生|産まれ)", masked))
