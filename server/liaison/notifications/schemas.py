"""Request/response schemas for notifications and messages (also the OpenAPI source)."""
from apiflask import Schema
from apiflask.fields import Boolean, DateTime, Dict, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range

from .catalog import MOMENTS
from .consents import RESULTS
from .templates import KINDS
from .models import DELIVERY_STATUSES


class TemplatesQuery(Schema):
    audience = String(load_default="resident", validate=OneOf(("resident", "deputy")),
                      metadata={"description": "resident（群众，默认）或 deputy（代表）"})
    kind = String(load_default=None, validate=OneOf(KINDS),
                  metadata={"description": "只要这一种订阅：one_time（一次性）或 long_term（长期）"})
    moment = String(load_default=None, validate=OneOf(tuple(MOMENTS)),
                    metadata={"description": "在哪一步请求订阅：progress（提交意见、订阅办理进度）、"
                                             "rated（评价之后）、booked（预约接待日）；不填为全部"})


class TemplateItem(Schema):
    event = String(metadata={"description": "事件，如 replied、accepted"})
    template_id = String()
    kind = String(metadata={"description": "one_time（一次性订阅）或 long_term（长期订阅）"})
    title = String()


class TemplatesOut(Schema):
    items = List(Nested(TemplateItem), metadata={"description": "按重要程度排序"})
    request_ids = List(String(), metadata={
        "description": "第一次点击应请求的模板（request_groups 的第一组）"})
    request_groups = List(List(String()), metadata={
        "description": "每组是一次 wx.requestSubscribeMessage 的 tmplIds：同一种订阅（一次性与长期"
                       "不混在一次调用里），不超过 3 个，最重要的一组在前；多于一组时需要多次点击"})


class ConsentsIn(Schema):
    results = Dict(keys=String(validate=Length(1, 64)), values=String(validate=OneOf(RESULTS)),
                   required=True, validate=Length(max=20),
                   metadata={"description": "wx.requestSubscribeMessage 的结果对象（去掉 errMsg）"})


class ConsentState(Schema):
    kind = String()
    remaining = Integer()
    long_term = Boolean()


class ConsentsOut(Schema):
    ok = Boolean()
    consents = Dict(keys=String(), values=Nested(ConsentState),
                    metadata={"description": "记录后的授权情况，按模板 id"})


class PageQuery(Schema):
    page = Integer(load_default=1, validate=Range(min=1, max=10000))
    per_page = Integer(load_default=20, validate=Range(min=1, max=100))


class MessageOut(Schema):
    id = Integer()
    event = String()
    title = String()
    body = String()
    opinion_id = Integer(allow_none=True)
    at = DateTime()
    read = Boolean()


class MessagesOut(Schema):
    items = List(Nested(MessageOut))
    total = Integer()
    unread = Integer()
    page = Integer()
    per_page = Integer()


class OkOut(Schema):
    ok = Boolean()


class NotificationsQuery(PageQuery):
    status = String(load_default="failed", validate=OneOf(DELIVERY_STATUSES))


class OpinionRef(Schema):
    id = Integer()
    number = String()
    station_id = Integer()


class NotificationOut(Schema):
    id = Integer()
    event = String()
    audience = String()
    channel = String(metadata={"description": "subscribe（小程序订阅消息）或 template（公众号模板消息）"})
    status = String()
    attempts = Integer()
    last_error = String()
    user_id = Integer(allow_none=True)
    nickname = String()
    opinion = Nested(OpinionRef, allow_none=True)
    created_at = DateTime()
    sent_at = DateTime(allow_none=True)
    next_attempt_at = DateTime(allow_none=True)


class NotificationsOut(Schema):
    items = List(Nested(NotificationOut))
    total = Integer()
    page = Integer()
    per_page = Integer()


class NotificationEnvelope(Schema):
    notification = Nested(NotificationOut)


class OfficialAccountOut(Schema):
    linked = Boolean(metadata={"description": "是否已知道本人在公众号的 openid（在公众号里登录过联络站网页）"})
    follows = Boolean(allow_none=True, metadata={
        "description": "是否关注了公众号（微信的回答）；未关联或微信暂时无法回答时为 null"})
    name = String(metadata={"description": "公众号名称"})
    qrcode_url = String(allow_none=True, metadata={"description": "公众号二维码图片地址（可不配置）"})
