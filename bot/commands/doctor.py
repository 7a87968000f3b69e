"""soudan doctor: a checklist of settings, data, usage log, Slack and the public URL."""

from __future__ import annotations

import click

from bot.commands.errors import CommandError


@click.command()
def doctor() -> None:
    """設定・データ・利用記録・Slack・公開 URL を点検し、問題があれば直し方を表示します。"""
    from bot.doctor import run_checks

    click.echo("相談ナビの点検")
    checks = run_checks()
    for check in checks:
        click.echo(f"{'✓' if check.ok else '✗'} {check.label}: {check.detail}")
        if not check.ok and check.fix:
            click.echo(f"  → {check.fix}")
    failed = sum(not check.ok for check in checks)
    if failed:
        # Status 2, as for any other wrong setting: each ✗ is something to change here.
        raise CommandError(
            f"{failed}件の問題があります。→ の直し方を試してから、もう一度実行してください。"
        )
    click.echo("すべて問題ありません。")
