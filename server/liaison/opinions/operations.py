"""Use cases that change an opinion. Each owns exactly one commit.

``apply_decision`` is the one place that writes a workflow ``Decision``: state and
fields, assignment rows, the suggestion, the append-only event (same transaction as
the state change) and the outbox rows. Nothing else assigns ``Opinion.state``.

Every write touches ``updated_at``, so the optimistic lock (``version_id_col``)
makes two concurrent transitions on one opinion collide: the loser gets 409.

A rating comment goes through WeChat's content check (``content_check.check_rating``)
before the rating's transaction; its verdict is written in that same commit.

Two things are not workflow transitions and live here as small operations:
``edit`` (staff correct the text or category; ``original_text`` keeps the
resident's words) and ``record_system_event`` (jobs note an overdue or near
deadline: the workflow's ``urge`` is for people only, so the job appends an
``overdue``/``near_deadline`` event without touching the state or the version).
"""
from __future__ import annotations

import logging
from typing import Any, Iterable, Mapping

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core import clock
from ..core.db import db
from ..core.transaction import after_commit, guarded, savepoint
from ..core.errors import ApiError
from ..core.events import Event
from ..places.models import HandlingUnit
from . import workflow
from .access import Viewer, actor_for, get_visible, view_of
from .context import SYSTEM, Actor, AssignmentChange, Notify
from .errors import InvalidField
from .models import Assignment, Opinion, OpinionEvent, Suggestion
from .states import CLOSED, DECLINED

log = logging.getLogger(__name__)

EDIT = "edit"  # staff correct text or category: ``edits.edit``
# Event actions that are not workflow transitions.
EXTRA_ACTION_LABELS = {EDIT: "修改内容", "overdue": "超期提醒", "near_deadline": "临期提醒",
                       "content_checked": "内容复检"}
CONFLICT = ("conflict", "这条意见刚刚被他人处理过，请刷新后重试")


def action_label(action: str) -> str:
    return workflow.ACTION_LABELS.get(action) or EXTRA_ACTION_LABELS.get(action, action)


def categories() -> dict[str, str]:
    """This deployment's categories, key to label, in their order (``OPINION_CATEGORIES``)."""
    items = current_app.config["OPINION_CATEGORIES"]
    return dict(items.items() if isinstance(items, dict) else
                ((i["key"], i["label"]) if isinstance(i, dict) else tuple(i) for i in items))


def category_label(key: str | None) -> str:
    """The label of a stored category; a key the list no longer has is shown as it is."""
    return categories().get(key or "", key or "")


def fallback_category() -> str:
    """The category of an opinion submitted without one: ``other`` when the list has it,
    else an entry labelled 其他, else the list's last entry."""
    cats = categories()
    if "other" in cats:
        return "other"
    return next((k for k, label in cats.items() if label.startswith("其他")), list(cats)[-1])


def category_for(key: str | None, label: str | None = None) -> str:
    """``key`` when the list has it, else the entry with that ``label``, else the fallback
    (demo data and imports written for another list)."""
    cats = categories()
    if key in cats:
        return key
    return next((k for k, v in cats.items() if label and v == label), fallback_category())


# -- notifications (a higher package: wired by create_app) -------------------------

# A decision's notifications are written in its transaction (``notifications.outbox.emit``) ...
notify = Event("opinions.notify")
# Who they go to may be read ahead of the transaction's first write (``outbox.prepare``) ...
notify_prepare = Event("opinions.notify_prepare")
# ... and after the commit the workers are asked to deliver them (``outbox.kick``).
notified = Event("opinions.notified")
# Every decision applied, in its transaction (``insight.routing.record_choice`` notes
# whether staff took the suggested category or unit).
decided = Event("opinions.decided")


def emit(opinion: Opinion, notifies: Iterable[Notify], *, event_id: int,
         actor_user_id: int | None, assignment_unit_ids: list[int] | None = None,
         prepared=None) -> None:
    notifies = tuple(notifies)
    if notifies:
        notify.send(opinion=opinion, notifies=notifies, event_id=event_id, actor_user_id=actor_user_id,
                    assignment_unit_ids=assignment_unit_ids, prepared=prepared)


def _assignment_unit_ids(decision: workflow.Decision) -> list[int] | None:
    """The units ``decision``'s assignment changes name (None: the opinion's active ones)."""
    return [c.unit_id for c in decision.assignments] or None


