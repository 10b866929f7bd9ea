"""The NPC office's topics page: ``/reports/regions/<id>/topics`` (民意研判), beside the
region report and drawn the same way (server-rendered, the chart by ECharts)."""
from __future__ import annotations

import re

from flask import Blueprint, render_template, request
from sqlalchemy import select

from ..core.db import db
from ..core.errors import DomainError
from ..opinions.models import Opinion
from ..stats import access
from ..stats.schemas import MONTH_ERROR, MONTH_PATTERN
from ..stats.views import report_login
from .api import period_of
from .report import trend_text
from .topics import summary, topics_for

def _bad_request(message: str):
    """A query value the page cannot use: say so in Chinese (never a 500)."""
    return render_template("stats/denied.html", message=message, demo_login=None), 400


bp = Blueprint("insight_pages", __name__, url_prefix="/reports", template_folder="templates",
               static_folder="static", static_url_path="/insight-static")


@bp.get("/regions/<int:region_id>/topics")
@report_login
def topics(user, region_id):
    region = access.get_region(region_id)
    access.require_region(region, user)
    values = {}
    for name in ("from", "to"):
        value = (request.args.get(name) or "").strip()
        if value and not re.match(MONTH_PATTERN, value):
            return _bad_request(MONTH_ERROR)
        values[name] = value or None
    try:
        first, last = period_of(values["from"], values["to"])
        data = topics_for(region, first, last)
    except DomainError as err:  # from after to, too long: a 400 page (the API's 422 names the field)
        return _bad_request(err.message)
    ids = [i for t in data["topics"] for i in t["opinion_ids"]]
    opinions = {o.id: o for o in db.session.execute(
        select(Opinion.id, Opinion.number, Opinion.text).where(Opinion.id.in_(ids)))} if ids else {}
    listed = {t["id"]: [{"id": i, "number": opinions[i].number, "summary": summary(opinions[i].text)}
                        for i in t["opinion_ids"] if i in opinions] for t in data["topics"]}
    return render_template("insight/topics.html", region=region, data=data, listed=listed, trend_text=trend_text,
                           first=data["from"], last=data["to"])
