"""The public answers (scan, station page, deputy page) kept built in Redis.

A scan rush asks the same few answers thousands of times a minute, and none of them
depends on who is asking: ``cached`` keeps each answer as serialised JSON under a key
of its own (per code token, station or deputy, and China date: "current members" and
"next reception days" change with the day), so every process and every worker shares
one copy.

Invalidation follows the database, not the routes: ``install`` hooks the ORM session.
``before_flush`` notes the stations and deputies touched by every new, changed or
deleted station, deputy, membership, code, reception day, rota entry or appointment
(any row with ``station_id`` / ``deputy_id`` / ``reception_day_id``); after the commit
their answers, and every answer that lists them (recorded as references when it was
written), are deleted; a rollback forgets the notes. A region change, or a bulk
UPDATE / DELETE on those tables, drops every public answer. Entries also expire after
``PUBLIC_CACHE_SECONDS``. When Redis is down the answers are simply built each time.
"""
from __future__ import annotations

import logging

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..core import clock

log = logging.getLogger(__name__)

PREFIX = "liaison:pub:"
TARGET_TABLES = {"stations": "station", "deputies": "deputy"}
WATCHED = {"stations", "deputies", "memberships", "codes", "reception_days", "rota_entries",
           "appointments", "regions"}
PENDING = "liaison_public_cache"  # session.info key: {"refs": set, "days": set, "all": bool}
ALL = ("*", 0)


def _redis():
    from ..core.extensions import get_redis

    return get_redis()


def _ttl() -> int:
    from flask import current_app

    return current_app.config["PUBLIC_CACHE_SECONDS"]


def key_for(kind: str, ident) -> str:
    """The Redis key of one answer: ``kind`` is code, station or deputy."""
    return f"{PREFIX}{clock.today().isoformat()}:{kind}:{ident}"


def _ref_key(kind: str, ident: int) -> str:
    return f"{PREFIX}refs:{kind}:{ident}"


def _put(key: str, value: bytes, refs, ttl: int) -> None:
    try:
        pipe = _redis().pipeline(transaction=False)
        pipe.set(key, value, ex=ttl)
        for ref in set(refs):
            pipe.sadd(_ref_key(*ref), key)
            pipe.expire(_ref_key(*ref), ttl * 2)
        pipe.execute()
    except Exception as exc:
        log.warning("public cache: write failed: %s", exc)


def cached(kind: str, ident, build, along=None) -> tuple[int, bytes, bool]:
    """(HTTP status, JSON body, whether ``along`` was sent) of the answer (kind, ident),
    built when missing.

    :param build: ``build() -> (status, answer dict, refs)``; ``refs`` are the (kind, id)
        targets the answer shows. ``build`` may raise (an ApiError is then answered as
        usual and nothing is stored).
    :param along: ``along(pipeline)`` adds commands sent in the same round trip as the
        read (the scan's count).
    """
    from flask import current_app

    ttl = _ttl()
    key = key_for(kind, ident)
    stored, sent = None, False
    if ttl > 0:
        try:
            pipe = _redis().pipeline(transaction=False)
            pipe.get(key)
            if along is not None:
                along(pipe)
            stored, sent = pipe.execute()[0], along is not None
        except Exception as exc:  # Redis down: build the answer from the database
            log.warning("public cache: read failed: %s", exc)
    if stored is not None:
        status, _, body = stored.partition(b"\n")
        return int(status), body, sent
    status, answer, refs = build()
    body = current_app.json.dumps(answer).encode()
    if ttl > 0:
        _put(key, str(status).encode() + b"\n" + body, refs, ttl)
    return status, body, sent


def response(status: int, body: bytes):
    from flask import current_app

    return current_app.response_class(body, status=status, mimetype="application/json")


def station_refs(answer: dict) -> set[tuple[str, int]]:
    """What a Station answer shows: the station, its deputies and those on its rota."""
    refs = {("station", answer["id"])}
    refs.update(("deputy", d["id"]) for d in answer.get("deputies", []))
    for day in answer.get("next_reception_days", []):
        refs.update(("deputy", d["id"]) for d in day.get("deputies", []))
    return refs


def deputy_refs(answer: dict) -> set[tuple[str, int]]:
    """What a Deputy answer shows: the deputy and its stations."""
    return {("deputy", answer["id"])} | {("station", s["id"]) for s in answer.get("stations", [])}


def invalidate(refs) -> None:
    """Delete the answers of these (kind, id) targets and every answer that lists them."""
    refs = set(refs)
    if not refs:
        return
    redis = _redis()
    if ALL in refs:
        keys = list(redis.scan_iter(match=PREFIX + "*", count=1000))
        for start in range(0, len(keys), 500):
            redis.delete(*keys[start:start + 500])
        return
    pipe = redis.pipeline(transaction=False)
    for ref in refs:
        pipe.smembers(_ref_key(*ref))
    found = pipe.execute()
    keys = {_ref_key(*ref) for ref in refs}
    keys.update(k for members in found for k in members)
    keys.update(key_for(kind, ident) for kind, ident in refs)  # today's, even without refs
    redis.delete(*keys)


# --- the session hooks ---------------------------------------------------------------

def _pending(session) -> dict:
    return session.info.setdefault(PENDING, {"refs": set(), "days": set()})


def _note(session, obj) -> None:
    table = getattr(obj, "__tablename__", None)
    if table not in WATCHED:
        return
    pending = _pending(session)
    if table == "regions":
        pending["refs"].add(ALL)
        return
    if table in TARGET_TABLES and obj.id is not None:
        pending["refs"].add((TARGET_TABLES[table], obj.id))
    for column, kind in (("station_id", "station"), ("deputy_id", "deputy")):
        value = getattr(obj, column, None)
        if value is not None:
            pending["refs"].add((kind, value))
    day_id = getattr(obj, "reception_day_id", None)
    if day_id is not None:
        pending["days"].add(day_id)


def _before_flush(session, flush_context, instances) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        _note(session, obj)


def _after_flush(session, flush_context) -> None:
    """Targets known only after the INSERT (new stations and deputies get their id now)."""
    for obj in session.new:
        _note(session, obj)
    pending = session.info.get(PENDING)
    if pending and pending["days"]:
        from ..core.db import db

        days = db.Model.metadata.tables["reception_days"]
        rows = session.connection().execute(
            select(days.c.station_id).where(days.c.id.in_(pending["days"]))).scalars()
        pending["refs"].update(("station", sid) for sid in rows)
        pending["days"].clear()


def _after_commit(session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending or not pending["refs"]:
        return
    from flask import has_app_context

    if not has_app_context():
        return
    try:
        invalidate(pending["refs"])
    except Exception as exc:  # the entries expire after PUBLIC_CACHE_SECONDS anyway
        log.warning("public cache: invalidation failed: %s", exc)


def _after_rollback(session) -> None:
    session.info.pop(PENDING, None)


def _bulk(orm_execute_state) -> None:
    """A bulk UPDATE / DELETE on a watched table: drop every public answer after commit."""
    if not (orm_execute_state.is_update or orm_execute_state.is_delete):
        return
    table = getattr(orm_execute_state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED:
        _pending(orm_execute_state.session)["refs"].add(ALL)


def install() -> None:
    """Hook every ORM session once (idempotent)."""
    if event.contains(Session, "before_flush", _before_flush):
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    event.listen(Session, "do_orm_execute", _bulk)
