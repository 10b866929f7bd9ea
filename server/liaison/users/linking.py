"""Link codes: a person proves that a web account (admin or H5 pages, official-account
login) and a mini-program account are theirs by holding both logins at once.

Without the open platform WeChat gives no unionid, and the two logins of one person
stay two users (``users.identity``). An invitation cannot prove they are one person
(invitation links get forwarded); a code that lives only a few minutes, is shown on
the web page to the logged-in person and is typed into the mini-program by the
logged-in person can. So:

- the web page asks for a code (``issue_code``): 6 digits, valid ``CODE_SECONDS``,
  one live code per user (asking again replaces it);
- the mini-program sends it (``link_accounts``): the code's user becomes part of the
  user who typed it (``identity.merge_users``, reason ``link_code``). Used once: the
  code is gone the moment it is read, whatever the merge then says.

Guessing is what this must withstand: merging a staff member's web account into a
stranger's mini-program account would hand the stranger the staff roles. A wrong try
cannot tell which code it meant, so it counts against the person typing it (after
``MAX_WRONG`` wrong tries in ``CODE_SECONDS`` they must wait, even with the right code)
and against every code live at that moment: ``MAX_WRONG`` wrong tries burn a code.
However many mini-program accounts a guesser holds, each code faces at most
``MAX_WRONG`` wrong guesses out of a million. The price: another person's typos may
burn your code, and you ask for a new one.

The codes live in Redis (every web process shares them; they need no table). Each
step runs as one Lua script, so two processes cannot use one code twice. The scripts
touch keys they compute (the live codes), which a single Redis or Sentinel allows;
Redis Cluster would not. Without Redis there is no linking: a 503, never a guess.
Expiry is decided against the caller's ``now`` (the key's TTL only cleans up).
"""
from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy.exc import IntegrityError

from ..core import clock
from ..core.db import db
from ..core.errors import ApiError
from .identity import MergeRefused, merge_users
from .models import User

log = logging.getLogger(__name__)

CODE_SECONDS = 600
MAX_WRONG = 5
PREFIX = "liaison:link:"
WRONG = "关联码不正确或已失效，请在网页上重新获取关联码后再试"
LOCKED = "关联码输错次数过多，请{minutes}分钟后在网页上重新获取关联码再试"
UNAVAILABLE = "暂时无法关联账号，请稍后再试"

# KEYS: the code's key, the live set, the user's current code. ARGV: code, user id,
# expiry (epoch seconds), TTL seconds, prefix. 0 when the code is taken by someone else.
_ISSUE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local old = redis.call('GET', KEYS[3])
if old and old ~= ARGV[1] then
  if redis.call('HGET', ARGV[5] .. 'code:' .. old, 'user') == ARGV[2] then
    redis.call('DEL', ARGV[5] .. 'code:' .. old)
  end
  redis.call('ZREM', KEYS[2], old)
end
redis.call('HSET', KEYS[1], 'user', ARGV[2], 'exp', ARGV[3], 'wrong', 0)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('SET', KEYS[3], ARGV[1], 'EX', ARGV[4])
return 1
"""
# KEYS: the code's key, the live set, the typing user's wrong tries. ARGV: code, now
# (epoch seconds), MAX_WRONG, window seconds, prefix.
# Answers {'user', id} (the code, now spent), {'wrong', tries left} or {'locked', seconds}.
_REDEEM = """
local tries = tonumber(redis.call('GET', KEYS[3]) or '0')
if tries >= tonumber(ARGV[3]) then return {'locked', redis.call('TTL', KEYS[3])} end
local owner = redis.call('HGET', KEYS[1], 'user')
local exp = tonumber(redis.call('HGET', KEYS[1], 'exp') or '0')
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2])
if owner and exp >= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  return {'user', owner}
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
tries = redis.call('INCR', KEYS[3])
if tries == 1 then redis.call('EXPIRE', KEYS[3], ARGV[4]) end
for _, live in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local key = ARGV[5] .. 'code:' .. live
  if redis.call('EXISTS', key) == 0 then
    redis.call('ZREM', KEYS[2], live)
  elseif redis.call('HINCRBY', key, 'wrong', 1) >= tonumber(ARGV[3]) then
    redis.call('DEL', key)
    redis.call('ZREM', KEYS[2], live)
  end
