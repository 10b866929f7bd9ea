"""One person, one user: which user a WeChat login is, and merging two users that
turn out to be one person.

A person reaches us through two WeChat apps with two different openids: the
mini-program (``mp_openid``) and the official account's web pages (``oa_openid``).
WeChat ties them together only by the ``unionid``, and only when both apps are bound to
one open-platform account: code2Session then always gives it, web OAuth only with
``snsapi_userinfo`` (never with the silent ``snsapi_base``). So:

- a login is the user holding the openid of its channel; else the user holding the
  unionid; else a new user (``resolve_login``). The web login asks WeChat for the
  unionid (snsapi_userinfo) whenever its silent openid is new to us (users/web_login.py);
- when the channel's user and the unionid's user are two rows, WeChat has just proved
  they are one person, and they become one (``merge_users``);
- without a unionid, two users become one only by an explicit proof: a phone number
  WeChat verifies in the mini-program that equals the phone on file of the deputy the
  other account is bound to (a phone-proven deputy invitation, ``users.roles``);
- a merge that cannot be right (two different unionids, two mini-program openids, two
  deputies) is a 409 telling the person what to do, never a guess.

A merge moves every row that refers to the merged-away user, found from the database
metadata (every foreign key to ``users.id``) so that a new table cannot be forgotten,
keeps the roles, ends the merged-away user's logins and leaves an audit row.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, exists, select, update
from sqlalchemy.exc import IntegrityError

from ..audit.log import actor_label, record
from ..core import clock
from ..core.db import db
from ..core.errors import ApiError
from .models import User
from .operations import revoke_sessions

IDENTITIES = ("mp_openid", "oa_openid", "unionid")
TWO_ACCOUNTS = ("您的微信在联络站系统中对应两个不同的账号，无法自动合并。"
                "请联系联络站工作人员核实后处理，处理前请继续使用原来的登录方式。")
DEFAULT_NICKNAME = "微信用户"


def normalise_phone(phone: str) -> str:
    """Digits only, without China's +86: how phones are compared (proofs, blocks)."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


class MergeRefused(ApiError):
    """409 ``account_merge_conflict``: two users that cannot be one without a person checking."""

    def __init__(self, reason: str):
        super().__init__(409, "account_merge_conflict", TWO_ACCOUNTS)
        self.reason = reason


def resolve_login(*, mp_openid: str | None = None, oa_openid: str | None = None,
                  unionid: str | None = None, now: datetime | None = None) -> User:
    """The one user behind a login of one channel (mini-program or official account);
    created when new, merged when WeChat's unionid shows two users are one. Not committed.

    :raise MergeRefused: the unionid and the openid point at users that cannot be one.
    """
    if bool(mp_openid) == bool(oa_openid):
        raise ValueError("a login comes through exactly one channel")
    column, openid = ("mp_openid", mp_openid) if mp_openid else ("oa_openid", oa_openid)
    by_channel = db.session.execute(select(User).filter_by(**{column: openid})).scalar()
    by_union = (db.session.execute(select(User).filter_by(unionid=unionid)).scalar()
                if unionid else None)
    if by_channel is not None and by_union is not None and by_channel.id != by_union.id:
        # The unionid's holder stays: usually the mini-program user, whose token lives on.
        user = merge_users(by_union, by_channel, reason="unionid", now=now)
    else:
        user = by_channel or by_union
    if user is None:
        user = User()
        db.session.add(user)
    if getattr(user, column) not in (None, openid):
        raise MergeRefused(f"{column} differs")  # the unionid's holder has another openid here
    if unionid and user.unionid not in (None, unionid):
        raise MergeRefused("unionid differs")
    setattr(user, column, openid)
    if unionid:
        user.unionid = unionid
    user.last_seen_at = now or clock.now()
    return user


def check_mergeable(survivor: User, loser: User) -> None:
    """:raise MergeRefused: the two hold different WeChat identities or different deputies."""
    from ..places.models import Deputy

    if survivor.id == loser.id:
        raise ValueError("a user cannot be merged into itself")
    for name in IDENTITIES:
        mine, theirs = getattr(survivor, name), getattr(loser, name)
        if mine and theirs and mine != theirs:
            raise MergeRefused(f"two {name}s")
    deputies = db.session.execute(select(Deputy.user_id).where(
        Deputy.user_id.in_((survivor.id, loser.id)))).scalars().all()
    if len(set(deputies)) > 1:
        raise MergeRefused("two deputies")


def _references():
    """(table, column) of every foreign key to users.id, the users table's own included."""
    users = db.metadata.tables["users"]
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is users and fk.column.name == "id":
                yield table, fk.parent


