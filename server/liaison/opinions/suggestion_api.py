"""Closed-session suggestions over HTTP (``suggestions``): the deputy's own list (我的建议)
and what became of each; staff and the NPC office record the handling unit's answer.

The routes join the opinions blueprint (login first)."""
from __future__ import annotations

from ..core.auth import current_user
from . import suggestions
from .access import viewer_for
from .api import AUTH, bp
from .schemas import SuggestionEnvelope, SuggestionListOut, SuggestionListQuery, SuggestionOutcomeIn


@bp.get("/suggestions")
@bp.input(SuggestionListQuery, location="query")
@bp.output(SuggestionListOut)
@bp.doc(summary="代表建议及其办理结果（最新的在前）", **AUTH,
        description="代表看到自己提出的建议；联络站工作人员和人大工委还看到本站（所辖区域）"
                    "意见转成的建议。mine=true 只列代表本人的。每条带来源意见（id、编号、摘要）、"
                    "状态和办理结果（outcome，未答复时为 null）。",
        responses={401: "未登录或登录过期"})
def list_suggestions(query_data):
    return suggestions.list_for(viewer_for(current_user()), mine=query_data["mine"],
                                page=query_data["page"], per_page=query_data["per_page"])


@bp.post("/suggestions/<int:suggestion_id>/outcome")
@bp.input(SuggestionOutcomeIn)
@bp.output(SuggestionEnvelope)
@bp.doc(summary="登记代表建议的办理结果（工作人员、人大工委）", **AUTH,
        description="记下答复的承办单位和答复内容，状态变为 answered（已答复），写入审计日志，"
                    "并通过站内消息和公众号模板消息告诉提出建议的代表。再次登记即更正。",
        responses={401: "未登录或登录过期", 403: "不是该站工作人员或所辖人大工委",
                   404: "建议不存在或无权查看", 422: "承办单位或办理结果未填写或过长"})
def record_outcome(suggestion_id, json_data):
    viewer = viewer_for(current_user())
    s = suggestions.record_outcome(viewer, suggestion_id, json_data)
    return {"suggestion": suggestions.one(s)}
