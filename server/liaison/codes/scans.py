"""Scan counts: into Redis at once, into ``code_scans`` in batches.

A scan rush must not write the database on every scan: ``record_scan`` adds one to
the field ``<token>:<day>`` of the Redis hash ``PENDING`` (one HINCRBY, atomic, so a
web process killed right after it loses nothing; the scan route sends it with its
cache read, ``count_in``). Tokens that name no code are dropped by the flush. ``flush_scans`` (the periodic
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
import uuid
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


def count_in(pipe, token: str, day: date | None = None) -> None:
    """Add the HINCRBY that counts one scan of ``token`` to a Redis pipeline."""
    pipe.hincrby(PENDING, f"{token}:{(day or clock.today()).isoformat()}", 1)


def record_scan(token: str, day: date | None = None) -> None:
    """Count one scan of a code for the day (China time); safe under concurrency."""
    day = day or clock.today()
    try:
        _redis().hincrby(PENDING, f"{token}:{day.isoformat()}", 1)
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
