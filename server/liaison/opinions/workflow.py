"""The one opinion state machine: every action, who may take it, from which states,
to which state, what it must carry and whom it notifies.

Pure: no Flask, no database, no clock (``today`` is passed in). Operations build an
``OpinionView`` and an ``Actor``, call ``decide`` and apply the ``Decision`` in one
commit: set the state and fields, change assignments, append the event row, write
the outbox rows for ``notifications``. Nothing else assigns ``Opinion.state``.

Checks run in this order, so the HTTP status is predictable: unknown action (422),
role (403), state (409), the action's other preconditions (403/409), payload (422).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Mapping, NamedTuple

from . import deadlines
from . import effects as fx
from .context import (  # noqa: F401  (re-exported: the workflow's public names)
    DEPUTY, LIAISON, OFFICE, RESIDENT, ROLE_LABELS, ROLE_PRIORITY, STAFF, STATION_MASTER,
    SYSTEM, UNIT, Actor, AssignmentChange, AssignmentView, Notify, OpinionView, roles_for,
)
from .errors import (  # noqa: F401
    InvalidField, InvalidTransition, MissingField, NotAllowed, PayloadError, UnknownAction,
    WorkflowError,
)
from .payloads import Field, choice, day, ident, idents, json_safe, text, validate
from .states import (  # noqa: F401
    ACCEPTED, ASSIGNED, CLOSE_REASON_LABELS, CLOSED, DECLINE_CHANNEL_LABELS, DECLINED,
    HOLD_REASON_LABELS, LEVEL_LABELS, ON_HOLD, OPEN_STATES, RATED, RATING_LABELS, REOPENED,
    REPLIED, REPLY_METHOD_LABELS, REVIEW_CLOSE_REASONS, REVIEWING, STATE_LABELS, STATES,
    SUBMITTED, URGE_METHOD_LABELS, is_resolved, state_group,
)


class NotifyRule(NamedTuple):
    """Table data: notify ``audience`` of ``event`` if the action ends in ``when``."""

    audience: str
    event: str
    when: frozenset[str] | None = None  # None: whatever the resulting state


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    roles: frozenset[str]
    from_states: frozenset[str | None]
    to_states: tuple[str, ...] = ()  # () keeps the state; several: the effect picks
    fields: tuple[Field, ...] = ()
    notify: tuple[NotifyRule, ...] = ()
    public: bool = True  # shown in the resident's timeline
    # Who reads the text typed with it (reason, reply, conclusion ...): opinions/privacy.py.
    # Staff always; PUBLIC: everyone who sees the step; UNITS: also the units it names.
    text_to: str = "staff"
    # Who reads its ``note`` (内部备注), never the public: staff, or UNITS (交办's note is
    # the instruction to the units). What the resident may read goes in ``public_note``
    # (说明（群众可见）), declared as a field by the actions that take it.
    note_to: str = "staff"
    guard: Callable[[OpinionView, Actor], None] | None = None
    effect: Callable[[fx.Ctx, fx.Outcome], None] | None = None


@dataclass(frozen=True)
class Decision:
    action: str
    action_label: str
    from_state: str | None
    new_state: str
    actor_role: str
    payload: dict[str, Any]  # normalised, JSON-safe: the event row's payload
    updates: dict[str, Any]  # opinion fields to set (model field names)
    assignments: tuple[AssignmentChange, ...]
    notifications: tuple[Notify, ...]
    suggestion: dict[str, Any] | None
    public: bool
    note: str | None  # the event's human note (reason, conclusion or note)
    public_note: str | None = None  # 说明（群众可见）: stored apart from the payload

    @property
    def state_changed(self) -> bool:
        return self.new_state != self.from_state


def _t(action, label, roles, from_states, to_states=(), fields=(), notify=(), **kw):
    return Transition(action, label, frozenset(roles), frozenset(from_states),
                      tuple(to_states), tuple(fields), tuple(notify), **kw)


def _n(audience: str, event: str, *when: str) -> NotifyRule:
    return NotifyRule(audience, event, frozenset(when) if when else None)


NOTE = text("note", "内部备注（仅工作人员）", required=False, max_len=1000)
PUBLIC_NOTE = text("public_note", "说明（群众可见）", required=False, max_len=1000)
DEADLINE = day("deadline", "办理期限")
REPLY_TEXT = text("text", "答复内容", max_len=3000)
REPLY_METHOD = choice("method", "答复方式", REPLY_METHOD_LABELS, required=False)
STAFF_OR_SYSTEM = STAFF | {SYSTEM}
_DEPUTY_SEES = _n(DEPUTY, "state_changed")

TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    _t("submit", "提交", {RESIDENT, DEPUTY, LIAISON, STATION_MASTER, SYSTEM}, {None},
       (SUBMITTED, ON_HOLD), [choice("hold_reason", "待审核原因", HOLD_REASON_LABELS, False)],
       [_n("staff", "new_opinion", SUBMITTED), _n(DEPUTY, "summoned", SUBMITTED),
        _n("staff", "held", ON_HOLD)], effect=fx.submit),
    _t("hold", "转入审核", STAFF_OR_SYSTEM, {SUBMITTED}, (ON_HOLD,),
       [choice("hold_reason", "待审核原因", HOLD_REASON_LABELS), NOTE],
       [_n("staff", "held")], public=False, effect=fx.hold),
    _t("release_hold", "审核通过", STAFF_OR_SYSTEM, {ON_HOLD}, (SUBMITTED,), [PUBLIC_NOTE, NOTE],
       [_n(DEPUTY, "summoned")], effect=fx.release_hold),
    _t("accept", "受理", STAFF, {SUBMITTED}, (ACCEPTED,),
       [text("category", "分类", required=False, max_len=30), PUBLIC_NOTE, NOTE],
       [_n(RESIDENT, "accepted"), _DEPUTY_SEES], effect=fx.accept),
    _t("decline", "不予受理", STAFF, {SUBMITTED, ON_HOLD, ACCEPTED}, (DECLINED,),
       [text("reason", "不予受理的原因"), choice("channel", "建议反映渠道", DECLINE_CHANNEL_LABELS),
        text("guidance", "疏导说明", required=False), NOTE],
       [_n(RESIDENT, "declined"), _DEPUTY_SEES], text_to="public", effect=fx.decline),
    _t("mark_duplicate", "合并重复件", STAFF, {SUBMITTED, ON_HOLD, ACCEPTED}, (CLOSED,),
       [ident("duplicate_of", "重复的意见"), PUBLIC_NOTE, NOTE],
       [_n(RESIDENT, "closed"), _DEPUTY_SEES], effect=fx.mark_duplicate),
    _t("assign", "交办", STAFF, {ACCEPTED, REOPENED, ASSIGNED}, (ASSIGNED,),
       [idents("unit_ids", "承办单位"), ident("lead_unit_id", "主办单位", required=False),
        choice("level", "事项层级", LEVEL_LABELS), day("deadline", "办理期限", required=False),
        PUBLIC_NOTE, text("note", "内部备注（工作人员和承办单位可见）", False, 1000)],
       [_n("units", "assigned"), _n(RESIDENT, "assigned"), _DEPUTY_SEES], text_to="units",
       note_to="units", effect=fx.assign),
    _t("unit_accept", "签收", {UNIT}, {ASSIGNED}, (), [NOTE], public=False,
       guard=fx.guard_unit_pending, effect=fx.unit_accept),
    _t("unit_refuse", "退回", {UNIT}, {ASSIGNED}, (ASSIGNED, ACCEPTED, REOPENED),
       [text("reason", "退回原因")], [_n("staff", "assignment_refused")], public=False,
       effect=fx.unit_refuse),
    _t("request_extension", "申请延期", {UNIT}, {ASSIGNED}, (),
       [DEADLINE, text("reason", "延期原因")], [_n("staff", "extension_requested")],
       public=False, guard=fx.guard_no_pending_extension, effect=fx.request_extension),
    _t("approve_extension", "同意延期", STAFF, {ASSIGNED}, (),
       [day("deadline", "办理期限", required=False), PUBLIC_NOTE, NOTE],
       [_n("units", "extension_approved"), _n(RESIDENT, "deadline_extended")],
       guard=fx.guard_pending_extension, effect=fx.approve_extension),
    _t("reject_extension", "不同意延期", STAFF, {ASSIGNED}, (), [text("reason", "不同意的原因"), NOTE],
       [_n("units", "extension_rejected")], public=False, text_to="units",
       guard=fx.guard_pending_extension, effect=fx.reject_extension),
    _t("extend_deadline", "调整办理期限", STAFF, {ASSIGNED}, (),
       [DEADLINE, text("reason", "调整原因"), PUBLIC_NOTE],
       [_n("units", "deadline_changed"), _n(RESIDENT, "deadline_extended")],
       text_to="units", effect=fx.extend_deadline),
    _t("urge", "督办", STAFF | {DEPUTY}, OPEN_STATES, (),
       [choice("method", "督办方式", URGE_METHOD_LABELS), PUBLIC_NOTE, NOTE],
       [_n("units", "urged", ASSIGNED), _n("staff", "urged", *(OPEN_STATES - {ASSIGNED}))]),
    _t("note", "备注", STAFF | {DEPUTY}, STATES, (),
       [text("note", "内部备注（仅工作人员）", max_len=1000)], public=False),
    _t("to_suggestion", "转为闭会期间代表建议", {DEPUTY}, set(STATES) - {SUBMITTED, ON_HOLD}, (),
       [text("title", "建议标题", max_len=200), text("text", "建议内容", False, 5000)],
       [_n("staff", "suggestion_filed"), _n(RESIDENT, "suggestion_filed")],
       guard=fx.guard_no_suggestion, effect=fx.to_suggestion),
    _t("draft_reply", "提交答复", {UNIT}, {ASSIGNED}, (), [REPLY_TEXT],
       [_n("staff", "draft_submitted")], public=False,
       guard=fx.guard_lead_unit, effect=fx.draft_reply),
    _t("release_reply", "答复", STAFF, {ASSIGNED}, (REPLIED,),
       [text("text", "答复内容", required=False, max_len=3000), REPLY_METHOD, NOTE],
       [_n(RESIDENT, "replied"), _n(DEPUTY, "replied"), _n("units", "reply_released")],
       text_to="public", guard=fx.guard_draft_exists, effect=fx.release_reply),
    _t("reply_directly", "代为答复", STAFF, {ACCEPTED, ASSIGNED, REOPENED}, (REPLIED,),
       [REPLY_TEXT, REPLY_METHOD, NOTE], [_n(RESIDENT, "replied"), _n(DEPUTY, "replied")],
       text_to="public", effect=fx.reply_directly),
    _t("rate", "评价", {RESIDENT}, {REPLIED}, (RATED, REVIEWING),
       [choice("rating", "满意度", RATING_LABELS), text("comment", "评价意见", False)],
       [_n("staff", "rated", RATED), _n("staff", "unsatisfied", REVIEWING),
        _n(OFFICE, "unsatisfied", REVIEWING), _n(DEPUTY, "unsatisfied", REVIEWING)],
       text_to="public", effect=fx.rate),
    _t("close", "办结", STAFF_OR_SYSTEM, {RATED, REPLIED, DECLINED}, (CLOSED,),
       [choice("close_reason", "办结原因", CLOSE_REASON_LABELS, False), PUBLIC_NOTE, NOTE],
       [_DEPUTY_SEES],
       effect=fx.close),
    _t("reopen", "重办", STAFF, {REVIEWING}, (REOPENED,), [text("reason", "重办原因"), PUBLIC_NOTE],
       [_n(RESIDENT, "reopened"), _DEPUTY_SEES], effect=fx.reopen),
    _t("close_after_review", "复核办结", STAFF, {REVIEWING}, (CLOSED,),
       [choice("close_reason", "办结原因",
               {k: CLOSE_REASON_LABELS[k] for k in REVIEW_CLOSE_REASONS}),
        text("conclusion", "复核结论", max_len=1000), NOTE],
       [_n(RESIDENT, "review_closed"), _DEPUTY_SEES], text_to="public",
       effect=fx.close_after_review),
)}
ACTIONS = tuple(TRANSITIONS)
ACTION_LABELS = {a: t.label for a, t in TRANSITIONS.items()}


def _role(t: Transition, view: OpinionView, actor: Actor) -> str:
    held = roles_for(view, actor) & t.roles
    if not held:
        raise NotAllowed(f"您没有权限对这条意见进行“{t.label}”操作",
                         {"action": t.action})
    return next(r for r in ROLE_PRIORITY if r in held)


def _check_state(t: Transition, view: OpinionView) -> None:
    if view.state not in t.from_states:
        label = STATE_LABELS.get(view.state, "未提交")
        raise InvalidTransition(
            f"这条意见当前为“{label}”，不能进行“{t.label}”操作，请刷新后重试",
            {"action": t.action, "state": view.state})


def decide(view: OpinionView, action: str, actor: Actor, payload: Mapping[str, Any] | None,
           today: date, *, deadline_days: Mapping[str, int] | None = None,
           references: Mapping[str, Any] | None = None) -> Decision:
    """Decide what ``action`` by ``actor`` does to the opinion ``view``.

    :param payload: the action's fields as decoded JSON; unknown keys are ignored.
    :param today: China's date (``core.clock.today()``), for deadlines.
    :param deadline_days: working days per level from config (default ``DEFAULT_DEADLINE_DAYS``).
    :param references: what the caller looked up for the payload's ids (``effects.Ctx``).
    :raise UnknownAction: 422. :raise NotAllowed: 403. :raise InvalidTransition: 409.
    :raise MissingField, InvalidField: 422.
    """
    t = TRANSITIONS.get(action) if isinstance(action, str) else None
    if t is None:
        raise UnknownAction(action)
    role = _role(t, view, actor)
    _check_state(t, view)
    if t.guard:
        t.guard(view, actor)
    values = validate(t.fields, payload)
    _check_public_note(t, payload)
    out = fx.Outcome()
    if t.effect:
        t.effect(fx.Ctx(view, actor, role, values, today, deadline_days, references), out)
    new_state = out.state or (t.to_states[0] if t.to_states else view.state)
    if new_state not in (t.to_states or (view.state,)):  # the table must say every target
        raise AssertionError(f"{action} may not lead to {new_state}")
    notifications = tuple(Notify(n.audience, n.event) for n in t.notify
                          if n.when is None or new_state in n.when)
    public_note = values.pop(PUBLIC_NOTE.name, None)  # a column of its own, not the payload
    note = next((values[k] for k in ("reason", "conclusion", "note") if values.get(k)), None)
    return Decision(
        action=action, action_label=t.label, from_state=view.state, new_state=new_state,
        actor_role=role, payload=json_safe({**values, **out.extra}), updates=out.updates,
        assignments=tuple(out.assignments), notifications=notifications,
        suggestion=out.suggestion, public=t.public, note=note, public_note=public_note)


def takes_public_note(action: str) -> bool:
    """Whether ``action`` carries a 说明（群众可见） (``public_note``)."""
    t = TRANSITIONS.get(action)
    return t is not None and PUBLIC_NOTE in t.fields


def _check_public_note(t: Transition, payload: Mapping[str, Any] | None) -> None:
    """A ``public_note`` on an action that cannot carry one would vanish unread: refuse it."""
    given = isinstance(payload, Mapping) and str(payload.get(PUBLIC_NOTE.name) or "").strip()
    if given and PUBLIC_NOTE not in t.fields:
        why = "群众看不到这一步" if not t.public else "请写在本操作的其他栏目中"
        raise InvalidField({PUBLIC_NOTE.name: [f"“{t.label}”不能填写群众可见的说明（{why}）"]})


def allowed_actions(view: OpinionView, actor: Actor) -> list[str]:
    """Actions ``actor`` may take now, in table order (the API's ``allowed_actions``).

    Payload checks are left out: an action listed here can still fail with 422.
    """
    allowed = []
    for t in TRANSITIONS.values():
        try:
            _role(t, view, actor)
            _check_state(t, view)
            if t.guard:
                t.guard(view, actor)
        except WorkflowError:
            continue
        allowed.append(t.action)
    return allowed


def overdue(view: OpinionView, today: date) -> bool:
    """Open and past its deadline (the API's ``overdue``)."""
    return view.state in OPEN_STATES and deadlines.is_overdue(view.deadline, today)
