"""Login with WeChat and the current user."""
from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app

from ..core.auth import current_user, issue_token
from ..places.scopes import scope_of
from ..wechat.app import get_wechat
from . import linking, operations, roles
from .schemas import (InvitationAcceptIn, InvitationAcceptOut, LinkCodeOut, LinkIn, LinkOut, LoginOut, MeOut,
                      WechatLoginIn)
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


@bp.post("/me/link-code")
@bp.output(LinkCodeOut)
@bp.doc(summary="获取关联码（网页上，用于关联小程序账号）",
        description="网页（管理页面、居民H5页面）登录后获取6位关联码，10分钟内在小程序「设置 → 关联网页账号」"
                    "中输入，两个账号即合并为一个（小程序账号保留）。只能使用一次；再次获取会使之前的关联码失效。"
                    "浏览器会话调用时需带 X-CSRF-Token。",
        security="BearerAuth", responses={401: "未登录或登录过期", 403: "账号已被限制使用", 503: "暂时无法关联"})
def link_code():
    return linking.issue_code(current_user())


@bp.post("/me/link")
@bp.input(LinkIn)
@bp.output(LinkOut)
@bp.doc(summary="输入关联码，把网页账号合并到当前（小程序）账号",
        description="网页账号的身份、意见、预约等都归入当前账号，网页上的登录随之结束（重新登录后即为合并后的账号）。"
                    "两个账号本已是同一个时不做改动（merged 为 false）。输错5次后需等待10分钟，"
                    "任何关联码被输错5次即失效。",
        security="BearerAuth",
        responses={400: "关联码不正确、已使用或已失效（link_code_invalid）", 401: "未登录或登录过期",
                   409: "两个账号无法自动合并（account_merge_conflict）", 429: "输错次数过多（link_code_locked）",
                   503: "暂时无法关联"})
def link(json_data):
    user, merged = linking.link_accounts(current_user(), json_data["code"])
    return {"merged": merged, "user": operations.user_json(user, scope_of(user).deputy_id)}


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
