"""Who reads what an opinion's history carries (docs/API.md, "Who reads what").

Pure: no Flask, no database. The API's ``Opinion``, the admin and H5 pages and the
notification texts all filter an event's payload here, so they cannot disagree.

- Staff (liaison and station master of the opinion's station, the NPC office above
  it) read everything.
- Whoever typed a text reads it back (a deputy's own note, a unit's own refusal).
- 说明（群众可见） (``OpinionEvent.public_note``, typed with 受理, 交办, 督办, 同意延期,
  重办 ...) is read by everyone who sees the step: ``public_note_for``.
- 内部备注 (the payload's ``note``) never reaches the public: staff, and the handling
  units the step names where its transition's ``note_to`` is ``units`` (交办's note is
  the instruction to the units).
- The other text typed with a step is read as its transition's ``text_to`` says
  (``workflow.TRANSITIONS``): ``public`` (a decline's reason, the reply, the review's
  conclusion, the resident's rating comment) by everyone who sees the step; ``units``
  (a deadline change's reason, a refused extension's reason) by the handling units it
  names as well; anything else (a reopen's reason ...) by staff only.
- ``hold_reason`` (why an opinion waits for review) is for staff only.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .workflow import TRANSITIONS

PUBLIC = "public"
UNITS = "units"
STAFF_ONLY = "staff"
# Payload keys holding words somebody typed.
TEXT_KEYS = frozenset({"note", "reason", "conclusion", "guidance", "comment", "text", "title"})
NOTE_KEY = "note"  # 内部备注: read as the transition's ``note_to`` says, never by the public
PUBLIC_NOTE_KEY = "public_note"  # 说明（群众可见）: a column of the event, not in the payload
STAFF_ONLY_KEYS = frozenset({"hold_reason"})
STAFF_AUDIENCES = frozenset({"staff", "office"})  # notification audiences that are staff
NOTE_KEYS = ("reason", "conclusion", "note")  # the one line an event shows as its note


@dataclass(frozen=True)
class Reader:
    """Who reads: staff of the opinion, or a user with the units handling it."""

    staff: bool = False
    user_id: int | None = None
    unit_ids: frozenset[int] = frozenset()  # the reader's units with an assignment on it


def text_audience(action: str) -> str:
    """``public``, ``units`` or ``staff``: who reads the text typed with ``action``.

    Steps that are not workflow transitions (edits, system reminders) are staff only.
    """
    t = TRANSITIONS.get(action)
    return t.text_to if t is not None else STAFF_ONLY


def note_audience(action: str) -> str:
    """``units`` or ``staff``: who reads the internal note (``note``) of ``action``."""
    t = TRANSITIONS.get(action)
    return UNITS if t is not None and t.note_to == UNITS else STAFF_ONLY


def field_audience(action: str, name: str) -> str:
    """``public``, ``units`` or ``staff``: who besides staff reads field ``name`` of
    ``action`` once it is recorded (the admin forms say it beside each field)."""
    if name == PUBLIC_NOTE_KEY:
        return PUBLIC
    if name == NOTE_KEY:
        return note_audience(action)
    return text_audience(action) if name in TEXT_KEYS else PUBLIC


def public_note_for(public_note: str | None) -> str | None:
    """The step's 说明（群众可见）: whoever sees the step reads it (None when empty)."""
    return (public_note or "").strip() or None


def _strip(payload: Mapping[str, Any], keep_text: bool, keep_note: bool) -> dict[str, Any]:
    def kept(key: str) -> bool:
        if key in STAFF_ONLY_KEYS:
            return False
        if key == NOTE_KEY:
            return keep_note
        return keep_text or key not in TEXT_KEYS

    return {k: v for k, v in payload.items() if kept(k)}


def _ids(value) -> set[int]:
    values = value if isinstance(value, list) else [value]
    return {int(v) for v in values if isinstance(v, int) or str(v).isdigit()}


def readable_payload(action: str, payload: Mapping[str, Any] | None, *,
                     actor_id: int | None, actor_role: str | None, reader: Reader) -> dict:
    """The part of an event's payload ``reader`` may read."""
    payload = dict(payload or {})
    if reader.staff or (reader.user_id is not None and actor_id == reader.user_id):
        return payload
    if actor_role == "unit" and _ids(payload.get("unit_id")) & reader.unit_ids:
        return payload  # a colleague's step for the same unit
    named = _ids(payload.get("unit_ids"))
    unit_reads = bool(reader.unit_ids) and (not named or bool(named & reader.unit_ids))

    def reads(audience: str) -> bool:
        return audience == PUBLIC or (audience == UNITS and unit_reads)

    return _strip(payload, reads(text_audience(action)), reads(note_audience(action)))


def payload_for_audience(action: str, payload: Mapping[str, Any] | None, audience: str) -> dict:
    """The part of an event's payload a notification to ``audience`` may quote.

    :param audience: a notification audience: resident, deputy, staff, office, units
        (the units notified are the ones the step concerns).
    """
    payload = dict(payload or {})
    if audience in STAFF_AUDIENCES:
        return payload
    allowed = {PUBLIC, UNITS} if audience == "units" else {PUBLIC}
    return _strip(payload, text_audience(action) in allowed, note_audience(action) in allowed)


def note_of(payload: Mapping[str, Any]) -> str | None:
    """The event's one-line note: its reason, conclusion or note, if readable."""
    return next((payload[k] for k in NOTE_KEYS if payload.get(k)), None)
