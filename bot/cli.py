"""soudan: the command line. Each command turns domain errors into one Japanese line."""

from __future__ import annotations

import click

from bot.commands.data import data
from bot.commands.search import ask, evaluate_command, search


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """相談ナビ: 千葉市貧困対策アクションプランの取組を探します。"""


cli.add_command(data)
cli.add_command(ask)
cli.add_command(search)
cli.add_command(evaluate_command)


def _register_optional() -> None:
    # Commands of the surfaces are registered here so `soudan --help` lists them all.
    from bot.report import report
    from bot.run import run

    cli.add_command(run)
    cli.add_command(report)


_register_optional()


def main() -> None:
    cli(prog_name="soudan")
