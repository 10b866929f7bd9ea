"""The outbox: notifications are written in the caller's transaction, delivered later.

``emit`` (opinion transitions) and ``emit_direct`` (other capabilities: reception
reminders, overdue alerts) add, for each recipient, an in-app ``Message`` and,
when the event has a WeChat template, a ``Notification`` row (status ``pending``)
for the recipient's channel. They never commit: the caller's single commit makes
the change and its notifications happen together or not at all. After that
commit, ``kick()`` asks a worker to deliver them now; if Redis is down, the
periodic sweep (every 30 s) delivers them anyway.

Dedupe keys: ``{event_id}:{audience}:{event}:{user_id}:{channel}`` (channel
``inapp`` for the message), unique in the database, so emitting the same event
twice writes nothing the second time.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from ..core import clock
from ..core.db import db, dialect_insert
from ..opinions.privacy import payload_for_audience
from ..opinions.states import (
    HOLD_REASON_LABELS, NOTIFICATION_EVENT_LABELS, RATING_LABELS, STATE_LABELS,
)
from . import fields, recipients, settings, texts
from .models import Message, Notification
from .templates import SUBSCRIBE, audience_of, field_values, page_link, template_for

log = logging.getLogger(__name__)

PENDING_IDS = "liaison_outbox_ids"  # session.info key: rows for kick() to enqueue
DIRECT_JOB_ID = "notifications-deliver-pending"


def prepare(opinion, notifies: Iterable, assignment_unit_ids: Sequence[int] | None = None) -> dict:
    """Who ``emit`` will notify about ``opinion``, read ahead (reads only, no write).

    A caller that knows its notifications before its first write (the submit) reads
    them here, so its write transaction, which holds the database's write lock
    (SQLite) or the year's number row (PostgreSQL) until its commit, does not wait on
    these reads. The recipients' users are loaded too and kept by the answer, so
    ``emit`` finds them in the session. Pass the answer to ``emit(prepared=...)``.
    """
    from ..users.models import User

    found: dict[tuple[str, str], list[int]] = {}
    for notify in notifies:
        if (notify[0], notify[1]) not in found:
            found[(notify[0], notify[1])] = recipients.resolve(notify[0], notify[1], opinion,
                                                                assignment_unit_ids)
    ids = sorted({user_id for users in found.values() for user_id in users})
    users = list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []
    return {"recipients": found, "users": users}


def emit(opinion, notifies: Iterable, *, event_id: int | str, actor_user_id: int | None,
         assignment_unit_ids: Sequence[int] | None = None,
         prepared: dict | None = None) -> list[tuple[str, str, int]]:
    """Write the messages and outbox rows for a decision's notifications (no commit).

    :param notifies: ``Notify(audience, event)`` tuples; one with a ``when`` (a set of
        states, or None) is kept only when ``opinion.state`` is in it.
    :param event_id: the ``OpinionEvent`` id (its payload gives reasons and notes); a
        job without an event row passes a unique string such as ``"overdue:2026-12-01"``.
    :param actor_user_id: who acted; never notified about their own action.
    :param assignment_unit_ids: the units the decision's assignment changes name
        (for the ``units`` audience); None means the opinion's active assignments.
    :param prepared: ``prepare``'s answer for this opinion and these notifications.
    :return: (audience, event, user_id) for every recipient, in order.
    """
    now = clock.now()
    action, payload, public_note = _event_payload(event_id)
    context = opinion_context(opinion, {}, now)
    context["public_note"] = _said(public_note)  # 说明（群众可见）: every audience reads it
    reasons: dict[str, str] = {}  # per audience: only what it may read (opinions.privacy)
    written: list[tuple[str, str, int]] = []
    rows: list[tuple[str, object]] = []
    seen: set[tuple[int, str]] = set()
    for notify in notifies:
        audience, event = notify[0], notify[1]
        when = getattr(notify, "when", None)
        if when is not None and opinion.state not in when:
            continue
        known = (prepared or {}).get("recipients", {}).get((audience, event))
        for user_id in (recipients.resolve(audience, event, opinion, assignment_unit_ids)
                        if known is None else known):
            if user_id == actor_user_id or (user_id, event) in seen:
                continue
            seen.add((user_id, event))
            key = f"{event_id}:{audience}:{event}:{user_id}"
            if audience not in reasons:
                reasons[audience] = _reason(payload_for_audience(action, payload, audience))
            rows.extend(_rows(user_id, audience, event, {**context, "reason": reasons[audience]},
                              key, opinion.id))
            written.append((audience, event, user_id))
    _add_new(rows)
    return written


def emit_direct(user_id: int, event: str, title: str, body: str, fields: dict | None = None,
                opinion_id: int | None = None, *, dedupe_key: str,
                audience: str | None = None) -> bool:
    """Notify one user outside an opinion transition (no commit).

    :param fields: values for the event's template: context names (``station``,
        ``time``, ``number`` ...) or WeChat data keys (``thing3``) directly.
    :param dedupe_key: the caller's idempotency key (e.g. ``"reception:12:2026-12-15:7"``);
        a second call with the same key writes nothing.
    :param audience: whose templates to use; default: the first audience with ``event``.
    :return: True when something new was written.
    """
    now = clock.now()
    context: dict = {"time": now}
    if opinion_id is not None:
        from ..opinions.models import Opinion

        opinion = db.session.get(Opinion, opinion_id)
        if opinion is not None:
            context = opinion_context(opinion, {}, now)
    context.update(fields or {})
    audience = audience or audience_of(settings.templates_config(), event) or "resident"
    rows = _rows(user_id, audience, event, context, dedupe_key, opinion_id, title=title, body=body)
    return _add_new(rows) > 0


def kick_after_commit() -> None:
    """Enqueue delivery of what this unit of work wrote, once it has committed."""
    from ..core.transaction import after_commit

    after_commit(kick)


def kick() -> bool:
    """After the caller's commit: enqueue delivery of what was just written (best effort).

    :return: False when the queue was unreachable (logged; the sweep delivers later).
    """
    from ..core.jobs import enqueue, enqueue_many
    from . import jobs

    ids = db.session.info.pop(PENDING_IDS, [])
    try:
        if ids:  # one job per row (workers share a decision's messages), in one round trip
            enqueue_many(jobs.deliver_job, [((nid,), f"notification-{nid}") for nid in ids])
        else:
            enqueue(jobs.deliver_pending_job, job_id=DIRECT_JOB_ID)
    except Exception as exc:  # Redis down: the periodic sweep delivers them later
        log.warning("notifications: could not enqueue delivery (%s); the sweep will deliver", exc)
        return False
    return True


# -- building rows ---------------------------------------------------------------

def opinion_context(opinion, payload: dict, now: datetime) -> dict:
    """The values templates and message bodies may use (``templates.CONTEXT_KEYS``)."""
    from ..places.models import Deputy, Station

    station = db.session.get(Station, opinion.station_id) if opinion.station_id else None
    deputy = db.session.get(Deputy, opinion.deputy_id) if opinion.deputy_id else None
    from ..opinions.operations import category_label
    return {
        "opinion_id": opinion.id, "number": opinion.number, "summary": opinion.text,
        "state_label": STATE_LABELS.get(opinion.state, ""),
        "station": station.name if station else "", "deputy": deputy.name if deputy else "",
        "category": category_label(opinion.category), "deadline": opinion.deadline,
        "reply": opinion.reply_text or "", "time": now, "reason": _reason(payload),
        "rating": RATING_LABELS.get(opinion.rating or "", ""), "public_note": "",
    }


def _event_payload(event_id) -> tuple[str, dict, str]:
    """(action, payload, public note) of the event row; a job's string id has none."""
    if not isinstance(event_id, int):
        return "", {}, ""
    from ..opinions.models import OpinionEvent

    db.session.flush()
    event = db.session.get(OpinionEvent, event_id)
    if event is None:
        return "", {}, ""
    return event.action, dict(event.payload or {}), event.public_note or ""