def prepare_notifications(opinion: Opinion, decision: workflow.Decision):
    """Read ahead who ``decision``'s notifications go to (before the first write; see
    ``notifications.outbox.prepare``); pass the answer to ``apply_decision``."""
    answers = notify_prepare.send(opinion=opinion, notifies=decision.notifications,
                                  assignment_unit_ids=_assignment_unit_ids(decision))
    return answers[0] if answers else None


def kick() -> None:
    """After this unit of work commits: ask the workers to deliver (best effort)."""
    after_commit(_kick)


def _kick() -> None:
    try:
        notified.send()
    except Exception:  # delivery is retried by the periodic sweep
        log.exception("outbox kick failed")


# -- applying a decision -------------------------------------------------------------

def _target_assignment(opinion: Opinion, unit_id: int, rounds: int) -> Assignment | None:
    mine = [a for a in opinion.assignments
            if a.unit_id == unit_id and a.round == rounds and a.status != "withdrawn"]
    active = [a for a in mine if a.status in ("pending", "accepted")]
    return (active or mine or [None])[-1]


def _apply_assignment(opinion: Opinion, change: AssignmentChange, rounds: int, now) -> None:
    if change.create:
        target = Assignment(unit_id=change.unit_id, **change.updates)
        opinion.assignments.append(target)
    else:
        target = _target_assignment(opinion, change.unit_id, rounds)
        if target is None:  # the workflow only names current assignments
            raise AssertionError(f"no current assignment for unit {change.unit_id}")
        for key, value in change.updates.items():
            setattr(target, key, value)
    if change.updates.get("status") == "answered":
        target.answered_at = now


def apply_decision(opinion: Opinion, decision: workflow.Decision,
                   actor_user_id: int | None, prepared=None) -> OpinionEvent:
    """Write ``decision`` onto ``opinion`` (added to the session); flushes, never commits.

    :param prepared: ``prepare_notifications``' answer, when the caller read it ahead.
    """
    now = clock.now()
    rounds = opinion.rounds or 0
    for key, value in decision.updates.items():
        setattr(opinion, key, value)
    if "reply_text" in decision.updates:
        opinion.replied_at = now
    if decision.action == "rate":
        opinion.rated_at = now
    if decision.new_state in (CLOSED, DECLINED) and opinion.closed_at is None:
        opinion.closed_at = now
    opinion.state = decision.new_state
    opinion.updated_at = now
    for change in decision.assignments:
        _apply_assignment(opinion, change, rounds, now)
    if decision.action == "release_reply":  # the lead unit's files go out with its reply
        from .attachments import release

        release(opinion, decision.payload["unit_id"], now)
    event = OpinionEvent(action=decision.action, from_state=decision.from_state,
                         to_state=decision.new_state, actor_id=actor_user_id,
                         actor_role=decision.actor_role, payload=decision.payload,
                         public=decision.public, public_note=decision.public_note or "", at=now)
    opinion.events.append(event)
    db.session.flush()
    if decision.suggestion:
        db.session.add(Suggestion(opinion_id=opinion.id, **decision.suggestion))
    emit(opinion, decision.notifications, event_id=event.id, actor_user_id=actor_user_id,
         assignment_unit_ids=_assignment_unit_ids(decision), prepared=prepared)
    decided.send(opinion=opinion, decision=decision, event=event)
    return event


def _check_references(opinion: Opinion, decision) -> None:
    """What the pure workflow cannot know: units, the duplicate, the category list."""
    p = decision.payload
    if p.get("unit_ids"):
        known = set(db.session.scalars(select(HandlingUnit.id).where(
            HandlingUnit.id.in_(p["unit_ids"]), HandlingUnit.active.is_(True))))
        if known != set(p["unit_ids"]):
            raise InvalidField({"unit_ids": ["承办单位不存在或已停用"]})
    if decision.action == "accept" and p.get("category") and p["category"] not in categories():
        raise InvalidField({"category": ["分类不在可选范围内"]})


def public_answer(opinion: Opinion) -> str:
    """What the resident was answered (the released reply, a decline's answer), or ''
    (also for a duplicate still waiting for the answer of the case it repeats)."""
    from .effects import DUPLICATE_PENDING

    if opinion.reply_text == DUPLICATE_PENDING:
        return ""
    if opinion.state == DECLINED or opinion.replied_at is not None:
        return opinion.reply_text or ""
    return ""


