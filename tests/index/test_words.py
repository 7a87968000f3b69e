"""What a correction keeps of a question: content words only, nothing that points to a person."""

from __future__ import annotations

from index.words import MAX_WORDS, content_words


class Tagged:
    """A tagger over hand-tagged units, so the rules are tested without the dictionary."""

    def __init__(self, *units: tuple[str, tuple[str, ...]]):
        self.units = list(units)

    def lemmas(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        return self.units


NOUN = ("名詞", "普通名詞", "一般")
VERB = ("動詞", "一般")


def test_keeps_nouns_verbs_and_adjectives_in_no_particular_order(analyzer) -> None:
    words = content_words(analyzer, "息子が長年ひきこもっていて、家賃を滞納し、とても不安だ")
    assert {"息子", "家賃", "滞納", "不安"} <= set(words)
    assert list(words) == sorted(words)
    assert "が" not in words and "て" not in words


def test_drops_names_places_numbers_and_counters(analyzer) -> None:
    words = content_words(
        analyzer, "田中さんは船橋市から転入。3人世帯で2か月前から家賃を滞納、40代"
    )
    assert "田中" not in words and "船橋" not in words and "船橋市" not in words
    assert not any(c.isdigit() for w in words for c in w)
    assert "箇月" not in words and "代" not in words
    assert {"転入", "世帯", "家賃", "滞納"} <= set(words)


def test_proper_nouns_and_numerals_are_dropped_by_their_part_of_speech() -> None:
    tagger = Tagged(
        ("佐藤", ("名詞", "固有名詞", "人名", "姓")),
        ("幕張", ("名詞", "固有名詞", "地名", "一般")),
        ("三", ("名詞", "数詞")),
        ("箇月", ("名詞", "普通名詞", "助数詞可能")),
        ("借金", NOUN),
        ("返す", VERB),
    )
    assert content_words(tagger, "") == ("借金", "返す")


def test_a_counter_word_is_kept_when_no_number_comes_before_it() -> None:
    counter = ("名詞", "普通名詞", "助数詞可能")
    assert content_words(Tagged(("3", ("名詞", "数詞")), ("箇月", counter)), "") == ()
    assert content_words(Tagged(("年金", ("名詞", "普通名詞", "助数詞可能"))), "") == ("年金",)


def test_stop_words_single_letters_and_symbols_are_dropped() -> None:
    tagger = Tagged(("する", VERB), ("A", NOUN), ("子", NOUN), ("〔", NOUN), ("DV", NOUN))
    assert content_words(tagger, "") == ("DV", "子")


def test_at_most_max_words_are_kept() -> None:
    tagger = Tagged(*((f"語{chr(0x4E00 + n)}", NOUN) for n in range(MAX_WORDS + 10)))
    assert len(content_words(tagger, "")) == MAX_WORDS
