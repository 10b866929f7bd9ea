"""Public pages: the code landing (/s/<token>, /d/<token>), stations, deputies, index.

These need no login: a station's address, reception days and deputies are public.
Summoning a deputy and submitting go through ``opinion_pages`` (login required).
"""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from sqlalchemy import select

from ..codes.resolve import resolve
from ..core.db import db
from ..core.errors import ApiError, DomainError
from ..places.models import STATION_KIND_LABELS, Deputy, Station
from ..places.serialize import deputy_detail, station_briefs, station_detail
from .auth import resident_user
from .blueprint import bp

CODE_PROBLEM_TITLES = {"code_not_found": "没有找到这个二维码", "code_revoked": "这个二维码已停用",
                       "code_rotated": "这个二维码已更换"}


def _station_page(station: dict, token: str | None = None, notice: str | None = None):
    from ..consultations.api import listing
    from ..consultations.serialize import brief
    from ..places.scopes import scope_of

    user = resident_user()
    consultations = [brief(c) for c in listing(scope_of(user), station_id=station["id"])]
    return render_template("h5/station.html", s=station, kinds=STATION_KIND_LABELS, token=token,
                           notice=notice, user=user, consultations=consultations)


def _deputy_page(deputy: dict, token: str | None = None, notice: str | None = None):
    return render_template("h5/deputy.html", d=deputy, token=token, notice=notice, user=resident_user())


def _code_problem(exc: ApiError, kind: str):
    """Unknown, replaced or stopped code: say so; a replaced code still leads on."""
    if exc.code == "code_rotated" and (exc.details or {}).get("token"):
        new = exc.details["token"]
        target = url_for("h5.station_code" if kind == "station" else "h5.deputy_code", token=new)
        return render_template("h5/code_problem.html", title=CODE_PROBLEM_TITLES[exc.code],
                               message=exc.message, next_url=target), 410
    return render_template("h5/code_problem.html", title=CODE_PROBLEM_TITLES.get(exc.code, "无法打开"),
                           message=exc.message, next_url=url_for("h5.index")), exc.status


def _landing(token: str, kind: str):
    try:
        found = resolve(token)  # counts the scan, like the mini-program's GET /api/v1/codes/<token>
    except DomainError as exc:
        if exc.status in (404, 410):
            return _code_problem(exc, kind)
        raise
    if found["kind"] == "station":
        return _station_page(found["station"], token=found["token"])
    return _deputy_page(found["deputy"], token=found["token"])


@bp.get("/s/<token>")
def station_code(token):
    return _landing(token, "station")


@bp.get("/d/<token>")
def deputy_code(token):
    return _landing(token, "deputy")


@bp.get("/h5/")
def index():
    """Find a station by name (for residents without a poster at hand)."""
    q = (request.args.get("q") or "").strip()[:50]
    stations = []
    if q:
        stations = station_briefs(db.session.execute(
            select(Station).where(Station.active.is_(True), Station.name.icontains(q, autoescape=True))
            .order_by(Station.name).limit(30)).scalars())
    return render_template("h5/index.html", q=q, stations=stations, user=resident_user())


@bp.get("/h5/stations/<int:station_id>")
def station(station_id):
    st = db.session.get(Station, station_id)
    if st is None or not st.active:
        raise ApiError(404, "station_not_found", "没有找到这个联络站")
    return _station_page(station_detail(st))


@bp.get("/h5/deputies/<int:deputy_id>")
def deputy(deputy_id):
    d = db.session.get(Deputy, deputy_id)
    if d is None or not d.active:
        raise ApiError(404, "deputy_not_found", "没有找到这位代表")
    return _deputy_page(deputy_detail(d))


@bp.get("/h5")
def index_no_slash():
    return redirect(url_for("h5.index"))
