"""Action forms built from the workflow's own table.

Each allowed action of an opinion becomes a form whose inputs are the action's
declared fields (``workflow.TRANSITIONS[action].fields``): a choice becomes a select
with the workflow's Chinese labels, a date a date input, units a checkbox list.
The posted form turns back into the payload ``opinions.operations.transition`` takes,
so a new action in the workflow shows up here without touching the pages.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..core.db import db
from ..opinions import workflow
from ..opinions.models import Opinion
from ..opinions.states import STATE_LABELS
from ..places.models import Station
from ..places.units import UNIT_LEVEL_LABELS, units_for_station

TEXTAREA_OVER = 200
# Buttons in the order staff think of them; anything else follows in table order.
ORDER = ("accept", "assign", "reply_directly", "release_reply", "urge", "approve_extension",
         "reject_extension", "extend_deadline", "decline", "close", "reopen", "close_after_review",
         "hold", "release_hold", "mark_duplicate", "unit_accept", "draft_reply",
         "request_extension", "unit_refuse", "note")
PRIMARY = {"accept", "assign", "reply_directly", "release_reply", "draft_reply", "unit_accept",
           "close_after_review", "approve_extension"}
WARN = {"decline", "reject_extension", "unit_refuse"}


@dataclass
class Input:
    name: str
    label: str
    kind: str  # text | textarea | select | date | checkboxes
    required: bool
    options: list[tuple[str, str]] = field(default_factory=list)
    max_len: int = 500
    value: str = ""


@dataclass
class UnitFilter:
    """The 交办 form's unit list: the case's level (default the level it has) and a search."""

    level: str = ""
    q: str = ""
    levels: tuple = tuple(UNIT_LEVEL_LABELS.items())
    shown: int = 0

    @property
    def active(self) -> bool:
        return bool(self.q) or bool(self.level)


@dataclass
class ActionForm:
    action: str
    label: str
    style: str  # primary | warn | default
    inputs: list[Input]
    unit_filter: UnitFilter | None = None


def _duplicates(opinion: Opinion) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(Opinion).where(Opinion.station_id == opinion.station_id, Opinion.id != opinion.id)
        .order_by(Opinion.id.desc()).limit(30)).scalars()
    return [(str(o.id), f"{o.number} {o.text[:16]}（{STATE_LABELS.get(o.state, o.state)}）") for o in rows]


def _input(f, opinion: Opinion, station: Station, categories: dict, units) -> Input:
    inp = Input(f.name, f.label, "text", f.required, max_len=f.max_len)
    if f.kind == "choice":
        inp.kind, inp.options = "select", list(f.choices.items())
    elif f.kind == "date":
        inp.kind = "date"
    elif f.kind == "ids":
        inp.kind, inp.options = "checkboxes", [(str(u.id), u.name) for u in units]
    elif f.kind == "id":
        inp.kind = "select"
        inp.options = ([(str(u.id), u.name) for u in units] if f.name.endswith("unit_id")
                       else _duplicates(opinion))
    elif f.name == "category":
        inp.kind, inp.options, inp.value = "select", list(categories.items()), opinion.category
    elif f.max_len > TEXTAREA_OVER or f.name in ("note", "reason", "guidance"):
        inp.kind = "textarea"
    return inp


def _names_units(t) -> bool:
    return any(f.kind in ("ids", "id") and f.name.endswith(("unit_ids", "unit_id")) for f in t.fields)


def forms_for(opinion: Opinion, allowed: list[str], categories: dict, unit_level: str | None = None,
              unit_q: str = "") -> list[ActionForm]:
    """One form per allowed action, in ``ORDER``.

    Units to assign to come from ``places.units.units_for_station``: the station's
    region line, of ``unit_level`` (default: the level the case has; "all" for every
    level) and matching ``unit_q``.
    """
    station = db.session.get(Station, opinion.station_id)
    needs_units = any(_names_units(workflow.TRANSITIONS[a]) for a in allowed)
    level = (opinion.level or "") if unit_level is None else ("" if unit_level == "all" else unit_level)
    level = level if level in UNIT_LEVEL_LABELS else ""
    units = units_for_station(station, level or None, unit_q) if needs_units else []
    ranked = sorted(allowed, key=lambda a: ORDER.index(a) if a in ORDER else len(ORDER))
    forms = []
    for action in ranked:
        t = workflow.TRANSITIONS[action]
        style = "primary" if action in PRIMARY else "warn" if action in WARN else "default"
        unit_filter = UnitFilter(level, unit_q, shown=len(units)) if _names_units(t) else None
        inputs = [_input(f, opinion, station, categories, units) for f in t.fields]
        for inp in inputs:
            if unit_filter and inp.name == "level":  # the case's level follows the level looked at
                inp.value = level or opinion.level or ""
        forms.append(ActionForm(action, t.label, style, inputs, unit_filter))
    return forms


def payload_from(action: str, form) -> dict:
    """The posted form as the action's JSON payload (absent optional fields left out)."""
    t = workflow.TRANSITIONS.get(action)
    if t is None:
        return {}
    payload = {}
    for f in t.fields:
        if f.kind == "ids":
            values = [v for v in form.getlist(f.name) if v.strip()]
            if values:
                payload[f.name] = values
            continue
        value = (form.get(f.name) or "").strip()
        if value:
            payload[f.name] = value
    return payload


def event_lines(action: str, payload: dict, units: dict[int, str],
                categories: dict | None = None) -> list[str]:
    """What an event carried, in Chinese: '建议反映渠道：12345政务服务便民热线' etc.

    :param payload: the part of the event's payload the viewer may read
        (``opinions.privacy.readable_payload``).
    """
    t = workflow.TRANSITIONS.get(action)
    payload = payload or {}
    if t is None:
        return [str(payload["reason"])] if payload.get("reason") else []
    lines = []
    for f in t.fields:
        value = payload.get(f.name)
        if value in (None, "", []):
            continue
        if f.kind == "choice":
            shown = f.choices.get(value, str(value))
        elif f.kind == "date":
            try:
                d = date.fromisoformat(str(value)[:10])
                shown = f"{d.year}年{d.month}月{d.day}日"
            except ValueError:
                shown = str(value)
        elif f.kind == "ids":
            shown = "、".join(units.get(int(v), str(v)) for v in value)
        elif f.kind == "id" and f.name.endswith("unit_id"):
            shown = units.get(int(value), str(value))
        elif f.name == "category" and categories:
            shown = categories.get(value, str(value))
        else:
            shown = str(value)
        lines.append(f"{f.label}：{shown}")
    return lines
