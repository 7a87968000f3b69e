"""soudan data check | dump | diff."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.commands.errors import CommandError
from bot.jsonout import measure_json
from bot.settings import DEFAULT_DATA_DIR
from bot.textdiff import char_diff, render_plain
from index.errors import DataError
from index.load import check, load

data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_DATA_DIR,
    show_default="data/",
    help="データのフォルダ",
)


@click.group()
def data() -> None:
    """データファイルの検査・書き出し・比較。"""


@data.command("check")
@data_option
def check_command(data_dir: Path) -> None:
    """データファイルを検査します（問題はすべて、ファイル・行・列つきで表示）。"""
    result = check(data_dir)
    for warning in result.warnings:
        click.echo(f"注意: {warning}", err=True)
    if result.data is None:
        raise CommandError(
            "\n".join(
                [*map(str, result.problems), f"データに{len(result.problems)}件の問題があります。"]
            )
        )
    d = result.data
    click.echo(
        f"問題ありません: 第３期 {len(d.plan_measures(3))}件・第２期 {len(d.plan_measures(2))}件の取組、"
        f"担当課 {len(d.departments)}、節 {len(d.sections)}、語彙 {len(d.vocabulary)}行"
        f"（データ版 {d.version.label}）"
    )


def load_data(data_dir: Path):
    try:
        return load(data_dir)
    except DataError as error:
        raise CommandError(error.report()) from None


@data.command("dump")
@data_option
def dump_command(data_dir: Path) -> None:
    """両計画のすべての行を JSON Lines で書き出します。"""
    plan_data = load_data(data_dir)
    for measure in plan_data.measures:
        click.echo(json.dumps(measure_json(measure), ensure_ascii=False))


@data.command("diff")
@click.argument("measure_id", required=False)
@data_option
def diff_command(measure_id: str | None, data_dir: Path) -> None:
    """第２期から引き継いだ取組の変更点を文字単位で表示します（[-削除-]{+追加+}）。"""
    plan_data = load_data(data_dir)
    current = [m for m in plan_data.plan_measures(3) if m.predecessor]
    if measure_id:
        wanted = measure_id if measure_id.count("-") == 3 else f"3-{measure_id}"
        chosen = plan_data.measure(wanted)
        if chosen is None:
            raise CommandError(f"取組「{measure_id}」は見つかりません。")
        if chosen.plan == 2:
            chosen = plan_data.measure(chosen.successor) if chosen.successor else None
            if chosen is None:
                click.echo(f"第２期の「{measure_id}」は第３期では終了しています。")
                return
        if not chosen.predecessor:
            click.echo(f"{chosen.citation}「{chosen.title}」は第３期の新規の取組です。")
            return
        current = [chosen]
    changed = 0
    for m in current:
        before = plan_data.measure(m.predecessor)
        assert before is not None  # links are checked on load
        lines = []
        if before.section != m.section:
            lines.append(
                f"  節: {before.section} {before.section_title} → {m.section} {m.section_title}"
            )
        for label, old, new in (
            ("取組項目", before.title, m.title),
            ("概要", before.summary, m.summary),
            ("担当課", "・".join(before.departments), "・".join(m.departments)),
        ):
            if old != new:
                lines.append(f"  {label}: {render_plain(char_diff(old, new))}")
        if lines or measure_id:
            changed += bool(lines)
            click.echo(f"{m.citation}「{m.title}」← {before.citation}")
            click.echo("\n".join(lines) if lines else "  変更なし")
    if not measure_id:
        click.echo(f"（引き継いだ取組 {len(current)}件のうち、変更があるのは {changed}件です）")
