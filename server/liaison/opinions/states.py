"""The vocabulary of the opinion workflow: states, groups and the choices actions carry.

Pure data, no Flask and no database. ``workflow.py`` owns the transitions between
these states; everything here is what reports, the API and the admin pages need to
name and group them. Keys are stored in the database; labels are what people see.
"""
from __future__ import annotations

SUBMITTED = "submitted"
ON_HOLD = "on_hold"
ACCEPTED = "accepted"
DECLINED = "declined"
ASSIGNED = "assigned"
REPLIED = "replied"
RATED = "rated"
REVIEWING = "reviewing"
REOPENED = "reopened"
CLOSED = "closed"

STATE_LABELS = {
    SUBMITTED: "已提交",
    ON_HOLD: "待审核",
    ACCEPTED: "已受理",
    DECLINED: "不予受理",
    ASSIGNED: "已交办",
    REPLIED: "已答复",
    RATED: "已评价",
    REVIEWING: "复核中",
    REOPENED: "重新办理",
    CLOSED: "已办结",
}
STATES = tuple(STATE_LABELS)

# State groups, the three values of the API's ``state_group``.
GROUP_OPEN = "open"
GROUP_RESOLVED = "resolved"
GROUP_CLOSED = "closed"  # closed without being resolved (declined, duplicate, ...)
GROUP_LABELS = {GROUP_OPEN: "办理中", GROUP_RESOLVED: "已解决", GROUP_CLOSED: "已关闭"}

OPEN_STATES = frozenset({SUBMITTED, ON_HOLD, ACCEPTED, ASSIGNED, REOPENED, REVIEWING})
ANSWERED_STATES = frozenset({REPLIED, RATED})  # resolved while not yet closed

# Why an opinion was closed. The first set counts as resolved, the second never does.
CLOSE_REASON_LABELS = {
    "satisfied": "群众满意",
    "resolved": "问题已解决",
    "no_rating": "答复后未评价",
    "review_upheld": "复核维持原答复",
    "declined": "不予受理",
    "duplicate": "重复反映",
    "not_our_business": "非联络站职责范围",
    "unresolvable": "因条件限制暂无法解决",
}
RESOLVED_CLOSE_REASONS = frozenset({"satisfied", "resolved", "no_rating", "review_upheld"})
UNRESOLVED_CLOSE_REASONS = frozenset(CLOSE_REASON_LABELS) - RESOLVED_CLOSE_REASONS

# Close reasons staff may pick, by the state closed from; the first one is the default.
CLOSE_REASONS_FROM = {
    RATED: ("satisfied", "resolved"),
    REPLIED: ("no_rating", "resolved"),
    DECLINED: ("declined", "not_our_business"),
}
REVIEW_CLOSE_REASONS = ("review_upheld", "resolved", "unresolvable")

RATING_LABELS = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}

# 依法疏导: where a declined case is pointed to.
DECLINE_CHANNEL_LABELS = {
    "petition": "信访渠道",
    "litigation": "诉讼",
    "arbitration": "仲裁",
    "hotline_12345": "12345政务服务便民热线",
    "other": "其他渠道",
}

# 分级分类: the jurisdiction an assigned matter belongs to.
LEVEL_LABELS = {"town": "乡镇（街道）", "district": "区（县）", "city_and_above": "市级及以上"}

# 督办 methods named by the seeds: 电话催办、发函提醒、听取汇报.
URGE_METHOD_LABELS = {"phone": "电话催办", "letter": "发函提醒", "report": "听取汇报"}

# How an answer reached the resident (双反馈 channels).
REPLY_METHOD_LABELS = {
    "wechat": "微信消息",
    "phone": "电话",
    "sms": "短信",
    "letter": "书面答复",
    "board": "公示栏",
}

HOLD_REASON_LABELS = {
    "risky_content": "内容待审核",
    "risky_photo": "照片疑似违规，待审核",
    "unchecked_web": "网页提交未经微信检测，待人工审核",
    "unchecked_content": "未能自动检测，待人工审核",
    "mass_submission": "短时间内大量提交",
    "manual": "人工暂缓",
}

