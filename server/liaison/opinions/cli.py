"""``flask opinions ...``: run the periodic jobs by hand, manage the blocked list."""
from __future__ import annotations

import click
from flask.cli import AppGroup

BLOCK_KINDS = ("user", "phone", "ip")


def register(app) -> None:
    group = AppGroup("opinions", help="意见建议：期限扫描、数据清除、限制名单")

    @group.command("scan-deadlines")
    def scan_deadlines_cmd():
        """Record and notify overdue / near-deadline opinions (once per day each)."""
        from .jobs import scan_deadlines

        counts = scan_deadlines()
        click.echo(f"超期 {counts['overdue']} 件，临期 {counts['near_deadline']} 件")

    @group.command("check-content")
    def check_content_cmd():
        """Recheck pending texts and comments, send queued photos, time out lost verdicts."""
        from .jobs import sweep_content_checks

        counts = sweep_content_checks()
        texts, photos = counts["texts"], counts["photos"]
        click.echo(f"文字复检：通过 {texts.get('pass', 0) + texts.get('review', 0)} 件，"
                   f"疑似违规 {texts.get('risky', 0)} 件，转人工审核 {texts.get('manual', 0)} 件，"
                   f"仍待复检 {texts.get('pending', 0)} 件；照片送检 {photos.get('checking', 0)} 张")

    @group.command("scrub-expired")
    def scrub_expired_cmd():
        """Scrub personal data of cases closed longer than RETENTION_DAYS."""
        from .jobs import scrub_expired

        click.echo(f"已清除 {scrub_expired()} 件意见的个人信息")

    @group.command("block")
    @click.argument("kind", type=click.Choice(BLOCK_KINDS))
    @click.argument("value")
    @click.argument("reason")
    def block_cmd(kind, value, reason):
        """Block a user id, phone number or IP address from submitting, with a reason."""
        from ..core.db import db
        from ..users.identity import normalise_phone
        from .models import Block

        value = normalise_phone(value) if kind == "phone" else value.strip()
        row = db.session.query(Block).filter_by(kind=kind, value=value).first()
        if row is None:
            db.session.add(Block(kind=kind, value=value, reason=reason))
        else:
            row.reason = reason
        db.session.flush()
        click.echo(f"已限制 {kind} {value}：{reason}")

    @group.command("unblock")
    @click.argument("kind", type=click.Choice(BLOCK_KINDS))
    @click.argument("value")
    def unblock_cmd(kind, value):
        """Lift a block."""
        from ..core.db import db
        from ..users.identity import normalise_phone
        from .models import Block

        value = normalise_phone(value) if kind == "phone" else value.strip()
        n = db.session.query(Block).filter_by(kind=kind, value=value).delete()
        db.session.flush()
        click.echo("已解除限制" if n else "名单中没有这一项")

    app.cli.add_command(group)
