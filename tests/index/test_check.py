"""What `soudan data check` says of damaged data: index.check, through index.load."""

from pathlib import Path

import pytest

from index.errors import DataError
from index.load import check, load
from index.model import PlanData


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def _messages(data_dir: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load(data_dir)
    return [str(p) for p in caught.value.problems]


def test_unknown_department_is_named_with_file_line_and_column(data_copy: Path):
    measures = data_copy / "measures.csv"
    line = _line_of(measures, "3-1-3-8,")
    text = measures.read_text(encoding="utf-8").splitlines()
    dept = text[line - 1].split(",")[7]
    _edit(measures, text[line - 1], text[line - 1].replace(dept, "保護科", 1))
    messages = _messages(data_copy)
    assert any(
        m.endswith(f"measures.csv:{line}: departments: 未登録の担当課「保護科」") for m in messages
    ), messages


def test_an_empty_id_is_said_to_be_empty(data_copy: Path):
    measures = data_copy / "measures.csv"
    rows = measures.read_text(encoding="utf-8").splitlines()
    line = next(n for n, row in enumerate(rows, 1) if row.startswith("3-1-3-8,"))
    _edit(measures, "\n3-1-3-8,", "\n,")
    messages = _messages(data_copy)
    assert any(m.endswith(f"measures.csv:{line}: id: 空欄です。") for m in messages)
    assert not any("「」" in m for m in messages)


def test_every_problem_is_reported_at_once(data_copy: Path):
    measures = data_copy / "measures.csv"
    _edit(measures, "3-1-3-8,3,1-3,8,", "3-1-3-7,3,1-3,7,")  # duplicate id and a gap
    _edit(data_copy / "departments.csv", "name,kana", "name,kana_typo")
    messages = _messages(data_copy)
    assert any("「3-1-3-7」が重複しています" in m for m in messages)
    assert any("必須の列「kana」がありません" in m for m in messages)


def test_shift_jis_file_is_refused_with_its_place(data_copy: Path):
    path = data_copy / "departments.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp932"))
    messages = _messages(data_copy)
    assert any("departments.csv:2:" in m and "Shift_JIS" in m for m in messages), messages


def test_bom_of_excels_csv_utf8_is_accepted_quietly(data_copy: Path):
    path = data_copy / "sections.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = check(data_copy)
    assert result.data is not None
    assert not any("BOM" in str(w) for w in result.warnings)
    assert result.data.sections[0].plan in (2, 3)  # the first header is read without the BOM


def test_truncated_row_and_unclosed_quote(data_copy: Path):
    path = data_copy / "measures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[10] = lines[10][: len(lines[10]) // 3]
    lines.append('3-9-9-1,3,9-9,1,,"unclosed')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    messages = _messages(data_copy)
    assert any(":11:" in m and "列の数が合いません" in m and "足りません" in m for m in messages)
    assert any("引用符" in m for m in messages), messages


def test_a_row_with_too_many_commas_says_so(data_copy: Path):
    path = data_copy / "situations.csv"
    with path.open("a", encoding="utf-8") as out:
        out.write("3-1-1-1,家賃,払えない\n")
    messages = _messages(data_copy)
    assert any("列の数が合いません（2列のところ3列）" in m and "多すぎ" in m for m in messages)


def test_stray_whitespace_and_numbering_gap(data_copy: Path):
    path = data_copy / "measures.csv"
    line = _line_of(path, "3-3-4-5,")
    _edit(path, "3-3-4-5,3,3-4,5,", "3-3-4-6,3,3-4,6,")
    _edit(data_copy / "sections.csv", "3,1-1,", "3, 1-1,")
    messages = _messages(data_copy)
    assert any(
        f"measures.csv:{line}: no: 第3期 3-4 の番号が抜けています（No.5）" in m for m in messages
    )
    assert any("sections.csv" in m and "前後に余分な空白" in m for m in messages), messages


def test_history_links_must_resolve_both_ways(data_copy: Path):
    path = data_copy / "measures.csv"
    line = _line_of(path, "2-1-1-1,")
    text = path.read_text(encoding="utf-8").splitlines()[line - 1]
    _edit(path, text, text.replace("3-1-1-1", "3-1-1-2"))
    messages = _messages(data_copy)
    assert any(f"measures.csv:{line}: successor:" in m for m in messages), messages


def test_missing_file_and_folder(tmp_path: Path, data_copy: Path):
    (data_copy / "vocabulary.csv").unlink()
    assert any("vocabulary.csv: ファイルがありません" in m for m in _messages(data_copy))
    assert any("データのフォルダがありません" in m for m in _messages(tmp_path / "nowhere"))


def test_vocabulary_is_validated(data_copy: Path):
    path = data_copy / "vocabulary.csv"
    with path.open("a", encoding="utf-8") as out:
        out.write("類義,借金;ローン,,\n展開,家,,\n")
    messages = _messages(data_copy)
    assert any("「同義」「展開」のどちらか" in m for m in messages)
    assert any("一文字の語「家」" in m for m in messages)
    assert any("検索に加える語が必要です" in m for m in messages)