def _sentence(label: str, value: str) -> str:
    value = fields.shorten(" ".join(value.split()), 200)
    return f"{label}：{value}" + ("" if value[-1] in "。！？.!?…" else "。")


def _said(public_note: str) -> str:
    """The step's 说明（群众可见） as a sentence for a message body ('' when none)."""
    return _sentence("说明", public_note) if public_note.strip() else ""


def _reason(payload: dict) -> str:
    """One sentence from the event payload: conclusion, comment, reason or note."""
    for key, label in (("conclusion", "复核结论"), ("comment", "群众意见"), ("reason", "原因"),
                       ("note", "备注")):
        value = payload.get(key)
        if value and HOLD_REASON_LABELS.get(value, str(value)).strip():
            return _sentence(label, HOLD_REASON_LABELS.get(value, str(value)).strip())
    return ""


def _rows(user_id, audience, event, context, key, opinion_id, title=None, body=None):
    """("message", values) and, when the event has a template, ("notification", values)."""
    if title is None:
        title, body = texts.render(audience, event, context, NOTIFICATION_EVENT_LABELS.get(event))
    title = fields.shorten(" ".join(title.split()), 60)
    out = [("message", {"user_id": user_id, "event": event, "title": title, "body": body or "",
                        "opinion_id": opinion_id, "dedupe_key": f"{key}:inapp"})]
    config = settings.templates_config()
    entry = template_for(config, audience, event, has_miniprogram=_has_miniprogram(user_id))
    if entry is None:
        return out
    ctx = {**context, "title": title, "body": body or title}
    row = {"user_id": user_id, "channel": entry["channel"], "audience": audience, "event": event,
           "template_id": entry["template_id"], "opinion_id": opinion_id,
           "dedupe_key": f"{key}:{entry['channel']}", "status": "pending", "last_error": "",
           "page": (page_link(config, entry, ctx) if entry["channel"] == SUBSCRIBE
                    else texts.fill(entry.get("url") or "", ctx))}
    values = field_values(entry, ctx)
    try:
        row["data"] = (fields.build_data(values) if entry["channel"] == SUBSCRIBE
                       else fields.build_template_data(values))
    except ValueError as exc:  # a template/field mismatch: a configuration bug, shown as failed
        log.error("notifications: cannot build %s for %s.%s: %s", entry["name"], audience, event, exc)
        row.update(data={}, status="failed", last_error=f"字段无法生成：{exc}"[:255])
    out.append(("notification", row))
    return out


def _has_miniprogram(user_id: int) -> bool:
    """Whether the user has a mini-program openid; H5-only residents have just the
    official account's (``templates.WITHOUT_MINIPROGRAM`` picks their templates)."""
    from ..users.models import User

    user = db.session.get(User, user_id)
    return user is None or bool(user.mp_openid) or not user.oa_openid


def _add_new(rows) -> int:
    """Insert the rows whose dedupe key is not taken yet, one statement per table (a key
    taken meanwhile, even by a concurrent transaction, is skipped, not an error);
    remember the new pending outbox rows for kick(). The number of rows written."""
    written = 0
    for model, kind in ((Message, "message"), (Notification, "notification")):
        values = [r for k, r in rows if k == kind]  # the same keys in each: one statement
        if not values:
            continue
        table = model.__table__
        columns = (table.c.id, table.c.status) if kind == "notification" else (table.c.id,)
        new = db.session.execute(dialect_insert(table).on_conflict_do_nothing().returning(*columns),
                                 values).all()
        written += len(new)
        pending = sorted(row[0] for row in new if kind == "notification" and row[1] == "pending")
        if pending:
            db.session.info.setdefault(PENDING_IDS, []).extend(pending)
    return written
