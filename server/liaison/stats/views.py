"""Report pages for the NPC office (server-rendered, charts by ECharts served locally).

``/reports/`` opens the report of the user's own region; the pages use the same
functions as ``/api/v1/stats/...``, so a page's table and the API always agree.
"""
from __future__ import annotations

import re

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from ..core import clock
from ..core.errors import DomainError
from ..core.pagelogin import page_login
from . import access
from .duty import duty_record
from .flags import INVISIBLE, STATION_FLAGS
from .league import league_table
from .queries import region_report
from .refresh import refresh as rebuild
from .scoring import POINT_LABELS
from .sections import sections_for
from .api import month_arg, period
from .schemas import FIRST_YEAR, LAST_YEAR, MONTH_ERROR, MONTH_PATTERN, YEAR_ERROR

bp = Blueprint("stats_pages", __name__, url_prefix="/reports", template_folder="templates",
               static_folder="static", static_url_path="/static")


def _demo_login():
    """In the demo, a link that logs in as the NPC office and comes back here."""
    if not current_app.config.get("DEMO_MODE"):
        return None
    return url_for("web_auth.demo_login", openid="demo-office", next=request.full_path.rstrip("?"))


def _denied(status: int, message: str):
    return render_template("stats/denied.html", message=message, demo_login=_demo_login()), status


def page_context(err) -> dict:
    """What ``stats/denied.html`` adds to a refusal (``core.errors.page_layout``): the demo's
    login link when another login would help (not for a blocked account)."""
    helps = err.status in (401, 403) and err.code != "user_blocked"
    return {"demo_login": _demo_login() if helps else None}


def _ask_to_log_in():
    return _denied(401, "请先登录后查看报表")


report_login = page_login(_ask_to_log_in, pass_user=True)


def _bad_request(message: str):
    """A page's query value we cannot use: say so in Chinese (never a 500)."""
    return render_template("stats/denied.html", message=message, demo_login=None), 400


def _month_value(name: str, values=None):
    """(the ``YYYY-MM`` value of query arg ``name`` (or of ``values``, e.g. the form) or None
    when absent, an error page or None)."""
    value = ((values if values is not None else request.args).get(name) or "").strip()
    if value and not re.match(MONTH_PATTERN, value):
        return None, _bad_request(MONTH_ERROR)
    return value or None, None


@bp.get("/")
@report_login
def index(user):
    regions = access.visible_regions(user)
    if not regions:
        return _denied(403, "只有人大工委可以查看区域报表")
    return redirect(url_for("stats_pages.region", region_id=regions[0].id))


@bp.get("/regions/<int:region_id>")
@report_login
def region(user, region_id):
    reg = access.get_region(region_id)
    access.require_region(reg, user)
    value, bad = _month_value("month")
    if bad:
        return bad
    month = month_arg(value)
    data = region_report(reg, month, clock.today(), 50)
    return render_template("stats/region.html", data=data, region=reg, station_flags=STATION_FLAGS,
                           invisible=INVISIBLE, labels=data["flag_labels"], sections=sections_for(reg, month))


@bp.post("/regions/<int:region_id>/refresh")
@report_login
def refresh(user, region_id):
    """The report page's 立即更新: rebuild the month now, then show the report again."""
    reg = access.get_region(region_id)
    access.require_region(reg, user)
    value, bad = _month_value("month", request.form)
    if bad:
        return bad
    month = month_arg(value)
    rebuild(month, month, clock.today(), reg)
    return redirect(url_for("stats_pages.region", region_id=reg.id, month=month.strftime("%Y-%m")), 303)


@bp.get("/regions/<int:region_id>/league")
@report_login
def league(user, region_id):
    reg = access.get_region(region_id)
    access.require_region(reg, user)
    kind = "station" if request.args.get("kind") == "station" else "deputy"
    start, bad = _month_value("from")
    end, bad = (None, bad) if bad else _month_value("to")
    if bad:
        return bad
    try:
        first, last = period({"start": start, "end": end})
    except DomainError as err:  # from after to: a 400 page here (the API's 422 names the field)
        return _bad_request(err.message)
    table = league_table(reg, kind, first, last, clock.today(), too_few_limit=100)
    return render_template("stats/league.html", table=table, region=reg)


@bp.get("/deputies/<int:deputy_id>")
@report_login
def deputy(user, deputy_id):
    dep = access.get_deputy(deputy_id)
    access.require_deputy(dep, user)
    raw = (request.args.get("year") or "").strip()
    if raw and not (raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR):
        return _bad_request(YEAR_ERROR)
    year = int(raw) if raw else clock.today().year
    record = duty_record(dep, year, clock.today())
    return render_template("stats/deputy.html", record=record, point_labels=POINT_LABELS)