# WeChat content security, per text, photo and rating comment (staff see these).
# pass/review/risky are WeChat's verdicts; the rest say where the check stands.
SEC_CHECK_LABELS = {
    "pass": "微信检测通过",
    "review": "微信建议人工复核",
    "risky": "微信检测疑似违规",
    "pending": "微信暂不可用，待复检",
    "queued": "待送微信检测",
    "checking": "微信检测中",
    "manual": "未能自动检测，待人工审核",
}
# What a resident, deputy or unit may see: everything but a risky verdict.
SEC_HIDDEN = frozenset({"risky"})

# An assignment (one handling unit's part of an opinion).
LEAD = "lead"  # 主办
CO = "co"  # 协办
ASSIGNMENT_STATUS_LABELS = {
    "pending": "待签收",
    "accepted": "已签收",
    "refused": "已退回",
    "withdrawn": "已撤回",
    "answered": "已答复",
    # The case was answered without this unit's own reply (a co-unit; or staff replied).
    "ended": "未单独答复，已结束",
}
ACTIVE_ASSIGNMENT_STATUSES = frozenset({"pending", "accepted"})


def state_group(state: str, close_reason: str | None = None) -> str:
    """The group an opinion belongs to: ``open``, ``resolved`` or ``closed``.

    A declined opinion, and one closed as duplicate, not our business or
    unresolvable, is closed but never resolved. As a query: open is
    ``state IN OPEN_STATES``; resolved is ``state IN ANSWERED_STATES OR (state =
    'closed' AND close_reason IN RESOLVED_CLOSE_REASONS)``; closed is everything else.

    :raise ValueError: for an unknown state.
    """
    if state in OPEN_STATES:
        return GROUP_OPEN
    if state in ANSWERED_STATES:
        return GROUP_RESOLVED
    if state == DECLINED:
        return GROUP_CLOSED
    if state == CLOSED:
        return GROUP_RESOLVED if close_reason in RESOLVED_CLOSE_REASONS else GROUP_CLOSED
    raise ValueError(f"unknown opinion state: {state!r}")


def is_resolved(state: str, close_reason: str | None = None) -> bool:
    """Whether the opinion counts as resolved in reports."""
    return state_group(state, close_reason) == GROUP_RESOLVED


# Notification events the workflow's table emits (audience in brackets), plus the
# ones scheduled jobs send (marked "job"). The notifications package maps each to a
# template; the label is the message title.
NOTIFICATION_EVENT_LABELS = {
    "new_opinion": "新的群众意见待受理",  # staff
    "held": "意见待审核",  # staff
    "summoned": "群众点将",  # deputy
    "accepted": "意见已受理",  # resident
    "declined": "意见不予受理",  # resident (the answer itself: 登记必复)
    "assigned": "意见已交办",  # resident, units
    "replied": "意见已答复",  # resident, deputy
    "rate_request": "请评价办理结果",  # resident, job: replied and not yet rated
    "reopened": "意见重新办理",  # resident
    "review_closed": "复核结果",  # resident
    "closed": "意见已办结",  # resident (duplicate)
    "state_changed": "办理进展",  # deputy
    "rated": "群众已评价",  # staff
    "unsatisfied": "群众不满意",  # staff, office, deputy
    "assignment_refused": "交办被退回",  # staff
    "extension_requested": "延期申请待审批",  # staff
    "extension_approved": "延期申请已同意",  # units
    "extension_rejected": "延期申请未同意",  # units
    "deadline_changed": "办理期限已调整",  # units
    "deadline_extended": "办理期限已延长",  # resident (an approved extension or a staff change)
    "urged": "督办提醒",  # units (when assigned), staff (otherwise)
    "draft_submitted": "承办单位已提交答复",  # staff
    "reply_released": "答复已发送群众",  # units
    "suggestion_filed": "已转为代表建议",  # staff, resident
    "near_deadline": "办理期限将到",  # units, job
    "overdue": "意见已超期",  # staff, office, units, job
}
