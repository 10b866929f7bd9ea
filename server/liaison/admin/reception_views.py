"""The station's reception pages beyond the plan: next year's days from the plan, and
recording a reception held (接待登记) with the day's check-ins.

Recording is ``reception.attendance.record_reception``, as ``POST
/api/v1/stations/<id>/reception-records``: every deputy named gets that day's
check-in, and naming a deputy whose scan was unverified confirms it.
"""
from __future__ import annotations

from datetime import date

from flask import g, render_template, request, url_for
from sqlalchemy import select

from ..core.auth import current_user
from ..core.db import db
from ..core.errors import DomainError
from ..core import clock
from ..core.clock import CHINA
from ..places.schedule import describe
from ..places.serialize import station_members
from ..reception import attendance
from ..reception.models import CheckIn, ReceptionRecord
from ..reception.operations import generate_year
from ..reception.serialize import deputy_names, verification
from .blueprint import bp
from .common import done, failed, staff_required
from .scopes import scope_title, station_for

MAX_COUNT = 100000


@bp.post("/stations/<int:station_id>/reception/year")
@staff_required
def reception_year(station_id):
    """Generate a year's reception days from the plan (this year's rest, or next year's)."""
    st = station_for(g.scope, station_id)
    target = url_for("admin.reception", station_id=st.id)
    today = clock.today()
    raw = (request.form.get("year") or "").strip()
    if raw not in (str(today.year), str(today.year + 1)):
        return failed(f"只能生成{today.year}年或{today.year + 1}年的接待日", target)
    if not describe(st.reception_plan):
        return failed("请先设置接待安排（固定接待日）", target)
    result = generate_year(st, int(raw), today)
    return done(f"已生成{raw}年接待日 {result['created']} 个" +
                (f"，已有的 {result['kept']} 个保留不变" if result["kept"] else ""), target)


def _day_arg(value: str | None, today: date) -> date:
    try:
        day = date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return today
    return day if date(2000, 1, 1) <= day <= today else today


def _count(name: str) -> int | None:
    value = (request.form.get(name) or "").strip() or "0"
    return int(value) if value.isdigit() and int(value) <= MAX_COUNT else None


@bp.get("/stations/<int:station_id>/reception/records")
@staff_required
def reception_records(station_id):
    """The record form for one day (default today) with that day's check-ins, and the year's records."""
    st = station_for(g.scope, station_id)
    today = clock.today()
    day = _day_arg(request.args.get("date"), today)
    check_ins = list(db.session.execute(select(CheckIn).where(
        CheckIn.station_id == st.id, CheckIn.day == day).order_by(CheckIn.at, CheckIn.id)).scalars())
    records = list(db.session.execute(select(ReceptionRecord).where(
        ReceptionRecord.station_id == st.id, ReceptionRecord.date >= date(day.year, 1, 1),
        ReceptionRecord.date <= date(day.year, 12, 31)).order_by(ReceptionRecord.date.desc())).scalars())
    names = deputy_names([c.deputy_id for c in check_ins] + [i for r in records for i in r.deputy_ids or []])
    members = station_members(st.id, today)
    known = {m.id for m in members}
    scanned = [{"deputy_id": c.deputy_id, "deputy": names.get(c.deputy_id, ""), "verified": c.verified,
                "time": c.at.astimezone(CHINA).strftime("%H:%M"), "text": verification(c),
                "linked": c.reception_record_id is not None} for c in check_ins]
    extra = [s for s in scanned if s["deputy_id"] not in known]  # sat here that day, gone since
    return render_template("admin/reception_records.html", st=st, day=day, today=today, members=members,
                           extra=extra, scanned=scanned, checked={c.deputy_id for c in check_ins},
                           recorded=next((r for r in records if r.date == day), None), records=records,
                           names=names, scope_title=scope_title(g.scope))


@bp.post("/stations/<int:station_id>/reception/records")
@staff_required
def reception_record_save(station_id):
    st = station_for(g.scope, station_id)
    raw = (request.form.get("date") or "").strip()[:10]
    target = url_for("admin.reception_records", station_id=st.id, date=raw or None)
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return failed("请填写接待日期，例如 2026-12-15", url_for("admin.reception_records", station_id=st.id))
    residents, opinions = _count("residents"), _count("opinions_registered")
    if residents is None or opinions is None:
        return failed("接待群众人数、登记意见件数应为 0 或正整数", target)
    deputy_ids = [int(v) for v in request.form.getlist("deputy_ids") if v.strip().isdigit()]
    values = {"date": day, "residents": residents, "opinions_registered": opinions, "deputy_ids": deputy_ids,
              "note": (request.form.get("note") or "").strip()[:2000]}
    try:
        record = attendance.record_reception(st, current_user(), values, clock.now())
    except DomainError as exc:
        return failed(exc.message, target)
    present = "、".join(deputy_names(record.deputy_ids).get(i, "") for i in record.deputy_ids) or "无代表"
    return done(f"已登记{day.month}月{day.day}日的接待：群众 {record.residents} 人，"
                f"登记意见 {record.opinions_registered} 件，到场代表：{present}", target)
