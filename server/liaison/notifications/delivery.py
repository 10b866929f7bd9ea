"""Deliver one outbox row to WeChat, at most once per claim, never silently.

1. **Claim** (one UPDATE, committed): ``pending`` and due, or ``sending`` with an
   expired lease (a worker died mid-delivery) -> ``sending``, ``attempts + 1``,
   ``lease_until = now + NOTIFICATION_LEASE_SECONDS``. Only one worker's UPDATE
   matches, so two workers never send the same row at the same time.
2. **Checks that need no WeChat call**: no openid for the channel -> ``skipped``;
   a subscribe message without a usable consent -> ``no_consent``.
3. **Send**, with no database transaction open during the call.
4. **Record** the outcome in one commit, right after the call:
   success -> ``sent`` (+ one one-time consent consumed, same commit);
   43101 -> ``no_consent`` and the consent cleared, never retried;
   43004 -> ``skipped``; 47003 and other bad-request codes -> ``failed`` with the
   data key in ``last_error``, never retried; anything else (timeouts, HTTP 5xx,
   45009, -1, token trouble) -> ``pending`` again after 15 s, 30 s, 60 s ... capped,
   and ``failed`` after NOTIFICATION_MAX_ATTEMPTS. 40001/42001 are handled inside
   the WeChat client (one token refresh and one retry) before they get here.

**Never twice, and the honest exception.** A row is sent by one claim at a time,
``sent`` is final and a reclaimed row is sent only when no ``sent`` was recorded.
Official-account template messages carry ``client_msg_id`` = the row id: WeChat keeps
one message per openid and id for about 10 minutes, so a retry after a timeout (WeChat
accepted, the answer was lost) or after a worker died mid-call is not delivered twice,
as long as it comes within those minutes (the first five retries do, with the default
backoff). Subscribe messages have no such key, so one window remains for them: if the
process dies (or the database is unreachable) *after WeChat accepted the message and
before step 4 commits*, the lease expires and the row is sent again: at-least-once for
that one in-flight row. The window is one HTTP answer plus one commit wide; with
one-time consents WeChat itself refuses the second copy (43101) unless the person
granted another. A lease shorter than a slow call could also let a second worker
in: keep NOTIFICATION_LEASE_SECONDS well above WECHAT_TIMEOUT (default 60 s vs 5 s).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import and_, case, or_, select, update

from ..core import clock
from ..core.db import db
from ..core.transaction import checkpoint
from ..wechat import errors as wx
from . import consents, settings
from .models import Notification as N
from .templates import SUBSCRIBE, TEMPLATE, page_link, template_for

log = logging.getLogger(__name__)

INTERRUPTED = "上次投递中断（进程退出或超时），重新投递"


def _utc(moment: datetime | None) -> datetime:
    moment = moment or clock.now()
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def due_clause(now: datetime):
    """Rows a worker may claim at ``now``."""
    return or_(
        and_(N.status == "pending", or_(N.next_attempt_at.is_(None), N.next_attempt_at <= now)),
        and_(N.status == "sending", or_(N.lease_until.is_(None), N.lease_until <= now)),
    )


def claim(notification_id: int, now: datetime) -> int | None:
    """Take the row for this worker (committed); returns this attempt's number or None."""
    lease = timedelta(seconds=float(current_app.config["NOTIFICATION_LEASE_SECONDS"]))
    result = db.session.execute(
        update(N).where(N.id == notification_id, due_clause(now)).values(
            status="sending", attempts=N.attempts + 1, lease_until=now + lease,
            last_error=case((N.status == "sending", INTERRUPTED), else_=N.last_error),
        ).execution_options(synchronize_session=False))
    checkpoint()
    if result.rowcount != 1:
        return None
    return db.session.scalar(select(N.attempts).where(N.id == notification_id))


def deliver(notification_id: int, now: datetime | None = None) -> str | None:
    """Deliver one row if it is due; safe to call any number of times, from any worker.

    :param now: the clock (tests move it forward instead of sleeping).
    :return: the row's new status, or None when there was nothing to do.
    """
    now = _utc(now)
    attempt = claim(notification_id, now)
    if attempt is None:
        return None
    row = db.session.get(N, notification_id)
    job = {"id": row.id, "attempt": attempt, "user_id": row.user_id, "channel": row.channel,
           "template_id": row.template_id, "data": dict(row.data or {}), "page": row.page,
           "audience": row.audience, "event": row.event, "opinion_id": row.opinion_id}
    if attempt > int(current_app.config["NOTIFICATION_MAX_ATTEMPTS"]):
        return _finish(job, "failed", f"投递{attempt - 1}次均中断，已放弃")
    openid = _openid(row)
    if not openid:
        what = "小程序" if row.channel == SUBSCRIBE else "公众号"
        return _finish(job, "skipped", f"收件人没有{what} openid")
    if row.channel == SUBSCRIBE and not consents.usable(row.user_id, row.template_id):
        return _finish(job, "no_consent", "收件人没有可用的订阅授权，未发送")
    checkpoint()  # no transaction stays open during the HTTP call
    try:
        answer = _send(job, openid)
    except wx.NoConsent as exc:
        consents.used_up(job["user_id"], job["template_id"])
        return _finish(job, "no_consent", _describe(exc))
    except wx.NotFollowing as exc:
        return _finish(job, "skipped", _describe(exc))
    except (wx.InvalidArgument, wx.NotConfigured) as exc:
        field = getattr(exc, "field", None)
        return _finish(job, "failed", (f"字段 {field} 不符合要求；" if field else "") + _describe(exc))
    except wx.WeChatError as exc:
        return _retry(job, now, _describe(exc))
    except Exception as exc:  # a bug or an unexpected library error: retry, visibly
        log.exception("notifications: delivering %s failed unexpectedly", notification_id)
        db.session.rollback()
        return _retry(job, now, f"内部错误：{exc!r}")
    return _sent(job, answer)


