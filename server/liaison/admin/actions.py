"""Action forms built from the workflow's own table.

Each allowed action of an opinion becomes a form whose inputs are the action's
declared fields (``workflow.TRANSITIONS[action].fields``): a choice becomes a select
with the workflow's Chinese labels, a date a date input, units a checkbox list.
The posted form turns back into the payload ``opinions.operations.transition`` takes,
so a new action in the workflow shows up here without touching the pages.

Every text input says who will read it (``opinions.privacy.field_audience``): the
说明（群众可见） and 内部备注（仅工作人员） say it in their labels, the others get a tag
(群众可见, 承办单位可见, 仅工作人员). A refused action comes back as a ``Failure``: its
form is built again with what was posted and the messages beside the fields.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from ..core.db import db
from ..opinions import privacy, workflow
from ..opinions.models import Opinion
from ..opinions.states import CLOSE_REASONS_FROM, STATE_LABELS
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
READERS = {privacy.PUBLIC: "群众可见", privacy.UNITS: "工作人员和承办单位可见",
           privacy.STAFF_ONLY: "仅工作人员"}
# Dates an action must move past: the opinion's deadline (else tomorrow at the earliest).
AFTER_DEADLINE = {"extend_deadline", "request_extension"}


@dataclass
class Input:
    name: str
    label: str
    kind: str  # text | textarea | select | date | checkboxes
    required: bool
    options: list[tuple[str, str]] = field(default_factory=list)
    max_len: int = 500
    value: str = ""
    values: list[str] = field(default_factory=list)  # checkboxes: the ticked ones
    readers: str = ""  # who reads a text field, when its label does not say it
    errors: list[str] = field(default_factory=list)
    min: str = ""  # dates: the earliest the workflow accepts
    hint: str = ""  # the suggested routing's choice and why (pre-selected, staff choose freely)


@dataclass
class Failure:
    """A refused action to show again: the message, each field's messages, what was posted."""

    action: str
    message: str
    fields: dict[str, list[str]]
    form: object  # the posted form (a MultiDict)


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
    error: str = ""  # why the last try was refused (the form is then shown open)
    unit_filter: UnitFilter | None = None


def _duplicates(opinion: Opinion) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(Opinion).where(Opinion.station_id == opinion.station_id, Opinion.id != opinion.id,
                              Opinion.created_at <= opinion.created_at)  # a duplicate repeats an earlier case
        .order_by(Opinion.id.desc()).limit(30)).scalars()
    return [(str(o.id), f"{o.number} {o.text[:16]}（{STATE_LABELS.get(o.state, o.state)}）") for o in rows]


def _input(action: str, f, opinion: Opinion, categories: dict, units, today: date) -> Input:
    inp = Input(f.name, f.label, "text", f.required, max_len=f.max_len)
    if action == "close" and f.name == "close_reason":
        # Only the reasons the workflow takes from this state (a case rated 满意 is never
        # closed as 不予受理); the first is what an empty choice would mean anyway.
        allowed = CLOSE_REASONS_FROM.get(opinion.state, tuple(f.choices))
        inp.kind, inp.required, inp.value = "select", True, allowed[0]
        inp.options = [(k, f.choices[k]) for k in allowed]
    elif f.kind == "choice":
        inp.kind, inp.options = "select", list(f.choices.items())
    elif f.kind == "date":
        inp.kind = "date"
        earliest = today
        if action in AFTER_DEADLINE and opinion.deadline and opinion.deadline > today:
            earliest = opinion.deadline
        inp.min = (earliest + timedelta(days=1)).isoformat()
    elif f.kind == "ids":
        inp.kind, inp.options = "checkboxes", [(str(u.id), u.name) for u in units]
    elif f.kind == "id":
        inp.kind = "select"
        inp.options = ([(str(u.id), u.name) for u in units] if f.name.endswith("unit_id")
                       else _duplicates(opinion))
    elif f.name == "category":
        inp.kind, inp.options, inp.value = "select", list(categories.items()), opinion.category
        if opinion.category not in categories:  # a key the deployment's list no longer has
            inp.options.insert(0, ("", f"保持原分类（{opinion.category}）"))
            inp.value = ""
    elif f.max_len > TEXTAREA_OVER or f.name in ("note", "public_note", "reason", "guidance"):
        inp.kind = "textarea"
    if f.kind == "text" and "可见" not in f.label and "仅工作人员" not in f.label:
        inp.readers = READERS[privacy.field_audience(action, f.name)]
    return inp


def _refill(inp: Input, failure: Failure) -> None:
    """Put back what was posted, and the field's messages."""
    if inp.kind == "checkboxes":
        inp.values = [v for v in failure.form.getlist(inp.name) if v]
    else:
        inp.value = failure.form.get(inp.name, "")
    inp.errors = list(failure.fields.get(inp.name) or [])


def _names_units(t) -> bool:
    return any(f.kind in ("ids", "id") and f.name.endswith(("unit_ids", "unit_id")) for f in t.fields)


def _why(guess: dict) -> str:
    return f"（把握 {guess['confidence'] * 100:.0f}%，依据：{'、'.join(guess['reasons'])}）"


def _suggest(action: str, inp: Input, suggestion: dict | None) -> None:
    """Pre-select the suggested category (受理) or lead unit (交办), with the reason."""
    guess = (suggestion or {}).get("category" if action == "accept" else "unit")
    if not guess:
        return
    if action == "accept" and inp.name == "category" and guess["key"] in dict(inp.options):
        inp.value, inp.hint = guess["key"], f"建议分类：{guess['label']}{_why(guess)}"
    elif action == "assign" and inp.name == "unit_ids":
        shown = str(guess["id"]) in dict(inp.options)
        if shown:
            inp.values = [str(guess["id"])]
        inp.hint = f"建议主办单位：{guess['name']}{_why(guess)}" + ("" if shown else "，不在当前列表中")


def forms_for(opinion: Opinion, allowed: list[str], categories: dict, today: date,
              failure: Failure | None = None, unit_level: str | None = None,
              unit_q: str = "", suggestion: dict | None = None) -> list[ActionForm]:
    """One form per allowed action, in ``ORDER``; the refused one (``failure``) refilled.

    ``suggestion`` (``insight.routing.suggest_for``) pre-selects the accept form's category
    and the assign form's unit, saying why; staff change it as they like.

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
        inputs = [_input(action, f, opinion, categories, units, today) for f in t.fields]
        if action in ("accept", "assign"):
            for inp in inputs:
                _suggest(action, inp, suggestion)
        for inp in inputs:
            if unit_filter and inp.name == "level":  # the case's level follows the level looked at
                inp.value = level or opinion.level or ""
        form = ActionForm(action, t.label, style, inputs, unit_filter=unit_filter)
        if failure is not None and failure.action == action:
            form.error = failure.message
            for inp in inputs:
                _refill(inp, failure)
        forms.append(form)
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
    if t is None:  # edits, deadline reminders, content checks: a reason or a note
        said = payload.get("reason") or payload.get("note")
        return [str(said)] if said else []
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
