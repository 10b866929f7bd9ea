"""The periodic job of the topics (listed in ``core.jobs.PERIODIC``).

``recompute_topics`` (every hour): recompute each stored period that reaches last month
or later (its opinions may still change), and the default period (the last three
months) for every region with an NPC office, so the office's page opens on current topics. Each region's period commits on
its own (a long run keeps what it finished).
"""
from __future__ import annotations

from sqlalchemy import select

from ..core import clock
from ..core.db import db
from ..core.jobs import with_app
from ..core.transaction import checkpoint
from ..places.models import Region
from ..stats.figures import add_months
from ..users.models import StaffRole
from .models import TopicRun
from .topics import DEFAULT_MONTHS, compute


def recompute(today=None) -> dict:
    today = today or clock.today()
    month = today.replace(day=1)
    periods = {(r.region_id, r.first_month, r.last_month) for r in db.session.scalars(
        select(TopicRun).where(TopicRun.last_month >= add_months(month, -1), TopicRun.first_month <= month))}
    offices = db.session.scalars(select(StaffRole.region_id).where(StaffRole.role == "office",
                                                                   StaffRole.region_id.is_not(None)).distinct())
    default_first = add_months(month, 1 - DEFAULT_MONTHS)
    periods |= {(region_id, default_first, month) for region_id in offices}
    done = 0
    for region_id, first, last in sorted(periods):
        region = db.session.get(Region, region_id)
        if region is None:
            continue
        compute(region, first, last)
        checkpoint()
        done += 1
    return {"periods": done}


@with_app
def recompute_topics() -> dict:
    return recompute()
