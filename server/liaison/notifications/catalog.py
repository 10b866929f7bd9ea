"""The default WeChat templates, which event uses which, and when the mini-program asks.

Data only; ``templates`` explains the shapes and merges ``NOTIFICATION_TEMPLATES``.

Channels (README "Notification channels" says why):
- residents in the mini-program: subscribe messages (one-time; asked from a tap);
- residents who only use the H5 pages (official-account openid, no mini-program
  openid): official-account template messages when they follow the account
  (table ``resident_h5``);
- deputies: official-account template messages. Deputies bind their WeChat through an
  invitation opened in the official account, so every bound deputy has an
  official-account openid and needs no per-message consent;
- staff, NPC offices, handling units: official-account template messages.
"""
from __future__ import annotations

from typing import Any

SUBSCRIBE = "subscribe"
TEMPLATE = "template"

# Subscribe pages are keys of miniprogram/config/pages.js with a query of placeholders;
# template-message urls are web pages of this backend (PUBLIC_BASE_URL is put in front).
# A template message may also name a mini-program page: WeChat then opens the mini-program
# on the tap (the url stays for clients that cannot).
OPINION_PAGE = "opinion?id={opinion_id}"
DEPUTY_OPINION_PAGE = "deputy_opinion?id={opinion_id}"
APPOINTMENTS_PAGE = "appointments"  # 我的预约: the reminder and the cancel open the resident's bookings
SUGGESTIONS_PAGE = "suggestions"  # 我的建议: a suggestion's recorded outcome opens the deputy's list
DUTY_PAGE = "duty"  # 值班与履职: the day-before duty reminder opens the deputy's rota
ADMIN_URL = "/admin/opinions/{opinion_id}"
H5_OPINION_URL = "/h5/opinions/{opinion_id}"
H5_STATION_URL = "/h5/stations/{station_id}"
CONSULTATION_PAGE = "consultation?id={consultation_id}"
H5_CONSULTATION_URL = "/h5/consultations/{consultation_id}"

_RECEPTION_FIELDS = {"thing1": "station", "time2": "time", "thing3": "body"}
_PROGRESS_OA_FIELDS = {"character_string1": "number", "thing2": "title", "phrase3": "state_label",
                       "time4": "time"}

TEMPLATES: dict[str, dict[str, Any]] = {
    # Residents in the mini-program (subscribe messages).
    "resident_reply": {
        "template_id": "tmpl-resident-reply", "channel": SUBSCRIBE, "kind": "one_time",
        "title": "意见答复通知",
        "fields": {"character_string1": "number", "thing2": "summary", "thing3": "reply",
                   "thing4": "=请查看答复并评价办理结果", "time5": "time"},
        "page": OPINION_PAGE},
    "resident_accept": {
        "template_id": "tmpl-resident-accept", "channel": SUBSCRIBE, "kind": "one_time",
        "title": "受理结果通知",
        "fields": {"character_string1": "number", "thing2": "summary", "phrase3": "state_label",
                   "time4": "time"},
        "page": OPINION_PAGE},
    "resident_progress": {
        "template_id": "tmpl-resident-progress", "channel": SUBSCRIBE, "kind": "one_time",
        "title": "办理进度通知",
        "fields": {"character_string1": "number", "thing2": "summary", "phrase3": "state_label",
                   "thing4": "title", "time5": "time"},
        "page": OPINION_PAGE},
    "resident_appointment": {
        "template_id": "tmpl-resident-appointment", "channel": SUBSCRIBE, "kind": "one_time",
        "title": "预约接待提醒", "fields": dict(_RECEPTION_FIELDS), "page": APPOINTMENTS_PAGE},
    "resident_consultation": {
        "template_id": "tmpl-resident-consultation", "channel": SUBSCRIBE, "kind": "one_time",
        "title": "意见征集进展通知", "fields": {"thing1": "title", "thing2": "body", "time3": "time"},
        "page": CONSULTATION_PAGE},
    # Residents on the H5 pages only (official-account template messages).
    "h5_progress": {
        "template_id": "tmpl-oa-progress", "channel": TEMPLATE, "title": "办理进度通知",
        "fields": dict(_PROGRESS_OA_FIELDS), "url": H5_OPINION_URL},
    "h5_appointment": {
        "template_id": "tmpl-oa-reception", "channel": TEMPLATE, "title": "接待日提醒",
        "fields": dict(_RECEPTION_FIELDS), "url": H5_STATION_URL},
    "h5_consultation": {
        "template_id": "tmpl-oa-consultation", "channel": TEMPLATE, "title": "意见征集通知",
        "fields": {"thing1": "title", "thing2": "body", "time3": "time"}, "url": H5_CONSULTATION_URL},
    # Deputies (official-account template messages).
    "deputy_summon": {
        "template_id": "tmpl-oa-deputy-summon", "channel": TEMPLATE, "title": "群众点将通知",
        "fields": {"character_string1": "number", "thing2": "summary", "thing3": "station",
                   "time4": "time"},
        "url": ADMIN_URL, "page": DEPUTY_OPINION_PAGE},
    "deputy_progress": {
        "template_id": "tmpl-oa-progress", "channel": TEMPLATE, "title": "意见办理进展",
        "fields": dict(_PROGRESS_OA_FIELDS), "url": ADMIN_URL, "page": DEPUTY_OPINION_PAGE},
    "deputy_reception": {
        "template_id": "tmpl-oa-reception", "channel": TEMPLATE, "title": "接待日提醒",
        "fields": dict(_RECEPTION_FIELDS), "url": H5_STATION_URL, "page": DUTY_PAGE},
    # The same WeChat template as deputy_progress; it opens 我的建议 in the mini-program.
    "deputy_suggestion": {
        "template_id": "tmpl-oa-progress", "channel": TEMPLATE, "title": "意见办理进展",
        "fields": dict(_PROGRESS_OA_FIELDS), "url": ADMIN_URL, "page": SUGGESTIONS_PAGE},
    "deputy_consultation": {
        "template_id": "tmpl-oa-consultation", "channel": TEMPLATE, "title": "意见征集通知",
        "fields": {"thing1": "title", "thing2": "body", "time3": "time"}, "url": H5_CONSULTATION_URL,
        "page": CONSULTATION_PAGE},
    # Staff, NPC offices, handling units (official-account template messages).
    "staff_todo": {
        "template_id": "tmpl-oa-todo", "channel": TEMPLATE, "title": "待办事项提醒",
        "fields": {"character_string1": "number", "thing2": "title", "thing3": "summary",
                   "time4": "time"},
        "url": ADMIN_URL},
    "staff_progress": {
        "template_id": "tmpl-oa-progress", "channel": TEMPLATE, "title": "办理进度通知",
        "fields": dict(_PROGRESS_OA_FIELDS), "url": ADMIN_URL},
    "staff_overdue": {
        "template_id": "tmpl-oa-overdue", "channel": TEMPLATE, "title": "办理超期提醒",
        "fields": {"character_string1": "number", "thing2": "title", "thing3": "summary",
                   "date4": "deadline"},
        "url": ADMIN_URL},
}

