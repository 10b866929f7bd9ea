"""Scan counts: into Redis at once, into ``code_scans`` in batches.

A scan rush must not write the database on every scan: ``record_scan`` adds one to
the field ``<token>:<day>`` of the Redis hash ``PENDING`` (one HINCRBY, atomic, so a
web process killed right after it loses nothing; the scan route sends it with its
cache read, ``count_in``, or, answering from the process's own copy, without waiting
for Redis, ``send_scan``). Tokens that name no code are dropped by the flush. ``flush_scans`` (the periodic
job, ``core.jobs.PERIODIC``) moves the counts into the database exactly once, even
when the worker dies half-way:

1. if no batch is in progress, RENAME the pending hash to ``PROCESSING`` under a
   fresh batch id (new scans start a new pending hash meanwhile);
2. in one transaction, add every count of ``PROCESSING`` to ``code_scans`` and write
   the batch id into ``code_scan_flushes``;
3. after the commit, delete ``PROCESSING``.

A run that died before 2 committed finds ``PROCESSING`` again and applies it; one that
died between 2 and 3 finds its batch id already written and only deletes the hash.
Runs take a Redis lock, which a killed run holds until it expires
(``SCAN_FLUSH_LOCK_SECONDS``); two runs that overlap anyway cannot both add a batch:
the second insert of its id into ``code_scan_flushes`` fails and rolls back.
When Redis cannot be reached, the scan is written to the database directly.
"""
from __future__ import annotations

import logging
import os
import threading
import uuid
import weakref
from datetime import date, timedelta

from sqlalchemy import delete, select

from ..core import clock
from ..core.db import db
from ..core.transaction import checkpoint
from ..core.jobs import with_app
from .models import Code, CodeScan, CodeScanFlush

log = logging.getLogger(__name__)

PENDING = "liaison:scans:pending"
PROCESSING = "liaison:scans:processing"
BATCH = "liaison:scans:batch"  # id of the batch in PROCESSING
LOCK = "liaison:scans:flush-lock"
KEEP_FLUSH_IDS = timedelta(days=2)


def _redis():
    from ..core.extensions import get_redis

    return get_redis()


def _field(token: str, day: date | None = None) -> str:
    """The field of ``PENDING`` that counts ``token``'s scans of the day (``_parse`` reads it)."""
    return f"{token}:{(day or clock.today()).isoformat()}"


def count_in(pipe, token: str, day: date | None = None) -> None:
    """Add the HINCRBY that counts one scan of ``token`` to a Redis pipeline."""
    pipe.hincrby(PENDING, _field(token, day), 1)


class _Sender:
    """A connection of one thread's own that sends scan counts without waiting for Redis.

    After ``CLIENT REPLY OFF`` Redis answers nothing on it, so counting a scan is one
    write to the socket: the count is in Redis's receive queue before the answer leaves
    (a process killed right after still loses nothing: the kernel hands the queued bytes
    over, and with no unread reply on our side the socket closes cleanly). A peer that
    has closed (Redis restarted) shows as end-of-file before the write, and the count
    then goes the answered way. ``settle`` asks for one reply, which Redis sends only
    after applying every earlier count of the connection.
    """

    def __init__(self, client):
        self.client, self.pid, self.lock = client, os.getpid(), threading.Lock()
        self.conn = client.connection_pool.make_connection()
        self.conn.connect()
        self.conn.send_command("CLIENT", "REPLY", "OFF")

    def send(self, field: str) -> None:
        with self.lock:
            if self.conn.can_read(timeout=0):  # nothing may come on this connection but its end
                raise ConnectionError("scans: the count connection has data or was closed")
            self.conn.send_command("HINCRBY", PENDING, field, 1)

    def settle(self) -> None:
        with self.lock:
            self.conn.send_command("CLIENT", "REPLY", "ON")
            self.conn.read_response()  # OK: every earlier count is applied
            self.conn.send_command("CLIENT", "REPLY", "OFF")

    def close(self) -> None:
        try:
            self.conn.disconnect()
        except Exception:  # already gone
            pass


_threads = threading.local()  # .sender: this thread's _Sender
_senders: weakref.WeakSet = weakref.WeakSet()  # every live one, for settle()


def _sender(client) -> _Sender:
    """This thread's sender to ``client``'s Redis (one per thread: a new client, as a
    test's new app has, replaces it)."""
    sender = getattr(_threads, "sender", None)
    if sender is None or sender.client is not client or sender.pid != os.getpid():
        if sender is not None:
            _drop_sender()
        sender = _threads.sender = _Sender(client)
        _senders.add(sender)
    return sender


def _drop_sender() -> None:
    sender = getattr(_threads, "sender", None)
    _threads.sender = None
    if sender is not None:
        _senders.discard(sender)
        if sender.pid == os.getpid():
            sender.close()


