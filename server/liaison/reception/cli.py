"""``flask reception ...``: year plans for many stations, the reminders by hand."""
from __future__ import annotations

import click
from flask.cli import AppGroup


def register(app) -> None:
    group = AppGroup("reception", help="接待日与进站履职")

    @group.command("plan")
    @click.option("--year", type=int, required=True, help="年份")
    @click.option("--station", "station_ids", type=int, multiple=True, help="只生成这些联络站（默认全部）")
    def plan(year, station_ids):
        """Generate the year's reception days of every station from its plan."""
        from ..core import clock
        from .jobs import plan_year

        created = plan_year(year, clock.today(), station_ids=list(station_ids))
        click.echo(f"已生成 {created} 个接待日")

    @group.command("remind")
    def remind():
        """Send the day-before reminders now (normally the periodic job does)."""
        from .jobs import send_reminders

        click.echo(f"已发送 {send_reminders()} 条提醒")

    app.cli.add_command(group)
