"""Similar cases and suggested routing over HTTP (``insight.similar``, ``insight.routing``).

Both answer the staff who run the opinion's station (its liaison and master, the NPC
office over it: ``places.scopes.can_manage_station``); anyone else who may see the
opinion gets a 403, anyone who may not a 404, as the opinion routes do.
"""
from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import Float, Integer, List, Nested, String

from ..core.auth import current_user
from ..core.db import db
from ..core.errors import ApiError
from ..opinions.access import get_visible, viewer_for
from ..places.models import Station
from ..places.scopes import can_manage_station
from . import routing, similar

bp = APIBlueprint("insight_routing", __name__, url_prefix="/api/v1", tag="类案与分办建议")
AUTH = {"security": "BearerAuth"}
RESPONSES = {403: "只有本站工作人员和人大工委可以查看", 404: "意见不存在或无权查看"}
STAFF_ONLY = ("forbidden", "只有本联络站工作人员和人大工委可以查看")


def register(app) -> None:
    app.register_blueprint(bp)


class SimilarItem(Schema):
    id = Integer(required=True)
    number = String(required=True)
    score = Float(required=True, metadata={"description": "余弦相似度（0–1）"})
    summary = String(required=True)
    state = String(required=True)
    reply = String(required=True, allow_none=True, metadata={"description": "该件给群众的答复，未答复为 null"})


class SimilarOut(Schema):
    items = List(Nested(SimilarItem), required=True)


class CategoryGuess(Schema):
    key = String(required=True)
    label = String(required=True)
    confidence = Float(required=True)
    reasons = List(String(), required=True)


class UnitGuess(Schema):
    id = Integer(required=True)
    name = String(required=True)
    confidence = Float(required=True)
    reasons = List(String(), required=True)


class SuggestionOut(Schema):
    category = Nested(CategoryGuess, required=True, allow_none=True)
    unit = Nested(UnitGuess, required=True, allow_none=True)


def staff_opinion(opinion_id: int):
    """The opinion, for the staff running its station (404 / 403 otherwise)."""
    viewer = viewer_for(current_user())
    opinion = get_visible(viewer, opinion_id)
    if not can_manage_station(viewer.scope, db.session.get(Station, opinion.station_id)):
        raise ApiError(403, *STAFF_ONLY)
    return viewer, opinion


@bp.get("/opinions/<int:opinion_id>/similar")
@bp.output(SimilarOut)
@bp.doc(summary="类案参考：本区域较早登记的相似意见及其答复（最多 5 件）", **AUTH, responses=RESPONSES)
def similar_cases(opinion_id):
    viewer, opinion = staff_opinion(opinion_id)
    return {"items": similar.similar(viewer, opinion)}


@bp.get("/opinions/<int:opinion_id>/suggestion")
@bp.output(SuggestionOut)
@bp.doc(summary="分办建议：按本区域以往的受理和交办给出的分类和主办单位（把握不足时为 null）",
        **AUTH, responses=RESPONSES)
def suggestion(opinion_id):
    _viewer, opinion = staff_opinion(opinion_id)
    return routing.suggest_for(opinion)
