"""Subscribe templates and consents for the mini-program, the in-app message list, and
the delivery state of notifications for staff."""
from __future__ import annotations

from apiflask import APIBlueprint

from ..core.auth import current_user
from . import consents, official_account, operations, outbox, settings, templates
from .schemas import (
    ConsentsIn, ConsentsOut, MessagesOut, NotificationEnvelope, NotificationsOut,
    NotificationsQuery, OfficialAccountOut, OkOut, PageQuery, TemplatesOut, TemplatesQuery,
)

bp = APIBlueprint("notifications", __name__, url_prefix="/api/v1", tag="消息通知")


def register(app) -> None:
    """The templates checked at start, the blueprint and ``flask notifications``."""
    from .cli import notifications_cli

    settings.init_app(app)
    app.register_blueprint(bp)
    app.cli.add_command(notifications_cli)


@bp.get("/notifications/templates")
@bp.input(TemplatesQuery, location="query")
@bp.output(TemplatesOut)
@bp.doc(summary="小程序应请求订阅的消息模板",
        description="按重要程度排序；request_groups 每组是一次点击中传给 wx.requestSubscribeMessage "
                    "的模板 id（同一种订阅，最多 3 个），request_ids 是第一组。无需登录。")
def list_templates(query_data):
    items = templates.subscribe_items(settings.templates_config(), query_data["audience"],
                                      kind=query_data["kind"], moment=query_data["moment"])
    groups = templates.request_groups(items)
    return {"items": items, "request_ids": groups[0] if groups else [], "request_groups": groups}


@bp.post("/notifications/consents")
@bp.input(ConsentsIn)
@bp.output(ConsentsOut)
@bp.doc(summary="记录订阅消息授权结果", security="BearerAuth",
        description="一次性模板每次 accept 增加一次可发送次数；长期订阅模板 accept 后持续有效，"
                    "reject/ban 关闭长期订阅。未配置的模板 id 会被忽略。",
        responses={401: "未登录或登录过期"})
def record_consents(json_data):
    user = current_user()
    return {"ok": True, "consents": consents.record(user.id, json_data["results"])}


@bp.get("/notifications/official-account")
@bp.output(OfficialAccountOut)
@bp.doc(summary="本人能否收到公众号模板消息（代表的点将、值班提醒）", security="BearerAuth",
        description="linked：已知道本人在公众号的 openid；follows：微信说是否关注了公众号"
                    "（未关联或微信暂时无法回答时为 null）。小程序的值班页据此提示代表关注公众号。",
        responses={401: "未登录或登录过期"})
def official_account_status():
    return official_account.status(current_user())


@bp.get("/messages")
@bp.input(PageQuery, location="query")
@bp.output(MessagesOut)
@bp.doc(summary="我的站内消息（最新的在前）", security="BearerAuth",
        responses={401: "未登录或登录过期"})
def list_messages(query_data):
    return operations.list_messages(current_user(), query_data["page"], query_data["per_page"])


@bp.post("/messages/<int:message_id>/read")
@bp.output(OkOut)
@bp.doc(summary="标记消息已读", security="BearerAuth",
        responses={401: "未登录或登录过期", 404: "消息不存在"})
def read_message(message_id):
    operations.mark_read(current_user(), message_id)
    return {"ok": True}


@bp.get("/notifications")
@bp.input(NotificationsQuery, location="query")
@bp.output(NotificationsOut)
@bp.doc(summary="本站消息投递情况（工作人员）", security="BearerAuth",
        description="默认列出投递失败（failed）的消息；status 可选 pending、sending、sent、"
                    "failed、no_consent、skipped。范围为本人所在联络站及所辖区域。",
        responses={401: "未登录或登录过期", 403: "不是工作人员"})
def list_notifications(query_data):
    return operations.list_notifications(current_user(), query_data["status"],
                                         query_data["page"], query_data["per_page"])


@bp.post("/notifications/<int:notification_id>/retry")
@bp.output(NotificationEnvelope)
@bp.doc(summary="重新发送投递失败的消息（工作人员）", security="BearerAuth",
        responses={401: "未登录或登录过期", 403: "不是工作人员", 404: "不存在或不在本站",
                   409: "不是投递失败的消息"})
def retry_notification(notification_id):
    notification = operations.retry(current_user(), notification_id)
    outbox.kick_after_commit()
    return {"notification": notification}
