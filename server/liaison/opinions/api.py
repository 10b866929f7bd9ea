"""Opinions over HTTP: thin handlers (parse, call one operation, serialise).

Every route but the category list needs a logged-in caller; that is checked before
the body is parsed, so an anonymous request is always a 401. An opinion the caller
may not see is a 404; an action they may not take on one they see is a 403.
"""
from __future__ import annotations

from apiflask import APIBlueprint
from apiflask.schemas import FileSchema
from flask import jsonify, request
from sqlalchemy import select

from ..core import clock
from ..core.auth import current_user
from ..core.db import db
from ..core.errors import ApiError
from ..core.schemas import also_answers
from ..core.storage import send_stored
from ..places.models import HandlingUnit, Station
from ..places.units import units_for_station
from . import abuse, intake, operations, queries, serialize, submission, uploads
from .access import get_visible, get_visible_intake, viewer_for
from .filters import Filters
from .schemas import (
    CategoriesOut, IdempotencyHeaders, IntakeOut, ListQuery, OpinionListOut, OpinionOut, SubmitIn,
    TransitionIn, UnitsOut, UnitsQuery, UploadIn, UploadOut,
)
from .states import LEVEL_LABELS

bp = APIBlueprint("opinions", __name__, url_prefix="/api/v1", tag="意见建议")
files_bp = APIBlueprint("opinion_files", __name__, tag="意见照片")
PUBLIC_ENDPOINTS = {"opinions.categories"}
AUTH = {"security": "BearerAuth"}
NOT_VISIBLE = {404: "意见不存在或无权查看"}


def register(app) -> None:
    from ..wechat.push import subscribe
    from .photo_checks import on_media_check

    app.register_blueprint(bp)
    app.register_blueprint(files_bp)
    subscribe(app, "wxa_media_check", on_media_check)  # mediaCheckAsync's verdicts


@bp.before_request
def _login_first():
    if request.endpoint not in PUBLIC_ENDPOINTS:
        current_user()


def _viewer():
    return viewer_for(current_user())


def _ip() -> str | None:
    return request.remote_addr


def _opinion_out(opinion, viewer) -> dict:
    return {"opinion": serialize.full(opinion, viewer, clock.today())}


@bp.get("/opinion-categories")
@bp.output(CategoriesOut)
@bp.doc(summary="意见分类（可配置）")
def categories():
    return {"items": [{"key": k, "label": v} for k, v in operations.categories().items()]}


@bp.post("/uploads")
@bp.input(UploadIn, location="files")
@bp.output(UploadOut, status_code=201)
@bp.doc(summary="上传一张照片（先上传，再随意见提交）", **AUTH,
        responses={413: "图片过大", 415: "不是图片", 422: "图片损坏", 429: "操作太频繁"})
def upload(files_data):
    user = current_user()
    abuse.check_blocks(user_id=user.id, ip=_ip())
    abuse.hit_ip(_ip())
    item = uploads.create_upload(user, files_data["file"].read())
    return {"id": item.id, "url": uploads.url_for_upload(item.id),
            "width": item.width, "height": item.height}


@bp.post("/opinions")
@bp.input(SubmitIn)
@bp.input(IdempotencyHeaders, location="headers", arg_name="headers")
@bp.output(OpinionOut, status_code=201, description="新提交的意见（带相同 Idempotency-Key 的重试返回 200 和同一条意见）")
@bp.doc(summary="提交意见建议", **AUTH,
        description="平时当场登记并返回意见（201）。同一时间提交的人多时，先收下并返回提交记录（202），"
                    "随后由后台登记：用 GET /api/v1/opinion-intakes/{id} 查看，登记后给出 opinion_id。",
        responses={200: also_answers(OpinionOut, "重试：返回第一次提交的意见"),
                   202: also_answers(IntakeOut, "已收到，正在登记（提交的人多时）；重试返回同一条提交记录"),
                   403: "已被限制提交", 422: "填写有误", 429: "提交太频繁", 503: "微信手机号暂不可用"})
def submit(json_data, headers):
    key = headers.get("idempotency_key")
    if not intake.registers_inline():  # a rush reaches this process: take it, register it later
        taken, _ = intake.take(current_user(), json_data, idempotency_key=key, ip=_ip())
        answer = jsonify(intake.as_dict(taken))  # a Response: not dumped through OpinionOut
        answer.status_code = 202
        return answer
    viewer = _viewer()
    result = submission.submit(viewer, json_data, idempotency_key=key, ip=_ip())
    return _opinion_out(result.opinion, viewer), (201 if result.created else 200)


