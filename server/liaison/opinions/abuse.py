"""Abuse guards for submitting: blocks, rate limits and mass submissions.

Nothing here drops an opinion silently: a blocked caller gets a 403 with the reason
in Chinese, a flood gets a 429 that says how long to wait, and the same text sent
from many accounts (or to many deputies) is frozen for staff review (``on_hold``,
``mass_submission``) rather than refused.

Rate-limit counters live in Redis so every web process shares them. A request
takes its slot atomically (one Lua script) before doing any work, so parallel
requests cannot all slip under a limit; a refused request takes nothing. If Redis is
down the limits fail open: losing a resident's opinion is worse than a flood.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select

from ..core import clock
from ..core.db import db
from ..core.errors import ApiError
from ..users.identity import normalise_phone
from .models import Block, Opinion

log = logging.getLogger(__name__)


def normalise(text: str) -> str:
    """The text as compared for duplicates: NFKC, lower case, no spaces/punctuation/symbols."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


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


IN_FLIGHT_SECONDS = 30


def in_flight_key(user_id: int, key: str) -> str:
    """The Redis key marking this account's Idempotency-Key as in flight."""
    return f"liaison:submit:in-flight:{user_id}:{key}"


def claim_key(user_id: int, key: str | None) -> bool:
    """Mark this account's Idempotency-Key as in flight; False when a twin already holds it.

    Without a key, or without Redis, there is nothing to wait for (True): the unique
    idempotency record still keeps one opinion per key."""
    if not key:
        return True
    try:
        return bool(_redis().set(in_flight_key(user_id, key), "1", nx=True, ex=IN_FLIGHT_SECONDS))
    except RedisError:
        return True


def release_key(user_id: int, key: str | None) -> None:
    if key:
        try:
            _redis().delete(in_flight_key(user_id, key))
        except RedisError:
            pass


def wait_for_twin(user_id: int, key: str) -> None:
    """Until the twin holding ``key`` ends (or its claim expires)."""
    deadline = time.monotonic() + IN_FLIGHT_SECONDS
    while time.monotonic() < deadline:
        try:
            if not _redis().exists(in_flight_key(user_id, key)):
                return
        except RedisError:
            return
        time.sleep(0.05)


def _redis():
    from ..core.extensions import get_redis

    return get_redis()


# One Lua script takes a slot: it runs atomically on the Redis server, so parallel
# requests (any number of web processes) can never read the same count, and the
# window's expiry is set in the same step as the first slot. The counter is a hash:
# ``n`` the slots taken, ``w`` an id of this window, so a slot given back after its
# window expired does not free one in the next window.
_TAKE = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'n', 0, 'w', ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
if tonumber(redis.call('HGET', KEYS[1], 'n')) >= tonumber(ARGV[1]) then
  return {0, ttl, ''}
end
redis.call('HINCRBY', KEYS[1], 'n', 1)
return {1, ttl, redis.call('HGET', KEYS[1], 'w')}
"""
_GIVE_BACK = """
if redis.call('HGET', KEYS[1], 'w') == ARGV[1] and tonumber(redis.call('HGET', KEYS[1], 'n')) > 0 then
  return redis.call('HINCRBY', KEYS[1], 'n', -1)
end
return -1
"""


@dataclass
class Slot:
    """One place in a limit's window, taken before the work it allows.

    ``give_back()`` returns it (a submit that created nothing); safe to call twice and
    a no-op when Redis was unavailable (the limit failed open).
    """

    key: str | None = None
    window: str | None = None

    def give_back(self) -> None:
        if not self.key:
            return
        key, self.key = self.key, None
        try:
            _redis().eval(_GIVE_BACK, 1, key, self.window)
        except Exception:  # the slot expires with its window anyway
            log.exception("rate limit: redis unavailable")


def _take(key: str, limit: int, window: int) -> tuple[Slot | None, int]:
    """(a slot, or None when the window is full; seconds left in the window)."""
    try:
        granted, ttl, window_id = _redis().eval(_TAKE, 1, key, limit, window, secrets.token_hex(8))
    except Exception:  # fail open, see the module docstring
        log.exception("rate limit: redis unavailable")
        return Slot(), 0
    if not granted:
        return None, max(1, int(ttl))
    return Slot(key, window_id.decode() if isinstance(window_id, bytes) else window_id), int(ttl)


def user_slot_key(user_id: int) -> str:
    """The Redis key of the account's hourly submit quota."""
    return f"liaison:rl:opinions:user:{user_id}"


def take_user_slot(user_id: int) -> Slot:
    """Take one of the account's RATE_LIMIT_OPINIONS_PER_HOUR submits, before the work.

    The hour starts with the account's first submit in it (Redis keeps the time, so no
    clock of a web process is read). A refused request takes nothing.

    :raise ApiError: 429 ``rate_limited`` when the hour's slots are all taken.
    """
    limit = int(current_app.config["RATE_LIMIT_OPINIONS_PER_HOUR"])
    slot, wait = _take(user_slot_key(user_id), limit, 3600)
    if slot is None:
        raise ApiError(429, "rate_limited",
                       f"每小时最多提交{limit}条意见，请{-(-wait // 60)}分钟后再试",
                       {"retry_after": wait})
    return slot


