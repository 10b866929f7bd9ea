"""Deliver outbox rows to WeChat, at most once per claim, never silently.

1. **Claim** (one UPDATE, committed): ``pending`` and due, or ``sending`` with an
   expired lease (a worker died mid-delivery) -> ``sending``, ``attempts + 1``,
   ``lease_until = now + NOTIFICATION_LEASE_SECONDS``. Only one worker's UPDATE
   matches a row, so two workers never send the same row at the same time.
2. **Checks that need no WeChat call**: no openid for the channel -> ``skipped``;
   a subscribe message without a usable consent -> ``no_consent``.
3. **Send**, with no database transaction open during the call.
4. **Record** the outcome right after the answer:
   success -> ``sent`` (+ one one-time consent consumed, same commit);
   43101 -> ``no_consent`` and the consent cleared, never retried;
   43004 -> ``skipped``; 47003 and other bad-request codes -> ``failed`` with the
   data key in ``last_error``, never retried; anything else (timeouts, HTTP 5xx,
   45009, -1, token trouble) -> ``pending`` again after 15 s, 30 s, 60 s ... capped,
   and ``failed`` after NOTIFICATION_MAX_ATTEMPTS. 40001/42001 are handled inside
   the WeChat client (one token refresh and one retry) before they get here.

**Several rows at once** (``deliver_many``: a sweep, a backlog job). Rows go in
groups of ``NOTIFICATION_SEND_WIDTH`` (8): the group is claimed in one UPDATE and
checked in one read, its calls are made side by side by threads that do nothing but
wait on HTTP (sharing one read of each access token, ``SharedTokens``), and each answer
is recorded as soon as it is in (the answers that came in together share one commit).
Every database step stays in the caller's thread, session and app context. One
person's messages in a group go one after another, in the order they were written,
so a resident never reads 已交办 before 已受理. Consents are
counted across the group: two messages on one one-time grant send one. A group's
lease covers its calls, each bounded by WECHAT_TIMEOUT (and one token retry).

**Never twice, and the honest exception.** A row is sent by one claim at a time,
``sent`` is final and a reclaimed row is sent only when no ``sent`` was recorded.
Official-account template messages carry ``client_msg_id`` = the row id: WeChat keeps
one message per openid and id for about 10 minutes, so a retry after a timeout (WeChat
accepted, the answer was lost) or after a worker died mid-call is not delivered twice,
as long as it comes within those minutes (the first five retries do, with the default
backoff). Subscribe messages have no such key, so one window remains for them: if the
process dies (or the database is unreachable) *after WeChat accepted the message and
before step 4 commits*, the lease expires and the row is sent again: at-least-once for
the rows in flight, at most NOTIFICATION_SEND_WIDTH of them. The window is one HTTP
answer plus one commit wide; with one-time consents WeChat itself refuses the second
copy (43101) unless the person granted another. A lease shorter than a slow call could
also let a second worker in: keep NOTIFICATION_LEASE_SECONDS well above WECHAT_TIMEOUT
(default 60 s vs 5 s).
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import and_, bindparam, case, or_, select, update

from ..core import clock
from ..core.db import db
from ..core.transaction import checkpoint
from ..wechat import errors as wx
from ..wechat.client import SharedTokens
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


def claim_many(ids: list[int], now: datetime) -> dict[int, int]:
    """Take the due rows among ``ids`` for this worker (one UPDATE, committed).

    :return: {id: this attempt's number} for the rows this worker now holds.
    """
    if not ids:
        return {}
    lease = timedelta(seconds=float(current_app.config["NOTIFICATION_LEASE_SECONDS"]))
    result = db.session.execute(
        update(N).where(N.id.in_(ids), due_clause(now)).values(
            status="sending", attempts=N.attempts + 1, lease_until=now + lease,
            last_error=case((N.status == "sending", INTERRUPTED), else_=N.last_error),
        ).returning(N.id, N.attempts).execution_options(synchronize_session=False))
    claimed = {nid: attempts for nid, attempts in result.all()}
    checkpoint()
    return claimed


def claim(notification_id: int, now: datetime) -> int | None:
    """Take one row (committed); returns this attempt's number or None."""
    return claim_many([notification_id], now).get(notification_id)


def deliver(notification_id: int, now: datetime | None = None) -> str | None:
    """Deliver one row if it is due; safe to call any number of times, from any worker.

    :param now: the clock (tests move it forward instead of sleeping).
    :return: the row's new status, or None when there was nothing to do.
    """
    return deliver_many([notification_id], now=now).get(notification_id)


def deliver_many(ids: list[int], now: datetime | None = None,
                 budget_seconds: float | None = None) -> dict[int, str]:
    """Deliver the due rows among ``ids``, ``NOTIFICATION_SEND_WIDTH`` WeChat calls at a time.

    Rows go in groups of that width: the group is claimed in one UPDATE, checked, and
    its calls made side by side (threads that only wait on HTTP: every database step
    stays in the caller's thread and app context); each outcome is recorded as soon as
    its answer is in, those that arrived together in one commit. The lease covers one
    group's calls, each bounded by ``WECHAT_TIMEOUT``.

    :param budget_seconds: start no new group after this long.
    :return: {id: new status} for the rows acted on (the others were not due).
    """
    width = max(1, int(current_app.config["NOTIFICATION_SEND_WIDTH"]))
    started, out = time.monotonic(), {}
    pool = ThreadPoolExecutor(max_workers=min(width, len(ids)), thread_name_prefix="deliver") \
        if len(ids) > 1 and width > 1 else None
    try:
        for first in range(0, len(ids), width):
            if budget_seconds is not None and time.monotonic() - started > budget_seconds:
                break
            out.update(_deliver_group(ids[first:first + width], _utc(now), pool))
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    return out


def _deliver_group(ids: list[int], now: datetime, pool) -> dict[int, str]:
    claimed = claim_many(ids, now)
    if not claimed:
        return {}
    out: dict[int, str] = {}
    jobs = _checked(claimed, out)
    checkpoint()  # the checks' outcomes; no transaction stays open during the calls
    calls = []
    tokens = SharedTokens()  # the group's calls read each access token once
    for job, openid in jobs:  # no database work: only settings and the WeChat client
        try:
            calls.append((job, _request(job, openid, tokens)))
        except Exception as exc:  # a bug or a broken setting: retry, visibly
            log.exception("notifications: preparing %s failed unexpectedly", job["id"])
            out[job["id"]] = _record(job, now, error=exc)
    checkpoint()  # the retries of calls that could not be prepared
    if pool is None or len(calls) < 2:
        for job, call in calls:
            _record_arrived([(job, *_call(call))], now, out)
            checkpoint()
        return out
    # One person's messages go in the order they were written (受理 before 交办): the next
    # call to a recipient starts once the answer to the one before it is in.
    queues: dict = {}
    for job, call in calls:
        queues.setdefault(job["user_id"], []).append((job, call))
    waiting = {}

    def start(recipient):
        job, call = queues[recipient].pop(0)
        waiting[pool.submit(_call, call)] = job

    for recipient in queues:
        start(recipient)
    while waiting:
        done, _ = wait(waiting, return_when=FIRST_COMPLETED)
        arrived = [(waiting.pop(future), *future.result()) for future in done]
        for job, _answer, _error in arrived:
            if queues[job["user_id"]]:
                start(job["user_id"])
        _record_arrived(arrived, now, out)
        checkpoint()  # what arrived together, in one commit
    return out


def _record_arrived(arrived: list[tuple], now: datetime, out: dict[int, str]) -> None:
    """Record the outcomes (job, answer, error) that arrived together (not committed):
    official-account messages that went through in one statement, the rest one by one
    (a subscribe message's grant is consumed only if its own row changed)."""
    plain = [(job, answer) for job, answer, error in arrived
             if error is None and job["channel"] != SUBSCRIBE]
    if plain:
        _sent_many(plain)
        out.update((job["id"], "sent") for job, _ in plain)
    for job, answer, error in arrived:
        if error is not None or job["channel"] == SUBSCRIBE:
            out[job["id"]] = _record(job, now, answer, error)


def _checked(claimed: dict[int, int], out: dict[int, str]) -> list[tuple[dict, str]]:
    """The claimed rows that need a call, as (job, openid); the others get their outcome
    in ``out`` (recorded, not committed)."""
    from ..users.models import User

    rows = db.session.scalars(select(N).where(N.id.in_(claimed)).order_by(N.id)).all()
    users = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_({r.user_id for r in rows if r.user_id})))}
    planned: dict[tuple[int, str], int] = {}  # subscribe sends per consent in this group
    jobs = []
    for row in rows:
        attempt = claimed[row.id]
        job = {"id": row.id, "attempt": attempt, "user_id": row.user_id, "channel": row.channel,
               "template_id": row.template_id, "data": dict(row.data or {}), "page": row.page,
               "audience": row.audience, "event": row.event, "opinion_id": row.opinion_id}
        user = users.get(row.user_id)
        openid = user and (user.mp_openid if row.channel == SUBSCRIBE else user.oa_openid)
        if attempt > int(current_app.config["NOTIFICATION_MAX_ATTEMPTS"]):
            out[row.id] = _finish(job, "failed", f"投递{attempt - 1}次均中断，已放弃")
        elif not openid:
            what = "小程序" if row.channel == SUBSCRIBE else "公众号"
            out[row.id] = _finish(job, "skipped", f"收件人没有{what} openid")
        elif row.channel == SUBSCRIBE and not _consented(row, planned):
            out[row.id] = _finish(job, "no_consent", "收件人没有可用的订阅授权，未发送")
        else:
            jobs.append((job, openid))
    return jobs


