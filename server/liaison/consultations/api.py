"""Consultations API (立法意见征集): list, publish, read, comment, moderate, close, export."""
from __future__ import annotations

from apiflask import APIBlueprint
from apiflask.schemas import FileSchema
from flask import send_file
from sqlalchemy import and_, exists, false, func, or_, select

from ..core import clock
from ..core.auth import current_user
from ..core.db import db
from ..core.errors import ApiError
from ..core.spreadsheet import file_name
from ..places.models import Region, Station
from ..places.scopes import regions_under, scope_of
from . import access, articles, export, operations, serialize, upload
from .models import Consultation
from .schemas import (CommentEnvelope, CommentIn, ConsultationIn, ConsultationOut, ConsultationsOut, HideIn,
                      ListQuery, OutcomeIn, PreviewIn, PreviewOut)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
bp = APIBlueprint("consultations", __name__, url_prefix="/api/v1", tag="立法意见征集")
AUTH = {"security": "BearerAuth"}


def register(app) -> None:
    app.register_blueprint(bp)


def _scope():
    user = current_user(optional=True)
    return user, scope_of(user)


def visible(consultation_id: int):
    """(consultation, user, scope): 404 for one not open yet unless the caller runs it."""
    user, scope = _scope()
    c = access.get(consultation_id)
    if operations.state(c) == operations.SCHEDULED and not access.can_manage(scope, c):
        raise access.not_found()
    return c, user, scope


def managed(consultation_id: int):
    user = current_user()
    c, _, scope = visible(consultation_id)
    access.require_manager(scope, c)
    return c, user, scope


def _json_has(column, values: list[int]):
    """SQL: the JSON list in ``column`` holds one of ``values`` (SQLite's json_each,
    PostgreSQL's json_array_elements_text)."""
    if not values:
        return false()
    if db.session.get_bind().dialect.name == "postgresql":
        items = func.json_array_elements_text(column).table_valued("value")
        return exists(select(1).select_from(items).where(items.c.value.in_([str(v) for v in values])))
    items = func.json_each(column).table_valued("value")
    return exists(select(1).select_from(items).where(items.c.value.in_(values)))


def _state_clause(state: str, today):
    """SQL for ``operations.state`` == ``state`` on ``today`` (the same reading, in the query)."""
    closed = or_(Consultation.closed_at.is_not(None), Consultation.closes_on < today)
    if state == operations.CLOSED:
        return closed
    if state == operations.SCHEDULED:
        return and_(~closed, Consultation.opens_on > today)
    return and_(~closed, Consultation.opens_on <= today)


def _station_clause(station_id: int):
    """SQL: the consultation goes to this station (named, or in a target region's subtree;
    an inactive station gets none, as ``access.target_station_ids`` says)."""
    station = db.session.get(Station, station_id)
    if station is None or not station.active:
        return false()
    path = db.session.scalar(select(Region.path).where(Region.id == station.region_id)) or ""
    above = [int(part) for part in path.strip("/").split("/") if part]  # the region and those above it
    return or_(_json_has(Consultation.station_ids, [station_id]), _json_has(Consultation.target_region_ids, above))


def listing_query(scope, station_id=None, state="open", managed_only=False):
    """SELECT of the consultations a list shows, newest first (``managed_only``: the office's
    own, every state; otherwise never one not open yet)."""
    q = select(Consultation).order_by(Consultation.closes_on.desc(), Consultation.id.desc())
    today = clock.today()
    if managed_only:
        if not scope.office_paths:
            return q.where(false())
        q = q.where(Consultation.region_id.in_(regions_under(scope.office_paths)))
    else:
        q = q.where(~_state_clause(operations.SCHEDULED, today))
    if state != "all":
        q = q.where(_state_clause(state, today))
    if station_id is not None:
        q = q.where(_station_clause(station_id))
    return q


def listing(scope, station_id=None, state="open", managed_only=False, limit=None) -> list[Consultation]:
    """The consultations a list shows (see ``listing_query``), at most ``limit`` of them."""
    q = listing_query(scope, station_id, state, managed_only)
    return list(db.session.scalars(q if limit is None else q.limit(limit)))


@bp.get("/consultations")
@bp.input(ListQuery, location="query")
@bp.output(ConsultationsOut)
@bp.doc(summary="意见征集列表", description="公开：征集中（默认）或已结束的；station_id 只列出发往该联络站的；"
        "managed=true 列出本人大工委发布的全部（含未开始的）。")
def list_consultations(query_data):
    _, scope = _scope()
    rows = listing(scope, query_data.get("station_id"), query_data["state"], query_data["managed"])
    return {"items": [serialize.brief(c) for c in rows]}


@bp.post("/consultations")
@bp.input(ConsultationIn)
@bp.output(ConsultationOut, status_code=201)
@bp.doc(summary="发布意见征集（人大工委）", description="全文中“第一条”“第二条”……识别为条文；开始日期为今天时，"
        "征集联络站的代表立即收到通知，否则在开始那天收到。", **AUTH)
