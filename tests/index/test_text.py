import threading

from index.text import (
    SudachiAnalyzer,
    clean_text,
    content_terms,
    fold_kana,
    normalize,
    terms,
    to_katakana,
)


def test_normalize_folds_width_case_and_controls():
    assert normalize("ＳＮＳで\u3000相談") == "snsで 相談"
    assert normalize("ｺﾐｭﾆﾃｨ") == "コミュニティ"
    assert normalize("a\x00b\u202ec\ud800") == "a b c"


def test_clean_text_drops_what_nobody_sees_and_folds_spaces():
    raw = " 家賃\x00を\u202e滞納\u200bして\ud800\t\u3000いる\r\n"
    assert clean_text(raw) == "家賃を滞納して いる"
    # Where the text is matched, an invisible character still keeps two words apart.
    assert clean_text(raw, gap=" ") == "家賃 を 滞納 して いる"


def test_clean_text_can_keep_lines_and_drops_blank_ones():
    assert clean_text("一行目\r\n\r\n  二\u3000行目  \u2028三", lines=True) == "一行目\n二 行目\n三"
    assert clean_text("一行目\n二行目") == "一行目 二行目"


def test_kana_helpers():
    assert to_katakana("ひきこもり") == "ヒキコモリ"
    assert fold_kana("ヒキコモリ") == "ひきこもり"


def test_spelling_variants_meet(analyzer: SudachiAnalyzer):
    assert set(terms(analyzer, "ひきこもり")) & set(terms(analyzer, "引きこもり"))
    assert set(terms(analyzer, "こども")) & set(terms(analyzer, "子供"))
    assert set(terms(analyzer, "障がい者")) & set(terms(analyzer, "障害者"))


def test_long_compounds_also_yield_their_parts(analyzer: SudachiAnalyzer):
    found = terms(analyzer, "生活困窮者自立支援制度")
    assert "困窮" in found and "支援" in found


def test_unknown_compounds_are_kept_whole(analyzer: SudachiAnalyzer):
    assert "農福連携" in terms(analyzer, "農福連携の推進")


def test_only_content_words(analyzer: SudachiAnalyzer):
    found = terms(analyzer, "相談をしているのですが、どうすればいいですか")
    assert "相談" in found
    assert not {"を", "する", "為る", "です", "いい"} & set(found)


def test_parts_weigh_less_than_units(analyzer: SudachiAnalyzer):
    weights = {t.term: t.weight for t in content_terms(analyzer.tokens("支援制度"))}
    assert weights["支援制度"] == 1.0 and weights["支援"] < 1.0


def test_huge_and_odd_input_does_not_raise(analyzer: SudachiAnalyzer):
    assert analyzer.tokens("") == []
    assert len(analyzer.tokens("家賃" * 50_000)) > 0
    analyzer.tokens("😀\u0301\u200f<!channel>\x07")


def test_one_tokenizer_per_thread_under_load(analyzer: SudachiAnalyzer):
    # Sudachi tokenizers are not thread-safe; each thread must get the same answer as alone.
    expected = terms(analyzer, "家賃を3か月滞納している母子家庭")
    errors: list[object] = []

    def hammer() -> None:
        try:
            for _ in range(200):
                if terms(analyzer, "家賃を3か月滞納している母子家庭") != expected:
                    errors.append("different result")
        except Exception as error:  # noqa: BLE001 - any failure is the finding
            errors.append(error)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_verbal_nouns_and_verbs_are_twins():
    from index.text import Term, conjugation_twin

    assert conjugation_twin(Term("引き籠もり", 1.0, "ひきこもり", "名詞")) == "引き籠もる"
    assert conjugation_twin(Term("見守る", 1.0, "見守る", "動詞")) == "見守り"
    assert conjugation_twin(Term("センター", 1.0, "センター", "名詞")) is None
    assert conjugation_twin(Term("あり", 1.0, "あり", "名詞")) is None


def test_auxiliary_verbs_of_politeness_are_not_content(analyzer):
    # 「寝泊まりしており」: おる is the auxiliary of a continuing state, not a need.
    terms = [t.term for t in content_terms(analyzer.tokens("ネットカフェで寝泊まりしており"))]
    assert "寝泊まり" in terms
    assert "おる" not in terms
