"""Which WeChat template carries each notification, and with which data.

Pure configuration: no Flask, no database (the defaults are in ``catalog``).

One WeChat template serves several events (an app gets few templates, and a
one-time consent is a grant for a *template*, not for an event), so the
configuration has two parts:

- ``TEMPLATES``: the WeChat templates by name. ``channel`` is ``subscribe``
  (mini-program subscribe message) or ``template`` (official-account template
  message); ``kind`` is ``one_time`` (one consent, one message) or ``long_term``
  (长期订阅: one consent, many messages; open to 政务民生 mini-programs);
  ``fields`` maps each WeChat data key to a context value (see ``CONTEXT_KEYS``) or,
  written ``"=文字"``, to a fixed text; ``page`` is the mini-program page opened by
  a subscribe message, named by its key in miniprogram/config/pages.js with a query of
  placeholders (``"opinion?id={opinion_id}"``, see ``pages``); ``url`` is the web page
  opened by a template message (relative URLs get PUBLIC_BASE_URL in front); a template
  message with a ``page`` opens that mini-program page instead where WeChat can.
- ``EVENTS``: audience -> event -> template name (``None``: in-app message only);
  ``resident_h5`` is the table for residents who have no mini-program openid.

``NOTIFICATION_TEMPLATES`` (JSON) overrides the defaults; ``merge`` explains the
shape. The default template ids start with ``tmpl-``, which the fake WeChat accepts.
"""
from __future__ import annotations

import copy
import json
from typing import Any, Mapping

from . import pages as mp_pages
from .catalog import EVENTS, MOMENTS, SUBSCRIBE, TEMPLATE, TEMPLATES  # noqa: F401  (re-exported)

INAPP = "inapp"
AUDIENCES = ("resident", "deputy", "staff", "office", "units")
CHANNEL_OF = {"resident": SUBSCRIBE, "resident_h5": TEMPLATE, "deputy": TEMPLATE,
              "staff": TEMPLATE, "office": TEMPLATE, "units": TEMPLATE}
# The table used instead of an audience's own for someone without a mini-program openid.
WITHOUT_MINIPROGRAM = {"resident": "resident_h5"}
KINDS = ("one_time", "long_term")
MAX_PER_TAP = 3  # wx.requestSubscribeMessage: at most 3 template ids per call

# Values a template field may name; emit() fills them from the opinion and the event.
CONTEXT_KEYS = ("number", "summary", "state_label", "station", "deputy", "category",
                "deadline", "reply", "time", "title", "body", "reason", "rating", "public_note")


def merge(override: Mapping[str, Any] | str | None, pages: Mapping[str, Any] | None = None
          ) -> dict[str, Any]:
    """The defaults with ``override`` (a dict or its JSON) applied, then checked.

    Shape: ``{"templates": {name: {...}}, "events": {audience: {event: name|null}},
    "template_ids": {"tmpl-resident-reply": "<real id>"}}``. A template entry is
    updated key by key (``fields`` as a whole); a new name adds a template.

    :param pages: the mini-program's pages (``pages.load()``; read from
        miniprogram/config/pages.js when not given).
    :raise ValueError: bad JSON, an unknown template name or channel, a bad kind, a
        subscribe page that pages.js does not list (WeChat would answer 41030).
    """
    if isinstance(override, str):
        override = json.loads(override) if override.strip() else {}
    override = dict(override or {})
    pages = mp_pages.load() if pages is None else pages
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
        if entry.get("page"):  # a subscribe message's page, or the one a template message opens
            try:
                mp_pages.check(pages, entry["page"])
            except ValueError as exc:
                raise ValueError(f"notification template {name!r}: {exc}") from None
    for audience, table in events.items():
        for event, name in table.items():
            if name is not None and name not in templates:
                raise ValueError(f"event {audience}.{event}: unknown template {name!r}")
    return {"templates": templates, "events": events, "pages": dict(pages)}


def template_for(config: Mapping[str, Any], audience: str, event: str,
                 has_miniprogram: bool = True) -> dict | None:
    """The template entry (with its ``name``) for ``audience``/``event``, or None.

    :param has_miniprogram: False for a recipient with no mini-program openid; an
        audience listed in ``WITHOUT_MINIPROGRAM`` then uses that table instead.
    """
    table = audience if has_miniprogram else WITHOUT_MINIPROGRAM.get(audience, audience)
    name = (config["events"].get(table) or {}).get(event)
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


def console_kinds(config: Mapping[str, Any]) -> dict[str, str]:
    """{subscribe template id: kind}: what the WeChat console says of each template
    (the fake WeChat is told the same, so a tap that mixes kinds is refused there)."""
    return {e["template_id"]: e.get("kind", "one_time") for e in config["templates"].values()
            if e["channel"] == SUBSCRIBE}


def subscribe_items(config: Mapping[str, Any], audience: str = "resident", kind: str | None = None,
                    moment: str | None = None) -> list[dict]:
    """What the mini-program shows and requests: one item per event, in priority order.

    :param kind: only templates of this kind (``one_time`` / ``long_term``).
    :param moment: only the events of ``MOMENTS[moment]`` (what a tap there is about).
    """
    wanted = MOMENTS.get(moment) if moment else None
    items = []
    for event, name in (config["events"].get(audience) or {}).items():
        entry = config["templates"].get(name) if name else None
        if not entry or entry["channel"] != SUBSCRIBE or (wanted is not None and event not in wanted):
            continue
        item_kind = entry.get("kind", "one_time")
        if kind is None or item_kind == kind:
            items.append({"event": event, "template_id": entry["template_id"], "kind": item_kind,
                          "title": entry["title"]})
    return items


def request_groups(items: list[dict], limit: int = MAX_PER_TAP) -> list[list[str]]:
    """Distinct template ids as taps: each group one kind and at most ``limit`` ids.

    wx.requestSubscribeMessage refuses a call that mixes one-time and long-term ids
    (20002, "Templates type must be same") and takes at most 3 ids, so the ids are
    grouped by kind (the kind of the most important item first) and cut into groups of
    three; nothing is dropped: more than three wanted means more than one tap.
    """
    by_kind: dict[str, list[str]] = {}
    for item in items:
        ids = by_kind.setdefault(item.get("kind", "one_time"), [])
        if item["template_id"] not in ids:
            ids.append(item["template_id"])
    return [ids[i:i + limit] for ids in by_kind.values() for i in range(0, len(ids), limit)]


def request_ids(items: list[dict], limit: int = MAX_PER_TAP) -> list[str]:
    """The first tap's ids: the most important group (one kind, at most ``limit``)."""
    groups = request_groups(items, limit)
    return groups[0] if groups else []


def page_link(config: Mapping[str, Any], entry: Mapping[str, Any], context: Mapping[str, Any]) -> str:
    """The mini-program page path a message opens ("" when it has none)."""
    return mp_pages.link(config["pages"], entry.get("page") or "", context)


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