def test_plans_file_names_each_plan(plan_data: PlanData, data_copy: Path):
    assert plan_data.plan(3).name == "第３期千葉市貧困対策アクションプラン"
    assert plan_data.plan(2).short == "第２期"
    path = data_copy / "plans.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith("2,")) + "\n")
    assert any("plans.csv: 第2期の行がありません" in m for m in _messages(data_copy))


def test_out_of_plan_topics_moved_to_their_own_file(data_copy: Path):
    with (data_copy / "vocabulary.csv").open("a", encoding="utf-8") as out:
        out.write("対象外,パスポート,,\n")
    assert any("outside.csv に書きます" in m for m in _messages(data_copy))


def _append(path: Path, text: str) -> int:
    """Append ``text`` and return the line it starts on."""
    line = len(path.read_text(encoding="utf-8").splitlines()) + 1
    with path.open("a", encoding="utf-8") as out:
        out.write(text)
    return line


def test_situations_are_checked_line_by_line(data_copy: Path):
    path = data_copy / "situations.csv"
    first = _append(
        path,
        "3-9-9-9,家賃が払えない\n"  # unknown id
        "2-1-1-1,家賃が払えない\n"  # a 2nd-plan id
        "3-1-1-1,\n"  # empty phrase
        "3-1-1-1, 血圧\n"  # stray whitespace
        "3-1-1-1,がん検診\n",  # duplicate of a line already there
    )
    messages = _messages(data_copy)
    assert any(f"situations.csv:{first}: id: 「3-9-9-9」は第３期" in m for m in messages)
    assert any(f"situations.csv:{first + 1}: id: 「2-1-1-1」は第３期" in m for m in messages)
    assert any(f"situations.csv:{first + 2}: phrase: 空欄です" in m for m in messages)
    assert any(f"situations.csv:{first + 3}: phrase:" in m and "空白" in m for m in messages)
    assert any(f"situations.csv:{first + 4}: phrase:" in m and "重複" in m for m in messages)


def test_needs_are_checked(data_copy: Path):
    path = data_copy / "needs.csv"
    first = _append(
        path,
        "住まい,3-3-3-3,家賃,,,\n新しい困りごと,3-9-9-9,何か,,,\n空,,,,,\n"
        "別の困りごと,3-3-3-3,何か,, 死にたい,\n",
    )
    messages = _messages(data_copy)
    assert any(f"needs.csv:{first}: need: 「住まい」は" in m and "重複" in m for m in messages)
    assert any(f"needs.csv:{first + 1}: measures: 「3-9-9-9」" in m for m in messages)
    assert any(f"needs.csv:{first + 2}: measures: 空欄です" in m for m in messages)
    assert any(f"needs.csv:{first + 2}: words: 空欄です" in m for m in messages)
    assert any(f"needs.csv:{first + 3}: urgent:" in m and "空白" in m for m in messages)


def test_outside_words_are_checked(data_copy: Path):
    path = data_copy / "outside.csv"
    first = _append(path, "重なり,パスポート,\n短い,税,\n")
    messages = _messages(data_copy)
    assert any(f"outside.csv:{first}: words: 「パスポート」は" in m for m in messages)
    assert any(f"outside.csv:{first + 1}: words: 一文字の語「税」" in m for m in messages)


def test_conditions_are_checked(data_copy: Path):
    path = data_copy / "conditions.csv"
    first = _append(
        path,
        "3-9-9-9,市営住宅,\n"  # unknown id
        "3-1-4-10,市営,\n"  # a measure already listed
        "3-1-1-1,,\n"  # no words
        "3-1-1-2,高齢;高齢,\n"  # the same word twice
        "3-1-1-3,障害; 手帳,\n",  # stray whitespace
    )
    messages = _messages(data_copy)
    assert any(f"conditions.csv:{first}: id: 「3-9-9-9」は第３期" in m for m in messages)
    assert any(f"conditions.csv:{first + 1}: id: 「3-1-4-10」は" in m for m in messages)
    assert any(f"conditions.csv:{first + 2}: words: 空欄です" in m for m in messages)
    assert any(f"conditions.csv:{first + 3}: words: 同じ語が二度" in m for m in messages)
    assert any(f"conditions.csv:{first + 4}:" in m and "空白" in m for m in messages)


def test_problems_are_listed_file_by_file_in_line_order(data_copy: Path):
    path = data_copy / "situations.csv"
    with path.open("a", encoding="utf-8") as out:
        out.write("3-9-9-9,家賃\n")  # an unknown id, found while reading ids
        out.write("3-1-1-1,家賃,払えない\n")  # a row cut wrong, found while parsing
    with pytest.raises(DataError) as raised:
        load(data_copy)
    lines = [p.line for p in raised.value.problems if p.file.endswith("situations.csv")]
    assert len(lines) == 2 and lines == sorted(lines)