end
return {'wrong', tonumber(ARGV[3]) - tries}
"""


def _redis():
    from ..core.extensions import get_redis

    return get_redis()


def _run(script: str, keys: list[str], args: list):
    try:
        return _redis().eval(script, len(keys), *keys, *args)
    except Exception as exc:  # no Redis, no proof: refuse rather than guess
        log.exception("link codes: redis unavailable")
        raise ApiError(503, "link_unavailable", UNAVAILABLE) from exc


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def issue_code(user: User, *, now: datetime | None = None) -> dict:
    """A fresh link code for ``user`` (any earlier one of theirs stops working).

    :returns: {"code": "6 digits", "expires_at": aware datetime}.
    :raise ApiError: 503 ``link_unavailable`` without Redis.
    """
    now = now or clock.now()
    exp = int((now + timedelta(seconds=CODE_SECONDS)).timestamp())
    for _ in range(20):  # a million codes, a handful live: a clash is rare
        code = f"{secrets.randbelow(10 ** 6):06d}"
        keys = [f"{PREFIX}code:{code}", f"{PREFIX}live", f"{PREFIX}user:{user.id}"]
        if _run(_ISSUE, keys, [code, user.id, exp, CODE_SECONDS, PREFIX]):
            return {"code": code, "expires_at": datetime.fromtimestamp(exp, tz=timezone.utc)}
    raise ApiError(503, "link_unavailable", UNAVAILABLE)


def live_code(user: User, *, now: datetime | None = None) -> dict | None:
    """``user``'s code while it can still be used ({"code", "expires_at"}), for the page
    that shows it again after the form that asked for it; None without Redis."""
    now = now or clock.now()
    try:
        client = _redis()
        code = client.get(f"{PREFIX}user:{user.id}")
        if code is None:
            return None
        code = _text(code)
        owner, exp = client.hmget(f"{PREFIX}code:{code}", "user", "exp")
    except Exception:
        log.exception("link codes: redis unavailable")
        return None
    if owner is None or exp is None or _text(owner) != str(user.id) or int(exp) < now.timestamp():
        return None
    return {"code": code, "expires_at": datetime.fromtimestamp(int(exp), tz=timezone.utc)}


def redeem(code: str, user: User, *, now: datetime | None = None) -> int:
    """Spend ``code`` typed by ``user``: the id of the user who asked for it.

    :raise ApiError: 400 ``link_code_invalid`` (wrong, expired, used or burnt),
        429 ``link_code_locked`` after MAX_WRONG wrong tries, 503 without Redis.
    """
    now = now or clock.now()
    code = (code or "").strip()
    keys = [f"{PREFIX}code:{code}", f"{PREFIX}live", f"{PREFIX}tries:{user.id}"]
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        keys[0] = f"{PREFIX}code:-"  # never a key: counts as a wrong try, as any other
    kind, value = _run(_REDEEM, keys, [code, int(now.timestamp()), MAX_WRONG, CODE_SECONDS, PREFIX])
    kind = _text(kind)
    if kind == "user":
        return int(_text(value))
    if kind == "locked":
        minutes = max(1, -(-int(value) // 60)) if int(value) > 0 else 1
        raise ApiError(429, "link_code_locked", LOCKED.format(minutes=minutes))
    raise ApiError(400, "link_code_invalid", WRONG, {"tries_left": max(0, int(value))})


def _current(user_id: int) -> User | None:
    """The live user behind ``user_id``, following merges already made."""
    user = db.session.get(User, user_id)
    for _ in range(10):
        if user is None or user.merged_into_id is None:
            return user
        user = db.session.get(User, user.merged_into_id)
    return None


def link_accounts(user: User, code: str, *, now: datetime | None = None) -> tuple[User, bool]:
    """The person logged in as ``user`` (in the mini-program) typed the code their web
    account showed: the web account becomes part of ``user``. Commits once.

    :returns: (the one user, whether a merge happened: False when already one).
    :raise ApiError: see ``redeem``; 409 ``account_merge_conflict`` (``MergeRefused``)
        when the two cannot be one without a person checking (nothing is changed).
    """
    now = now or clock.now()
    owner = _current(redeem(code, user, now=now))
    if owner is None:
        raise ApiError(400, "link_code_invalid", WRONG, {"tries_left": 0})
    if owner.id == user.id:
        return user, False
    try:
        merge_users(user, owner, reason="link_code", actor=user, now=now)
        db.session.flush()
    except MergeRefused:
        db.session.rollback()
        raise
    except IntegrityError as exc:  # a concurrent change to either user: nothing half-merged stays
        db.session.rollback()
        raise MergeRefused(f"commit refused: {exc.orig}") from exc
    log.info("user %s linked into %s by a link code", owner.id, user.id)
    return user, True
