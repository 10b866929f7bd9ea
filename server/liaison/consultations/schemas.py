"""Request and answer schemas of the consultations API (also the OpenAPI source)."""
from apiflask import Schema
from apiflask.fields import Boolean, Date, DateTime, File, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range
from marshmallow import EXCLUDE

from ..core.routing import MAX_ID
from ..core.schemas import envelope

ID = Integer(validate=Range(1, MAX_ID))


class ConsultationIn(Schema):
    title = String(required=True, validate=Length(0, 200), metadata={"description": "草案名称"})
    summary = String(load_default="", validate=Length(0, 5000), metadata={"description": "起草说明或简介"})
    text = String(required=True, validate=Length(0, 200_000),
                  metadata={"description": "草案全文；“第一条”“第二条”……开头的行识别为条文，“第一章”为章标题"})
    opens_on = Date(load_default=None, allow_none=True, metadata={"description": "开始日期（默认今天）"})
    closes_on = Date(required=True, metadata={"description": "截止日期（含当天）"})
    region_id = Integer(load_default=None, allow_none=True, validate=Range(1, MAX_ID),
                        metadata={"description": "发布区域（默认：本人大工委的区域）"})
    station_ids = List(Integer(validate=Range(1, MAX_ID)), load_default=list, validate=Length(0, 2000),
                       metadata={"description": "征集的联络站"})
    region_ids = List(Integer(validate=Range(1, MAX_ID)), load_default=list, validate=Length(0, 500),
                      metadata={"description": "征集的区域（其中每个联络站）；都不选时为整个发布区域"})


class ListQuery(Schema):
    station_id = Integer(validate=Range(1, MAX_ID), metadata={"description": "只列出发往这个联络站的"})
    state = String(load_default="open", validate=OneOf(["open", "closed", "all"]))
    managed = Boolean(load_default=False, metadata={"description": "本人大工委发布的（含未开始的）"})


class CommentIn(Schema):
    article = Integer(load_default=None, allow_none=True, validate=Range(1, 100_000),
                      metadata={"description": "条文序号（第几条）；null 为对草案整体的意见"})
    text = String(required=True, validate=Length(0, 5000))


class HideIn(Schema):
    reason = String(required=True, validate=Length(0, 500), metadata={"description": "隐藏原因（告知提出人）"})


class OutcomeIn(Schema):
    text = String(required=True, validate=Length(0, 50_000), metadata={"description": "意见采纳情况"})


class PreviewIn(Schema):
    class Meta:
        unknown = EXCLUDE  # a page's form also carries its csrf_token

    text = String(validate=Length(0, 200_000), metadata={"description": "粘贴的全文"})
    file = File(metadata={"description": "或上传 .docx / .txt 文件（不超过 5 MB）"})


# -- answers ---------------------------------------------------------------------------

class ArticleOut(Schema):
    number = Integer(required=True)
    label = String(required=True)
    chapter = String(required=True)
    text = String(required=True)
    comments = Integer(metadata={"description": "已汇总的意见数"})


class PreviewOut(Schema):
    text = String(required=True, metadata={"description": "全文（上传文件时为读出的文字）"})
    preamble = String(required=True)
    articles = List(Nested(ArticleOut), required=True)
    warnings = List(String(), required=True)


class PlaceRef(Schema):
    id = Integer(required=True)
    name = String(required=True)


class CommentOut(Schema):
    id = Integer(required=True)
    article = Integer(allow_none=True, required=True)
    text = String(required=True)
    created_at = DateTime(required=True)
    as_deputy = Boolean(required=True)
    author = String(required=True, metadata={"description": "群众，或“代表 姓名”；工作人员另见昵称"})
    hidden = Boolean(required=True)
    hidden_reason = String(required=True)
    sec_check = String(metadata={"description": "微信内容安全检测结果（工作人员）"})
    nickname = String(metadata={"description": "提出人微信昵称（工作人员）"})


class CountsOut(Schema):
    total = Integer(required=True)
    shown = Integer(required=True)
    hidden = Integer(required=True)
    deputies = Integer(required=True)
    people = Integer(required=True)
    whole = Integer(required=True, metadata={"description": "对草案整体的意见（已汇总）"})


class OutcomeOut(Schema):
    text = String(required=True)
    at = DateTime(required=True)


class ConsultationBrief(Schema):
    id = Integer(required=True)
    title = String(required=True)
    summary = String(required=True)
    state = String(required=True, metadata={"description": "scheduled 未开始 / open 征集中 / closed 已结束"})
    state_label = String(required=True)
    opens_on = Date(required=True)
    closes_on = Date(required=True)
    region = Nested(PlaceRef, required=True)
    articles_count = Integer(required=True)
    has_outcome = Boolean(required=True)


class ConsultationFull(ConsultationBrief):
    preamble = String(required=True)
    articles = List(Nested(ArticleOut), required=True)
    stations = List(Nested(PlaceRef), required=True)
    target_regions = List(Nested(PlaceRef), required=True)
    counts = Nested(CountsOut, required=True)
    outcome = Nested(OutcomeOut, allow_none=True, required=True)
    mine = List(Nested(CommentOut), required=True, metadata={"description": "我提出的意见"})
    can_comment = Boolean(required=True)
    as_deputy = Boolean(required=True, metadata={"description": "我以代表身份提意见"})
    manage = Boolean(required=True, metadata={"description": "我可以管理（人大工委）"})
    comments = List(Nested(CommentOut), metadata={"description": "全部意见（仅管理者）"})


class ConsultationsOut(Schema):
    items = List(Nested(ConsultationBrief), required=True)


ConsultationOut = envelope("ConsultationOut", "consultation", ConsultationFull)
CommentEnvelope = envelope("CommentEnvelope", "comment", CommentOut)
