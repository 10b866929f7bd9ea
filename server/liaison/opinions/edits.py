"""Staff edits (修改内容): correct an opinion's text or category before handing it on.

Not a workflow transition (the state stays), but reached through the same
``POST /opinions/<id>/transitions`` with ``{"action": "edit", ...}`` and listed in
``allowed_actions``. The resident's words stay in ``original_text`` for good; the edit
is an internal event naming the fields changed (never their content). One commit.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..core import clock
from ..core.db import db
from .access import Viewer, actor_for, roles_view
from .context import ROLE_PRIORITY, STAFF, Actor, roles_for
from .errors import InvalidField, InvalidTransition, NotAllowed
from .models import Opinion, OpinionEvent
from ..core.transaction import guarded
from .operations import CONFLICT, EDIT, categories
from .payloads import text, validate
from .states import OPEN_STATES

EDIT_FIELDS = (text("text", "意见内容", required=False, max_len=2000),
               text("category", "分类", required=False, max_len=30),
               text("reason", "修改原因", required=False, max_len=200))


def can_edit(viewer: Viewer, opinion: Opinion, actor: Actor | None = None) -> bool:
    actor = actor or actor_for(viewer, opinion.station_id)
    return (bool(roles_for(roles_view(opinion), actor) & STAFF)
            and opinion.state in OPEN_STATES and opinion.scrubbed_at is None)


def edit(viewer: Viewer, opinion: Opinion, payload: Mapping[str, Any]) -> Opinion:
    """Staff correct the text or category; ``original_text`` never changes. One commit."""
    actor = actor_for(viewer, opinion.station_id)
    roles = roles_for(roles_view(opinion), actor) & STAFF
    if not roles:
        raise NotAllowed("您没有权限修改这条意见", {"action": EDIT})
    if opinion.state not in OPEN_STATES or opinion.scrubbed_at is not None:
        raise InvalidTransition("办理结束的意见不能再修改", {"action": EDIT})
    values = validate(EDIT_FIELDS, payload)
    changed: dict[str, Any] = {}
    if values["text"] and values["text"] != opinion.text:
        changed["text"] = values["text"]
    if values["category"] and values["category"] != opinion.category:
        if values["category"] not in categories():
            raise InvalidField({"category": ["分类不在可选范围内"]})
        changed["category"] = values["category"]
    if not changed:
        raise InvalidField({"text": ["没有需要修改的内容"]})
    event_payload = {"fields": sorted(changed)}
    if "category" in changed:
        event_payload.update(category_from=opinion.category, category_to=changed["category"])
    if values["reason"]:
        event_payload["reason"] = values["reason"]
    now = clock.now()
    for key, value in changed.items():
        setattr(opinion, key, value)
    opinion.updated_at = now
    opinion.events.append(OpinionEvent(
        action=EDIT, from_state=opinion.state, to_state=opinion.state, actor_id=viewer.user_id,
        actor_role=next(r for r in ROLE_PRIORITY if r in roles), payload=event_payload,
        public=False, at=now))
    guarded(message_zh=CONFLICT[1])
    return opinion
