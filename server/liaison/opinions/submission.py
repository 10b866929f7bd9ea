"""Submitting an opinion (收集): checks, WeChat calls, then one commit.

Order matters and is deliberate:

1. a retried request (same ``Idempotency-Key``) returns the first result at once;
2. blocks and rate limits (403 / 429, reasons in Chinese);
3. field checks against the database (station, summoned deputy, photos, category);
4. outside calls before the transaction: the phone number from WeChat's
   ``getuserphonenumber`` and the text through ``msg_sec_check`` v2. A ``risky``
   verdict holds the opinion for staff review (``risky_content``); ``review`` is kept
   on the opinion for staff to see but does not hold it, since staff read every
   opinion before accepting it anyway; WeChat being unavailable never loses the
   opinion: it is accepted and marked ``sec_check = pending`` for the hourly recheck;
5. the transaction: number, opinion, photos, event and outbox rows via the workflow's
   ``submit`` decision, the idempotency record (unique; a concurrent twin loses on
   IntegrityError and returns the winner's opinion); one commit;
6. after the commit: a mass submission also freezes the earlier copies (each its own
   ``hold`` transition by the system), and the outbox is kicked.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..core.db import db
from ..core.scopes import current_membership
from ..core.errors import ApiError
from ..core.extensions import get_wechat
from ..places.models import Deputy, Membership, Station
from . import abuse, numbering, operations, workflow
from .access import Viewer, actor_for
from .context import OpinionView
from .errors import InvalidField, WorkflowError
from .models import IdempotencyRecord, Opinion, OpinionPhoto, Upload
from .timeutil import local_now, local_today

log = logging.getLogger(__name__)

MAX_PHOTOS = 9
MAX_TEXT = 2000
MIN_TEXT = 5
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{9,11})$")


@dataclass
class SubmitResult:
    opinion: Opinion
    created: bool


def _field_error(field: str, message: str) -> ApiError:
    return operations.api_error(InvalidField({field: [message]}))


def _existing(user_id: int, key: str | None) -> Opinion | None:
    if not key:
        return None
    record = db.session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key))
    return db.session.get(Opinion, record.opinion_id) if record else None


def _check_station_and_deputy(station_id: int, deputy_id: int | None) -> None:
    station = db.session.get(Station, station_id)
    if station is None or not station.active:
        raise _field_error("station_id", "联络站不存在或已停用")
    if deputy_id is None:
        return
    deputy = db.session.get(Deputy, deputy_id)
    today = local_today()
    member = db.session.scalar(select(Membership.id).where(
        Membership.deputy_id == deputy_id, Membership.station_id == station_id,
        current_membership(today)))
    if deputy is None or not deputy.active or member is None:
        raise _field_error("deputy_id", "该代表不在此联络站，请重新选择")


def _photos(user_id: int, photo_ids: list[str]) -> list[Upload]:
    photo_ids = list(dict.fromkeys(photo_ids or []))
    if len(photo_ids) > MAX_PHOTOS:
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


def _phone(data: dict) -> str:
    """The contact phone: from WeChat's getPhoneNumber code, else as typed, else ""."""
    from ..wechat import errors as wx

    if data.get("phone_code"):
        try:
            info = get_wechat().phone_number(data["phone_code"])
        except (wx.CodeInvalid, wx.CodeUsed, wx.InvalidArgument):
            raise _field_error("phone_code", "手机号授权已失效，请重新获取或手动填写")
        except wx.WeChatError:
            raise ApiError(503, "wechat_unavailable", "暂时无法获取微信绑定的手机号，请手动填写或稍后再试")
        return abuse.normalise_phone(info.get("purePhoneNumber") or info.get("phoneNumber") or "")
    typed = (data.get("contact_phone") or "").strip()
    if not typed:
        return ""
    phone = abuse.normalise_phone(typed)
    if not PHONE_RE.match(phone):
        raise _field_error("contact_phone", "请填写正确的手机号或固定电话")
    return phone


