"""Topics API: ``GET /api/v1/stats/regions/<id>/topics`` (the NPC office of the region or above)."""
from __future__ import annotations

from apiflask import APIBlueprint

from ..core import clock
from ..stats import access
from ..stats.figures import add_months, parse_month
from .schemas import TopicsOut, TopicsQuery
from .topics import DEFAULT_MONTHS, topics_for

bp = APIBlueprint("insight", __name__, url_prefix="/api/v1/stats", tag="民意研判")
AUTH = {"security": "BearerAuth"}


def register(app) -> None:
    app.register_blueprint(bp)
    from ..core.errors import page_layout
    from ..stats.views import page_context
    from .views import bp as pages

    app.register_blueprint(pages)
    page_layout(app, pages.name, "stats/denied.html", page_context)


def period_of(start: str | None, end: str | None):
    """(first, last) months: ``to`` defaults to this month, ``from`` to two months before
    ``to`` (three months in all)."""
    last = parse_month(end, clock.today())
    first = parse_month(start, last) if start else add_months(last, 1 - DEFAULT_MONTHS)
    return first, last


@bp.get("/regions/<int:region_id>/topics")
@bp.output(TopicsOut)
@bp.input(TopicsQuery, location="query")
@bp.doc(summary="民意研判：区域内各联络站反复出现的话题（标签、关键词、意见数、涉及站点、与上一时段相比的变化、示例意见）",
        **AUTH)
def topics(region_id, query_data):
    region = access.get_region(region_id)
    access.require_region(region)
    first, last = period_of(query_data.get("start"), query_data.get("end"))
    return topics_for(region, first, last)
