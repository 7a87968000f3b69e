from hypothesis import given
from hypothesis import strategies as st

from bot.textdiff import Segment, char_diff, is_changed

JAPANESE = st.text(alphabet="あいうえおの支援相談就労、。ー実施を", max_size=40)


def _old(segments: tuple[Segment, ...]) -> str:
    return "".join(s.text for s in segments if s.kind != "insert")


def _new(segments: tuple[Segment, ...]) -> str:
    return "".join(s.text for s in segments if s.kind != "delete")


def test_one_removed_comma_is_one_deletion():
    old = "早期発見及び、早期治療開始に向けた支援の実施"
    new = "早期発見及び早期治療開始に向けた支援の実施"
    assert char_diff(old, new) == (
        Segment("equal", "早期発見及び"),
        Segment("delete", "、"),
        Segment("equal", "早期治療開始に向けた支援の実施"),
    )


def test_a_rewording_reads_as_one_change_not_confetti():
    old = "就職氷河期世代等への支援の実施"
    new = "多様な求職者に対する就労・転職支援"
    segments = char_diff(old, new)
    # The stray shared characters (の, 支援) are folded into the change.
    assert [s.kind for s in segments] == ["delete", "insert"]
    assert segments[0].text == old
    assert segments[1].text == new


def test_identical_texts_are_one_equal_segment_and_unchanged():
    segments = char_diff("同じ文章です。", "同じ文章です。")
    assert segments == (Segment("equal", "同じ文章です。"),)
    assert not is_changed(segments)


def test_empty_sides():
    assert char_diff("", "") == ()
    assert char_diff("", "追加") == (Segment("insert", "追加"),)
    assert char_diff("削除", "") == (Segment("delete", "削除"),)


@given(JAPANESE, JAPANESE)
def test_segments_rebuild_both_texts(old, new):
    segments = char_diff(old, new)
    assert _old(segments) == old
    assert _new(segments) == new
    assert is_changed(segments) == (old != new)
    assert all(s.text for s in segments)
    # No two neighbours of the same kind, and a deletion never follows its insertion.
    pairs = list(zip(segments, segments[1:], strict=False))
    assert all(a.kind != b.kind for a, b in pairs)
    assert not any(a.kind == "insert" and b.kind == "delete" for a, b in pairs)
