import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.masking import ADDRESS, DATE, EMAIL, NAME, NUMBER, PHONE, POSTAL, mask


@pytest.mark.parametrize(
    ("text", "secret", "placeholder"),
    [
        ("連絡先は090-1234-5678です", "090-1234-5678", PHONE),
        ("自宅 043-245-5111 に電話", "245-5111", PHONE),
        ("携帯 ０９０１２３４５６７８ まで", "12345678", PHONE),
        ("電話は043(245)5111です", "5111", PHONE),
        ("+81-90-1234-5678", "1234", PHONE),
        ("昭和45年3月1日生まれの方", "45年", DATE),
        ("平成元年生まれ", "平成元年", DATE),
        ("昭和四十五年生まれ", "四十五年", DATE),
        ("生年月日 S45.3.1 の男性", "45.3.1", DATE),
        ("1985年4月1日生まれ", "1985", DATE),
        ("2024/03/05に来所", "2024", DATE),
        ("3月15日に来所", "15日", DATE),
        ("次回は3/15に", "3/15", DATE),
        ("〒260-8722 千葉市", "8722", POSTAL),
        ("郵便番号は260-8722", "8722", POSTAL),
        ("中央区富士見2丁目3番1号に住む", "富士見", ADDRESS),
        ("千葉市中央区千葉港1-1の庁舎", "千葉港1-1", ADDRESS),
        ("稲毛区轟町1-2-3のアパート", "轟町", ADDRESS),
        ("3番地の2に住む", "3番地", ADDRESS),
        ("アパートの101号室", "101", ADDRESS),
        ("口座番号12345678", "12345678", NUMBER),
        ("保険証 1234-5678-90", "5678", NUMBER),
        ("mail a.b@example.co.jp まで", "example", EMAIL),
        ("田中さんが来所", "田中", NAME),
        ("鈴木一郎君の件", "一郎", NAME),
        ("ケアマネと佐藤様が同席", "佐藤", NAME),
        ("長女のさくらちゃんが不登校", "さくら", NAME),
        ("ゆうたくんのお母さん", "ゆうた", NAME),
        ("カタカナのユウキちゃん", "ユウキ", NAME),
        ("田中氏より連絡", "田中", NAME),
        ("山田から電話があった", "山田", NAME),
    ],
)
def test_masks_personal_details(analyzer, text: str, secret: str, placeholder: str) -> None:
    masked = mask(text, analyzer)
    assert secret not in masked
    assert placeholder in masked


@pytest.mark.parametrize(
    "text",
    [
        "高2の娘さんが妊娠したかもって親御さんから相談",
        "78歳で一人暮らしのおばあちゃん",
        "ご主人が認知症、奥さんが途方に暮れてる",
        "保護司さんから相談",
        "自治会長さんが地域運営委員会を立ち上げたい",
        "電動車いすの学生さん",
        "Aさん(40代男性)。家賃50000円が払えない",
        "小4、中2の子ども2人",
        "要介護2で妊娠5か月",
        "学校ちゃんと行ってない",
        "たくさんある",
        "みなさんの生活様式は多様で同様に",
        "彼氏がいる",
        "2期で地域福祉課がやってた取組、3期では?",
        "30-40代の女性",
        "すまいさぽーとちば の窓口ってどこ",
    ],
)
def test_keeps_ordinary_words(analyzer, text: str) -> None:
    assert mask(text, analyzer) == text


def test_normalizes_width_so_full_width_digits_are_masked_too(analyzer) -> None:
    assert mask("ＴＥＬ：０４３－２４５－５１１１", analyzer) == f"TEL:{PHONE}"


def test_masks_several_details_in_one_question(analyzer) -> None:
    masked = mask(
        "田中花子さん(昭和45年生)、090-1111-2222、美浜区高洲3丁目、家賃が払えない", analyzer
    )
    assert masked == f"{NAME}さん({DATE}生)、{PHONE}、美浜区{ADDRESS}、家賃が払えない"


def test_names_with_honorifics_are_masked_without_the_name_tagger() -> None:
    assert mask("田中さんと佐藤様", None) == f"{NAME}さんと{NAME}様"
    assert mask("娘さん", None) == "娘さん"


