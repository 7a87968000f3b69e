"""soudan ask | search --jsonl | eval: the search from the terminal."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.bootstrap import bootstrap
from bot.commands.data import data_option
from bot.commands.errors import CommandError
from bot.jsonout import answer_json
from bot.settings import DEFAULT_PUBLIC_BASE_URL, Settings
from index.answer import answer, answer_need
from index.engine import Index
from index.errors import DataError
from index.evaluate import METRICS, read_cases
from index.evaluate import evaluate as run_evaluation
from index.model import Answer, Hit, QuestionKind


def index_of(data_dir: Path) -> Index:
    """The index over ``data_dir`` as every command builds it (one bootstrap); a data problem
    is a Japanese error."""
    try:
        return bootstrap(Settings(data_dir=data_dir), serving=False).index
    except DataError as error:
        raise CommandError(error.report()) from None


@click.command()
@click.argument("question", nargs=-1, required=False)
@click.option("--top", default=5, show_default=True, help="表示する件数")
@click.option("--need", "need", default=None, help="困りごと（住まい など）で絞り込みます")
@click.option("--base-url", default=DEFAULT_PUBLIC_BASE_URL, show_default=True, help="リンクの URL")
@data_option
def ask(
    question: tuple[str, ...], top: int, need: str | None, base_url: str, data_dir: Path
) -> None:
    """質問に答えます（困りごとごとの取組・担当課・一致した語・リンク）。"""
    index = index_of(data_dir)
    if need is not None:
        if index.data.need(need) is None:
            labels = "、".join(n.label for n in index.data.needs)
            raise CommandError(f"困りごと「{need}」はありません。次から選んでください: {labels}")
        result = answer_need(need, index)
    elif not question:
        raise click.UsageError("質問か --need を指定してください。")
    else:
        result = answer(" ".join(question), index)
    click.echo(render_text(result, top, base_url.rstrip("/")))


def render_text(result: Answer, top: int, base_url: str) -> str:
    lines: list[str] = [*result.notices]
    if result.kind is QuestionKind.EMPTY:
        lines.append('質問を入力してください。例: soudan ask "家賃を3か月滞納している"')
        return "\n".join(lines)
    if result.abstained:
        lines.append("この質問に合う取組は、計画には見当たりませんでした。")
        if result.suggestions:
            lines.append("もしかして: " + "、".join(result.suggestions))
        lines.append(f"担当課の一覧: {base_url}/departments")
        return "\n".join(lines)
    if result.kind is QuestionKind.DEPARTMENT:
        lines.append(f"{result.department}の取組（第３期）:")
    if result.departments:
        lines.append("相談先: " + "、".join(result.departments[:3]))
    if len(result.needs) > 1:
        lines.append(f"この相談の困りごと（{len(result.needs)}）")
        for need in result.needs:
            lines.append("")
            lines.append(f"■ {need.label}（相談先: {'、'.join(need.departments[:2])}）")
            for rank, hit in enumerate(need.hits[:NEED_TOP], 1):
                lines.extend(_hit_lines(rank, hit, base_url))
        return "\n".join(lines)
    for rank, hit in enumerate(result.hits[:top], 1):
        lines.append("")
        lines.extend(_hit_lines(rank, hit, base_url))
    if result.narrow:
        lines.append("")
        lines.append("困りごとで絞り込めます: " + "、".join(result.narrow))
        lines.append("（例: soudan ask --need 住まい）")
    return "\n".join(lines)


# Measures shown per need in the terminal: the best two, as in Slack.
NEED_TOP = 2


def _hit_lines(rank: int, hit: Hit, base_url: str) -> list[str]:
    m = hit.measure
    lines = [f"{rank}. {m.title}（{m.citation}・{m.status}）"]
    lines.append(f"   担当課: {'、'.join(m.departments)}")
    if hit.why:
        lines.append(f"   一致: {hit.why}")
    lines.append(f"   {base_url}/measures/{m.id}")
    return lines


@click.command()
@click.option(
    "--jsonl", is_flag=True, required=True, help="標準入力の1行1問に、1行の JSON で答えます"
)
@data_option
def search(jsonl: bool, data_dir: Path) -> None:
    """質問をまとめて検索します（標準入力: 1行1問、{"q": ...} か平文）。"""
    index = index_of(data_dir)
    # One output line for every input line, blank ones included, so callers can zip them.
    for number, line in enumerate(sys.stdin, 1):
        line = line.rstrip("\n")
        question = line
        if line.lstrip().startswith("{"):
            try:
                question = str(json.loads(line)["q"])
            except (json.JSONDecodeError, KeyError, TypeError):
                click.echo(
                    f'{number}行目: JSON に "q" がありません。平文として扱います。', err=True
                )
        click.echo(json.dumps(answer_json(answer(question, index), question), ensure_ascii=False))


@click.command("eval")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--misses", is_flag=True, help="外れた質問も表示します")
@data_option
def evaluate_command(file: Path, misses: bool, data_dir: Path) -> None:
    """評価用の質問（JSON Lines）で検索の質を測ります。"""
    try:
        cases = read_cases(file)
    except ValueError as error:
        raise CommandError(str(error)) from None
    index = index_of(data_dir)
    report = run_evaluation(cases, lambda q: answer(q, index))
    summary = report.summary()
    answerable = len(report.false_abstain)
    click.echo(
        f"質問 {len(cases)}件（答えのある質問 {answerable}件、計画外 {len(report.abstain_expected)}件）"
    )
    click.echo("  ".join(f"{name} {summary[name]:.3f}" for name in METRICS))
    click.echo(
        f"計画外で「見当たらない」と答えた率 {summary['abstain']:.3f}  答えがあるのに見送った率 {summary['false_abstain']:.3f}"
    )
    if "needs@5" in summary:
        click.echo(
            f"困りごとが複数の質問: needs@5 {summary['needs@5']:.3f}（困りごと {len(report.needs)}件）"
        )
    for kind, metrics in report.kinds().items():
        click.echo(f"  {kind:13s} " + "  ".join(f"{k} {v:.2f}" for k, v in metrics.items()))
    if misses:
        for outcome in report.misses:
            click.echo(f"- [{outcome.case.kind}] {outcome.case.q}")
            click.echo(
                f"    正解 {list(outcome.case.relevant)}  結果 {list(outcome.ranked[:5])}  見送り {outcome.abstained}"
            )
