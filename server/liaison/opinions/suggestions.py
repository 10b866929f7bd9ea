"""Closed-session suggestions (闭会期间代表建议) and what became of them.

A deputy turns an opinion into a suggestion with the workflow's ``to_suggestion``
(``operations.apply_decision`` writes the row). The suggestion then goes its own way:
the NPC office hands it to a handling unit, and the unit answers. This module records
that answer, the smallest honest account of the outcome: staff of the opinion's
station or the NPC office over it write down which unit answered and what it said
(``record_outcome``), in one transaction with its audit row and the deputy's
notification (in-app and the official account's template message, through the
outbox: ``answered`` is sent to ``notifications``, wired by ``create_app``). Recording
again corrects the outcome; every record is audited and told to the deputy.

Who sees a suggestion (``visible_clause``, on ``places.scopes``): the deputy who made
it; staff of the station where its opinion came in and the NPC office over that
station (as they see the opinion itself). Anyone else gets a 404 that says nothing.
"""
from __future__ import annotations

from sqlalchemy import false, func, or_, select

from ..audit.log import record
from ..core import clock
from ..core.db import db
from ..core.errors import ApiError
from ..core.events import Event
from ..places.models import Deputy, Station
from ..places.scopes import can_manage_deputy, can_manage_station, station_clause
from .access import Viewer
from .errors import InvalidField, MissingField, NotAllowed
from .models import Opinion, Suggestion
from .operations import kick

FILED, ANSWERED = "filed", "answered"
STATE_LABELS = {FILED: "已提出，待答复", ANSWERED: "已答复"}
NOT_FOUND = ("not_found", "这条代表建议不存在或您无权查看")
UNIT_MAX, OUTCOME_MAX = 100, 2000

# The deputy is told of a recorded outcome (``notifications.outbox.emit_direct``'s
# arguments); after the commit the workers are asked to deliver (``operations.kick``).
answered = Event("opinions.suggestion_answered")


def visible_clause(viewer: Viewer):
    """WHERE on ``Suggestion`` (joined to its ``Opinion``): what ``viewer`` may see."""
    s = viewer.scope
    parts = []
    if s.deputy_id is not None:
        parts.append(Suggestion.deputy_id == s.deputy_id)
    if s.is_staff:
        parts.append(Suggestion.opinion_id.in_(
            select(Opinion.id).where(Opinion.station_id.in_(select(Station.id).where(station_clause(s))))))
    return or_(*parts) if parts else false()


def _visible(viewer: Viewer, suggestion_id: int) -> Suggestion:
    found = db.session.scalars(select(Suggestion).where(
        Suggestion.id == suggestion_id, visible_clause(viewer))).first()
    if found is None:
        raise ApiError(404, *NOT_FOUND)
    return found


def can_record(viewer: Viewer, suggestion: Suggestion) -> bool:
    """Staff of the opinion's station or the NPC office over it (a suggestion without an
    opinion: staff of a station where its deputy sits)."""
    opinion = db.session.get(Opinion, suggestion.opinion_id) if suggestion.opinion_id else None
    if opinion is not None:
        return can_manage_station(viewer.scope, db.session.get(Station, opinion.station_id))
    return can_manage_deputy(viewer.scope, suggestion.deputy_id)


def for_opinion(viewer: Viewer, opinion_id: int) -> Suggestion | None:
    """The suggestion made from the opinion, if ``viewer`` may see it (``visible_clause``)."""
    return db.session.scalars(select(Suggestion).where(
        Suggestion.opinion_id == opinion_id, visible_clause(viewer)).order_by(Suggestion.id)).first()


def serialize(s: Suggestion, opinion: Opinion | None, deputy_name: str = "") -> dict:
    return {
        "id": s.id, "title": s.title, "text": s.text or "", "state": s.state,
        "state_label": STATE_LABELS.get(s.state, s.state),
        "created_at": clock.in_china(s.created_at).replace(microsecond=0),
        "deputy": {"id": s.deputy_id, "name": deputy_name},
        "opinion": ({"id": opinion.id, "number": opinion.number, "summary": (opinion.text or "")[:40]}
                    if opinion is not None else None),
        "outcome": ({"unit_name": s.unit_name, "text": s.outcome,
                     "answered_at": clock.in_china(s.answered_at).replace(microsecond=0)}
                    if s.state == ANSWERED and s.answered_at is not None else None),
    }


