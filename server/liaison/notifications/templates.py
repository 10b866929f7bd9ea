"""Which WeChat template carries each notification, and with which data.

Pure configuration: no Flask, no database.

One WeChat template serves several events (an app gets few templates, and a
one-time consent is a grant for a *template*, not for an event), so the
configuration has two parts:

- ``TEMPLATES``: the WeChat templates by name. ``channel`` is ``subscribe``
  (mini-program subscribe message) or ``template`` (official-account template
  message); ``kind`` is ``one_time`` (one consent, one message) or ``long_term``
  (长期订阅: one consent, many messages; open to 政务民生 mini-programs);
  ``fields`` maps each WeChat data key to a context value (see ``CONTEXT_KEYS``) or,
  written ``"=文字"``, to a fixed text; ``page`` is the mini-program page opened by
  a subscribe message, ``url`` the web page opened by a template message (relative
  URLs get PUBLIC_BASE_URL in front); both may use ``{opinion_id}``.
- ``EVENTS``: audience -> event -> template name (``None``: in-app message only).

Channels by audience: residents and deputies use the mini-program, so they get
subscribe messages; staff, NPC offices and handling units work from the
official-account admin pages, so they get official-account template messages
(no per-message consent needed, only following the account). Everybody also gets
the in-app message.

``NOTIFICATION_TEMPLATES`` (JSON) overrides the defaults; ``merge`` explains the
shape. The default template ids start with ``tmpl-``, which the fake WeChat accepts.
"""
from __future__ import annotations

import copy
import json
from typing import Any, Mapping

SUBSCRIBE = "subscribe"
TEMPLATE = "template"
INAPP = "inapp"
AUDIENCES = ("resident", "deputy", "staff", "office", "units")
CHANNEL_OF = {"resident": SUBSCRIBE, "deputy": SUBSCRIBE,
              "staff": TEMPLATE, "office": TEMPLATE, "units": TEMPLATE}
KINDS = ("one_time", "long_term")

# Values a template field may name; emit() fills them from the opinion and the event.
CONTEXT_KEYS = ("number", "summary", "state_label", "station", "deputy", "category",
                "deadline", "reply", "time", "title", "body", "reason", "rating", "public_note")

OPINION_PAGE = "pages/opinion/detail?id={opinion_id}"
ADMIN_URL = "/admin/opinions/{opinion_id}"

TEMPLATES: dict[str, dict[str, Any]] = {
    # Residents (mini-program subscribe messages).
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
        "title": "预约接待提醒",
        "fields": {"thing1": "station", "time2": "time", "thing3": "body"},
        "page": "pages/appointments/index"},
    # Deputies (mini-program subscribe messages, long-term by default).
    "deputy_summon": {
        "template_id": "tmpl-deputy-summon", "channel": SUBSCRIBE, "kind": "long_term",
        "title": "群众点将通知",
        "fields": {"character_string1": "number", "thing2": "summary", "thing3": "station",
                   "time4": "time"},
        "page": OPINION_PAGE},
    "deputy_progress": {
        "template_id": "tmpl-deputy-progress", "channel": SUBSCRIBE, "kind": "long_term",
        "title": "意见办理进展",
        "fields": {"character_string1": "number", "thing2": "summary", "phrase3": "state_label",
                   "thing4": "title", "time5": "time"},
        "page": OPINION_PAGE},
    "deputy_reception": {
        "template_id": "tmpl-deputy-reception", "channel": SUBSCRIBE, "kind": "long_term",
        "title": "接待日提醒",
        "fields": {"thing1": "station", "time2": "time", "thing3": "body"},
        "page": "pages/deputy/index"},
    # Staff, NPC offices, handling units (official-account template messages).
    "staff_todo": {
        "template_id": "tmpl-oa-todo", "channel": TEMPLATE, "title": "待办事项提醒",
        "fields": {"character_string1": "number", "thing2": "title", "thing3": "summary",
                   "time4": "time"},
        "url": ADMIN_URL},
    "staff_progress": {
        "template_id": "tmpl-oa-progress", "channel": TEMPLATE, "title": "办理进度通知",
        "fields": {"character_string1": "number", "thing2": "title", "phrase3": "state_label",
                   "time4": "time"},
        "url": ADMIN_URL},
    "staff_overdue": {
        "template_id": "tmpl-oa-overdue", "channel": TEMPLATE, "title": "办理超期提醒",
        "fields": {"character_string1": "number", "thing2": "title", "thing3": "summary",
                   "date4": "deadline"},
        "url": ADMIN_URL},
}

