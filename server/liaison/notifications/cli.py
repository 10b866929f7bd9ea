"""``flask notifications``: look at and nudge the outbox from a shell."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select, update

from ..core.db import db

notifications_cli = AppGroup("notifications", help="消息通知（发件箱）")


@notifications_cli.command("deliver")
@click.option("--limit", type=int, default=None, help="At most this many rows.")
def deliver_cmd(limit):
    """Deliver what is due now, in this process (no worker needed)."""
    from .jobs import deliver_pending

    counts = deliver_pending(limit)
    click.echo("，".join(f"{k} {v}" for k, v in sorted(counts.items())) or "没有待投递的消息")


@notifications_cli.command("status")
def status_cmd():
    """Count the outbox rows by status."""
    from .models import Notification

    rows = db.session.execute(select(Notification.status, func.count())
                              .group_by(Notification.status)).all()
    for status, count in sorted(rows):
        click.echo(f"{status}\t{count}")


@notifications_cli.command("failed")
@click.option("--limit", type=int, default=50)
def failed_cmd(limit):
    """List rows that ended failed (newest first), with the reason."""
    from .models import Notification

    rows = db.session.scalars(select(Notification).where(Notification.status == "failed")
                              .order_by(Notification.id.desc()).limit(limit)).all()
    if not rows:
        click.echo("没有投递失败的消息")
    for n in rows:
        click.echo(f"{n.id}\t{n.event}\t{n.channel}\tuser={n.user_id}\topinion={n.opinion_id}\t"
                   f"attempts={n.attempts}\t{n.last_error}")


@notifications_cli.command("retry")
@click.argument("ids", nargs=-1, type=int, required=True)
def retry_cmd(ids):
    """Put failed rows back in the queue with fresh attempts."""
    from .models import Notification
    from .outbox import kick_after_commit

    result = db.session.execute(update(Notification).where(
        Notification.id.in_(ids), Notification.status == "failed",
    ).values(status="pending", attempts=0, next_attempt_at=None, lease_until=None))
    db.session.flush()
    kick_after_commit()
    click.echo(f"已重新排队 {result.rowcount} 条")
