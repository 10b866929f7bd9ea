"""How audit rows read for people: Chinese names for actions, fields and values."""
from __future__ import annotations

from ..places.models import DEPUTY_LEVEL_LABELS, STATION_KIND_LABELS

ACTION_LABELS = {
    "role.granted": "授予身份", "role.revoked": "撤销身份",
    "deputy.bound": "代表绑定微信", "deputy.unbound": "解除代表微信绑定",
    "invitation.created": "生成邀请", "invitation.accepted": "接受邀请",
    "invitation.refused": "拒绝接受邀请", "invitation.revoked": "作废邀请",
    "region.created": "新增区域", "station.created": "新增联络站", "station.updated": "修改联络站",
    "deputy.created": "新增代表", "deputy.updated": "修改代表信息",
    "membership.started": "代表进站", "membership.ended": "代表离站", "membership.changed": "调整进站方式",
    "places.imported": "导入名册",
    "unit.created": "新增承办单位", "unit.updated": "修改承办单位", "unit.deactivated": "停用承办单位",
    "unit.reactivated": "重新启用承办单位", "unit.merged": "合并承办单位", "units.imported": "导入承办单位",
    "role.moved": "身份随单位合并转移",
    "suggestion.answered": "登记代表建议办理结果",
    "consultation.published": "发布意见征集", "consultation.comment_hidden": "隐藏征集意见",
    "consultation.closed": "结束意见征集", "consultation.outcome": "公布意见采纳情况",
}
FIELD_LABELS = {
    "name": "名称", "kind": "类型", "address": "地址", "open_hours": "开放时间", "master_name": "站长",
    "phone": "电话", "notice": "公告", "levels": "代表层级", "work_unit": "工作单位", "post": "职务",
    "email": "邮箱", "is_official": "职务代表", "is_senior_official": "县级以上领导干部",
    "external_id": "代表编号", "started_on": "进站日期", "ended_on": "离站日期", "level": "层级",
    "user": "微信用户", "role": "身份", "station": "联络站", "region": "区域", "unit": "承办单位",
    "deputy": "代表", "invitation": "邀请", "expires_at": "有效期至", "needs_phone": "需核验手机号",
    "proof": "核验方式", "used": "已使用", "revoked": "已作废", "reason": "原因",
    "rows": "行数", "regions": "新增区域", "stations": "新增联络站", "deputies": "新增代表",
    "memberships": "新增进站关系", "contact": "联系人", "active": "启用", "merged_into": "并入",
    "assignments": "转移的交办", "roles": "转移的身份", "created": "新增", "updated": "修改",
    "state": "状态", "unit_name": "答复单位", "outcome": "办理结果",
    "opens_on": "开始日期", "closes_on": "截止日期", "articles": "条文数", "comment": "意见", "version": "第几次公布",
}
MEMBERSHIP_KINDS = {"home": "驻站", "cross": "交叉进站"}
PROOFS = {"phone": "微信手机号与档案一致", "inviter": "邀请人担保", "demo": "演示数据"}
REASONS = {"phone_mismatch": "微信手机号与代表档案不一致"}
EMPTY = "（空）"


def _value(entity_type: str, key: str, value) -> str:
    from ..core.formatting import local_time
    from ..users.targets import ROLE_LABELS

    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "role":
        return ROLE_LABELS.get(value, value)
    if key == "level" and entity_type == "handling_unit":
        from ..places.units import level_label

        return level_label(value)
    if key == "kind":
        kinds = MEMBERSHIP_KINDS if entity_type == "membership" else STATION_KIND_LABELS
        return kinds.get(value, value)
    if key == "levels" and isinstance(value, list):
        return "、".join(DEPUTY_LEVEL_LABELS.get(v, v) for v in value) or EMPTY
    if key == "user":
        return f"用户{value}"
    if key == "invitation":
        return f"#{value}"
    if key == "expires_at":
        return local_time(value)
    if key == "proof":
        return PROOFS.get(value, value)
    if key == "reason":
        return REASONS.get(value, value)
    if key == "state" and entity_type == "suggestion":
        from ..opinions.suggestions import STATE_LABELS

        return STATE_LABELS.get(value, value)
    return str(value)


def changes(entry) -> list[tuple[str, str | None, str]]:
    """(field, before or None, after) for each field the row mentions, readable."""
    before, after = entry.before or {}, entry.after or {}
    keys = list(before) + [k for k in after if k not in before]
    lines = []
    for key in keys:
        old = _value(entry.entity_type, key, before[key]) if key in before else None
        new = _value(entry.entity_type, key, after.get(key)) if entry.after is not None else "（已删除）"
        lines.append((FIELD_LABELS.get(key, key), old, new))
    return lines