_JAPANESE = st.text(
    alphabet=st.sampled_from("あいうえおかきくけこ家賃生活保護相談支援がのをにはアパート、。 "),
    max_size=20,
)


@settings(max_examples=200, deadline=None)
@given(
    before=_JAPANESE,
    after=_JAPANESE,
    phone=st.from_regex(r"0[1-9]0-[0-9]{4}-[0-9]{4}", fullmatch=True),
)
def test_a_phone_number_never_survives_any_context(
    analyzer, before: str, after: str, phone: str
) -> None:
    masked = mask(f"{before}{phone}{after}", analyzer)
    assert not re.search(r"\d{4}", masked), masked


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_masked_without_error_and_no_long_digit_run_survives(
    analyzer, text: str
) -> None:
    masked = mask(text, analyzer)
    # Amounts of money ("50000円") are kept: they say what the need is, not who has it.
    assert not re.search(r"(?<!\d)\d{5,}(?![\d円])", masked), masked


# The identifiers a record holds, as staff type them: the digits, in groups, with spaces,
# full-width spaces, hyphens or line breaks between the groups, in half- or full-width.
_IDENTIFIERS = {
    "マイナンバー": (4, 4, 4),
    "基礎年金番号": (4, 6),
    "被保険者番号": (8,),
    "運転免許証番号": (4, 4, 4),
    "ケース番号": (3, 5),
    "郵便番号": (3, 4),
    "電話": (3, 4, 4),
}
_SEPARATORS = st.sampled_from([" ", "　", "-", "－", "\n", " - ", ""])
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def _identifier(draw) -> tuple[str, str]:
    kind = draw(st.sampled_from(sorted(_IDENTIFIERS)))
    groups = [
        draw(st.text(alphabet="0123456789", min_size=n, max_size=n)) for n in _IDENTIFIERS[kind]
    ]
    sep = draw(_SEPARATORS)
    written = sep.join(groups)
    if draw(st.booleans()):
        written = written.translate(_FULL)
    return kind, written


@settings(max_examples=300, deadline=None)
@given(
    before=_JAPANESE,
    after=_JAPANESE,
    identifier=_identifier(),
    label=st.booleans(),
)
def test_no_identifier_survives_in_any_form_or_sentence(
    analyzer, before: str, after: str, identifier: tuple[str, str], label: bool
) -> None:
    kind, written = identifier
    text = f"{before}{kind + 'は' if label else ''}{written}{after}"
    masked = mask(text, analyzer)
    # No run of the identifier's digits is left, however it was split.
    assert not re.search(r"\d{3}", re.sub(r"[\s\-－]", "", masked)), (text, masked)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("マイナンバー 1234 5678 9012 を持参", "5678"),
        ("番号は1234\n5678\n9012です", "5678"),
        ("基礎年金番号 1234-567890", "567890"),
        ("千葉市中央区千葉港1丁目1番-4に住む", "-4"),
        ("稲毛区轟町1-2-3 201号室", "201"),
    ],
)
def test_identifiers_in_groups_and_address_tails_are_masked(analyzer, text, secret) -> None:
    assert secret not in mask(text, analyzer)


def test_amounts_and_counts_in_groups_are_kept(analyzer) -> None:
    assert mask("家賃は2か月で12万円、3人世帯", analyzer) == "家賃は2か月で12万円、3人世帯"
    assert "40" in mask("20 30 40代の3人", analyzer)


class OneNameTagger:
    """A tagger that knows one name, to show that mask() asks the tagger it is given."""

    def units(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        parts = text.split("ポチ")
        units: list[tuple[str, tuple[str, ...]]] = []
        for n, part in enumerate(parts):
            if n:
                units.append(("ポチ", ("名詞", "固有名詞", "人名")))
            if part:
                units.append((part, ("名詞", "普通名詞", "一般")))
        return units


def test_names_are_found_by_the_tagger_passed_in() -> None:
    assert mask("ポチから電話", OneNameTagger()) == f"{NAME}から電話"
    assert mask("ポチから電話", None) == "ポチから電話"
