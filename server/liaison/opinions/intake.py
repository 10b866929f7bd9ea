"""Submits taken while busy (受理登记): answered at once, registered by a worker.

A submit normally registers its opinion in the request (``submission``): its number,
its routing, the WeChat content check, its notifications, all before the answer. That
costs a web process about ten times a bare insert, and every submit of a year queues
on the year's number. When a whole district submits at once, a web process that is
already registering a submit takes the next ones as an **intake** instead:

1. the request checks the caller, the blocks, the per-IP limit and the account's
   quota slot (as a registered submit does), and the fields that need no database
   (text, category, photo count, a typed phone's form), so the usual mistakes still
   get their 422 at once;
2. it stores the body in ``opinion_intakes`` with one insert and one commit, enqueues
   its registration and answers ``202`` with the intake;
3. a worker registers it through the same ``submission.submit`` a request uses, and
   marks the intake ``registered`` in the opinion's own transaction, or ``refused``
   with the reason (a station closed meanwhile, a photo not the caller's, content
   WeChat refused to check…) and gives the quota slot back;
4. the mini-program asks ``GET /api/v1/opinion-intakes/<id>`` until it is registered,
   then opens the opinion (usually within a second).

Nothing is lost between the two: the intake is committed before the answer; a worker
killed while registering leaves its claim to expire (``LEASE``), and the periodic
``sweep`` registers every intake still pending. An ``Idempotency-Key`` makes one intake
(unique per account) and one opinion: the registration uses the key (or the intake's
own, ``intake:<id>``) as the opinion's idempotency record, so a registration run twice
finds the opinion the first made.

How busy is busy: ``OPINION_INLINE_SUBMITS`` (default 1) submits registered at once
per web process; a submit arriving while that many are in flight becomes an intake.
``0`` makes every API submit an intake. The H5 form always registers in the request.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..core import clock
from ..core.clock import iso
from ..core.db import db
from ..core.errors import DomainError
from ..core.transaction import checkpoint
from . import abuse, content_check, operations, submission
from .access import viewer_for
from .models import OpinionIntake

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=120)  # a registration not finished by then is taken again
SWEEP_AFTER = timedelta(seconds=10)  # an intake this old and unclaimed: its job was lost
MAX_ATTEMPTS = 5  # registrations that failed on an error (not a refusal) before giving up
SWEEP_BATCH = 200

FAILED = ("intake_failed", "意见登记失败，请重新提交；如多次失败，请联系联络站工作人员")

_lock = threading.Lock()
_in_flight = 0


@contextmanager
def inline_or_intake():
    """Yields True when this request should register its submit itself, False when it
    should take it as an intake (``OPINION_INLINE_SUBMITS`` already in flight here)."""
    global _in_flight
    limit = int(current_app.config["OPINION_INLINE_SUBMITS"])
    with _lock:
        inline = _in_flight < limit
        if inline:
            _in_flight += 1
    try:
        yield inline
    finally:
        if inline:
            with _lock:
                _in_flight -= 1


# -- the request -----------------------------------------------------------------------

def take(user, data: dict, *, idempotency_key: str | None, ip: str | None
         ) -> tuple[OpinionIntake, bool]:
    """Check what needs no database, store the body, enqueue its registration.

    :return: (the intake, whether this request created it: False for a retry).
    :raise ApiError: 403 blocked, 422 invalid fields, 429 rate limited.
    """
    if idempotency_key:
        found = _existing(user.id, idempotency_key)
        if found is not None:
            return found, False
    # A twin with this key in flight (the same claim as a registered submit's): its answer is ours.
    holder = abuse.claim_key(user.id, idempotency_key)
    if not holder:
        abuse.wait_for_twin(user.id, idempotency_key)
        db.session.rollback()  # see what the twin committed
        found = _existing(user.id, idempotency_key)
        if found is not None:
            return found, False
    try:
        return _take_new(user, data, idempotency_key, ip), True
    except IntegrityError:  # a twin stored the key meanwhile (Redis was unreachable for the claim)
        found = _existing(user.id, idempotency_key) if idempotency_key else None
        if found is None:
            raise
        return found, False
    finally:
        if holder:
            abuse.release_key(user.id, idempotency_key)


def _take_new(user, data: dict, idempotency_key: str | None, ip: str | None) -> OpinionIntake:
    slot = submission.admit(user, ip)
    try:
        _check_shape(data)
        intake = OpinionIntake(user_id=user.id, key=idempotency_key, ip=ip, slot_window=slot.window,
                               status="pending", attempts=0,
                               payload={**data, "visiting": content_check.from_miniprogram()})
        db.session.add(intake)
        checkpoint(expire=False)  # answered from the row as written
    except BaseException:  # refused or failed: nothing stored, the slot goes back
        db.session.rollback()
        slot.give_back()
        raise
    _enqueue(intake.id)
    return intake


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


def _enqueue(intake_id: int) -> None:
    """Queue the registration; Redis down is not a loss (the sweep registers it)."""
    from ..core.extensions import get_queue

    try:
        get_queue().enqueue(register_job, intake_id, job_id=f"opinion-intake-{intake_id}")
    except Exception as exc:
        log.warning("opinion intake %s: could not enqueue (%s); the sweep registers it", intake_id, exc)


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


def sweep(now=None) -> dict[str, int]:
    """The periodic job: register every intake left pending. :return: outcome counts."""
    counts: dict[str, int] = {}
    now = now or clock.now()
    for intake_id in due_ids(now):
        try:
            outcome = register(intake_id, now)
        except Exception:  # logged in ``register``; the next sweep tries again
            db.session.rollback()
            outcome = "error"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def register_all(limit: int = 10_000) -> dict[str, int]:
    """Every pending intake, claimed or not (the demo, tests, ``flask opinions register-intakes``)."""
    counts: dict[str, int] = {}
    ids = list(db.session.scalars(select(OpinionIntake.id).where(OpinionIntake.status == "pending")
                                  .order_by(OpinionIntake.id).limit(limit)))
    for intake_id in ids:
        outcome = register(intake_id)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


@_job
def register_job(intake_id: int) -> str:
    return register(intake_id)


@_job
def sweep_job() -> dict[str, int]:
    return sweep()
