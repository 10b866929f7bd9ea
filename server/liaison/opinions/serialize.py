"""Opinions as the API shows them (docs/API.md: ``OpinionBrief`` and ``Opinion``).

What a caller reads depends on their ``Lens`` on the opinion (docs/API.md, "Who
reads what"):
- phone numbers are masked (``138****1234``) except for the station's own staff and
  for a handling unit when the resident did not ask for anonymity;
- only staff learn who an anonymous resident is: deputies and units get no
  submitter and no phone at all;
- ``hold_reason`` is for staff; so are the units' own words on an assignment
  (refusal, extension reason, reply draft), which each unit reads on its own rows;
- residents get the public timeline and their own words; everyone else all events;
  the text typed with each step is filtered by ``privacy.readable_payload``; an
  event's ``public_note`` (说明（群众可见）) is read by everyone who sees the step, its
  ``note`` is what else the reader may read of it (internal notes for staff);
- what WeChat's content check called risky (a photo, a rating comment) is shown to
  staff only, marked; a comment not yet cleared is shown to its writer and staff;
- a reply's files (``attachments``): staff and the unit see them with the draft, the
  resident and the deputy with the released reply.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm.util import identity_key

from ..core.clock import iso
from ..core.db import db
from ..places.models import Deputy, HandlingUnit, Station
from ..users.models import User
from . import attachments, privacy, workflow
from .access import Lens, Viewer, actor_for, lens_for, view_of
from .edits import can_edit
from .operations import EDIT, action_label, categories
from .states import (
    ASSIGNMENT_STATUS_LABELS, CLOSE_REASON_LABELS, HOLD_REASON_LABELS, LEVEL_LABELS,
    RATING_LABELS, SEC_CHECK_LABELS, SEC_HIDDEN, STATE_LABELS, state_group,
)
from .context import ROLE_LABELS
from .uploads import url_for_upload

SCRUBBED_TEXT = "（该意见已办结超过保存期限，个人信息已按规定清除）"


def mask_phone(phone: str | None) -> str | None:
    """``13800001234`` -> ``138****1234``; short numbers keep only their last two digits."""
    if not phone:
        return None
    if len(phone) >= 8:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * (len(phone) - 2) + phone[-2:]


def _names(model, ids) -> dict[int, str]:
    """{id: name}; rows this session holds loaded already (a submit's station and
    deputy) are not read again."""
    ids, names = {i for i in ids if i}, {}
    for i in ids:
        held = db.session.identity_map.get(identity_key(model, i))
        if held is not None and "name" in held.__dict__:  # loaded, not expired
            names[i] = held.name
    missing = ids - set(names)
    if missing:
        names.update(db.session.execute(select(model.id, model.name).where(model.id.in_(missing))).all())
    return names


def briefs(opinions: list, today) -> list[dict]:
    """OpinionBrief for a page of opinions (names fetched in two queries)."""
    stations = _names(Station, [o.station_id for o in opinions])
    deputies = _names(Deputy, [o.deputy_id for o in opinions])
    return [brief(o, today, stations, deputies) for o in opinions]


def brief(o, today, stations: dict | None = None, deputies: dict | None = None) -> dict:
    stations = stations if stations is not None else _names(Station, [o.station_id])
    deputies = deputies if deputies is not None else _names(Deputy, [o.deputy_id])
    labels = categories()
    return {
        "id": o.id,
        "number": o.number,
        "state": o.state,
        "state_label": STATE_LABELS.get(o.state, o.state),
        "state_group": state_group(o.state, o.close_reason),
        "category": o.category,
        "category_label": labels.get(o.category, o.category),
        "summary": (o.text or "")[:40],
        "station": {"id": o.station_id, "name": stations.get(o.station_id, "")},
        "deputy": ({"id": o.deputy_id, "name": deputies.get(o.deputy_id, "")}
                   if o.deputy_id else None),
        "created_at": iso(o.created_at),
        "deadline": o.deadline.isoformat() if o.deadline else None,
        "overdue": workflow.overdue(view_of_light(o), today),
    }


def view_of_light(o) -> workflow.OpinionView:
    """Enough of the view for ``overdue`` (no assignment or suggestion queries)."""
    return workflow.OpinionView(state=o.state, deadline=o.deadline)


def _phone_for(o, lens: Lens) -> str | None:
    if lens.is_station_staff:
        return o.contact_phone or None
    if o.anonymous and not lens.knows_anonymous:
        return None
    if lens.unit_only:
        return o.contact_phone or None
    return mask_phone(o.contact_phone)


def readable_events(o, lens: Lens) -> list[tuple[object, dict]]:
    """(event, the payload ``lens`` may read) in order; residents: public steps only."""
    reader = lens.reader
    return [(e, privacy.readable_payload(e.action, e.payload, actor_id=e.actor_id,
                                         actor_role=e.actor_role, reader=reader))
            for e in o.events if e.public or not lens.resident_only]


DEADLINE_ACTIONS = ("approve_extension", "extend_deadline")  # steps that move the deadline
REPLY_ACTIONS = ("release_reply", "reply_directly")  # steps that send the resident a reply


def _events(o, lens: Lens) -> list[dict]:
    """``note`` is the text typed with the step (privacy.py decides who reads it);
    ``deadline`` the new deadline a step set, which whoever sees the step may read;
    ``reply`` the reply a step sent (public: a reopened case keeps its earlier replies)."""
    return [{
        "action": e.action, "action_label": action_label(e.action),
        "from_state": e.from_state, "to_state": e.to_state, "at": iso(e.at),
        "actor_role": e.actor_role, "actor_role_label": ROLE_LABELS.get(e.actor_role, ""),
        "note": privacy.note_of(payload),
        "public_note": privacy.public_note_for(e.public_note),
        "deadline": (str(payload["deadline"])[:10] if e.action in DEADLINE_ACTIONS and payload.get("deadline")
                     else None),
        "reply": (payload.get("text") or None) if e.action in REPLY_ACTIONS else None,
    } for e, payload in readable_events(o, lens)]


def _reply(o, units: dict, files: list) -> dict | None:
    if not o.reply_text:
        return None
    answered = [a for a in o.assignments if a.status == "answered" and a.role == "lead"]
    unit = answered[-1].unit_id if answered else None
    shown = answered[-1].id if answered else None
    return {"text": o.reply_text, "at": iso(o.replied_at),
            "unit": {"id": unit, "name": units.get(unit, "")} if unit else None,
            "attachments": [attachments.as_json(f) for f in files
                            if f.assignment_id == shown and f.released_at is not None]}


def _assignments(o, lens: Lens, units: dict, files: list) -> list[dict]:
    if lens.resident_only:
        return []
    out = []
    for a in o.assignments:
        own = lens.is_staff or a.unit_id in lens.unit_ids  # the unit's words to the station
        out.append({
            "unit": {"id": a.unit_id, "name": units.get(a.unit_id, "")},
            "role": a.role, "status": a.status,
            "status_label": ASSIGNMENT_STATUS_LABELS.get(a.status, a.status), "round": a.round,
            "deadline": a.deadline.isoformat() if a.deadline else None,
            "extension_requested_to": (a.extension_requested_to.isoformat()
                                       if a.extension_requested_to else None),
            "extension_reason": (a.extension_reason or None) if own else None,
            "refuse_reason": (a.refuse_reason or None) if own else None,
            "reply_draft": (a.reply_draft or None) if own else None,
            "attachments": [attachments.as_json(f) for f in files if f.assignment_id == a.id],
        })
    return out


def _photos(o, lens: Lens) -> list[dict]:
    if not lens.is_staff:
        return [{"id": p.upload_id, "url": url_for_upload(p.upload_id)}
                for p in o.photos if p.sec_check not in SEC_HIDDEN]
    return [{"id": p.upload_id, "url": url_for_upload(p.upload_id), "sec_check": p.sec_check or None,
             "sec_check_label": SEC_CHECK_LABELS.get(p.sec_check)} for p in o.photos]


CLEARED = frozenset({"", "pass", "review"})  # "": no comment, or written before the checks


def _rating(o, lens: Lens) -> dict | None:
    if not o.rating:
        return None
    verdict = o.rating_sec_check or ""
    out = {"rating": o.rating, "rating_label": RATING_LABELS.get(o.rating, o.rating),
           "comment": o.rating_comment or "", "at": iso(o.rated_at)}
    if lens.is_staff:
        out.update(sec_check=verdict or None, sec_check_label=SEC_CHECK_LABELS.get(verdict))
    elif not (verdict in CLEARED or (lens.is_submitter and verdict not in SEC_HIDDEN)):
        out.update(comment="", comment_hidden=True)
    return out


def _submitter(o, lens: Lens) -> dict | None:
    if lens.resident_only or (o.anonymous and not lens.knows_anonymous) or not o.submitter_id:
        return None
    user = db.session.get(User, o.submitter_id)
    return {"id": user.id, "nickname": user.nickname} if user else None


def full(o, viewer: Viewer, today) -> dict:
    """The whole ``Opinion`` for ``viewer`` (who must be allowed to see it)."""
    actor = actor_for(viewer, o.station_id)
    lens = lens_for(viewer, o, actor)
    units = _names(HandlingUnit, [a.unit_id for a in o.assignments])
    files = attachments.for_opinion(o, lens)
    out = brief(o, today)
    scrubbed = o.scrubbed_at is not None
    text = SCRUBBED_TEXT if scrubbed else (o.original_text if lens.resident_only else o.text)
    out["summary"] = text[:40]
    actions = workflow.allowed_actions(view_of(o), actor)
    if can_edit(viewer, o, actor):
        actions.append(EDIT)
    out.update({
        "text": text,
        "original_text": o.original_text if lens.is_staff and o.original_text != o.text else None,
        "photos": _photos(o, lens),
        "anonymous": o.anonymous,
        "contact_phone": _phone_for(o, lens),
        "submitter": _submitter(o, lens),
        "level": o.level,
        "level_label": LEVEL_LABELS.get(o.level) if o.level else None,
        "hold_reason": (o.hold_reason or None) if lens.is_staff else None,
        "hold_reason_label": (HOLD_REASON_LABELS.get(o.hold_reason)
                              if o.hold_reason and lens.is_staff else None),
        "close_reason": o.close_reason or None,
        "close_reason_label": CLOSE_REASON_LABELS.get(o.close_reason) if o.close_reason else None,
        "sec_check": o.sec_check or None if lens.is_staff else None,
        "sec_check_label": SEC_CHECK_LABELS.get(o.sec_check) if lens.is_staff else None,
        "reply": _reply(o, units, files),
        "rating": _rating(o, lens),
        "assignments": _assignments(o, lens, units, files),
        "events": _events(o, lens),
        "allowed_actions": actions,
        "version": o.version,
        "scrubbed": scrubbed,
    })
    return out
