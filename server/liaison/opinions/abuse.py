"""Abuse guards for submitting: blocks, rate limits and mass submissions.

Nothing here drops an opinion silently: a blocked caller gets a 403 with the reason
in Chinese, a flood gets a 429 that says how long to wait, and the same text sent
from many accounts (or to many deputies) is frozen for staff review (``on_hold``,
``mass_submission``) rather than refused.

Rate-limit counters live in Redis so every web process shares them. If Redis is
down the limits fail open: losing a resident's opinion is worse than a flood.
"""
from __future__ import annotations

import hashlib
import logging
import time
import unicodedata
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ..core.db import db, utcnow
from ..core.errors import ApiError
from .models import Block, Opinion

log = logging.getLogger(__name__)

DEFAULT_MASS_THRESHOLD = 5  # distinct accounts, or distinct deputies, with one text
DEFAULT_MASS_WINDOW_HOURS = 24


def normalise(text: str) -> str:
    """The text as compared for duplicates: NFKC, lower case, no spaces/punctuation/symbols."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def normalise_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


def check_blocks(*, user_id: int | None = None, phone: str | None = None,
                 ip: str | None = None) -> None:
    """:raise ApiError: 403 ``blocked`` with the recorded reason."""
    wanted = [(k, v) for k, v in (("user", str(user_id) if user_id else None),
                                  ("phone", normalise_phone(phone) if phone else None),
                                  ("ip", ip)) if v]
    if not wanted:
        return
    rows = db.session.execute(select(Block.kind, Block.value, Block.reason).where(
        Block.kind.in_([k for k, _ in wanted]), Block.value.in_([v for _, v in wanted]))).all()
    for kind, value, reason in rows:
        if (kind, value) in wanted:
            raise ApiError(403, "blocked", f"您已被限制提交意见，原因：{reason}。如有疑问，请联系联络站。",
                           {"kind": kind})


def _redis():
    from ..core.extensions import get_redis

    return get_redis()


def _user_key(user_id: int, now: float) -> str:
    return f"liaison:rl:opinions:user:{user_id}:{int(now // 3600)}"


def check_user_quota(user_id: int, now: float | None = None) -> None:
    """At most RATE_LIMIT_OPINIONS_PER_HOUR opinions per account per clock hour.

    :raise ApiError: 429 ``rate_limited``.
    """
    now = now or time.time()
    limit = int(current_app.config.get("RATE_LIMIT_OPINIONS_PER_HOUR", 10))
    try:
        used = int(_redis().get(_user_key(user_id, now)) or 0)
    except Exception:  # fail open, see the module docstring
        log.exception("rate limit: redis unavailable")
        return
    if used >= limit:
        wait = 3600 - int(now % 3600)
        raise ApiError(429, "rate_limited",
                       f"每小时最多提交{limit}条意见，请{max(1, wait // 60)}分钟后再试",
                       {"retry_after": wait})


def count_submission(user_id: int, now: float | None = None) -> None:
    """Count a successful submit against the account's hourly quota."""
    now = now or time.time()
    key = _user_key(user_id, now)
    try:
        pipe = _redis().pipeline()
        pipe.incr(key)
        pipe.expire(key, 3600)
        pipe.execute()
    except Exception:
        log.exception("rate limit: redis unavailable")


def hit_ip(ip: str | None, now: float | None = None) -> None:
    """Count one write request from ``ip``; RATE_LIMIT_IP_PER_MINUTE per clock minute.

    :raise ApiError: 429 ``rate_limited``.
    """
    if not ip:
        return
    now = now or time.time()
    limit = int(current_app.config.get("RATE_LIMIT_IP_PER_MINUTE", 120))
    key = f"liaison:rl:ip:{ip}:{int(now // 60)}"
    try:
        pipe = _redis().pipeline()
        pipe.incr(key)
        pipe.expire(key, 60)
        count = pipe.execute()[0]
    except Exception:
        log.exception("rate limit: redis unavailable")
        return
    if count > limit:
        wait = 60 - int(now % 60)
        raise ApiError(429, "rate_limited", "操作太频繁了，请一分钟后再试", {"retry_after": wait})


def mass_cluster(hash_: str, user_id: int, deputy_id: int | None) -> tuple[bool, list[int]]:
    """Whether a new opinion with ``hash_`` makes a mass submission, and the earlier ids.

    Mass: within OPINION_MASS_WINDOW_HOURS, the same normalised text came from at least
    OPINION_MASS_THRESHOLD accounts, or went to that many deputies (counting this one).
    """
    cfg = current_app.config
    threshold = int(cfg.get("OPINION_MASS_THRESHOLD", DEFAULT_MASS_THRESHOLD))
    hours = int(cfg.get("OPINION_MASS_WINDOW_HOURS", DEFAULT_MASS_WINDOW_HOURS))
    rows = db.session.execute(select(Opinion.id, Opinion.submitter_id, Opinion.deputy_id).where(
        Opinion.content_hash == hash_, Opinion.created_at >= utcnow() - timedelta(hours=hours),
        Opinion.scrubbed_at.is_(None))).all()
    accounts = {r.submitter_id for r in rows if r.submitter_id} | {user_id}
    deputies = {r.deputy_id for r in rows if r.deputy_id} | ({deputy_id} if deputy_id else set())
    triggered = len(accounts) >= threshold or len(deputies) >= threshold
    return triggered, [r.id for r in rows]
