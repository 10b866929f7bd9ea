"""Submitting an opinion (收集): checks, WeChat calls, then one commit.

Order matters and is deliberate:

1. a retried request (same ``Idempotency-Key``) returns the first result at once and
   takes no slot of the quota; a twin sent while the first is still in flight (Redis
   knows the key for the first request's duration) waits for it and answers its
   opinion, so impatient taps do not use up the hour's quota;
2. ``admit``: blocks, the per-IP limit, then a slot of the account's hourly quota,
   taken atomically in Redis before any work (403 / 429, reasons in Chinese);
3. ``check_fields``: checks against the database (station, summoned deputy,
   category, text, photos, a typed phone and its block);
4. outside calls before the transaction: the phone number from WeChat's
   ``getuserphonenumber`` and the text through ``msg_sec_check`` v2 (the policy is
   ``content_check``'s). A ``risky`` verdict holds the opinion for staff review
   (``risky_content``); ``review`` is kept on the opinion for staff to see but does
   not hold it, since staff read every opinion before accepting it anyway; a text
   WeChat cannot check (an H5 submitter has no mini-program openid) is held for
   staff (``unchecked_web`` / ``unchecked_content``); WeChat being unavailable never
   loses the opinion: it is accepted and marked ``sec_check = pending`` for the sweep.
   Photos are stored ``queued`` for mediaCheckAsync (``photo_checks``);
5. the transaction: number, opinion, photos, event and outbox rows via the workflow's
   ``submit`` decision, the idempotency record (unique; a concurrent twin loses on
   IntegrityError and returns the winner's opinion); one commit. Who the notifications
   go to is read before its first write (``operations.prepare_notifications``), so
   from the number to the commit it only writes: that stretch holds SQLite's write
   lock or PostgreSQL's row of the year's number, and every submit waits for it;
6. after the commit: the mass-submission check runs again on committed rows (so
   copies sent in parallel, which could not see each other before, are caught by the
   last to commit) and freezes the copies nobody handled yet (each its own ``hold``
   transition by the system); the outbox and the photo checks are kicked.

The quota counts opinions, not attempts: a submit that stores nothing (422, 403 for
a blocked phone, 503, a lost idempotency race, any error) gives its slot back, so a
resident who mistyped a phone number is not locked out. Attempts are still bounded
by the per-IP limit, which is never given back, and they cost no more than a few
queries: photos are processed by separate upload requests (the API) or only after
these checks (the H5 form).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..core import clock
from ..core.db import db
from ..core.transaction import after_commit, checkpoint
from ..places.scopes import current_membership
from ..core.errors import ApiError, DomainError
from ..wechat.app import get_wechat
from ..places.models import Deputy, Membership, Station
from . import abuse, content_check, numbering, operations, photo_checks, workflow
from .access import Viewer, actor_for
from .context import OpinionView
from .errors import InvalidField
from .models import IdempotencyRecord, Opinion, OpinionPhoto, Upload

log = logging.getLogger(__name__)

MAX_PHOTOS = 9
MAX_TEXT = 2000
MIN_TEXT = 5
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{9,11})$")


@dataclass
class SubmitResult:
    opinion: Opinion
    created: bool
    # The station and deputy checked, held while the answer is built: the session's
    # identity map keeps only referenced rows, and the answer names them.
    loaded: tuple = ()


def _field_error(field: str, message: str) -> InvalidField:
    return InvalidField({field: [message]})


def existing(user_id: int, key: str | None) -> Opinion | None:
    """The opinion an earlier request with this ``Idempotency-Key`` created, if any."""
    if not key:
        return None
    record = db.session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key))
    return db.session.get(Opinion, record.opinion_id) if record else None


def admit(user, ip: str | None) -> abuse.Slot:
    """Blocks, the per-IP limit, then a slot of the account's hourly quota.

    The slot is taken here, before any work, so parallel submits cannot all slip
    under the limit; whoever then creates nothing gives it back (see ``submit``).

    :raise ApiError: 403 blocked, 429 rate limited.
    """
    abuse.check_blocks(user_id=user.id, ip=ip)
    abuse.hit_ip(ip)
    return abuse.take_user_slot(user.id)


@dataclass
class Fields:
    """A submit's fields once checked against the database (no outside call yet)."""

    station_id: int
    deputy_id: int | None
    category: str
    text: str
    uploads: list[Upload]
    phone: str | None  # None: still to be fetched from WeChat with ``phone_code``
    # Held so the session's identity map keeps them (it holds weak references): the
    # notifications of the submit read them again without a query.
    loaded: tuple = ()


