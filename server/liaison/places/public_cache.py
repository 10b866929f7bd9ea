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

Each process also keeps the answers it served (``Near``, ``PUBLIC_CACHE_LOCAL_SECONDS``):
``invalidate`` forgets them in this process at once and publishes the deleted keys, which
every other process's copy hears and forgets; a copy answers only while it is subscribed.
"""
from __future__ import annotations

import logging
import os
import threading
import time
import weakref

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..core import clock

log = logging.getLogger(__name__)

PREFIX = "liaison:pub:"
CHANNEL = "liaison:pub-invalidated"  # the keys just deleted, one per line ("*": all)
SUBSCRIBE_WAIT = 1.0  # seconds a new process's copy waits for its subscription (then: Redis)
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


class Near:
    """This process's own copy of the answers it served lately (``PUBLIC_CACHE_LOCAL_SECONDS``).

    A scan rush asks the same few hundred answers over and over; even one Redis round
    trip per answer holds a web thread while it waits. Each process keeps what it read,
    and forgets it when any process says so: ``invalidate`` publishes the keys it
    deleted on ``CHANNEL``, which a thread of each process listens to. The copy is used
    only while that thread is subscribed (from its confirmation on; when the
    subscription drops, the copy is emptied and Redis answers again until it is back).
    A fill that read Redis before an invalidation arrived is not kept (``generation``),
    and entries expire on their own as a last resort.
    """

    SIZE = 4096

    def __init__(self, client, seconds: float):
        self.client, self.seconds = client, seconds
        self.entries: dict[str, tuple[float, bytes]] = {}
        self.generation = 0
        self.subscribed = self.stopped = False
        self.pubsub = None
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._listen, name="public-cache-invalidations", daemon=True)
        self.thread.start()
        self.ready.wait(SUBSCRIBE_WAIT)  # a process's first answer waits for it (a millisecond)

    def get(self, key: str) -> bytes | None:
        if not self.subscribed:
            return None
        found = self.entries.get(key)
        if found is None:
            return None
        if found[0] < time.monotonic():
            self.entries.pop(key, None)
            return None
        return found[1]

    def put(self, key: str, value: bytes, generation: int) -> None:
        with self.lock:
            if not self.subscribed or generation != self.generation:
                return  # an invalidation came after the read: that value may be stale
            if len(self.entries) >= self.SIZE:
                self.entries.pop(next(iter(self.entries)), None)  # the oldest
            self.entries[key] = (time.monotonic() + self.seconds, value)

    def drop(self, keys) -> None:
        with self.lock:
            self.generation += 1
            if keys is None:
                self.entries.clear()
            else:
                for key in keys:
                    self.entries.pop(key, None)

    def stop(self) -> None:
        """End the listening thread (a test's world is reset; production never stops one)."""
        self.stopped, self.subscribed = True, False
        self.drop(None)
        if self.pubsub is not None:
            try:
                self.pubsub.close()  # the thread's blocked read ends with an error
            except Exception:
                pass

    def _listen(self) -> None:
        while not self.stopped:
            pubsub = None
            try:
                pubsub = self.pubsub = self.client.pubsub()
                pubsub.subscribe(CHANNEL)
                for message in pubsub.listen():
                    if self.stopped:
                        break
                    if message["type"] == "subscribe":  # emptied when the last one dropped
                        self.subscribed = True
                        self.ready.set()
                    elif message["type"] == "message":
                        data = message["data"].decode()
                        self.drop(None if data == "*" else data.split("\n"))
            except Exception as exc:  # Redis gone: answers come from Redis (or are built) until back
                if self.subscribed or not self.ready.is_set():  # once per outage, not every second
                    log.info("public cache: invalidations unavailable (%s)", exc)
                self.ready.set()
            finally:
                self.subscribed = False
                self.drop(None)
                if pubsub is not None:
                    try:
                        pubsub.close()
                    except Exception:
                        pass
            if not self.stopped:
                time.sleep(1)


def near(ttl: int) -> Near | None:
    """This process's copy for the current app, started on first use; None when off
    (``ttl``: PUBLIC_CACHE_SECONDS, 0 when nothing is cached)."""
    from flask import current_app

    app = current_app
    seconds = app.config["PUBLIC_CACHE_LOCAL_SECONDS"]
    if seconds <= 0 or ttl <= 0:
        return None
    found = app.extensions.get(NEAR)
    if found is None or found.pid != os.getpid() or found.stopped:  # a forked worker starts its own
        with _NEAR_LOCK:
            found = app.extensions.get(NEAR)
            if found is None or found.pid != os.getpid() or found.stopped:
                found = app.extensions[NEAR] = Near(_redis(), seconds)
                _COPIES.add(found)
    return found


def drop_local(keys=None) -> None:
    """Forget ``keys`` (None: everything) in every copy of this process at once (several
    apps in one process share a Redis: the tests, a command run inside the web app)."""
    for copy in list(_COPIES):
        if copy.pid == os.getpid():
            copy.drop(keys)


def stop_copies() -> None:
    """Stop every copy of this process (the tests, between one world and the next)."""
    for copy in list(_COPIES):
        if copy.pid == os.getpid():
            copy.stop()
        _COPIES.discard(copy)


NEAR = "liaison_public_near"  # app.extensions key
_NEAR_LOCK = threading.Lock()
_COPIES: weakref.WeakSet = weakref.WeakSet()


def cached(kind: str, ident, build, along=None, along_copy=None) -> tuple[int, bytes, bool]:
    """(HTTP status, JSON body, whether ``along`` was sent) of the answer (kind, ident),
    built when missing.

    :param build: ``build() -> (status, answer dict, refs)``; ``refs`` are the (kind, id)
        targets the answer shows. ``build`` may raise (an ApiError is then answered as
        usual and nothing is stored).
    :param along: ``along(pipeline)`` adds commands sent in the same round trip as the
        read (the scan's count).
    :param along_copy: ``along_copy()`` instead, when the answer comes from this
        process's copy (the scan's count, sent without waiting).
    """
    from flask import current_app

    ttl = _ttl()
    key = key_for(kind, ident)
    stored, sent = None, False
    copy = near(ttl)
    if copy is not None:
        generation = copy.generation  # before any read: a later invalidation refuses the fill
        stored = copy.get(key)
    if stored is not None:  # this process's copy: no round trip
        if along_copy is not None:
            along_copy()
            sent = True
    elif ttl > 0:
        try:
            pipe = _redis().pipeline(transaction=False)
            pipe.get(key)
            if along is not None:
                along(pipe)
            stored, sent = pipe.execute()[0], along is not None
        except Exception as exc:  # Redis down: build the answer from the database
            log.warning("public cache: read failed: %s", exc)
        if stored is not None and copy is not None:
            copy.put(key, stored, generation)
    if stored is not None:
        status, _, body = stored.partition(b"\n")
        return int(status), body, sent
    status, answer, refs = build()
    body = current_app.json.dumps(answer).encode()
    if ttl > 0:
        value = str(status).encode() + b"\n" + body
        _put(key, value, refs, ttl)
        if copy is not None:
            copy.put(key, value, generation)
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
        drop_local()
        redis.publish(CHANNEL, "*")
        return
    pipe = redis.pipeline(transaction=False)
    for ref in refs:
        pipe.smembers(_ref_key(*ref))
    found = pipe.execute()
    keys = {_ref_key(*ref) for ref in refs}
    keys.update(k for members in found for k in members)
    keys.update(key_for(kind, ident) for kind, ident in refs)  # today's, even without refs
    redis.delete(*keys)
    names = [k.decode() if isinstance(k, bytes) else k for k in keys]
    drop_local(names)  # after the delete: a fill that read before it is refused (generation)
    redis.publish(CHANNEL, "\n".join(names))


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
