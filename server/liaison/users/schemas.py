"""Request/response schemas for login and the current user (also the OpenAPI source)."""
from apiflask import Schema
from apiflask.fields import Boolean, DateTime, Integer, List, Nested, String
from apiflask.validators import Length


class WechatLoginIn(Schema):
    code = String(required=True, validate=Length(1, 128), metadata={"description": "wx.login 返回的 code"})


class RoleOut(Schema):
    role = String()
    role_label = String()
    station_id = Integer(allow_none=True)
    region_id = Integer(allow_none=True)
    unit_id = Integer(allow_none=True)


class UserOut(Schema):
    id = Integer()
    nickname = String()
    avatar_url = String()
    roles = List(Nested(RoleOut))
    deputy_id = Integer(allow_none=True)


class LoginOut(Schema):
    token = String()
    expires_in = Integer()
    user = Nested(UserOut)


class MeOut(Schema):
    user = Nested(UserOut)


class InvitationAcceptIn(Schema):
    phone_code = String(load_default=None, validate=Length(1, 128), metadata={
        "description": "getPhoneNumber 返回的 code；代表邀请需要核验手机号时必填"})


class AcceptedInvitationOut(Schema):
    role = String(metadata={"description": "liaison / station_master / office / unit / deputy"})
    role_label = String()
    what = String(metadata={"description": "例如：长沙市岳麓区望月湖街道人大代表联络站 联络员"})


class InvitationAcceptOut(Schema):
    invitation = Nested(AcceptedInvitationOut)
    user = Nested(UserOut)


class LinkCodeOut(Schema):
    code = String(metadata={"description": "6位数字关联码，只能使用一次"})
    expires_at = DateTime(metadata={"description": "失效时间（签发后10分钟）"})


class LinkIn(Schema):
    code = String(required=True, validate=Length(1, 16), metadata={"description": "网页上显示的6位关联码"})


class LinkOut(Schema):
    merged = Boolean(metadata={"description": "是否合并了网页账号；两个账号本已是同一个时为 false"})
    user = Nested(UserOut)
