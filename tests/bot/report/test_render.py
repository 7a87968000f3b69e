"""bot.report.render: the tables laid out for a terminal."""

from bot.report import Table, render_table


def test_table_columns_line_up_with_wide_characters() -> None:
    text = render_table([Table("表", ("名前", "n"), [("あい", 1), ("abcd", 22)])])
    assert text.splitlines() == ["■ 表", "  名前   n", "  ----  --", "  あい   1", "  abcd  22"]
