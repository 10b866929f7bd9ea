"""Login with WeChat and the current user."""
from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app

from ..core.auth import current_user, issue_token
from ..core.scopes import scope_of
from ..core.extensions import get_wechat
from . import operations, roles
from .schemas import InvitationAcceptIn, InvitationAcceptOut, LoginOut, MeOut, WechatLoginIn
from .targets import ROLE_LABELS, describe

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


@bp.post("/invitations/<code>/accept")
@bp.input(InvitationAcceptIn)
@bp.output(InvitationAcceptOut)
@bp.doc(summary="接受邀请（成为联络员、站长、人大工委、承办单位工作人员，或绑定为代表）",
        description="邀请码只能使用一次。由代表驻站站长发出的代表邀请，需附上 getPhoneNumber 的 "
                    "phone_code：微信核验的手机号须与代表档案中的手机号一致。",
        security="BearerAuth",
        responses={401: "未登录或登录过期", 403: "需要核验手机号，或手机号与代表档案不一致",
                   404: "邀请码不存在", 409: "代表或当前微信已绑定", 410: "邀请已使用、已作废或已过期",
                   422: "手机号授权码无效", 503: "微信不可用"})
def accept_invitation(code, json_data):
    user = current_user()
    invitation = roles.accept_invitation(code, user, phone_code=json_data.get("phone_code"))
    return {"invitation": {"role": invitation.role, "role_label": ROLE_LABELS.get(invitation.role, invitation.role),
                           "what": describe(invitation)},
            "user": operations.user_json(user, scope_of(user).deputy_id)}