# Resident events, most important first: GET /api/v1/notifications/templates keeps
# this order, and the first three distinct templates are what the mini-program asks for.
EVENTS: dict[str, dict[str, str | None]] = {
    "resident": {
        "replied": "resident_reply", "rate_request": "resident_reply",
        "accepted": "resident_accept", "declined": "resident_accept", "closed": "resident_accept",
        "assigned": "resident_progress", "reopened": "resident_progress",
        "review_closed": "resident_progress", "suggestion_filed": "resident_progress",
        "appointment_reminder": "resident_appointment",
    },
    "deputy": {
        "summoned": "deputy_summon", "state_changed": "deputy_progress",
        "replied": "deputy_progress", "unsatisfied": "deputy_progress",
        "reception_reminder": "deputy_reception",
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


def merge(override: Mapping[str, Any] | str | None) -> dict[str, Any]:
    """The defaults with ``override`` (a dict or its JSON) applied.

    Shape: ``{"templates": {name: {...}}, "events": {audience: {event: name|null}},
    "template_ids": {"tmpl-resident-reply": "<real id>"}}``. A template entry is
    updated key by key (``fields`` as a whole); a new name adds a template.

    :raise ValueError: bad JSON, an unknown template name or channel, a bad kind.
    """
    if isinstance(override, str):
        override = json.loads(override) if override.strip() else {}
    override = dict(override or {})
    templates = copy.deepcopy(TEMPLATES)
    events = copy.deepcopy(EVENTS)
    for name, entry in (override.get("templates") or {}).items():
        templates[name] = {**templates.get(name, {}), **entry}
    renames = override.get("template_ids") or {}
    for entry in templates.values():
        entry["template_id"] = renames.get(entry.get("template_id"), entry.get("template_id"))
    for audience, table in (override.get("events") or {}).items():
        events.setdefault(audience, {}).update(table)
    for name, entry in templates.items():
        if entry.get("channel") not in (SUBSCRIBE, TEMPLATE) or not entry.get("template_id"):
            raise ValueError(f"notification template {name!r}: channel and template_id required")
        if entry["channel"] == SUBSCRIBE and entry.get("kind", "one_time") not in KINDS:
            raise ValueError(f"notification template {name!r}: kind must be one of {KINDS}")
    for audience, table in events.items():
        for event, name in table.items():
            if name is not None and name not in templates:
                raise ValueError(f"event {audience}.{event}: unknown template {name!r}")
    return {"templates": templates, "events": events}


def template_for(config: Mapping[str, Any], audience: str, event: str) -> dict | None:
    """The template entry (with its ``name``) for ``audience``/``event``, or None."""
    name = (config["events"].get(audience) or {}).get(event)
    if name is None:
        return None
    return {"name": name, "kind": "one_time", **config["templates"][name]}


def audience_of(config: Mapping[str, Any], event: str) -> str | None:
    """The first audience (in ``AUDIENCES`` order) that has ``event``."""
    for audience in AUDIENCES:
        if event in (config["events"].get(audience) or {}):
            return audience
    return None


def kind_of_template(config: Mapping[str, Any], template_id: str) -> str | None:
    """``one_time`` / ``long_term`` for a subscribe template id, None if unknown."""
    for entry in config["templates"].values():
        if entry["channel"] == SUBSCRIBE and entry["template_id"] == template_id:
            return entry.get("kind", "one_time")
    return None


def subscribe_items(config: Mapping[str, Any], audience: str = "resident") -> list[dict]:
    """What the mini-program shows and requests: one item per event, in priority order."""
    items = []
    for event, name in (config["events"].get(audience) or {}).items():
        entry = config["templates"].get(name) if name else None
        if entry and entry["channel"] == SUBSCRIBE:
            items.append({"event": event, "template_id": entry["template_id"],
                          "kind": entry.get("kind", "one_time"), "title": entry["title"]})
    return items


def request_ids(items: list[dict], limit: int = 3) -> list[str]:
    """Distinct template ids in priority order, at most ``limit`` (one tap's worth)."""
    out: list[str] = []
    for item in items:
        if item["template_id"] not in out:
            out.append(item["template_id"])
    return out[:limit]


def field_values(entry: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, Any]:
    """{data key: raw value} for a template; ``"=text"`` sources are fixed texts.

    A caller's ``context`` may also give a data key directly (``{"thing3": "..."}``).
    """
    out = {}
    for key, source in entry["fields"].items():
        if key in context:
            out[key] = context[key]
        elif isinstance(source, str) and source.startswith("="):
            out[key] = source[1:]
        else:
            out[key] = context.get(source)
    return out