def _openid(row) -> str | None:
    from ..users.models import User

    user = db.session.get(User, row.user_id) if row.user_id else None
    if user is None:
        return None
    return user.mp_openid if row.channel == SUBSCRIBE else user.oa_openid


def _send(job: dict, openid: str) -> dict:
    from ..wechat.app import get_wechat

    wechat = get_wechat()
    if job["channel"] == SUBSCRIBE:
        return wechat.send_subscribe(
            openid, job["template_id"], job["data"], page=job["page"] or None,
            miniprogram_state=current_app.config["WECHAT_MINIPROGRAM_STATE"])
    url = job["page"] or None
    if url and url.startswith("/"):
        url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url
    # One message per openid and client_msg_id (WeChat, for about 10 minutes): a retry after
    # a timeout that WeChat had in fact accepted is not delivered a second time.
    return wechat.send_template(openid, job["template_id"], job["data"], url=url,
                                miniprogram=_miniprogram(job), client_msg_id=str(job["id"]))


def _miniprogram(job: dict) -> dict | None:
    """{"appid", "pagepath"} when the message's template names a mini-program page (a
    deputy's 点将 opens the deputy's page of that opinion), else None (the url only)."""
    config = settings.templates_config()
    entry = template_for(config, job["audience"], job["event"]) if job.get("audience") else None
    if entry is None or entry["channel"] != TEMPLATE or entry["template_id"] != job["template_id"]:
        return None
    path = page_link(config, entry, {"opinion_id": job.get("opinion_id")})
    return {"appid": current_app.config["WECHAT_APPID"], "pagepath": path} if path else None


def _describe(exc: wx.WeChatError) -> str:
    return f"{type(exc).__name__} {exc.errcode}: {exc.errmsg}"[:200]


def _mine(job: dict):
    return (N.id == job["id"], N.status == "sending", N.attempts == job["attempt"])


def _finish(job: dict, status: str, error: str) -> str:
    """A final status other than sent (fenced: only while the claim is still ours)."""
    result = db.session.execute(update(N).where(*_mine(job)).values(
        status=status, lease_until=None, next_attempt_at=None, last_error=error[:255],
    ).execution_options(synchronize_session=False))
    checkpoint()
    _log(job, status, error, result.rowcount)
    return status


def _retry(job: dict, now: datetime, error: str) -> str:
    if job["attempt"] >= int(current_app.config["NOTIFICATION_MAX_ATTEMPTS"]):
        return _finish(job, "failed", f"重试{job['attempt']}次仍失败：{error}")
    later = now + timedelta(seconds=settings.backoff_seconds(job["attempt"]))
    result = db.session.execute(update(N).where(*_mine(job)).values(
        status="pending", lease_until=None, next_attempt_at=later, last_error=error[:255],
    ).execution_options(synchronize_session=False))
    checkpoint()
    _log(job, "pending", error, result.rowcount)
    return "pending"


def _sent(job: dict, answer: dict) -> str:
    """Record success even if the claim expired meanwhile: it is a fact now."""
    result = db.session.execute(update(N).where(N.id == job["id"], N.status != "sent").values(
        status="sent", sent_at=clock.now(), lease_until=None, next_attempt_at=None,
        wechat_msgid=str((answer or {}).get("msgid") or "")[:40], last_error="",
    ).execution_options(synchronize_session=False))
    if result.rowcount == 1 and job["channel"] == SUBSCRIBE:
        consents.consume(job["user_id"], job["template_id"])
    checkpoint()
    return "sent"


def _log(job: dict, status: str, error: str, rowcount: int) -> None:
    if rowcount != 1:
        log.warning("notifications: %s lost its claim before recording %s (%s)",
                    job["id"], status, error)
    elif status == "failed":
        log.error("notifications: %s failed after %s attempts: %s", job["id"], job["attempt"], error)
    else:
        log.info("notifications: %s -> %s (%s)", job["id"], status, error)
