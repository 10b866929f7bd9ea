"""Submits taken while busy (受理登记): answered at once, registered by a worker.

A submit normally registers its opinion in the request (``submission``): its number,
its routing, the WeChat content check, its notifications, all before the answer. That
costs a web process about ten times a bare insert, and every submit of a year queues
on the year's number. When a whole district submits at once, a busy web process takes
the submits as **intakes** instead:

1. the request checks the caller, the blocks, the per-IP limit and the account's
   quota slot (as a registered submit does), and the fields that need no database
   (text, category, photo count, a typed phone's form), so the usual mistakes still
   get their 422 at once;
2. it stores the body in ``opinion_intakes`` with one insert and one commit, asks a
   worker to drain the intakes (one job per rush, not per submit: ``KICK_KEY``) and
   answers ``202`` with the intake;
3. a worker registers it through the same ``submission.submit`` a request uses, and
   marks the intake ``registered`` in the opinion's own transaction, or ``refused``
   with the reason (a station closed meanwhile, a photo not the caller's, content
   WeChat refused to check…) and gives the quota slot back;
4. the mini-program asks ``GET /api/v1/opinion-intakes/<id>`` until it is registered,
   then opens the opinion (within a second or two when the rush is short; after half a
   minute it says the opinion is received and will show in 我的反映).

While the rush lasts the workers register at a pace (``in_rush``,
``OPINION_RUSH_REGISTRATIONS_PER_SECOND``): a registration costs ten intakes' CPU and, on
SQLite, the one write lock they all need, so registering at full speed would slow every
answer of the rush (measured: killing the worker during ``scripts/bench load`` raised
the intakes' rate from 0.4 to 0.9 of the bare insert). Once it eases they catch up.

Nothing is lost between the two: the intake is committed before the answer; a worker
killed while registering leaves its claim to expire (``LEASE``), and the periodic
``sweep`` registers every intake still pending (a lost kick, a lost job, Redis down). An ``Idempotency-Key`` makes one intake
(unique per account) and one opinion: the registration uses the key (or the intake's
own, ``intake:<id>``) as the opinion's idempotency record, so a registration run twice
finds the opinion the first made.

How busy is busy (``registers_inline``): a second in which ``OPINION_INLINE_PER_SECOND``
(default 5) submits had already reached the same web process starts a rush, and every
submit is an intake until ``RUSH_HOLD`` (10 s) passes without another busy second. So a
quiet station's resident gets the number at once, and a rush is taken as intakes from
its first busy second to its end rather than alternating between the two ways (on
SQLite that made the worker's registrations and the web's wait on each other's write
lock). ``0`` makes every API submit an intake. The H5 form always registers in the
request.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from datetime import timedelta

from flask import current_app
from sqlalchemy import JSON, Integer, String, and_, bindparam, exists, or_, select, update

from ..core import clock
from ..core.clock import iso
from ..core.db import UTCDateTime, db, dialect_insert
from ..core.errors import ApiError, DomainError
from ..core.transaction import checkpoint
from . import abuse, content_check, operations, submission
from .access import viewer_for
from .models import Block, OpinionIntake

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)  # a registration not finished by then is taken again (its key keeps it one)
SWEEP_AFTER = timedelta(seconds=10)  # an intake this old and unclaimed: its job was lost
MAX_ATTEMPTS = 5  # registrations that failed on an error (not a refusal) before giving up
SWEEP_BATCH = 200
DRAIN_BATCH = 100
KICK_KEY = "liaison:opinion-intakes:kick"  # set while a drain is asked for and not started
KICK_SECONDS = 60  # a lost drain job stops blocking new kicks after this (the sweep covers it)
TAKEN_KEY = "liaison:opinion-intakes:taken:{}"  # intakes taken in that second, by every web process
DRAIN_SECONDS = 60  # one drain job's work at most (well under rq's job timeout); the next goes on

FAILED = ("intake_failed", "意见登记失败，请重新提交；如多次失败，请联系联络站工作人员")

_lock = threading.Lock()
_recent: deque = deque()  # when this process's submits of the last second arrived (monotonic)
_rush = {"until": float("-inf")}  # this process takes intakes until then (monotonic)
RUSH_HOLD = 10.0  # seconds without a busy second before submits register in their request again


def reset_gate() -> None:
    """Forget the submits counted and any rush (tests: each counts from its own start)."""
    with _lock:
        _recent.clear()
        _rush["until"] = float("-inf")


def registers_inline(now: float | None = None) -> bool:
    """Whether this submit is registered in its request (True) or taken as an intake.

    A second in which ``OPINION_INLINE_PER_SECOND`` submits had already reached this
    process starts a rush; every submit is taken as an intake until ``RUSH_HOLD``
    seconds have passed without another busy second. The hold keeps a rush from
    alternating between the two ways: on SQLite a worker registering intakes while the
    web process registers others makes two writers wait on each other's lock. Counted
    per process, without any shared state: a rush shows in every web process at once.

    :param now: ``time.monotonic()`` (tests pass their own).
    """
    limit = int(current_app.config["OPINION_INLINE_PER_SECOND"])
    if limit == 0:  # a mode, not a rush: no hold is left for when the setting changes
        return False
    now = time.monotonic() if now is None else now
    with _lock:
        while _recent and _recent[0] <= now - 1.0:
            _recent.popleft()
        if len(_recent) >= limit:
            _rush["until"] = now + RUSH_HOLD
        _recent.append(now)
        return now >= _rush["until"]


# -- the request -----------------------------------------------------------------------

def take(user, data: dict, *, idempotency_key: str | None, ip: str | None, _again: bool = True
         ) -> tuple[OpinionIntake, bool]:
    """Check what needs no database, store the body, ask a worker to register it.

    Per request, two Redis round trips and one insert: the twin claim, the per-IP count
    and the quota slot in one script; the insert (which also checks the caller's blocks
    and skips a key stored already) and its commit; releasing the claim and kicking the
    worker in one pipeline. A refusal or a retry costs a query or two more.

    :return: (the intake, whether this request created it: False for a retry).
    :raise ApiError: 403 blocked, 422 invalid fields, 429 rate limited.
    """
    user_id = user.id  # read once: the commit below expires the row
    slot = _guards(user_id, ip, idempotency_key)
    if isinstance(slot, OpinionIntake):
        return slot, False
    try:
        _check_shape(data)
        now = clock.now()
        payload = {**data, "visiting": content_check.from_miniprogram()}
        intake_id = _store(bool(ip), _params(user_id, idempotency_key, ip, slot.window, now, payload))
    except BaseException:  # refused or failed: nothing stored, the slot goes back
        db.session.rollback()
        slot.give_back()
        abuse.release_key(user_id, idempotency_key)
        raise
    if intake_id is not None:
        _kick(user_id, idempotency_key, intake_id)
        return OpinionIntake(id=intake_id, user_id=user_id, status="pending", created_at=now), True
    # Nothing inserted: the caller is blocked, or this key's intake exists (a retry).
    db.session.rollback()
    slot.give_back()
    abuse.release_key(user_id, idempotency_key)
    abuse.check_blocks(user_id=user_id, ip=ip)  # 403 with the recorded reason
    found = _existing(user_id, idempotency_key) if idempotency_key else None
    if found is None:
        if not _again:  # pragma: no cover - a block lifted between the two statements, twice
            raise ApiError(409, "conflict", "提交没有成功，请再提交一次")
        return take(user, data, idempotency_key=idempotency_key, ip=ip, _again=False)
    return found, False


def _guards(user_id: int, ip: str | None, key: str | None) -> "abuse.Slot | OpinionIntake":
    """The quota slot (the key claimed), or the intake a twin with ``key`` stored.

    :raise ApiError: 429, unless this is a retry of a stored intake (its answer, then).
    """
    for _ in range(2):
        try:
            slot = abuse.take_for_intake(user_id, ip, key)
        except ApiError:  # the hour is full: a retry of what was stored still gets its answer
            found = _existing(user_id, key) if key else None
            if found is None:
                raise
            return found
        if slot is not None:
            return slot
        # a twin with this key is in flight (taken here or registering in its request)
        abuse.wait_for_twin(user_id, key)
        db.session.rollback()  # see what the twin committed
        found = _existing(user_id, key)
        if found is not None:
            return found
    # the twin registered an opinion in its request: the worker will find it by the key
    return abuse.take_for_intake(user_id, ip, None)


def _store(with_ip: bool, params: dict) -> int | None:
    """Run the intake's insert and commit it; its id, None when it inserted nothing.

    On SQLite the insert runs alone in autocommit (on the session's connection, which has
    only read so far, so SQLite holds no lock for it and nothing is left to commit): SQLite
    then takes its one write lock and commits inside that one step, so the lock is never
    held while this thread waits for the interpreter between an insert and its commit
    (under a rush that wait, not the insert, is what every other writer would queue
    behind, sleeping in SQLite's busy handler). PostgreSQL locks rows, not the database:
    an insert and its commit in the session's transaction is the plain path there.
    """
    conn = db.session.connection()
    raw = conn.connection.dbapi_connection
    statement = _insert(conn.dialect.name, with_ip)
    if conn.dialect.name == "sqlite" and not raw.in_transaction:  # (nothing written yet: always so)
        level, raw.isolation_level = raw.isolation_level, None  # the driver's autocommit switch
        try:
            result = conn.execute(statement, params)
        finally:
            raw.isolation_level = level
        return result.lastrowid if result.rowcount == 1 else None
    intake_id = conn.execute(statement, params).scalar()
    if intake_id is not None:
        checkpoint()
    return intake_id


_COLUMNS = {"user_id": Integer(), "key": String(), "ip": String(), "slot_window": String(),
            "status": String(), "attempts": Integer(), "created_at": UTCDateTime(), "payload": JSON()}
_statements: dict = {}


def _insert(dialect: str, with_ip: bool):
    """INSERT … SELECT one intake unless the account (or the IP) is blocked, skipping a key
    stored already (ON CONFLICT DO NOTHING). Built once per dialect and shape, its values
    bound per request (``_params``): under a rush, building the statement cost more than
    running it."""
    found = _statements.get((dialect, with_ip))
    if found is not None:
        return found
    blocked = [and_(Block.kind == "user", Block.value == bindparam("block_user", type_=String()))]
    if with_ip:
        blocked.append(and_(Block.kind == "ip", Block.value == bindparam("ip", type_=String())))
    row = select(*[bindparam(name, type_=type_) for name, type_ in _COLUMNS.items()]).where(
        ~exists().where(or_(*blocked)))
    statement = dialect_insert(OpinionIntake).from_select(list(_COLUMNS), row).on_conflict_do_nothing()
    if dialect != "sqlite":
        statement = statement.returning(OpinionIntake.id)
    _statements[(dialect, with_ip)] = statement
    return statement


def _params(user_id: int, key: str | None, ip: str | None, window: str | None, now, payload: dict) -> dict:
    return {"user_id": user_id, "key": key, "ip": ip, "slot_window": window, "status": "pending",
            "attempts": 0, "created_at": now, "payload": payload, "block_user": str(user_id)}


def _existing(user_id: int, key: str) -> OpinionIntake | None:
    return db.session.scalar(select(OpinionIntake).where(
        OpinionIntake.user_id == user_id, OpinionIntake.key == key))


def _check_shape(data: dict) -> None:
    """The checks of ``submission.check_fields`` that read nothing (422 naming the field)."""
    category = data.get("category")
    if category and category not in operations.categories():
        raise submission._field_error("category", "请选择意见分类")
    submission._text(data)
    photo_ids = list(dict.fromkeys(data.get("photo_ids") or []))
    if len(photo_ids) > submission.MAX_PHOTOS:
        raise submission._field_error("photo_ids", f"最多上传{submission.MAX_PHOTOS}张照片")
    if not data.get("phone_code"):
        submission._typed_phone(data)


def _kick(user_id: int, key: str | None, intake_id: int) -> None:
    """Release the twin claim, count the intake in its second (``in_rush``) and, unless a
    drain is already asked for, enqueue one: a rush costs one Redis round trip per
    submit, not one job. Redis down is no loss: the
    claim expires by itself and the sweep registers the intake."""
    from ..core.extensions import get_redis
    from ..core.jobs import enqueue

    try:
        pipe = get_redis().pipeline(transaction=False)
        if key:
            pipe.delete(abuse.in_flight_key(user_id, key))
        taken = TAKEN_KEY.format(int(clock.timestamp()))
        pipe.incr(taken)
        pipe.expire(taken, 10)
        pipe.set(KICK_KEY, intake_id, nx=True, ex=KICK_SECONDS)
        if pipe.execute()[-1]:
            enqueue(drain_job)
    except Exception as exc:
        log.warning("opinion intake %s: could not ask a worker (%s); the sweep registers it", intake_id, exc)


def as_dict(intake: OpinionIntake) -> dict:
    """``IntakeOut``'s body."""
    return {"intake": {"id": intake.id, "status": intake.status, "opinion_id": intake.opinion_id,
                       "error": intake.error, "created_at": iso(intake.created_at)}}


# -- the worker ------------------------------------------------------------------------

def _job(fn):
    from ..core.jobs import with_app

    return with_app(fn)


def register(intake_id: int, now=None) -> str:
    """Register one intake as its request would have; see the module docstring.

    :return: ``registered``, ``refused``, ``failed`` (attempts used up) or ``taken``
        (done already, or another worker holds it).
    """
    now = now or clock.now()
    claimed = db.session.execute(
        update(OpinionIntake).where(
            OpinionIntake.id == intake_id, OpinionIntake.status == "pending",
            or_(OpinionIntake.claimed_until.is_(None), OpinionIntake.claimed_until < now))
        .values(claimed_until=now + LEASE, attempts=OpinionIntake.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    checkpoint()
    if not claimed:
        return "taken"
    intake = db.session.get(OpinionIntake, intake_id)
    if intake.attempts > MAX_ATTEMPTS:
        return _refuse(intake_id, *FAILED, now=now, give_back=True)
    from ..users.models import User

    user = db.session.get(User, intake.user_id)
    data = dict(intake.payload or {})
    visiting = bool(data.pop("visiting", False))
    slot = abuse.Slot(abuse.user_slot_key(user.id), intake.slot_window) if intake.slot_window else abuse.Slot()
    try:
        result = submission.submit(viewer_for(user), data, ip=intake.ip, slot=slot, intake=intake,
                                   idempotency_key=intake.key or f"intake:{intake.id}", visiting=visiting)
    except DomainError as exc:  # refused as the request would have been: say why (slot given back)
        db.session.rollback()
        body = exc.to_dict()["error"]
        return _refuse(intake_id, body["code"], body["message"], body.get("details"), now=now)
    except Exception:  # a fault (database, bug): the claim expires and the sweep tries again
        db.session.rollback()
        log.exception("opinion intake %s: registration failed (attempt %s)", intake_id, intake.attempts)
        raise
    if not result.created:  # the key's opinion existed already (a retry that went another way)
        db.session.execute(update(OpinionIntake).where(OpinionIntake.id == intake_id).values(
            status="registered", opinion_id=result.opinion.id, payload=None, done_at=clock.now()))
        checkpoint()
    return "registered"


def _refuse(intake_id: int, code: str, message: str, details: dict | None = None, *, now,
            give_back: bool = False) -> str:
    intake = db.session.get(OpinionIntake, intake_id)
    if give_back and intake.slot_window:
        abuse.Slot(abuse.user_slot_key(intake.user_id), intake.slot_window).give_back()
    error = {"code": code, "message": message}
    if details:
        error["details"] = details
    intake.status, intake.error, intake.payload, intake.done_at = "refused", error, None, now
    checkpoint()
    return "failed" if code == FAILED[0] else "refused"


def mark_registered(intake: OpinionIntake, opinion) -> None:
    """In the opinion's own transaction (``submission._store``): registered, body cleared."""
    intake.status, intake.opinion_id, intake.payload, intake.done_at = "registered", opinion.id, None, clock.now()


def due_ids(now=None, limit: int = SWEEP_BATCH) -> list[int]:
    """Pending intakes whose job was lost (unclaimed for ``SWEEP_AFTER``) or whose
    registration died (claim expired), oldest first."""
    now = now or clock.now()
    return list(db.session.scalars(select(OpinionIntake.id).where(
        OpinionIntake.status == "pending",
        or_(OpinionIntake.claimed_until < now,
            (OpinionIntake.claimed_until.is_(None)) & (OpinionIntake.created_at < now - SWEEP_AFTER)))
        .order_by(OpinionIntake.id).limit(limit)))


def sweep(now=None, sleep=time.sleep) -> dict[str, int]:
    """The periodic job: register every intake left pending. :return: outcome counts."""
    counts: dict[str, int] = {}
    now = now or clock.now()
    _register_each(due_ids(now), now, counts, sleep)
    return counts


def drain(now=None, sleep=time.sleep, budget: float = DRAIN_SECONDS) -> dict[str, int]:
    """Register every intake nobody holds, oldest first, until none is left (intakes
    taken meanwhile included) or ``budget`` seconds have passed (then ``left`` is in the
    counts: the caller asks for another drain). :return: outcome counts."""
    counts: dict[str, int] = {}
    started = time.monotonic()
    while True:
        if time.monotonic() - started > budget:
            counts["left"] = 1
            return counts
        now_ = now or clock.now()
        ids = list(db.session.scalars(select(OpinionIntake.id).where(
            OpinionIntake.status == "pending",
            or_(OpinionIntake.claimed_until.is_(None), OpinionIntake.claimed_until < now_))
            .order_by(OpinionIntake.id).limit(DRAIN_BATCH)))
        if not ids:
            return counts
        _register_each(ids, now_, counts, sleep)


def _register_each(ids: list[int], now, counts: dict, sleep) -> None:
    """Register ``ids`` in turn, at the rush's pace while a rush lasts (``in_rush``)."""
    for intake_id in ids:
        if in_rush():
            sleep(1 / int(current_app.config["OPINION_RUSH_REGISTRATIONS_PER_SECOND"]))
        try:
            outcome = register(intake_id, now)
        except Exception:  # logged in ``register``; claimed, so not taken again by this run
            db.session.rollback()
            outcome = "error"
        counts[outcome] = counts.get(outcome, 0) + 1


def in_rush() -> bool:
    """Whether more intakes were taken in the last whole second (all web processes
    together) than a worker registers in a second during a rush.

    Registering costs a web request's CPU ten times over and, on SQLite, holds the one
    write lock every intake needs; while the rush lasts a worker registers at
    ``OPINION_RUSH_REGISTRATIONS_PER_SECOND`` so that answering comes first, and at full
    speed as soon as it eases. Redis unreachable: no rush is seen.
    """
    from ..core.extensions import get_redis

    try:
        taken = get_redis().get(TAKEN_KEY.format(int(clock.timestamp()) - 1))
    except Exception:
        return False
    return int(taken or 0) > int(current_app.config["OPINION_RUSH_REGISTRATIONS_PER_SECOND"])


@_job
def drain_job() -> dict[str, int]:
    """Kicked by a submit taken (``_kick``): the next one taken asks for a drain again."""
    from ..core.extensions import get_redis
    from ..core.jobs import enqueue

    get_redis().delete(KICK_KEY)
    counts = drain()
    if counts.get("left"):  # the budget is spent (a long backlog): the next job goes on,
        enqueue(drain_job, at_front=True)  # ahead of the deliveries the registrations queued
    return counts


@_job
def sweep_job() -> dict[str, int]:
    return sweep()
