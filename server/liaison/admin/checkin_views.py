"""Check-ins at a station (进站签到): the list on the station page, and staff confirming
the unverified ones (scanned far from the station or without a location)."""
from __future__ import annotations

from flask import g, url_for
from sqlalchemy import select

from ..core import clock
from ..core.auth import current_user
from ..core.clock import CHINA
from ..core.db import db
from ..reception import attendance
from ..reception.models import CheckIn
from ..reception.serialize import deputy_names, verification
from .blueprint import bp
from .common import PageError, done, staff_required
from .scopes import station_for

MAX_PENDING, RECENT_VERIFIED = 50, 10


def station_check_ins(station_id: int) -> dict:
    """``{"pending": [...], "recent": [...]}``: every unverified check-in (newest first, at
    most 50) and the latest verified ones, as rows for the station page."""
    newest = (CheckIn.day.desc(), CheckIn.id.desc())
    pending = list(db.session.execute(select(CheckIn).where(
        CheckIn.station_id == station_id, CheckIn.verified.is_(False)).order_by(*newest).limit(MAX_PENDING)).scalars())
    recent = list(db.session.execute(select(CheckIn).where(
        CheckIn.station_id == station_id, CheckIn.verified.is_(True)).order_by(*newest).limit(RECENT_VERIFIED)).scalars())
    names = deputy_names(c.deputy_id for c in pending + recent)

    def row(c: CheckIn) -> dict:
        return {"id": c.id, "deputy": names.get(c.deputy_id, ""), "date": c.day,
                "time": c.at.astimezone(CHINA).strftime("%H:%M"), "text": verification(c)}

    return {"pending": [row(c) for c in pending], "recent": [row(c) for c in recent]}


@bp.post("/check-ins/<int:check_in_id>/confirm")
@staff_required
def check_in_confirm(check_in_id):
    """Staff of the station (or the NPC office above it) confirm the deputy was there."""
    row = db.session.get(CheckIn, check_in_id)
    if row is None:
        raise PageError(404, "没有找到这条进站记录。")
    st = station_for(g.scope, row.station_id)
    attendance.confirm(row, current_user(), clock.now())
    return done("已确认，这次进站计入履职积分", url_for("admin.station", station_id=st.id) + "#check-ins")
