"""Deputies: details and edit, moving between stations, their personal code."""
from __future__ import annotations

from flask import g, render_template, request, url_for

from ..codes.operations import revoke_code
from ..core.auth import current_user
from ..core.db import db
from ..core.errors import DomainError
from ..places.scopes import is_home_office
from ..places.models import DEPUTY_LEVEL_LABELS, DEPUTY_LEVELS, Deputy, Station
from ..places import operations as place_ops
from .blueprint import bp
from .common import PageError, done, failed, form_int, form_text, staff_required
from .scopes import deputy_in_scope, scope_title, station_for, stations_in_scope
from .station_views import active_code, code_action


def _deputy(deputy_id: int) -> Deputy:
    deputy = db.session.get(Deputy, deputy_id)
    if deputy is None or not deputy_in_scope(g.scope, deputy_id):
        raise PageError(404, "没有找到这位代表，或他（她）不在您负责的联络站。")
    return deputy


@bp.get("/deputies/<int:deputy_id>")
@staff_required
def deputy(deputy_id):
    d = _deputy(deputy_id)
    memberships = place_ops.current_memberships(d.id)
    stations = {s.id: s for s in db.session.query(Station).filter(
        Station.id.in_([m.station_id for m in memberships] or [0]))}
    return render_template(
        "admin/deputy.html", d=d, memberships=memberships, stations=stations,
        choices=stations_in_scope(g.scope), levels=[(lv, DEPUTY_LEVEL_LABELS[lv]) for lv in DEPUTY_LEVELS],
        membership_kinds=place_ops.MEMBERSHIP_KINDS, code=active_code("deputy", d.id),
        from_station=request.args.get("from", type=int), scope_title=scope_title(g.scope))


@bp.post("/deputies/<int:deputy_id>")
@staff_required
def deputy_save(deputy_id):
    d = _deputy(deputy_id)
    target = url_for("admin.deputy", deputy_id=d.id)
    values = {key: form_text(key, 120) for key in ("name", "work_unit", "post", "phone", "email")}
    values.update(levels=request.form.getlist("levels"), is_official=request.form.get("is_official") == "1",
                  is_senior_official=request.form.get("is_senior_official") == "1")
    try:
        place_ops.update_deputy(d, values, actor=current_user(), may_change_phone=is_home_office(g.scope, d.id))
    except place_ops.PlaceError as exc:
        return failed(exc.message, target + "#edit")
    return done("代表信息已保存", target)


@bp.post("/deputies/<int:deputy_id>/photo")
@staff_required
def deputy_photo(deputy_id):
    """Upload the deputy's photo (stored at the card's print size)."""
    from ..places.photos import store_deputy_photo

    d = _deputy(deputy_id)
    target = url_for("admin.deputy", deputy_id=d.id)
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return failed("请先选择一张照片", target)
    try:
        store_deputy_photo(d, upload.read())
    except DomainError as exc:
        return failed(exc.message, target)
    return done("照片已更新，代表联系卡会使用新照片", target)


@bp.post("/deputies/<int:deputy_id>/move")
@staff_required
def deputy_move(deputy_id):
    """Move (or add) the deputy to another station the staff member runs."""
    d = _deputy(deputy_id)
    target = url_for("admin.deputy", deputy_id=d.id)
    to_id, from_id = form_int("to_station_id"), form_int("from_station_id")
    if to_id is None:
        return failed("请选择要调入的联络站", target + "#move")
    to_station = station_for(g.scope, to_id)
    if from_id is not None:
        station_for(g.scope, from_id)  # the station left must be one of theirs too
    try:
        place_ops.move_deputy(d, from_id, to_station, form_text("kind", 10) or "home",
                             actor=current_user())
    except place_ops.PlaceError as exc:
        return failed(exc.message, target + "#move")
    verb = "调整到" if from_id else "加入"
    return done(f"{d.name}已{verb}{to_station.name}", target)


@bp.post("/deputies/<int:deputy_id>/leave")
@staff_required
def deputy_leave(deputy_id):
    d = _deputy(deputy_id)
    station_id = form_int("station_id")
    target = url_for("admin.deputy", deputy_id=d.id)
    if station_id is None:
        return failed("请选择联络站", target)
    station = station_for(g.scope, station_id)
    try:
        place_ops.end_membership(d, station.id, actor=current_user())
    except place_ops.PlaceError as exc:
        return failed(exc.message, target)
    return done(f"{d.name}已不再驻{station.name}", url_for("admin.station", station_id=station.id))


@bp.post("/codes/<int:code_id>/revoke")
@staff_required
def code_revoke(code_id):
    """Stop a deputy's personal code (e.g. the deputy's term ended)."""
    return code_action(code_id, revoke_code, "这个码已停用，扫码将提示已停用。")