@bp.get("/opinion-intakes/<int:intake_id>")
@bp.output(IntakeOut)
@bp.doc(summary="提交记录：提交的人多时先收下的意见，登记好了没有", **AUTH,
        responses={404: "提交记录不存在或无权查看"})
def get_intake(intake_id):
    return intake.as_dict(get_visible_intake(current_user(), intake_id))


@bp.get("/opinions")
@bp.input(ListQuery, location="query")
@bp.output(OpinionListOut)
@bp.doc(summary="意见列表：群众看自己的，代表、工作人员、承办单位看各自的待办", **AUTH)
def list_opinions(query_data):
    today = clock.today()
    found = queries.opinion_list(_viewer(), Filters.from_query(query_data), query_data["page"],
                                 query_data["per_page"], today)
    return {"items": serialize.briefs(found.items, today), "total": found.total,
            "page": found.page, "per_page": found.per_page}


@bp.get("/opinions/<int:opinion_id>")
@bp.output(OpinionOut)
@bp.doc(summary="意见详情（含办理过程和当前可做的操作）", **AUTH, responses=NOT_VISIBLE)
def get_opinion(opinion_id):
    viewer = _viewer()
    return _opinion_out(get_visible(viewer, opinion_id), viewer)


@bp.post("/opinions/<int:opinion_id>/transitions")
@bp.input(TransitionIn)
@bp.output(OpinionOut)
@bp.doc(summary="对意见进行操作（受理、交办、答复、评价……）", **AUTH,
        responses={403: "无权进行该操作", 404: "意见不存在或无权查看",
                   409: "状态已变化或当前不能进行该操作", 422: "缺少或填错字段"})
def transition(opinion_id, json_data):
    viewer = _viewer()
    abuse.hit_ip(_ip())
    payload = {k: v for k, v in json_data.items() if k not in ("action", "version")}
    opinion = operations.transition(viewer, opinion_id, json_data["action"], payload,
                                    expected_version=json_data.get("version"))
    return _opinion_out(opinion, viewer)


@bp.get("/handling-units")
@bp.input(UnitsQuery, location="query")
@bp.output(UnitsOut)
@bp.doc(summary="承办单位（交办时选择）：按联络站所在区域、事项层级筛选，可搜索", **AUTH,
        description="带 station_id 时只列该站所在区域一线（上级区县、市和下级区域）的单位，"
                    "即交办页面的列表；level 只列该层级的单位。只列启用中的单位。",
        responses={403: "仅工作人员可用", 404: "联络站不存在"})
def handling_units(query_data):
    scope = _viewer().scope
    if not (scope.is_staff or scope.unit_ids):
        raise ApiError(403, "forbidden", "只有联络站工作人员可以查看承办单位")
    q, level = query_data.get("q") or "", query_data.get("level")
    if query_data.get("station_id"):
        station = db.session.get(Station, query_data["station_id"])
        if station is None:
            raise ApiError(404, "station_not_found", "没有找到这个联络站")
        units = units_for_station(station, level, q)
    else:
        stmt = select(HandlingUnit).where(HandlingUnit.active.is_(True))
        if q:
            stmt = stmt.where(HandlingUnit.name.contains(q, autoescape=True))
        if query_data.get("region_id"):
            stmt = stmt.where(HandlingUnit.region_id == query_data["region_id"])
        if level:
            stmt = stmt.where(HandlingUnit.level == level)
        order = {lv: i for i, lv in enumerate(LEVEL_LABELS)}
        units = sorted(db.session.scalars(stmt), key=lambda u: (order.get(u.level, 9), u.name))
    return {"items": [{"id": u.id, "name": u.name, "level": u.level,
                       "level_label": LEVEL_LABELS.get(u.level, u.level), "region_id": u.region_id}
                      for u in units]}


@files_bp.get("/uploads/<upload_id>")
@files_bp.output(FileSchema, content_type="image/jpeg", description="重新编码后的 JPEG")
@files_bp.doc(summary="查看照片（签名链接，或上传者 / 能看到该意见的人）",
              responses={404: "不存在或无权查看"})
def serve_upload(upload_id):
    item = uploads.readable_upload(upload_id, request.args.get("t"), current_user(optional=True))
    resp = send_stored(item.storage_key, "image/jpeg", max_age=3600)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers.setdefault("Content-Disposition", "inline")
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return resp


from . import attachment_api, paper_api, suggestion_api  # noqa: E402,F401  (their routes join these blueprints)
