"""Stations: list, details and edit, the station code, the reception plan."""
from __future__ import annotations

from flask import g, render_template, request, url_for
from sqlalchemy import select

from ..codes.access import require_code
from ..codes.models import Code
from ..codes.operations import rotate_code
from ..core.auth import current_user
from ..core.db import db
from ..core.errors import ApiError, DomainError
from ..core import clock
from ..places.models import STATION_KIND_LABELS, Membership
from ..places.schedule import describe
from ..places.serialize import region_paths, station_members
from ..places import operations as place_ops
from ..reception.jobs import PLANNING_MONTH
from ..reception.operations import generate_year
from .checkin_views import station_check_ins
from .blueprint import bp
from .common import done, failed, form_text, staff_required
from .scopes import office_regions, scope_title, station_for, stations_in_scope

WEEKDAYS = [(1, "周一"), (2, "周二"), (3, "周三"), (4, "周四"), (5, "周五"), (6, "周六"), (7, "周日")]
MARKET_DAYS = [(i, f"逢{'一二三四五六七八九十'[i - 1]}") for i in range(1, 11)]


def active_code(kind: str, target_id: int) -> Code | None:
    column = Code.station_id if kind == "station" else Code.deputy_id
    return db.session.execute(select(Code).where(Code.kind == kind, column == target_id,
                                                 Code.status == "active")).scalars().first()


@bp.get("/stations")
@staff_required
def stations():
    q = (request.args.get("q") or "").strip()[:50]
    items = stations_in_scope(g.scope, q)
    paths = region_paths({s.region.id: s.region for s in items}.values())
    return render_template("admin/stations.html", items=items, q=q, paths=paths,
                           kinds=STATION_KIND_LABELS, regions=office_regions(g.scope),
                           scope_title=scope_title(g.scope))


@bp.get("/stations/<int:station_id>")
@staff_required
def station(station_id):
    st = station_for(g.scope, station_id)
    members = station_members(st.id, clock.today())
    kinds = dict(db.session.execute(select(Membership.deputy_id, Membership.kind).where(
        Membership.station_id == st.id)).all())
    return render_template("admin/station.html", st=st, members=members, member_kinds=kinds,
                           plan_lines=describe(st.reception_plan), code=active_code("station", st.id),
                           path=region_paths([st.region])[st.region.id], kinds=STATION_KIND_LABELS,
                           check_ins=station_check_ins(st.id),
                           is_office=bool(office_regions(g.scope)), scope_title=scope_title(g.scope))


@bp.post("/stations/<int:station_id>")
@staff_required
def station_save(station_id):
    st = station_for(g.scope, station_id)
    target = url_for("admin.station", station_id=st.id)
    values = {key: form_text(key, 2000 if key == "notice" else 255)
              for key in ("name", "kind", "address", "open_hours", "master_name", "phone", "notice")}
    values.update({key: form_text(key, 30) for key in ("latitude", "longitude") if key in request.form})
    try:
        place_ops.update_station(st, values, actor=current_user())
    except place_ops.PlaceError as exc:
        return failed(exc.message, target + "#edit")
    return done("联络站信息已保存", target)


def code_action(code_id: int, operation, message: str):
    """Rotate or revoke a code from a form, then go back to the page it came from."""
    code = db.session.get(Code, code_id)
    back = request.form.get("back") or url_for("admin.stations")
    back = back if back.startswith("/admin/") else url_for("admin.stations")
    if code is None:
        return failed("没有找到这个码", back)
    try:
        require_code(g.scope, code)
        operation(code.id, current_user())
    except DomainError as exc:
        return failed(exc.message, back)
    return done(message, back)


@bp.post("/codes/<int:code_id>/rotate")
@staff_required
def code_rotate(code_id):
    """Regenerate a station or deputy code (the old posters then say 'use the new one')."""
    return code_action(code_id, rotate_code, "已生成新码。旧海报扫码会提示更换，请尽快张贴新海报。")


@bp.get("/stations/<int:station_id>/reception")
@staff_required
def reception(station_id):
    from ..reception.models import ReceptionDay

    st = station_for(g.scope, station_id)
    plan = st.reception_plan or {}
    days = list(db.session.execute(select(ReceptionDay).where(
        ReceptionDay.station_id == st.id, ReceptionDay.date >= clock.today())
        .order_by(ReceptionDay.date).limit(12)).scalars())
    from ..reception.operations import booked_count

    return render_template("admin/reception.html", st=st, plan=plan, plan_lines=describe(plan),
                           members=station_members(st.id, clock.today()), days=days,
                           booked=booked_count(d.id for d in days),
                           weekdays=WEEKDAYS, market_days=MARKET_DAYS, year=clock.today().year,
                           december=clock.today().month == PLANNING_MONTH,
                           scope_title=scope_title(g.scope))


@bp.get("/stations/<int:station_id>/reception/<int:day_id>")
@staff_required
def reception_day(station_id, day_id):
    """Who booked this reception day (the list the deputies on duty see too)."""
    from ..reception.bookings import day_bookings

    st = station_for(g.scope, station_id)
    day, items = day_bookings(current_user(), day_id)
    if day.station_id != st.id:
        raise ApiError(404, "reception_day_not_found", "没有找到这个接待日")
    return render_template("admin/reception_day.html", st=st, day=day, items=items,
                           scope_title=scope_title(g.scope))


def _ints(name: str) -> list[int]:
    values = []
    for raw in request.form.getlist(name):
        for part in raw.replace("，", ",").replace("、", ",").split(","):
            part = part.strip()
            if part:
                values.append(int(part) if part.isdigit() else -1)
    return values


def _int(name: str, default: int) -> int:
    value = (request.form.get(name) or "").strip()
    return int(value) if value.isdigit() else (default if not value else -1)


def _generate_years(st, today) -> str:
    """This year's remaining days from the new plan and, once the December job plans next
    year (reception.jobs.PLANNING_MONTH), next year's too: a plan saved on 20 December
    would otherwise leave no bookable day until somebody presses 生成明年."""
    years = [today.year] + ([today.year + 1] if today.month == PLANNING_MONTH else [])
    made = [(y, generate_year(st, y, today, replace=True)["created"]) for y in years]
    return "已生成" + "、".join(f"{y}年接待日 {n} 个" for y, n in made)


@bp.post("/stations/<int:station_id>/reception")
@staff_required
def reception_save(station_id):
    from ..reception.operations import save_plan

    st = station_for(g.scope, station_id)
    target = url_for("admin.reception", station_id=st.id)
    data = {"monthly_days": _ints("monthly_days"), "weekdays": _ints("weekdays"),
            "market_days": _ints("market_days"), "start": form_text("start", 5),
            "end": form_text("end", 5), "capacity": _int("capacity", 10),
            "rota": _ints("rota"), "per_day": _int("per_day", 1)}
    try:
        save_plan(st, data, clock.today())
        if request.form.get("generate") == "1":
            return done("接待安排已保存，" + _generate_years(st, clock.today()), target)
    except DomainError as exc:
        return failed(exc.message, target)
    return done("接待安排已保存", target)
