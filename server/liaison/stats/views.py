"""Report pages for the NPC office (server-rendered, charts by ECharts served locally).

``/reports/`` opens the report of the user's own region; the pages use the same
functions as ``/api/v1/stats/...``, so a page's table and the API always agree.
"""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from ..core.auth import UserBlocked, current_user
from ..core.errors import ApiError
from . import access
from .duty import duty_record
from .flags import INVISIBLE, STATION_FLAGS
from .league import league_table
from .queries import region_report
from .scoring import POINT_LABELS
from .api import month_arg, period, today

bp = Blueprint("stats_pages", __name__, url_prefix="/reports", template_folder="templates",
               static_folder="static", static_url_path="/static")


def _user():
    try:
        return current_user(optional=True)
    except UserBlocked:
        raise
    except ApiError:
        return None


def _denied(status: int, message: str):
    demo = current_app.config.get("DEMO_MODE")
    login = url_for("web_auth.demo_login", openid="demo-office", next=request.full_path.rstrip("?")) if demo else None
    return render_template("stats/denied.html", message=message, demo_login=login), status


@bp.errorhandler(UserBlocked)
def _blocked(exc: UserBlocked):
    return render_template("stats/denied.html", message=exc.message, demo_login=None), exc.status


def _guard(check):
    user = _user()
    if user is None:
        return None, _denied(401, "请先登录后查看报表")
    try:
        check(user)
    except ApiError as err:
        return None, _denied(err.status, err.message)
    return user, None


@bp.get("/")
def index():
    user = _user()
    if user is None:
        return _denied(401, "请先登录后查看报表")
    regions = access.visible_regions(user)
    if not regions:
        return _denied(403, "只有人大工委可以查看区域报表")
    return redirect(url_for("stats_pages.region", region_id=regions[0].id))


@bp.get("/regions/<int:region_id>")
def region(region_id):
    reg = access.get_region(region_id)
    _, denied = _guard(lambda u: access.require_region(reg, u))
    if denied:
        return denied
    try:
        month = month_arg(request.args.get("month"))
    except ValueError:
        month = month_arg(None)
    data = region_report(reg, month, today(), 50)
    return render_template("stats/region.html", data=data, region=reg, station_flags=STATION_FLAGS,
                           invisible=INVISIBLE, labels=data["flag_labels"])


@bp.get("/regions/<int:region_id>/league")
def league(region_id):
    reg = access.get_region(region_id)
    _, denied = _guard(lambda u: access.require_region(reg, u))
    if denied:
        return denied
    kind = "station" if request.args.get("kind") == "station" else "deputy"
    try:
        first, last = period({"start": request.args.get("from"), "end": request.args.get("to")})
    except (ValueError, ApiError, HTTPException):
        first, last = period({})
    table = league_table(reg, kind, first, last, today(), too_few_limit=100)
    return render_template("stats/league.html", table=table, region=reg)


@bp.get("/deputies/<int:deputy_id>")
def deputy(deputy_id):
    dep = access.get_deputy(deputy_id)
    _, denied = _guard(lambda u: access.require_deputy(dep, u))
    if denied:
        return denied
    year = request.args.get("year", type=int) or today().year
    record = duty_record(dep, year, today())
    return render_template("stats/deputy.html", record=record, point_labels=POINT_LABELS)