def _consented(row, planned: dict) -> bool:
    """A consent is left for one more send of this row's template, counting the sends
    this group already plans (two messages on one one-time grant: one is sent)."""
    key = (row.user_id, row.template_id)
    if consents.allowance(*key) <= planned.get(key, 0):
        return False
    planned[key] = planned.get(key, 0) + 1
    return True


def _call(call) -> tuple[dict | None, BaseException | None]:
    """Run one prepared WeChat call: (answer, None) or (None, the exception)."""
    try:
        return call(), None
    except Exception as exc:
        return None, exc


def _record(job: dict, now: datetime, answer: dict | None = None,
            error: BaseException | None = None) -> str:
    """The call's outcome, written (not committed); returns the row's new status."""
    if error is None:
        return _sent(job, answer)
    if isinstance(error, wx.NoConsent):
        consents.used_up(job["user_id"], job["template_id"])
        return _finish(job, "no_consent", _describe(error))
    if isinstance(error, wx.NotFollowing):
        return _finish(job, "skipped", _describe(error))
    if isinstance(error, (wx.InvalidArgument, wx.NotConfigured)):
        field = getattr(error, "field", None)
        return _finish(job, "failed", (f"字段 {field} 不符合要求；" if field else "") + _describe(error))
    if isinstance(error, wx.WeChatError):
        return _retry(job, now, _describe(error))
    # a bug or an unexpected library error: retry, visibly
    log.error("notifications: delivering %s failed unexpectedly", job["id"],
              exc_info=(type(error), error, error.__traceback__))
    return _retry(job, now, f"内部错误：{error!r}")