# An intake's guards in one round trip (``take_for_intake``): a twin in flight with the same
# Idempotency-Key first (it takes nothing), then the per-IP count (never given back), then
# a slot of the account's hour, then the key marked in flight. The counters are the same
# hashes as ``_TAKE``'s, so both paths share every limit.
# KEYS: in-flight key ('' without one), IP counter ('' without an IP), account counter.
# ARGV: IP limit, account limit, new IP window id, new account window id, in-flight seconds.
_TAKE_INTAKE = """
local function take(key, limit, window, id)
  if redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, 'n', 0, 'w', id)
    redis.call('EXPIRE', key, window)
  end
  local ttl = redis.call('TTL', key)
  if ttl < 0 then
    redis.call('EXPIRE', key, window)
    ttl = window
  end
  if tonumber(redis.call('HGET', key, 'n')) >= limit then
    return {0, ttl, ''}
  end
  redis.call('HINCRBY', key, 'n', 1)
  return {1, ttl, redis.call('HGET', key, 'w')}
end
if KEYS[1] ~= '' and redis.call('EXISTS', KEYS[1]) == 1 then
  return {'twin', 0, ''}
end
if KEYS[2] ~= '' then
  local ip = take(KEYS[2], tonumber(ARGV[1]), 60, ARGV[3])
  if ip[1] == 0 then return {'ip', ip[2], ''} end
end
local user = take(KEYS[3], tonumber(ARGV[2]), 3600, ARGV[4])
if user[1] == 0 then return {'user', user[2], ''} end
if KEYS[1] ~= '' then
  redis.call('SET', KEYS[1], '1', 'EX', ARGV[5])
end
return {'ok', user[2], user[3]}
"""
_scripts: dict = {}


def _script(source: str):
    """``source`` registered once per Redis client: called by its SHA (EVALSHA), loaded
    again by redis-py when the server lost it (a restart)."""
    client = _redis()
    script = _scripts.get((id(client), source))
    if script is None:
        script = _scripts[(id(client), source)] = client.register_script(source)
    return script


def take_for_intake(user_id: int, ip: str | None, key: str | None) -> Slot | None:
    """The guards of a submit taken as an intake, in one Redis round trip: as ``claim_key``,
    ``hit_ip`` and ``take_user_slot`` in that order (blocks are the database's, checked
    before). :return: the account's slot (the key then marked in flight, released with
    ``release_key``), or None when a twin with ``key`` is in flight.
    :raise ApiError: 429 ``rate_limited`` (the per-IP or the hourly limit)."""
    config = current_app.config
    ip_limit, user_limit = int(config["RATE_LIMIT_IP_PER_MINUTE"]), int(config["RATE_LIMIT_OPINIONS_PER_HOUR"])
    keys = [in_flight_key(user_id, key) if key else "", f"liaison:rl:ip:{ip}" if ip else "", user_slot_key(user_id)]
    try:
        outcome, ttl, window = _script(_TAKE_INTAKE)(
            keys=keys, args=[ip_limit, user_limit, secrets.token_hex(8), secrets.token_hex(8), IN_FLIGHT_SECONDS])
    except RedisError:  # fail open, see the module docstring
        log.exception("rate limit: redis unavailable")
        return Slot()
    outcome = outcome.decode() if isinstance(outcome, bytes) else outcome
    wait = max(1, int(ttl))
    if outcome == "twin":
        return None
    if outcome == "ip":
        raise ApiError(429, "rate_limited", "操作太频繁了，请一分钟后再试", {"retry_after": wait})
    if outcome == "user":
        raise ApiError(429, "rate_limited",
                       f"每小时最多提交{user_limit}条意见，请{-(-wait // 60)}分钟后再试", {"retry_after": wait})
    return Slot(keys[2], window.decode() if isinstance(window, bytes) else window)


def hit_ip(ip: str | None) -> None:
    """Count one write request from ``ip``: RATE_LIMIT_IP_PER_MINUTE per minute.

    Counted before the work and never given back (it limits requests, not opinions).

    :raise ApiError: 429 ``rate_limited``.
    """
    if not ip:
        return
    limit = int(current_app.config["RATE_LIMIT_IP_PER_MINUTE"])
    slot, wait = _take(f"liaison:rl:ip:{ip}", limit, 60)
    if slot is None:
        raise ApiError(429, "rate_limited", "操作太频繁了，请一分钟后再试", {"retry_after": wait})


def mass_cluster(hash_: str, user_id: int, deputy_id: int | None) -> tuple[bool, list[int]]:
    """Whether a new opinion with ``hash_`` makes a mass submission, and the earlier ids.

    Mass: within OPINION_MASS_WINDOW_HOURS, the same normalised text came from at least
    OPINION_MASS_THRESHOLD accounts, or went to that many deputies (counting this one).
    """
    threshold = int(current_app.config["OPINION_MASS_THRESHOLD"])
    hours = int(current_app.config["OPINION_MASS_WINDOW_HOURS"])
    rows = db.session.execute(select(Opinion.id, Opinion.submitter_id, Opinion.deputy_id).where(
        Opinion.content_hash == hash_, Opinion.created_at >= clock.now() - timedelta(hours=hours),
        Opinion.scrubbed_at.is_(None))).all()
    accounts = {r.submitter_id for r in rows if r.submitter_id} | {user_id}
    deputies = {r.deputy_id for r in rows if r.deputy_id} | ({deputy_id} if deputy_id else set())
    triggered = len(accounts) >= threshold or len(deputies) >= threshold
    return triggered, [r.id for r in rows]