def _unique_partners(table, column) -> list[list]:
    """For each unique constraint or index that includes ``column``: its other columns."""
    sets = [list(c.columns) for c in table.constraints
            if c.__class__.__name__ == "UniqueConstraint" and column.name in c.columns]
    sets += [list(i.columns) for i in table.indexes if i.unique and column.name in i.columns]
    if column.unique:
        sets.append([column])
    return [[c for c in cols if c.name != column.name] for cols in sets]


def _move_references(survivor_id: int, loser_id: int) -> dict:
    """Point every reference to the loser at the survivor; returns {table.column: rows}.

    Where a unique constraint would then hold the same thing twice (the same staff role,
    follow, consent, appointment), the loser's copy goes: the survivor already has it.
    """
    moved = {}
    for table, column in _references():
        for others in _unique_partners(table, column):
            if not others:
                continue  # a column unique alone: check_mergeable ruled out two holders
            twin = table.alias("twin")
            same = and_(twin.c[column.name] == survivor_id,
                        *[twin.c[c.name].is_not_distinct_from(table.c[c.name]) for c in others])
            db.session.execute(delete(table).where(column == loser_id, exists().where(same)))
        result = db.session.execute(update(table).where(column == loser_id).values({column.name: survivor_id}))
        if result.rowcount:
            moved[f"{table.name}.{column.name}"] = result.rowcount
    return moved


def merge_users(survivor: User, loser: User, *, reason: str, actor: User | None = None,
                now: datetime | None = None) -> User:
    """Make ``loser`` part of ``survivor``: the same person. Not committed.

    Everything that refers to ``loser`` (opinions, roles, deputy binding, follows,
    consents, audit rows...) now refers to ``survivor``, which takes the WeChat
    identities it lacked; ``loser`` stays as an empty row pointing at ``survivor``
    with every login ended. A block on either account holds for the merged one.

    :param reason: what proved it ("unionid", "phone"), kept in the audit row.
    :raise MergeRefused: see ``check_mergeable``, or a reference that cannot move.
    """
    check_mergeable(survivor, loser)
    now = now or clock.now()
    carried = {name: getattr(loser, name) for name in IDENTITIES}
    before = {"survivor": survivor.id, "merged": loser.id,
              **{f"merged_{k}": bool(v) for k, v in carried.items()}}
    db.session.flush()
    try:  # on failure the caller rolls the whole transaction back: nothing half-merged stays
        moved = _move_references(survivor.id, loser.id)
        db.session.expire_all()  # rows loaded before the bulk updates hold old user ids
        for name in IDENTITIES:
            setattr(loser, name, None)
        db.session.flush()  # free the unique identities before the survivor takes them
    except IntegrityError as exc:
        raise MergeRefused(f"reference cannot move: {exc.orig}") from exc
    for name, value in carried.items():
        if value and not getattr(survivor, name):
            setattr(survivor, name, value)
    _carry_profile(survivor, loser)
    loser.merged_into_id = survivor.id
    revoke_sessions(loser)
    record("user.merged", "user", survivor.id, actor=actor or survivor, at=now,
           subject=f"{actor_label(loser)} → {actor_label(survivor)}",
           before=before, after={"user": survivor.id, "reason": reason, "moved": moved})
    db.session.flush()
    return survivor


def _carry_profile(survivor: User, loser: User) -> None:
    if survivor.nickname in (None, "", DEFAULT_NICKNAME) and loser.nickname:
        survivor.nickname = loser.nickname
    for name in ("avatar_url", "phone"):
        if not getattr(survivor, name) and getattr(loser, name):
            setattr(survivor, name, getattr(loser, name))
    if loser.session_key_enc and survivor.mp_openid and not survivor.session_key_enc:
        survivor.session_key_enc = loser.session_key_enc
    for name in ("mp_active_at", "last_seen_at"):
        times = [t for t in (getattr(survivor, name), getattr(loser, name)) if t is not None]
        setattr(survivor, name, max(times) if times else None)
    if loser.blocked and not survivor.blocked:
        survivor.blocked, survivor.blocked_reason = True, loser.blocked_reason
    loser.blocked, loser.blocked_reason = False, ""  # the block now lives on the survivor


def merge_phone_proven(deputy, user: User, *, now: datetime | None = None) -> None:
    """WeChat has just verified in the mini-program that ``user`` has ``deputy``'s phone on
    file: when the deputy is bound to an account that logs in only on the web pages (no
    mini-program openid), that account is this person's too and becomes one with ``user``.
    An account with a mini-program openid of its own is another WeChat account: left
    alone (binding the deputy then refuses, as before). Not committed."""
    if deputy.user_id in (None, user.id):
        return
    other = db.session.get(User, deputy.user_id)
    if other is not None and other.mp_openid is None:
        merge_users(user, other, reason="phone", actor=user, now=now)