def check_content(openid: str | None, text: str) -> tuple[str, str]:
    """WeChat's verdict on ``text``: (pass|review|risky|pending|unchecked, trace_id)."""
    from ..wechat.errors import WeChatError

    if not openid:
        return "unchecked", ""
    try:
        res = get_wechat().msg_sec_check(openid, text, scene=2)
    except WeChatError as exc:
        log.warning("msg_sec_check failed, opinion kept as pending: %s", exc)
        return "pending", ""
    suggest = (res.get("result") or {}).get("suggest")
    if suggest not in ("pass", "review", "risky"):
        return "pending", ""
    return suggest, str(res.get("trace_id") or "")


def _text(data: dict) -> str:
    text = (data.get("text") or "").strip()
    if len(text) < MIN_TEXT:
        raise _field_error("text", f"请把问题写清楚一些（至少{MIN_TEXT}个字）")
    if len(text) > MAX_TEXT:
        raise _field_error("text", f"内容不能超过{MAX_TEXT}个字")
    return text


def submit(viewer: Viewer, data: dict, *, idempotency_key: str | None, ip: str | None,
           source: str = "miniprogram") -> SubmitResult:
    """Create an opinion from the mini-program's form; see the module docstring.

    :raise ApiError: 403 blocked, 422 invalid fields, 429 rate limited, 503 phone
        number unavailable.
    """
    user = viewer.user
    found = _existing(user.id, idempotency_key)
    if found is not None:
        return SubmitResult(found, False)
    abuse.check_blocks(user_id=user.id, ip=ip)
    abuse.hit_ip(ip)
    abuse.check_user_quota(user.id)
    station_id, deputy_id = data["station_id"], data.get("deputy_id")
    _check_station_and_deputy(station_id, deputy_id)
    category = data.get("category") or "other"
    if category not in operations.categories():
        raise _field_error("category", "请选择意见分类")
    text = _text(data)
    uploads = _photos(user.id, data.get("photo_ids") or [])
    phone = _phone(data)
    if phone:
        abuse.check_blocks(phone=phone)
    content_hash = abuse.content_hash(text)
    verdict, trace_id = check_content(user.mp_openid, text)
    mass, cluster = abuse.mass_cluster(content_hash, user.id, deputy_id)
    hold_reason = "risky_content" if verdict == "risky" else ("mass_submission" if mass else None)
    view = OpinionView(state=None, submitter_id=user.id, station_id=station_id, deputy_id=deputy_id)
    try:
        decision = workflow.decide(view, "submit", actor_for(viewer, station_id),
                                   {"hold_reason": hold_reason}, local_today())
    except WorkflowError as exc:
        raise operations.api_error(exc)

    number = numbering.next_number(local_now().year)  # first write of the transaction
    opinion = Opinion(number=number, station_id=station_id, deputy_id=deputy_id,
                      submitter_id=user.id, category=category, text=text, original_text=text,
                      anonymous=bool(data.get("anonymous")), contact_phone=phone,
                      content_hash=content_hash, sec_check=verdict, sec_trace_id=trace_id,
                      source=source, rounds=0)
    db.session.add(opinion)
    for position, upload in enumerate(uploads):
        opinion.photos.append(OpinionPhoto(upload_id=upload.id, position=position))
    try:
        operations.apply_decision(opinion, decision, user.id)
        if idempotency_key:
            db.session.add(IdempotencyRecord(user_id=user.id, key=idempotency_key,
                                             opinion_id=opinion.id))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        found = _existing(user.id, idempotency_key)
        if found is None:
            raise
        return SubmitResult(found, False)
    abuse.count_submission(user.id)
    if mass:
        _freeze(cluster, exclude=opinion.id)
    operations.kick()
    return SubmitResult(opinion, True)


def _freeze(ids: list[int], exclude: int) -> None:
    """Hold the earlier copies of a mass submission that nobody has handled yet."""
    for other_id in ids:
        if other_id == exclude:
            continue
        other = db.session.get(Opinion, other_id)
        if other is None or other.state != workflow.SUBMITTED:
            continue
        try:
            operations.transition_as_system(other_id, "hold", {"hold_reason": "mass_submission"})
        except ApiError as exc:  # handled meanwhile: leave it to staff
            log.info("mass submission: could not hold opinion %s: %s", other_id, exc.code)
