"""Login with WeChat and the current user."""
from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app

from ..core.auth import current_user, issue_token
from ..core.scopes import scope_of
from ..core.extensions import get_wechat
from . import operations
from .schemas import LoginOut, MeOut, WechatLoginIn

bp = APIBlueprint("users", __name__, url_prefix="/api/v1", tag="登录与用户")


@bp.post("/auth/wechat")
@bp.input(WechatLoginIn)
@bp.output(LoginOut)
@bp.doc(summary="用 wx.login 的 code 登录", responses={400: "登录码无效或已使用",
                                                  403: "微信判定该账号存在风险（wechat_user_risky）",
                                                  503: "微信不可用"})
def login_wechat(json_data):
    user = operations.login_miniprogram(json_data["code"], get_wechat())
    return {
        "token": issue_token(user),
        "expires_in": current_app.config["TOKEN_TTL_SECONDS"],
        "user": operations.user_json(user, scope_of(user).deputy_id),
    }


@bp.get("/me")
@bp.output(MeOut)
@bp.doc(summary="当前用户及其角色", security="BearerAuth", responses={401: "未登录或登录过期"})
def me():
    user = current_user()
    return {"user": operations.user_json(user, scope_of(user).deputy_id)}
