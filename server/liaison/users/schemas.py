"""Request/response schemas for login and the current user (also the OpenAPI source)."""
from apiflask import Schema
from apiflask.fields import Integer, List, Nested, String
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
