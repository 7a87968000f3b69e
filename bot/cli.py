"""soudan: the command line. Each command turns domain errors into one Japanese message
(bot.commands.errors), with the exit status the help text gives."""

from __future__ import annotations

import click

from bot.commands.backup import backup
from bot.commands.data import data
from bot.commands.doctor import doctor
from bot.commands.errors import EXIT_CODES_HELP
from bot.commands.report import report
from bot.commands.run import run
from bot.commands.search import ask, evaluate_command, search
from bot.commands.suggest import suggest


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_CODES_HELP,
)
def cli() -> None:
    """相談ナビ: 千葉市貧困対策アクションプランの取組を探します。"""


for command in (run, data, ask, search, evaluate_command, report, suggest, doctor, backup):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="soudan")
