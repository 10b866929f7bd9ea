"""Draft-law consultations (立法意见征集) for the NPC office: list, publish (paste or upload,
with a preview of the recognised articles), the comments per article, hide, close, the
exports and the outcome. The pages call the same operations as the API
(``consultations.operations``), so the reach and the audit rows are the same on both.
"""
from __future__ import annotations

from datetime import date

from flask import g, render_template, request, url_for
from sqlalchemy import select

from ..consultations import access, articles, operations, serialize, upload
from ..consultations.api import listing
from ..core import clock
from ..core.auth import current_user
from ..core.db import db
from ..core.errors import DomainError
from ..places.models import Region, Station
from ..places.scopes import region_clause, station_clause
from .blueprint import bp
from .common import PageError, done, failed, form_text, staff_required
from .scopes import scope_title

OFFICE_ONLY = "只有人大工委可以发布和管理意见征集。"


def _office():
    if not g.scope.region_ids:
        raise PageError(403, OFFICE_ONLY)
    return current_user()


def _managed(consultation_id: int):
    user = _office()
    c = db.session.get(access.Consultation, consultation_id)
    if c is None or not access.can_manage(g.scope, c):
        raise PageError(404, "没有找到这个意见征集，或它不是本人大工委发布的。")
    return user, c


def _choices() -> dict:
    stations = db.session.execute(select(Station.id, Station.name).where(
        station_clause(g.scope), Station.active.is_(True)).order_by(Station.name)).all()
    regions = [(r.id, r.full_name()) for r in db.session.scalars(
        select(Region).where(region_clause(g.scope)).order_by(Region.path))]
    return {"stations": stations, "regions": regions}


def _ids(name: str) -> list[int]:
    return sorted({int(v) for v in request.form.getlist(name) if v.strip().isdigit() and len(v) < 10})


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(form_text(name, 10)) if form_text(name, 10) else None
    except ValueError:
        return None


@bp.get("/consultations")
@staff_required
def consultations():
    _office()
    items = [serialize.brief(c) for c in listing(g.scope, state="all", managed_only=True)]
    return render_template("admin/consultations.html", scope_title=scope_title(g.scope), items=items)


def _form_page(form: dict, preview=None, error: str = "", status: int = 200):
    return render_template("admin/consultation_new.html", scope_title=scope_title(g.scope), form=form,
                           preview=preview, error=error, today=clock.today(), **_choices()), status


@bp.get("/consultations/new")
@staff_required
def consultation_new():
    _office()
    return _form_page({"station_ids": [], "region_ids": []})


@bp.post("/consultations/new")
@staff_required
def consultation_create():
    user = _office()
    form = {"title": form_text("title", 200), "summary": form_text("summary", 5000),
            "text": (request.form.get("text") or "")[:articles.MAX_TEXT + 1],
            "opens_on": form_text("opens_on", 10), "closes_on": form_text("closes_on", 10),
            "station_ids": _ids("station_ids"), "region_ids": _ids("region_ids")}
    try:
        source = request.files.get("file")
        if source is not None and source.filename:
            form["text"] = upload.read_text(source.filename, source.read(upload.MAX_BYTES + 1))
        draft = articles.split(form["text"])
        if request.form.get("action") != "publish":
            return _form_page(form, preview=draft)
        if not form["closes_on"] or _date("closes_on") is None:
            return _form_page(form, preview=draft, error="请选择截止日期", status=422)
        if form["opens_on"] and _date("opens_on") is None:
            return _form_page(form, preview=draft, error="开始日期不正确", status=422)
        c = operations.publish(user, g.scope, {**form, "opens_on": _date("opens_on"), "closes_on": _date("closes_on")})
    except DomainError as exc:
        return _form_page(form, error=exc.message, status=exc.status if exc.status < 500 else 422)
    return done(f"已发布意见征集“{c.title}”", url_for("admin.consultation", consultation_id=c.id))


@bp.get("/consultations/<int:consultation_id>")
@staff_required
def consultation(consultation_id):
    user, c = _managed(consultation_id)
    data = serialize.full(c, user, g.scope)
    by_article: dict = {}
    for x in data["comments"]:
        by_article.setdefault(x["article"], []).append(x)
    return render_template("admin/consultation.html", scope_title=scope_title(g.scope), c=data,
                           by_article=by_article)


@bp.post("/consultations/<int:consultation_id>/close")
@staff_required
def consultation_close(consultation_id):
    user, c = _managed(consultation_id)
    target = url_for("admin.consultation", consultation_id=c.id)
    try:
        operations.close(user, c)
    except DomainError as exc:
        return failed(exc.message, target)
    return done("意见征集已结束，可以导出意见汇总", target)


@bp.post("/consultations/<int:consultation_id>/comments/<int:comment_id>/hide")
@staff_required
def consultation_hide(consultation_id, comment_id):
    user, c = _managed(consultation_id)
    target = url_for("admin.consultation", consultation_id=c.id)
    try:
        operations.hide(user, c, comment_id, form_text("reason", 255))
    except DomainError as exc:
        return failed(exc.message, target + f"#comment-{comment_id}")
    return done("已隐藏，提出人会收到通知", target + f"#comment-{comment_id}")


@bp.post("/consultations/<int:consultation_id>/outcome")
@staff_required
def consultation_outcome(consultation_id):
    user, c = _managed(consultation_id)
    target = url_for("admin.consultation", consultation_id=c.id)
    try:
        operations.publish_outcome(user, c, (request.form.get("text") or "")[:20_001])
    except DomainError as exc:
        return failed(exc.message, target + "#outcome")
    return done("已公布意见采纳情况，提出意见的人会收到通知", target + "#outcome")