def list_for(viewer: Viewer, *, mine: bool, page: int, per_page: int) -> dict:
    """The suggestions ``viewer`` may see, newest first (``mine``: only their own as a deputy)."""
    where = visible_clause(viewer)
    if mine:
        where = Suggestion.deputy_id == viewer.scope.deputy_id if viewer.scope.deputy_id else false()
    total = db.session.scalar(select(func.count(Suggestion.id)).where(where))
    rows = db.session.execute(
        select(Suggestion, Opinion, Deputy.name).outerjoin(Opinion, Opinion.id == Suggestion.opinion_id)
        .join(Deputy, Deputy.id == Suggestion.deputy_id).where(where)
        .order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
        .offset((page - 1) * per_page).limit(per_page)).all()
    return {"items": [serialize(s, o, name) for s, o, name in rows], "total": total,
            "page": page, "per_page": per_page}


def _clean(values: dict) -> tuple[str, str]:
    unit = " ".join(str(values.get("unit_name") or "").split())
    text = str(values.get("outcome") or "").strip()
    missing = {}
    if not unit:
        missing["unit_name"] = ["请填写答复这条建议的承办单位"]
    if not text:
        missing["outcome"] = ["请填写承办单位的答复或办理结果"]
    if missing:
        raise MissingField(missing)
    if len(unit) > UNIT_MAX:
        raise InvalidField({"unit_name": [f"承办单位名称不能超过{UNIT_MAX}个字"]})
    if len(text) > OUTCOME_MAX:
        raise InvalidField({"outcome": [f"办理结果不能超过{OUTCOME_MAX}个字"]})
    return unit, text


def message_texts(number: str, title: str, unit: str, outcome: str) -> tuple[str, str]:
    """The deputy's in-app message (title, body)."""
    short = outcome if len(outcome) <= 200 else outcome[:199] + "…"
    return ("代表建议已有答复",
            f"您根据意见（编号{number}）提出的代表建议“{title}”已由{unit}答复：{short}")


def record_outcome(viewer: Viewer, suggestion_id: int, values: dict) -> Suggestion:
    """Write down the handling unit's answer (flushes; the request's commit writes it).

    :raise ApiError: 404 not visible; ``NotAllowed`` (403) for a deputy or anyone who does
        not run the station; ``MissingField``/``InvalidField`` (422) for empty or long fields.
    """
    suggestion = _visible(viewer, suggestion_id)
    if not can_record(viewer, suggestion):
        raise NotAllowed("只有联络站工作人员或人大工委可以登记代表建议的办理结果")
    unit, text = _clean(values)
    before = {"state": suggestion.state, "unit_name": suggestion.unit_name, "outcome": suggestion.outcome}
    now = clock.now()
    suggestion.state, suggestion.unit_name, suggestion.outcome = ANSWERED, unit, text
    suggestion.answered_at, suggestion.answered_by_id = now, viewer.user_id
    opinion = db.session.get(Opinion, suggestion.opinion_id) if suggestion.opinion_id else None
    station = db.session.get(Station, opinion.station_id) if opinion is not None else None
    entry = record("suggestion.answered", "suggestion", suggestion.id, actor=viewer.user,
                   subject=suggestion.title, before=before,
                   after={"state": ANSWERED, "unit_name": unit, "outcome": text},
                   station_id=station.id if station else None,
                   region_id=station.region_id if station else None)
    db.session.flush()
    deputy = db.session.get(Deputy, suggestion.deputy_id)
    if deputy is not None and deputy.user_id:
        title, body = message_texts(opinion.number if opinion else "—", suggestion.title, unit, text)
        answered.send(user_id=deputy.user_id, event="suggestion_answered", title=title, body=body,
                      fields={"state_label": "已答复", "title": "代表建议已答复"},
                      opinion_id=opinion.id if opinion else None,
                      dedupe_key=f"suggestion:{suggestion.id}:{entry.id}:{deputy.user_id}", audience="deputy")
        kick()  # delivered right after the commit
    return suggestion


def one(s: Suggestion) -> dict:
    opinion = db.session.get(Opinion, s.opinion_id) if s.opinion_id else None
    deputy = db.session.get(Deputy, s.deputy_id)
    return serialize(s, opinion, deputy.name if deputy else "")