_RESIDENT_EVENTS = ("replied", "rate_request", "accepted", "declined", "closed", "assigned",
                    "deadline_extended", "reopened", "review_closed", "suggestion_filed")

# Audience -> event -> template name (None: in-app message only). Resident events are
# listed most important first: GET /api/v1/notifications/templates keeps this order.
EVENTS: dict[str, dict[str, str | None]] = {
    "resident": {
        "replied": "resident_reply", "rate_request": "resident_reply",
        "accepted": "resident_accept", "declined": "resident_accept", "closed": "resident_accept",
        "assigned": "resident_progress", "deadline_extended": "resident_progress",
        "reopened": "resident_progress",
        "review_closed": "resident_progress", "suggestion_filed": "resident_progress",
        "appointment_reminder": "resident_appointment",
        "appointment_cancelled": "resident_appointment",  # the booking's consent covers it
        # Consultations (立法意见征集): a comment hidden by staff, the outcome published.
        "consultation_comment_hidden": "resident_consultation",
        "consultation_outcome": "resident_consultation",
    },
    # The same events for a resident without a mini-program openid (H5 only).
    "resident_h5": {**{event: "h5_progress" for event in _RESIDENT_EVENTS},
                    "appointment_reminder": "h5_appointment", "appointment_cancelled": "h5_appointment",
                    "consultation_comment_hidden": "h5_consultation", "consultation_outcome": "h5_consultation"},
    "deputy": {
        "summoned": "deputy_summon", "state_changed": "deputy_progress",
        "replied": "deputy_progress", "unsatisfied": "deputy_progress",
        "reception_reminder": "deputy_reception",
        "reception_cancelled": "deputy_reception",  # thing3 carries the body: 已取消
        "suggestion_answered": "deputy_suggestion",  # staff recorded the unit's answer
        "consultation_opened": "deputy_consultation", "consultation_comment_hidden": "deputy_consultation",
        "consultation_outcome": "deputy_consultation",
    },
    "staff": {
        # "held" leaves the text out (staff_progress has no summary): it may be what was held.
        "new_opinion": "staff_todo", "held": "staff_progress", "assignment_refused": "staff_todo",
        "extension_requested": "staff_todo", "draft_submitted": "staff_todo",
        "urged": "staff_todo", "unsatisfied": "staff_todo",
        "rated": "staff_progress", "suggestion_filed": "staff_progress",
        "overdue": "staff_overdue",
    },
    "office": {"unsatisfied": "staff_todo", "overdue": "staff_overdue"},
    "units": {
        "assigned": "staff_todo", "urged": "staff_todo",
        "extension_approved": "staff_progress", "extension_rejected": "staff_progress",
        "deadline_changed": "staff_progress", "reply_released": "staff_progress",
        "near_deadline": "staff_overdue", "overdue": "staff_overdue",
    },
}

# When the mini-program asks a resident (each from a tap, wx.requestSubscribeMessage):
# the events whose later messages that moment is about.
MOMENTS: dict[str, tuple[str, ...]] = {
    "progress": _RESIDENT_EVENTS,                          # submitting; 订阅办理进度 on the opinion
    "rated": ("review_closed", "reopened", "closed"),      # after rating: the review, the close
    "booked": ("appointment_reminder",),                   # booking a reception day
    "consulted": ("consultation_outcome", "consultation_comment_hidden"),  # commenting on a draft
}