def duplicate_target(viewer: Viewer | None, opinion: Opinion, other_id: int) -> Opinion:
    """The opinion ``opinion`` may be closed as a duplicate of: registered earlier, in the
    same region (``places.scopes.scope_region``: its district) and visible to ``viewer``.

    :raise InvalidField: 422 naming ``duplicate_of``.
    """
    from ..places.scopes import scope_region
    from .access import visible_clause

    query = select(Opinion).where(Opinion.id == other_id)
    if viewer is not None:
        query = query.where(visible_clause(viewer))
    other = db.session.scalars(query).first()
    region = scope_region(opinion.station_id)
    if (other is None or other.id == opinion.id or region is None
            or (other.created_at, other.id) > (opinion.created_at, opinion.id)
            or getattr(scope_region(other.station_id), "id", None) != region.id):
        raise InvalidField({"duplicate_of": ["重复的意见应为本区域内较早登记、您可以查看的意见"]})
    return other


def _references(viewer: Viewer | None, opinion: Opinion, decision) -> dict:
    """What the workflow's effects need of the ids in the payload (checked here)."""
    if decision.payload.get("duplicate_of"):
        other = duplicate_target(viewer, opinion, decision.payload["duplicate_of"])
        return {"duplicate_of": {"id": other.id, "number": other.number, "reply": public_answer(other)}}
    return {}


def _decide(opinion: Opinion, action: str, actor: Actor, payload, references=None) -> workflow.Decision:
    return workflow.decide(view_of(opinion), action, actor, payload, clock.today(),
                           deadline_days=current_app.config["DEADLINE_DAYS"], references=references)


def transition(viewer: Viewer, opinion_id: int, action: str, payload: Mapping[str, Any],
               expected_version: int | None = None) -> Opinion:
    """Take ``action`` on a visible opinion as ``viewer``; one commit.

    :raise ApiError: 404 not visible, 403 not allowed, 409 wrong state or changed
        meanwhile (``conflict``), 422 bad payload.
    """
    opinion = get_visible(viewer, opinion_id)
    if expected_version is not None and expected_version != opinion.version:
        raise ApiError(409, *CONFLICT)
    if action == EDIT:
        from .edits import edit

        return edit(viewer, opinion, payload)
    actor = actor_for(viewer, opinion.station_id)
    decision = _decide(opinion, action, actor, payload)
    _check_references(opinion, decision)
    references = _references(viewer, opinion, decision)
    if references:  # decided again, now knowing what the ids refer to (pure, cheap)
        decision = _decide(opinion, action, actor, payload, references)
    comment = None
    if decision.action == "rate" and decision.updates.get("rating_comment"):
        from .content_check import check_rating  # WeChat's msgSecCheck, before the transaction

        comment = check_rating(viewer.user, decision.updates["rating_comment"])

    def write():
        apply_decision(opinion, decision, viewer.user_id)
        if comment is not None:
            comment.apply(opinion)

    guarded(write, CONFLICT[1])
    kick()
    return opinion


def transition_as_system(opinion_id: int, action: str, payload: Mapping[str, Any]) -> Opinion:
    """The same, for jobs and checks (the workflow's ``system`` role); one commit."""
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None:
        raise ApiError(404, "not_found")
    decision = _decide(opinion, action, Actor.system(), payload)
    guarded(lambda: apply_decision(opinion, decision, None), CONFLICT[1])
    kick()
    return opinion


def record_system_event(opinion_id: int, action: str, *, dedupe_key: str,
                        payload: dict | None = None, notifies: Iterable[Notify] = ()) -> bool:
    """Append a system event once per ``dedupe_key`` and notify; one commit.

    The state, the fields and the version stay as they are, so a job never collides
    with a person's transition. Returns False when the event was already recorded.
    """
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None or db.session.scalar(select(OpinionEvent.id).where(
            OpinionEvent.opinion_id == opinion_id, OpinionEvent.dedupe_key == dedupe_key)):
        return False
    event = OpinionEvent(opinion_id=opinion_id, action=action, from_state=opinion.state,
                         to_state=opinion.state, actor_id=None, actor_role=SYSTEM,
                         payload=payload or {}, public=False, at=clock.now(), dedupe_key=dedupe_key)
    try:
        with savepoint():
            db.session.add(event)
    except IntegrityError:  # a concurrent run recorded it first
        return False
    emit(opinion, notifies, event_id=event.id, actor_user_id=None)
    db.session.flush()
    kick()
    return True