def check_fields(user, data: dict, *, new_photos: int = 0) -> Fields:
    """Station, summoned deputy, category, text, photos and a typed phone.

    :param new_photos: photos the caller has yet to process (the H5 form), counted
        against the limit of ``MAX_PHOTOS`` before any of them is decoded.
    :raise ApiError: 422 naming the field, 403 for a blocked typed phone.
    """
    station_id, deputy_id = data["station_id"], data.get("deputy_id")
    loaded = _check_station_and_deputy(station_id, deputy_id)
    category = data.get("category") or operations.fallback_category()
    if category not in operations.categories():
        raise _field_error("category", "请选择意见分类")
    text = _text(data)
    uploads = _photos(user.id, data.get("photo_ids") or [], new_photos)
    phone = None if data.get("phone_code") else _typed_phone(data)
    if phone:
        abuse.check_blocks(phone=phone)
    return Fields(station_id, deputy_id, category, text, uploads, phone, loaded)


def _check_station_and_deputy(station_id: int, deputy_id: int | None) -> tuple:
    """:return: the station and deputy loaded."""
    station = db.session.get(Station, station_id)
    if station is None or not station.active:
        raise _field_error("station_id", "联络站不存在或已停用")
    if deputy_id is None:
        return (station,)
    deputy = db.session.get(Deputy, deputy_id)
    today = clock.today()
    member = db.session.scalar(select(Membership.id).where(
        Membership.deputy_id == deputy_id, Membership.station_id == station_id,
        current_membership(today)))
    if deputy is None or not deputy.active or member is None:
        raise _field_error("deputy_id", "该代表不在此联络站，请重新选择")
    return station, deputy


def _photos(user_id: int, photo_ids: list[str], new_photos: int = 0) -> list[Upload]:
    photo_ids = list(dict.fromkeys(photo_ids or []))
    if len(photo_ids) + new_photos > MAX_PHOTOS:
        raise _field_error("photo_ids", f"最多上传{MAX_PHOTOS}张照片")
    if not photo_ids:
        return []
    uploads = {u.id: u for u in db.session.scalars(select(Upload).where(
        Upload.id.in_(photo_ids), Upload.user_id == user_id))}
    used = db.session.scalar(select(func.count(OpinionPhoto.id)).where(
        OpinionPhoto.upload_id.in_(photo_ids)))
    if len(uploads) != len(photo_ids) or used:
        raise _field_error("photo_ids", "照片无效或已被使用，请重新上传")
    return [uploads[i] for i in photo_ids]


def _typed_phone(data: dict) -> str:
    typed = (data.get("contact_phone") or "").strip()
    if not typed:
        return ""
    phone = abuse.normalise_phone(typed)
    if not PHONE_RE.match(phone):
        raise _field_error("contact_phone", "请填写正确的手机号或固定电话")
    return phone


def _wechat_phone(code: str) -> str:
    """The phone number behind a getPhoneNumber ``code``, from WeChat."""
    from ..wechat import errors as wx

    try:
        info = get_wechat().phone_number(code)
    except (wx.CodeInvalid, wx.CodeUsed, wx.InvalidArgument):
        raise _field_error("phone_code", "手机号授权已失效，请重新获取或手动填写")
    except wx.WeChatError:
        raise ApiError(503, "wechat_unavailable", "暂时无法获取微信绑定的手机号，请手动填写或稍后再试")
    phone = abuse.normalise_phone(info.get("purePhoneNumber") or info.get("phoneNumber") or "")
    if phone:
        abuse.check_blocks(phone=phone)
    return phone


def _text(data: dict) -> str:
    text = (data.get("text") or "").strip()
    if len(text) < MIN_TEXT:
        raise _field_error("text", f"请把问题写清楚一些（至少{MIN_TEXT}个字）")
    if len(text) > MAX_TEXT:
        raise _field_error("text", f"内容不能超过{MAX_TEXT}个字")
    return text


def submit(viewer: Viewer, data: dict, *, idempotency_key: str | None, ip: str | None,
           source: str = "miniprogram", slot: abuse.Slot | None = None, intake=None,
           visiting: bool | None = None) -> SubmitResult:
    """Create an opinion from the mini-program's form; see the module docstring.

    :param slot: the quota slot when the caller already ran ``admit`` (the H5 form
        does, before processing photos; an intake took it in its request); otherwise
        ``admit`` runs here.
    :param intake: the ``OpinionIntake`` a worker registers: marked registered in the
        opinion's own transaction (``opinions.intake``).
    :param visiting: whether the writer was in the mini-program when they sent it
        (default: this request came from it; an intake's request recorded it).
    :raise ApiError: 403 blocked, 422 invalid fields, 429 rate limited, 503 phone
        number unavailable.
    """
    user = viewer.user
    found = existing(user.id, idempotency_key)
    holder = found is None and abuse.claim_key(user.id, idempotency_key)
    if found is None and not holder:  # a twin with this key is in flight: its answer is ours
        abuse.wait_for_twin(user.id, idempotency_key)
        db.session.rollback()  # see what the twin committed
        found = existing(user.id, idempotency_key)
    if found is not None:  # a retry: no slot is taken (a given one goes back)
        if slot is not None:
            slot.give_back()
        return SubmitResult(found, False)
    try:
        return _submit_new(viewer, data, idempotency_key, ip, source, slot, intake, visiting)
    finally:
        if holder:
            abuse.release_key(user.id, idempotency_key)


