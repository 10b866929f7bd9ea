"""Guards and effects of the workflow's transitions (used only by ``workflow.py``).

A guard checks what the opinion must look like beyond its state (a draft to
release, a pending extension) and raises; an effect turns the validated payload
into field updates, assignment changes and, where the table allows several
targets, the resulting state. Neither reads a clock or a database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

from . import deadlines
from .context import Actor, AssignmentChange, OpinionView, my_assignment
from .errors import InvalidField, InvalidTransition, MissingField, NotAllowed
from .states import (
    ACCEPTED, CLOSE_REASONS_FROM, CO, DECLINE_CHANNEL_LABELS, LEAD, ON_HOLD, REOPENED, RATED,
    REVIEWING,
)


@dataclass
class Ctx:
    view: OpinionView
    actor: Actor
    role: str
    values: dict[str, Any]
    today: date
    deadline_days: Mapping[str, int] | None = None
    # What the operation looked up for the payload's references, e.g. ``duplicate_of``:
    # ``{"id", "number", "reply"}`` of the opinion this one repeats (checked there).
    references: Mapping[str, Any] | None = None


@dataclass
class Outcome:
    state: str | None = None  # None: the transition's usual target
    updates: dict[str, Any] = field(default_factory=dict)
    assignments: list[AssignmentChange] = field(default_factory=list)
    suggestion: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # added to the event payload


def _later(name: str, value: date, today: date, after: date | None = None) -> None:
    if value <= today:
        raise InvalidField({name: ["办理期限应晚于今天"]})
    if after is not None and value <= after:
        raise InvalidField({name: [f"新的办理期限应晚于原期限（{after.isoformat()}）"]})


def _pending_extensions(view: OpinionView) -> list:
    return [a for a in view.active() if a.extension_requested_to is not None]


# Guards -------------------------------------------------------------------

def guard_unit_pending(view: OpinionView, actor: Actor) -> None:
    mine = my_assignment(view, actor)
    if mine is None or mine.status != "pending":
        raise InvalidTransition("该交办已签收，无需重复签收")


def guard_no_pending_extension(view: OpinionView, actor: Actor) -> None:
    if _pending_extensions(view):
        raise InvalidTransition("已有延期申请等待审批")


def guard_pending_extension(view: OpinionView, actor: Actor) -> None:
    if not _pending_extensions(view):
        raise InvalidTransition("没有待审批的延期申请")


def guard_lead_unit(view: OpinionView, actor: Actor) -> None:
    mine = my_assignment(view, actor)
    if mine is None or mine.role != LEAD:
        raise NotAllowed("只有主办单位可以提交答复，协办单位请将意见报主办单位")


def guard_draft_exists(view: OpinionView, actor: Actor) -> None:
    lead = view.lead()
    if lead is None or not lead.reply_draft.strip():
        raise InvalidTransition("主办单位尚未提交答复，请催办或代为答复")


def guard_no_suggestion(view: OpinionView, actor: Actor) -> None:
    if actor.deputy_id is None:
        raise NotAllowed("只有人大代表可以提出代表建议")
    if view.has_suggestion:
        raise InvalidTransition("这条意见已转为代表建议")


# Effects ------------------------------------------------------------------

def submit(c: Ctx, o: Outcome) -> None:
    if c.values.get("hold_reason"):
        o.state = ON_HOLD
        o.updates["hold_reason"] = c.values["hold_reason"]


def release_hold(c: Ctx, o: Outcome) -> None:
    o.updates["hold_reason"] = ""


def hold(c: Ctx, o: Outcome) -> None:
    o.updates["hold_reason"] = c.values["hold_reason"]


def accept(c: Ctx, o: Outcome) -> None:
    if c.values.get("category"):
        o.updates["category"] = c.values["category"]


def decline(c: Ctx, o: Outcome) -> None:
    """登记必复: the decline is itself the answer, with the channel to turn to."""
    v = c.values
    if v["channel"] == "other" and not v.get("guidance"):
        raise MissingField({"guidance": ["请说明建议群众通过什么渠道反映"]})
    reason = v["reason"].rstrip("。.；;，, ")
    answer = (f"您反映的问题经研究不予受理，原因：{reason}。"
              f"建议您通过{DECLINE_CHANNEL_LABELS[v['channel']]}反映。")
    if v.get("guidance"):
        answer += v["guidance"]
    o.updates["reply_text"] = answer


DUPLICATE_PENDING = "您反映的问题已有群众反映，已合并办理，办理结果将一并答复。"


def mark_duplicate(c: Ctx, o: Outcome) -> None:
    if c.values["duplicate_of"] == c.view.opinion_id:
        raise InvalidField({"duplicate_of": ["不能与自身合并"]})
    o.updates["close_reason"] = "duplicate"
    other = (c.references or {}).get("duplicate_of") or {}
    if other.get("number"):
        o.extra["duplicate_number"] = other["number"]
    if other.get("reply"):  # the earlier case was answered: the resident gets that answer
        o.updates["reply_text"] = (f"您反映的问题与编号 {other['number']} 的意见相同，已合并办理。"
                                   f"该意见的答复：{other['reply']}")
    else:
        o.updates["reply_text"] = DUPLICATE_PENDING


def assign(c: Ctx, o: Outcome) -> None:
    """交办 the complete set of units for this round: one lead, optional co-units."""
    v, view = c.values, c.view
    unit_ids = v["unit_ids"]
    lead = v.get("lead_unit_id") or unit_ids[0]
    if lead not in unit_ids:
        raise InvalidField({"lead_unit_id": ["主办单位应在交办单位之中"]})
    if v.get("deadline"):
        _later("deadline", v["deadline"], c.today)
        deadline = v["deadline"]
    else:
        deadline = deadlines.default_deadline(v["level"], c.today, c.deadline_days)
    ordered = [lead] + [u for u in unit_ids if u != lead]
    existing = {a.unit_id: a for a in view.active()}
    for unit_id in existing:
        if unit_id not in ordered:
            o.assignments.append(AssignmentChange(unit_id, {"status": "withdrawn"}))
    for unit_id in ordered:
        role = LEAD if unit_id == lead else CO
        if unit_id in existing:
            o.assignments.append(AssignmentChange(unit_id, {"role": role, "deadline": deadline}))
        else:
            o.assignments.append(AssignmentChange(unit_id, {
                "role": role, "status": "pending", "round": view.rounds, "deadline": deadline,
            }, create=True))
    o.updates.update(level=v["level"], deadline=deadline)
    o.extra.update(unit_ids=ordered, lead_unit_id=lead, deadline=deadline)


def unit_accept(c: Ctx, o: Outcome) -> None:
    mine = my_assignment(c.view, c.actor)
    o.assignments.append(AssignmentChange(mine.unit_id, {"status": "accepted"}))
    o.extra["unit_id"] = mine.unit_id


def unit_refuse(c: Ctx, o: Outcome) -> None:
    """A refused assignment goes back to staff; with none left, so does the opinion."""
    mine = my_assignment(c.view, c.actor)
    o.assignments.append(AssignmentChange(
        mine.unit_id, {"status": "refused", "refuse_reason": c.values["reason"]}))
    o.extra["unit_id"] = mine.unit_id
    if not [a for a in c.view.active() if a.unit_id != mine.unit_id]:
        o.state = REOPENED if c.view.rounds else ACCEPTED
        o.updates["deadline"] = None


def request_extension(c: Ctx, o: Outcome) -> None:
    mine = my_assignment(c.view, c.actor)
    _later("deadline", c.values["deadline"], c.today, c.view.deadline)
    o.assignments.append(AssignmentChange(mine.unit_id, {
        "extension_requested_to": c.values["deadline"], "extension_reason": c.values["reason"]}))
    o.extra["unit_id"] = mine.unit_id


def _set_deadline(c: Ctx, o: Outcome, deadline: date) -> None:
    o.updates["deadline"] = deadline
    o.extra["deadline"] = deadline
    for a in c.view.active():
        o.assignments.append(AssignmentChange(
            a.unit_id, {"deadline": deadline, "extension_requested_to": None}))


def approve_extension(c: Ctx, o: Outcome) -> None:
    requested = _pending_extensions(c.view)[0].extension_requested_to
    deadline = c.values.get("deadline") or requested
    _later("deadline", deadline, c.today)
    _set_deadline(c, o, deadline)


def reject_extension(c: Ctx, o: Outcome) -> None:
    for a in _pending_extensions(c.view):
        o.assignments.append(AssignmentChange(a.unit_id, {"extension_requested_to": None}))


def extend_deadline(c: Ctx, o: Outcome) -> None:
    _later("deadline", c.values["deadline"], c.today, c.view.deadline)
    _set_deadline(c, o, c.values["deadline"])


def to_suggestion(c: Ctx, o: Outcome) -> None:
    o.suggestion = {"title": c.values["title"], "text": c.values.get("text") or "",
                    "deputy_id": c.actor.deputy_id}


def draft_reply(c: Ctx, o: Outcome) -> None:
    mine = my_assignment(c.view, c.actor)
    o.assignments.append(AssignmentChange(
        mine.unit_id, {"reply_draft": c.values["text"], "status": "accepted"}))
    o.extra["unit_id"] = mine.unit_id


def _answered(c: Ctx, o: Outcome, text: str, by_lead: bool) -> None:
    """The reply goes out: its text stays on the step (a reopened case's earlier replies
    are still read from the history). The lead unit answered when its draft went out; any
    other unit's part (a co-unit, or every unit when staff answered themselves) ended
    without a reply of its own, and is never shown 已答复."""
    o.updates["reply_text"] = text
    o.extra["method"] = c.values.get("method") or "wechat"
    o.extra["text"] = text
    for a in c.view.active():
        o.assignments.append(AssignmentChange(a.unit_id, {"status": "answered" if by_lead and a.role == LEAD else "ended"}))


def release_reply(c: Ctx, o: Outcome) -> None:
    """双反馈: the unit answered the station (draft); the station answers the resident."""
    lead = c.view.lead()
    o.extra["unit_id"] = lead.unit_id
    _answered(c, o, c.values.get("text") or lead.reply_draft.strip(), by_lead=True)


def reply_directly(c: Ctx, o: Outcome) -> None:
    _answered(c, o, c.values["text"], by_lead=False)


def rate(c: Ctx, o: Outcome) -> None:
    unsatisfied = c.values["rating"] == "unsatisfied"
    if unsatisfied and not c.values.get("comment"):
        raise MissingField({"comment": ["请说明不满意的原因，便于复核"]})
    o.state = REVIEWING if unsatisfied else RATED
    o.updates.update(rating=c.values["rating"], rating_comment=c.values.get("comment") or "")


def close(c: Ctx, o: Outcome) -> None:
    allowed = CLOSE_REASONS_FROM[c.view.state]
    reason = c.values.get("close_reason") or allowed[0]
    if reason not in allowed:
        raise InvalidField({"close_reason": ["当前状态不能以该原因办结"]})
    o.updates["close_reason"] = reason
    o.extra["close_reason"] = reason


def reopen(c: Ctx, o: Outcome) -> None:
    """重办: a new round; the next ``assign`` starts a fresh deadline."""
    rounds = c.view.rounds + 1
    o.updates.update(rounds=rounds, deadline=None, rating=None, rating_comment="")
    o.extra["rounds"] = rounds


def close_after_review(c: Ctx, o: Outcome) -> None:
    o.updates["close_reason"] = c.values["close_reason"]
