"""Handling units for the NPC office: list, add, edit, deactivate, merge, import from
Excel, and the blank import files (units and the roster).

The pages call the same operations as the API (``places.unit_ops``, ``unit_import``),
so the reach (units filed in the office's region subtree) and the audit rows are the
same on both.
"""
from __future__ import annotations

from flask import g, render_template, request, send_file, url_for
from sqlalchemy import select

from ..core.auth import current_user
from ..core.db import db
from ..core.errors import ApiError, DomainError
from ..places.scopes import region_clause
from ..places import unit_ops
from ..places.import_templates import roster_template, units_template
from ..places.models import Region
from ..places.unit_import import COLUMNS, import_units, read_unit_rows
from ..places.units import NOT_IN_REACH, UNIT_LEVEL_LABELS, region_names, unit_in_reach, units_in_reach
from .blueprint import bp
from .common import PageError, done, failed, form_int, form_text, staff_required
from .import_views import run_import
from .scopes import office_regions, scope_title

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFFICE_ONLY = "只有人大工委可以管理承办单位。"


def _office():
    if not g.scope.region_ids:
        raise PageError(403, OFFICE_ONLY)
    return current_user()


def _regions() -> list[tuple[int, str]]:
    regions = db.session.scalars(select(Region).where(region_clause(g.scope)).order_by(Region.path))
    return [(r.id, r.full_name()) for r in regions]


def _context(**extra) -> dict:
    return {"scope_title": scope_title(g.scope), "levels": UNIT_LEVEL_LABELS, **extra}


def _form_data(with_active: bool = False) -> dict:
    """The posted fields that are present (an edit form, or the deactivate button)."""
    data = {}
    for key in ("name", "contact"):
        if key in request.form:
            data[key] = form_text(key, 200)
    if "level" in request.form:
        data["level"] = form_text("level", 30)
    if "region_id" in request.form:
        data["region_id"] = form_int("region_id")
    if with_active and "active" in request.form:
        data["active"] = request.form.get("active") == "1"
    return data


def _message(exc: ApiError) -> str:
    fields = (exc.details or {}).get("fields") or {}
    extra = "；".join(m for msgs in fields.values() for m in msgs if m != exc.message)
    return exc.message + (f"（{extra}）" if extra else "")


@bp.get("/units")
@staff_required
def units():
    _office()
    q = (request.args.get("q") or "").strip()[:50]
    items = units_in_reach(g.scope, q)
    return render_template("admin/units.html", **_context(items=items, q=q, regions=_regions(),
                                                          region_names=region_names(items)))


@bp.post("/units")
@staff_required
def unit_create():
    user = _office()
    try:
        unit = unit_ops.create_unit(g.scope, user, _form_data())
    except DomainError as exc:
        return failed(_message(exc), url_for("admin.units") + "#new")
    return done(f"已添加承办单位“{unit.name}”", url_for("admin.unit", unit_id=unit.id))


@bp.get("/units/<int:unit_id>")
@staff_required
def unit(unit_id):
    _office()
    item = unit_in_reach(g.scope, unit_id)
    if item is None:
        raise PageError(404, NOT_IN_REACH + "。")
    others = [u for u in units_in_reach(g.scope, include_inactive=False) if u.id != item.id]
    return render_template("admin/unit.html", **_context(unit=item, regions=_regions(), others=others))


@bp.post("/units/<int:unit_id>")
@staff_required
def unit_update(unit_id):
    user = _office()
    target = url_for("admin.unit", unit_id=unit_id)
    try:
        item = unit_ops.update_unit(g.scope, user, unit_id, _form_data(with_active=True))
    except DomainError as exc:
        if exc.status == 404:
            raise PageError(404, NOT_IN_REACH + "。") from None
        return failed(_message(exc), target)
    if "active" in request.form:
        return done("已重新启用，交办时可以选择" if item.active else "已停用，交办时不再列出", target)
    return done("已保存", target)


@bp.post("/units/<int:unit_id>/merge")
@staff_required
def unit_merge(unit_id):
    user = _office()
    try:
        result = unit_ops.merge_units(g.scope, user, unit_id, form_int("into"))
    except DomainError as exc:
        if exc.status == 404 and unit_in_reach(g.scope, unit_id) is None:
            raise PageError(404, NOT_IN_REACH + "。") from None
        return failed(_message(exc), url_for("admin.unit", unit_id=unit_id) + "#merge")
    return done(f"已将“{result.source.name}”并入“{result.target.name}”：转移交办 {result.assignments} 条、"
                f"工作人员身份 {result.roles} 个，原单位已停用", url_for("admin.unit", unit_id=result.target.id))


@bp.route("/units/import", methods=["GET", "POST"])
@staff_required
def units_import():
    user = _office()
    return run_import("admin/unit_import.html", _context(columns=COLUMNS), "承办单位表",
                      lambda name, data: import_units(read_unit_rows(name, data), reach=g.scope, actor=user))


@bp.get("/units/import/template.xlsx")
@staff_required
def units_template_file():
    _office()
    return send_file(units_template(), mimetype=XLSX, as_attachment=True, download_name="承办单位导入模板.xlsx")


@bp.get("/import/template.xlsx")
@staff_required
def roster_template_file():
    if not office_regions(g.scope):
        raise PageError(403, "只有人大工委可以导入联络站和代表名册。")
    return send_file(roster_template(), mimetype=XLSX, as_attachment=True, download_name="联络站与代表名册导入模板.xlsx")