def _submit_new(viewer: Viewer, data: dict, idempotency_key: str | None, ip: str | None,
                source: str, slot: abuse.Slot | None, intake=None,
                visiting: bool | None = None) -> SubmitResult:
    user = viewer.user
    slot = slot or admit(user, ip)
    try:
        fields = check_fields(user, data)
        opinion, created = _store(viewer, fields, data, idempotency_key, source, intake, visiting)
    except BaseException:  # refused or failed: nothing was stored, the slot goes back
        slot.give_back()
        raise
    if not created:  # lost the race to a twin with the same key: that one holds a slot
        slot.give_back()
        return SubmitResult(opinion, False)
    mass, cluster = abuse.mass_cluster(opinion.content_hash, user.id, opinion.deputy_id)
    if mass:  # rechecked on committed rows: parallel copies all see each other here
        _freeze(cluster)
    operations.kick()
    if any(p.sec_check == "queued" for p in opinion.photos):
        opinion_id = opinion.id
        after_commit(lambda: photo_checks.kick(opinion_id))
    return SubmitResult(opinion, True, fields.loaded)


def _store(viewer: Viewer, fields: Fields, data: dict, idempotency_key: str | None,
           source: str, intake=None, visiting: bool | None = None) -> tuple[Opinion, bool]:
    """Outside calls, then the one transaction; (opinion, created)."""
    user = viewer.user
    phone = fields.phone if fields.phone is not None else _wechat_phone(data["phone_code"])
    content_hash = abuse.content_hash(fields.text)
    now = clock.now()
    if visiting is None:
        visiting = content_check.from_miniprogram()  # sent from the mini-program
    check = (content_check.NOT_CHECKED if source == "demo"  # our own sample texts
             else content_check.check_text(user, fields.text, now, visiting))
    mass, _ = abuse.mass_cluster(content_hash, user.id, fields.deputy_id)
    hold_reason = content_check.hold_reason(check, source) or ("mass_submission" if mass else None)
    view = OpinionView(state=None, submitter_id=user.id, station_id=fields.station_id,
                       deputy_id=fields.deputy_id)
    decision = workflow.decide(view, "submit", actor_for(viewer, fields.station_id),
                               {"hold_reason": hold_reason}, clock.today())

    photo_check = {"": "", "manual": "manual"}.get(check.status, "queued")
    # Built before the first write, with its collections set (so the answer reads none back).
    opinion = Opinion(station_id=fields.station_id, deputy_id=fields.deputy_id,
                      submitter_id=user.id, category=fields.category, text=fields.text,
                      original_text=fields.text, anonymous=bool(data.get("anonymous")),
                      contact_phone=phone, content_hash=content_hash, sec_check=check.status,
                      sec_trace_id=check.trace_id, source=source, rounds=0, assignments=[],
                      photos=[OpinionPhoto(upload_id=upload.id, position=position, sec_check=photo_check)
                              for position, upload in enumerate(fields.uploads)])
    # Every read happens before the first write: the write lock (SQLite) or the year's
    # number row (PostgreSQL) is held from the number to the commit, so keep that short.
    prepared = operations.prepare_notifications(opinion, decision)
    opinion.number = numbering.next_number(clock.china_now().year)  # first write of the transaction
    if visiting:  # a visit WeChat's content security counts (2 hours)
        user.mp_active_at = now
    db.session.add(opinion)
    try:
        operations.apply_decision(opinion, decision, user.id, prepared)
        if idempotency_key:
            db.session.add(IdempotencyRecord(user_id=user.id, key=idempotency_key,
                                             opinion_id=opinion.id))
        if intake is not None:
            from .intake import mark_registered

            mark_registered(intake, opinion)
        # Committed here: a parallel twin's mass check below sees this one. The answer is
        # the opinion just written: kept loaded, not read back.
        checkpoint(expire=False)
    except IntegrityError:
        db.session.rollback()
        found = existing(user.id, idempotency_key)
        if found is not None:
            return found, False
        if fields.uploads and _photos_gone(fields.uploads):  # removed by the cleanup meanwhile
            raise _field_error("photo_ids", "照片无效或已被使用，请重新上传")
        raise
    return opinion, True


def _photos_gone(uploads: list[Upload]) -> bool:
    ids = [u.id for u in uploads]
    return db.session.scalar(select(func.count(Upload.id)).where(Upload.id.in_(ids))) != len(ids)


def _freeze(ids: list[int]) -> None:
    """Hold the copies of a mass submission that nobody has handled yet."""
    for other_id in ids:
        other = db.session.get(Opinion, other_id)
        if other is None or other.state != workflow.SUBMITTED:
            continue
        try:
            operations.transition_as_system(other_id, "hold", {"hold_reason": "mass_submission"})
        except DomainError as exc:  # handled meanwhile: leave it to staff
            log.info("mass submission: could not hold opinion %s: %s", other_id, exc.code)
