"""Writing audit rows. Operations call these inside their own transaction (no commit
here), so a change and its trace are committed, or rolled back, together."""
from __future__ import annotations

from datetime import date, datetime

from ..core import clock
from ..core.db import db
from .models import AuditEntry

COMMAND_LINE = "命令行"
STATION_FIELDS = ("name", "kind", "address", "open_hours", "master_name", "phone", "notice")
DEPUTY_FIELDS = ("name", "levels", "work_unit", "post", "phone", "email", "is_official",
                 "is_senior_official", "external_id")
MEMBERSHIP_FIELDS = ("kind", "started_on", "ended_on")


def actor_label(actor) -> str:
    """How the log names who acted: the user's nickname and id, or 命令行."""
    if actor is None:
        return COMMAND_LINE
    return f"{actor.nickname or '微信用户'}（用户{actor.id}）"[:64]


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def snapshot(obj, fields) -> dict:
    """The listed attributes of ``obj`` as JSON-ready values."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(action: str, entity_type: str, entity_id: int | None, *, actor, subject: str = "",
           before: dict | None = None, after: dict | None = None, region_id: int | None = None,
           station_id: int | None = None, at: datetime | None = None) -> AuditEntry:
    """Add one audit row to the session (the caller's commit writes it).

    :param actor: the user who acted, or None for the command line.
    :param subject: what the entity is called now, for people reading the log.
    """
    entry = AuditEntry(at=at or clock.now(), actor_id=actor.id if actor is not None else None,
                       actor_label=actor_label(actor), action=action, entity_type=entity_type,
                       entity_id=entity_id, subject=subject[:200], region_id=region_id,
                       station_id=station_id, before=before, after=after)
    db.session.add(entry)
    return entry


def record_change(action: str, entity_type: str, entity_id: int, before: dict, after: dict,
                  **where) -> AuditEntry | None:
    """Record only the fields that changed; nothing when nothing did."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    if not keys:
        return None
    return record(action, entity_type, entity_id, before={k: before.get(k) for k in keys},
                  after={k: after[k] for k in keys}, **where)


def common_region(paths) -> int | None:
    """The deepest region containing every region whose materialised path is given."""
    split = [[p for p in path.split("/") if p] for path in paths if path]
    if not split:
        return None
    prefix = split[0]
    for parts in split[1:]:
        n = 0
        while n < min(len(prefix), len(parts)) and prefix[n] == parts[n]:
            n += 1
        prefix = prefix[:n]
    return int(prefix[-1]) if prefix else None
