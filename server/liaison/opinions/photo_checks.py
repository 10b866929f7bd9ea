"""Photos through WeChat's mediaCheckAsync v2: sent after the submit, judged by a push.

1. ``submission`` stores each photo ``queued`` (``manual`` when the submitter cannot be
   checked at all, e.g. an H5 submitter) and after its commit calls ``kick``, which
   enqueues ``jobs.check_photos_job(opinion_id)``;
2. ``request_checks`` sends each queued photo: a signed, expiring public URL under
   ``PUBLIC_BASE_URL`` (WeChat downloads the image itself), the submitter's openid,
   scene 2 (comment); the photo becomes ``checking`` with WeChat's ``trace_id``. WeChat
   unreachable: it stays queued for the sweep; the submitter outside WeChat's 2-hour
   window (or 61010): ``manual``, and the opinion goes to staff review;
3. WeChat pushes ``wxa_media_check`` to ``/wechat/push`` (``liaison.wechat.push``);
   ``on_media_check`` finds the photo by ``trace_id``: a risky photo is hidden from
   everyone but staff (``serialize``, ``uploads``) and the opinion is held
   (``risky_photo``) if nobody handled it yet, else staff get a note;
4. ``sweep`` (every 10 minutes) sends what is still queued and gives a photo whose
   verdict has not come within ``VERDICT_TIMEOUT`` (WeChat promises 30 minutes) to
   staff review.

Each photo is its own transaction, claimed with a conditional UPDATE, so a push racing
the sweep, or two workers, never both act; a replayed push changes nothing.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..core import clock
from ..core.db import db
from ..wechat.app import get_wechat
from ..users.models import User
from . import content_check
from .content_check import Verdict
from .models import Opinion, OpinionPhoto
from .uploads import url_for_upload

log = logging.getLogger(__name__)

VERDICT_TIMEOUT = timedelta(hours=1)
NOTE_TIMEOUT = "照片送检后一小时内未收到微信的检测结果，请人工审核。"


def kick(opinion_id: int) -> None:
    """After the submit's commit: queue the photo checks (the sweep covers a Redis outage)."""
    from ..core.jobs import enqueue
    from .jobs import check_photos_job

    try:
        enqueue(check_photos_job, opinion_id, job_id=f"photo-check-{opinion_id}")
    except Exception as exc:
        log.warning("photo checks: could not enqueue (%s); the sweep will send them", exc)


def media_url(upload_id: str) -> str:
    """The public, signed and expiring link WeChat downloads the photo from."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for_upload(upload_id)


def _claim(photo_id: int, expected: str, **values) -> bool:
    return db.session.execute(update(OpinionPhoto).where(
        OpinionPhoto.id == photo_id, OpinionPhoto.sec_check == expected).values(**values)
        .execution_options(synchronize_session=False)).rowcount == 1


def _to_review(photo: OpinionPhoto, expected: str, status: str, note: str, reason: str) -> str:
    """Record ``status`` on the photo and put its opinion before staff; one commit each."""
    if not _claim(photo.id, expected, sec_check=status):
        db.session.rollback()
        return "gone"
    content_check.route_to_review(photo.opinion_id, note, f"sec:photo:{photo.id}:{status}", reason)
    return status


def _request(photo_id: int, now: datetime) -> str:
    from ..wechat import errors as wx

    photo = db.session.get(OpinionPhoto, photo_id)
    if photo is None or photo.sec_check != "queued":
        return "gone"
    opinion = db.session.get(Opinion, photo.opinion_id)
    user = db.session.get(User, opinion.submitter_id) if opinion.submitter_id else None
    why = content_check.why_unchecked(user, now)
    if why is None:
        try:
            trace_id = get_wechat().media_check_async(user.mp_openid, media_url(photo.upload_id),
                                                      scene=content_check.SCENE_COMMENT)
        except wx.UserInactive:
            why = "inactive"
        except (wx.Unavailable, wx.TokenError, wx.QuotaLimited) as exc:
            log.warning("media_check_async unavailable, photo %s stays queued: %s", photo_id, exc)
            db.session.rollback()
            return "queued"
        except wx.WeChatError as exc:
            log.warning("media_check_async refused photo %s: %s", photo_id, exc)
            why = "refused"
        else:
            if not _claim(photo_id, "queued", sec_check="checking", sec_trace_id=trace_id,
                          sec_requested_at=now):
                db.session.rollback()
                return "gone"
            return "checking"  # committed by the row's unit of work (each_row)
    return _to_review(photo, "queued", "manual", content_check.NOTES[why], "unchecked_content")


def _each(photo_ids, fn) -> dict[str, int]:
    return content_check.each_row(photo_ids, fn, "photo check of photo")


def _ids(*where) -> list[int]:
    ids = list(db.session.scalars(select(OpinionPhoto.id).where(*where).order_by(OpinionPhoto.id)))
    db.session.rollback()  # end the read: each photo below is its own transaction
    return ids


def request_checks(opinion_id: int, now: datetime | None = None) -> dict[str, int]:
    """Send the opinion's queued photos to mediaCheckAsync; {outcome: count}."""
    now = now or clock.now()
    ids = _ids(OpinionPhoto.opinion_id == opinion_id, OpinionPhoto.sec_check == "queued")
    return _each(ids, lambda pid: _request(pid, now))


def on_media_check(message: dict) -> None:
    """The ``wxa_media_check`` push (JSON or XML, already verified and decrypted)."""
    trace_id = str(message.get("trace_id") or "")
    result = message.get("result") if isinstance(message.get("result"), dict) else {}
    suggest, label = result.get("suggest"), str(result.get("label") or "")
    photo = db.session.scalar(select(OpinionPhoto).where(OpinionPhoto.sec_trace_id == trace_id)) \
        if trace_id else None
    if photo is None or photo.sec_check != "checking" or suggest not in ("pass", "review", "risky"):
        log.info("wxa_media_check %s: nothing to record (%s)", trace_id, suggest)
        db.session.rollback()
        return
    if suggest != "risky":
        if _claim(photo.id, "checking", sec_check=suggest):
            db.session.flush()
        else:
            db.session.rollback()
        return
    note = Verdict("risky", label=label).note(f"第{photo.position + 1}张照片", hidden=True)
    _to_review(photo, "checking", "risky", note, "risky_photo")


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Send queued photos again; photos without a verdict after the timeout go to staff."""
    now = now or clock.now()
    counts = _each(_ids(OpinionPhoto.sec_check == "queued"), lambda pid: _request(pid, now))
    late = _ids(OpinionPhoto.sec_check == "checking", OpinionPhoto.sec_requested_at < now - VERDICT_TIMEOUT)

    def give_up(photo_id: int) -> str:
        photo = db.session.get(OpinionPhoto, photo_id)
        return _to_review(photo, "checking", "manual", NOTE_TIMEOUT, "unchecked_content")

    for outcome, n in _each(late, give_up).items():
        counts[f"late_{outcome}"] = n
    return counts
