"""``flask stats refresh``: rebuild the monthly summary tables (after an import, nightly)."""
from __future__ import annotations

import click
from flask.cli import AppGroup


def register(app) -> None:
    group = AppGroup("stats", help="统计汇总")

    @group.command("refresh")
    @click.option("--from", "first", help="起始月份 YYYY-MM（默认当年 1 月）")
    @click.option("--to", "last", help="结束月份 YYYY-MM（默认本月）")
    @click.option("--region", "region_id", type=int, help="只重算这个区域")
    def refresh_cmd(first, last, region_id):
        """Rebuild the summary rows of a range of months."""
        from ..core.db import db
        from ..places.models import Region
        from ..core import clock
        from .figures import parse_month
        from .refresh import refresh

        today = clock.today()
        end = parse_month(last, today)
        start = parse_month(first, end.replace(month=1)) if first else end.replace(month=1)
        region = db.session.get(Region, region_id) if region_id else None
        result = refresh(start, end, today, region)
        click.echo(f"已重算 {start:%Y-%m} 至 {end:%Y-%m}：联络站 {result['stations']} 行，"
                   f"代表 {result['deputies']} 行，用时 {result['seconds']} 秒")

    app.cli.add_command(group)
