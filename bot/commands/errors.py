"""How a command stops: one Japanese message on stderr, no traceback, a documented status.

Exit status (also in ``soudan --help``): 0 done; 1 the work itself failed (a port in use,
Slack unreachable, a usage log that cannot be read); 2 what was given is wrong (settings,
data files, options, an unknown measure or need).
"""

from __future__ import annotations

from typing import IO, Any

import click

EXIT_FAILED = 1
EXIT_INPUT = 2

# "\b" keeps click from rewrapping the lines.
EXIT_CODES_HELP = """\b
終了コード:
  0  正常に終わりました
  1  処理ができませんでした（ポートが使用中、Slack に接続できない、利用記録が読めない）
  2  指定に誤りがあります（設定、データファイル、オプション、見つからない取組・困りごと）"""


class CommandError(click.ClickException):
    """Something given to the command is wrong: exit status 2."""

    exit_code = EXIT_INPUT

    def show(self, file: IO[Any] | None = None) -> None:
        # click would put "Error: " before it; the message is a whole Japanese sentence.
        click.echo(self.format_message(), file=file, err=file is None)


class CommandFailed(CommandError):
    """The input was fine but the work could not be done: exit status 1."""

    exit_code = EXIT_FAILED