def create(json_data):
    user = current_user()
    scope = scope_of(user)
    c = operations.publish(user, scope, json_data)
    return {"consultation": serialize.full(c, user, scope)}, 201


@bp.post("/consultations/preview")
@bp.input(PreviewIn, location="form_and_files")
@bp.output(PreviewOut)
@bp.doc(summary="识别草案条文（预览，人大工委）", description="粘贴的全文（text）或上传的 .docx/.txt（file）"
        "拆分为条文，不保存。", **AUTH, responses={413: "文件太大", 415: "文件类型不支持", 422: "无法读取"})
def preview(form_and_files_data):
    user = current_user()
    if not scope_of(user).region_ids:
        raise ApiError(403, "forbidden", "只有人大工委可以发布意见征集")
    source = form_and_files_data.get("file")
    text = (upload.read_text(source.filename, source.read()) if source is not None
            else form_and_files_data.get("text") or "")
    return {"text": text, **articles.as_json(articles.split(text))}


@bp.get("/consultations/<int:consultation_id>")
@bp.output(ConsultationOut)
@bp.doc(summary="意见征集详情", description="草案全文、条文及每条的意见数；登录后含“我提出的意见”；"
        "人大工委另见全部意见（含已隐藏的及原因）。")
def detail(consultation_id):
    c, user, scope = visible(consultation_id)
    return {"consultation": serialize.full(c, user, scope)}


@bp.post("/consultations/<int:consultation_id>/comments")
@bp.input(CommentIn)
@bp.output(CommentEnvelope, status_code=201)
@bp.doc(summary="提出意见", description="article 为条文序号，null 为对草案整体的意见；"
        "在征集联络站进站的代表提出的意见标为“代表”。", **AUTH,
        responses={409: "征集未开始或已结束", 429: "意见太多"})
def add_comment(consultation_id, json_data):
    user = current_user()
    c, _, scope = visible(consultation_id)
    row = operations.comment(user, scope, c, json_data.get("article"), json_data["text"])
    return {"comment": serialize.comment(row, operations.deputy_names([row]))}, 201


@bp.post("/consultations/<int:consultation_id>/comments/<int:comment_id>/hide")
@bp.input(HideIn)
@bp.output(CommentEnvelope)
@bp.doc(summary="隐藏一条意见（人大工委）", description="原文保留，不计入汇总和导出；提出人收到通知和原因。", **AUTH)
def hide_comment(consultation_id, comment_id, json_data):
    c, user, _ = managed(consultation_id)
    row = operations.hide(user, c, comment_id, json_data["reason"])
    return {"comment": serialize.comment(row, operations.deputy_names([row]))}


@bp.post("/consultations/<int:consultation_id>/close")
@bp.output(ConsultationOut)
@bp.doc(summary="结束意见征集（人大工委）", **AUTH)
def close(consultation_id):
    c, user, scope = managed(consultation_id)
    operations.close(user, c)
    return {"consultation": serialize.full(c, user, scope)}


@bp.post("/consultations/<int:consultation_id>/outcome")
@bp.input(OutcomeIn)
@bp.output(ConsultationOut)
@bp.doc(summary="公布意见采纳情况（人大工委）", description="征集结束后；每位提出意见的人收到通知。", **AUTH)
def outcome(consultation_id, json_data):
    c, user, scope = managed(consultation_id)
    operations.publish_outcome(user, c, json_data["text"])
    return {"consultation": serialize.full(c, user, scope)}


def _closed_export(consultation_id: int) -> Consultation:
    c, _, _ = managed(consultation_id)
    if operations.state(c) != operations.CLOSED:
        raise ApiError(409, "consultation_not_closed", "意见征集结束后才能导出意见汇总")
    return c


@bp.get("/consultations/<int:consultation_id>/comments.xlsx")
@bp.output(FileSchema, content_type=XLSX, description="按条文分组的意见汇总（Excel）")
@bp.doc(summary="导出意见汇总（Excel，人大工委，征集结束后）", **AUTH)
def comments_xlsx(consultation_id):
    c = _closed_export(consultation_id)
    return send_file(export.xlsx(c), mimetype=XLSX, as_attachment=True,
                     download_name=file_name(f"{c.title}-意见汇总.xlsx"))


@bp.get("/consultations/<int:consultation_id>/comments.pdf")
@bp.output(FileSchema, content_type="application/pdf", description="按条文分组的意见汇总（可打印 PDF）")
@bp.doc(summary="导出意见汇总（PDF，人大工委，征集结束后）", **AUTH)
def comments_pdf(consultation_id):
    c = _closed_export(consultation_id)
    return send_file(export.pdf(c), mimetype="application/pdf", as_attachment=True,
                     download_name=file_name(f"{c.title}-意见汇总.pdf"))
