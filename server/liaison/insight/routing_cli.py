"""``flask routing train [--region ID]``: retrain the suggested-routing models now."""
from __future__ import annotations

import click
from flask.cli import AppGroup


def register(app) -> None:
    group = AppGroup("routing", help="智能分办（分类和承办单位建议）")

    @group.command("train")
    @click.option("--region", "region_id", type=int, help="只训练这个区域（及其下各区县）")
    def train_cmd(region_id):
        """Train the category and unit classifiers of each district from its decisions."""
        from ..core.db import db
        from ..places.models import Region
        from .routing import train, training_regions

        region = None
        if region_id is not None:
            region = db.session.get(Region, region_id)
            if region is None:
                raise click.ClickException(f"没有编号为 {region_id} 的区域")
        regions = training_regions(region)
        if not regions:
            click.echo("没有可训练的区域")
        for scope in regions:
            done = train(scope)
            parts = [f"{label}：{done[kind]} 件" if done[kind] else f"{label}：决定太少，未建模型"
                     for kind, label in (("category", "分类"), ("unit", "承办单位"))]
            click.echo(f"{scope.full_name()}（{scope.id}）— " + "；".join(parts))

    app.cli.add_command(group)