def send_scan(token: str) -> None:
    """Count one scan of today without waiting for Redis (the scan answered from this
    process's copy, ``public_cache``); as ``record_scan`` when the connection fails."""
    client = _redis()
    try:
        _sender(client).send(_field(token))
    except Exception as exc:  # closed, restarted or unreachable: the answered way
        log.info("scans: count connection lost (%s); counting with an answer", exc)
        _drop_sender()
        record_scan(token)


def settle() -> None:
    """Wait until Redis has applied every count this process sent (the flush's start)."""
    for sender in list(_senders):
        if sender.pid != os.getpid():
            continue
        try:
            sender.settle()
        except Exception as exc:  # gone: what it sent is applied or lost with that Redis
            log.info("scans: a count connection could not settle (%s)", exc)
            _senders.discard(sender)


def record_scan(token: str, day: date | None = None) -> None:
    """Count one scan of a code for the day (China time); safe under concurrency."""
    day = day or clock.today()
    try:
        _redis().hincrby(PENDING, _field(token, day), 1)
    except Exception as exc:  # Redis down: the count goes to the database at once
        log.warning("scans: Redis unavailable (%s), counting in the database", exc)
        add_counts(_by_code({(token, day): 1}))
        checkpoint()  # kept even when the answer is a refusal (410)


def add_counts(counts: dict[tuple[int, date], int]) -> None:
    """Add ``counts`` {(code id, day): n} to ``code_scans`` (INSERT … ON CONFLICT DO
    UPDATE count = count + n, on SQLite and PostgreSQL); the caller commits."""
    if not counts:
        return
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"scan counting not implemented for {dialect}")
    for (code_id, day), n in sorted(counts.items()):
        stmt = insert(CodeScan).values(code_id=code_id, day=day, count=n)
        db.session.execute(stmt.on_conflict_do_update(
            index_elements=["code_id", "day"], set_={"count": CodeScan.__table__.c.count + n}))


def _by_code(counts: dict[tuple[str, date], int]) -> dict[tuple[int, date], int]:
    """{(token, day): n} -> {(code id, day): n}; tokens of no code are dropped."""
    tokens = {token for token, _ in counts}
    ids = dict(db.session.execute(select(Code.token, Code.id).where(Code.token.in_(tokens))).tuples().all()) \
        if tokens else {}
    out: dict[tuple[int, date], int] = {}
    for (token, day), n in counts.items():
        if token in ids:
            out[(ids[token], day)] = out.get((ids[token], day), 0) + n
    return out


def _parse(raw: dict) -> dict[tuple[int, date], int]:
    counts = {}
    for field, value in raw.items():
        token, _, day = (field.decode() if isinstance(field, bytes) else field).rpartition(":")
        counts[(token, date.fromisoformat(day))] = int(value)
    return _by_code(counts)


def _take_batch(redis) -> str | None:
    """The id of the batch in PROCESSING: the one left by a dead run, else a new one."""
    batch = redis.get(BATCH)
    if batch is not None and redis.exists(PROCESSING):
        return batch.decode()
    if not redis.exists(PENDING):
        return None
    batch = uuid.uuid4().hex
    pipe = redis.pipeline(transaction=True)
    pipe.set(BATCH, batch)
    pipe.rename(PENDING, PROCESSING)
    pipe.execute()
    return batch


def flush_once() -> int:
    """Move one batch of counts to the database; returns how many scans it added."""
    settle()  # this process's counts in flight are in the batch (another's come in the next)
    redis = _redis()
    batch = _take_batch(redis)
    if batch is None:
        return 0
    counts = _parse(redis.hgetall(PROCESSING))
    added = 0
    if db.session.get(CodeScanFlush, batch) is None:
        add_counts(counts)
        db.session.add(CodeScanFlush(id=batch))
        db.session.execute(delete(CodeScanFlush).where(
            CodeScanFlush.flushed_at < clock.now() - KEEP_FLUSH_IDS))
        checkpoint()  # kept even when the answer is a refusal (410)
        added = sum(counts.values())
    else:
        log.info("scans: batch %s was already written; removing it", batch)
    redis.delete(PROCESSING, BATCH)
    return added


@with_app
def flush_scans() -> int:
    """The periodic job: the batch a dead run left, then the pending counts."""
    from flask import current_app

    lock = _redis().lock(LOCK, timeout=int(current_app.config["SCAN_FLUSH_LOCK_SECONDS"]))
    if not lock.acquire(blocking=False):
        return 0  # another run is at it
    try:
        return flush_once() + flush_once()
    finally:
        try:
            lock.release()
        except Exception:  # expired meanwhile: nothing to release
            pass