def _request(job: dict, openid: str, tokens: SharedTokens):
    """The WeChat call for this row, ready to run in any thread (no app context needed:
    every setting it uses is read here); ``tokens`` is shared by the row's group."""
    from functools import partial

    from ..wechat.app import get_wechat

    wechat = get_wechat()
    if job["channel"] == SUBSCRIBE:
        return partial(wechat.send_subscribe, openid, job["template_id"], job["data"],
                       page=job["page"] or None,
                       miniprogram_state=current_app.config["WECHAT_MINIPROGRAM_STATE"], tokens=tokens)
    url = job["page"] or None
    if url and url.startswith("/"):
        url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url
    # One message per openid and client_msg_id (WeChat, for about 10 minutes): a retry after
    # a timeout that WeChat had in fact accepted is not delivered a second time.
    return partial(wechat.send_template, openid, job["template_id"], job["data"], url=url,
                   miniprogram=_miniprogram(job), client_msg_id=str(job["id"]), tokens=tokens)


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
    """A final status other than sent (fenced: only while the claim is still ours; not
    committed, like ``_retry`` and ``_sent``)."""
    result = db.session.execute(update(N).where(*_mine(job)).values(
        status=status, lease_until=None, next_attempt_at=None, last_error=error[:255],
    ).execution_options(synchronize_session=False))
    _log(job, status, error, result.rowcount)
    return status


def _retry(job: dict, now: datetime, error: str) -> str:
    if job["attempt"] >= int(current_app.config["NOTIFICATION_MAX_ATTEMPTS"]):
        return _finish(job, "failed", f"重试{job['attempt']}次仍失败：{error}")
    later = now + timedelta(seconds=settings.backoff_seconds(job["attempt"]))
    result = db.session.execute(update(N).where(*_mine(job)).values(
        status="pending", lease_until=None, next_attempt_at=later, last_error=error[:255],
    ).execution_options(synchronize_session=False))
    _log(job, "pending", error, result.rowcount)
    return "pending"


def _sent(job: dict, answer: dict) -> str:
    """One row sent; a subscribe message consumes a one-time grant, once."""
    if _sent_many([(job, answer)]) == 1 and job["channel"] == SUBSCRIBE:
        consents.consume(job["user_id"], job["template_id"])
    return "sent"


def _sent_many(sent: list[tuple[dict, dict]]) -> int:
    """Record success even if the claim expired meanwhile (it is a fact now), for several
    rows in one statement; returns how many rows were not ``sent`` before."""
    table = N.__table__
    result = db.session.execute(
        table.update().where(table.c.id == bindparam("row_id"), table.c.status != "sent").values(
            status="sent", sent_at=clock.now(), lease_until=None, next_attempt_at=None,
            wechat_msgid=bindparam("msgid"), last_error=""),
        [{"row_id": job["id"], "msgid": str((answer or {}).get("msgid") or "")[:40]}
         for job, answer in sent])
    return result.rowcount


def _log(job: dict, status: str, error: str, rowcount: int) -> None:
    if rowcount != 1:
        log.warning("notifications: %s lost its claim before recording %s (%s)",
                    job["id"], status, error)
    elif status == "failed":
        log.error("notifications: %s failed after %s attempts: %s", job["id"], job["attempt"], error)
    else:
        log.info("notifications: %s -> %s (%s)", job["id"], status, error)
