"""Roles: the one module that grants and removes them, and runs invitations.

A role is a staff role (``StaffRole``: liaison or station master of a station, NPC
office of a region, handling-unit staff) or a deputy's WeChat binding
(``Deputy.user_id``). Nothing else writes either; every change, and every
invitation created, accepted, refused or revoked, leaves an audit row in the same
transaction (``audit.log``). The admin pages, the API and ``flask roles`` call these.

Roles are given by invitation: single use, expiring, created by someone who already
covers the target (``targets.invite_scope``: a station master for their stations, the
NPC office for everything in its region's subtree), or by the command line
(``flask roles invite``), which is how the first accounts of a fresh database are made.

Binding a WeChat account to a deputy. A deputy answers to the place of their home
membership (驻站: the station where they have a current ``home`` membership):

- the NPC office of the deputy's home region (the home station's region or a region
  above it) may invite the deputy, and so may the command line; the invitation binds
  the account that accepts it, as for staff roles: the office vouches for whom it
  hands the invitation to;
- the master of the deputy's home station may invite the deputy too, but that
  invitation binds only the WeChat account whose phone number, as WeChat verifies it
  (the getPhoneNumber code exchanged at /wxa/business/getuserphonenumber), equals the
  deputy's phone on file. A different number is refused (403, recorded in the audit
  log) and the invitation stays usable for the right account;
- nobody else issues one: not the master of a station the deputy only visits
  (交叉进站), not the office of another district. They are refused with a message
  naming who can.

getPhoneNumber exists only in the mini-program, so a phone-proven invitation is
accepted with ``POST /api/v1/invitations/<code>/accept`` and a ``phone_code``; the
admin web page (official-account OAuth) tells the deputy to open it in the
mini-program or to ask the NPC office for an invitation. Whether an invitation needs
the proof is decided, and stored, when it is issued; when an inviter loses a role,
their open invitations that no longer hold are revoked with it.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..audit.log import actor_label, record
from ..core import clock
from ..places.scopes import scope_of
from ..core.db import db
from ..core.transaction import checkpoint
from ..core.errors import ApiError
from ..places.models import Deputy
from .errors import RoleError
from .identity import merge_phone_proven, normalise_phone
from .models import ROLES, Invitation, StaffRole, User
from .operations import revoke_sessions
from .targets import audit_place, check_target, describe, invite_scope, target_names

INVITE_TTL = timedelta(hours=72)
USED = "这个邀请已经被使用过了。每个邀请只能使用一次，请向邀请人重新索取。"
OPEN_IN_MINIPROGRAM = ("这个邀请需要核验代表本人的手机号：请在微信中打开“联络站”小程序接受邀请，"
                       "用微信绑定的手机号验证身份；也可以请驻站所在地的人大工委发出邀请。")
PHONE_MISMATCH = ("您微信绑定的手机号与代表档案中的手机号不一致，不能绑定为这位代表。"
                  "请用代表本人的微信接受邀请，或请驻站所在地的人大工委核实。")


# -- grants ---------------------------------------------------------------------
def _role_snapshot(role: StaffRole, via: Invitation | None = None) -> dict:
    data = {"user": role.user_id, "role": role.role,
            **target_names(role.station_id, role.region_id, role.unit_id)}
    if via is not None:
        data["invitation"] = via.id
    return data


def grant_role(user: User, role: str, *, actor, station_id=None, region_id=None, unit_id=None,
               via: Invitation | None = None, now: datetime | None = None) -> StaffRole:
    """Give ``user`` a staff role (nothing when they hold it); audited, not committed."""
    if role not in ROLES:
        raise ValueError(f"not a staff role: {role}")
    where = {"station_id": station_id, "region_id": region_id, "unit_id": unit_id}
    held = db.session.execute(select(StaffRole).filter_by(user_id=user.id, role=role, **where)).scalars().first()
    if held is not None:
        return held
    granted = StaffRole(user_id=user.id, role=role, created_at=now or clock.now(), **where)
    db.session.add(granted)
    db.session.flush()
    db.session.expire(user, ["roles"])
    record("role.granted", "staff_role", granted.id, actor=actor, after=_role_snapshot(granted, via),
           subject=f"{actor_label(user)} {describe(granted)}", at=now,
           **audit_place(station_id, region_id, unit_id))
    return granted


def revoke_role(role_id: int, *, actor, now: datetime | None = None) -> dict:
    """Take a staff role away, and the holder's open invitations that no longer hold; commits.

    :raise RoleError: 404 when there is no such role.
    """
    role = db.session.get(StaffRole, role_id)
    if role is None:
        raise RoleError("没有找到这个身份", 404, "role_not_found")
    now = now or clock.now()
    before, user = _role_snapshot(role), role.user
    place = audit_place(role.station_id, role.region_id, role.unit_id)
    subject = f"{actor_label(user)} {describe(role)}"
    db.session.delete(role)
    db.session.flush()
    db.session.expire(user, ["roles"])
    revoke_sessions(user)  # the holder's cookies and tokens die with the role
    record("role.revoked", "staff_role", role_id, actor=actor, before=before, subject=subject,
           at=now, **place)
    _revoke_invitations_no_longer_held(user, actor, now)
    db.session.flush()
    return before


def bind_deputy(deputy: Deputy, user: User, *, actor, via: Invitation | None = None,
                now: datetime | None = None, proof: str = "") -> None:
    """Bind ``user``'s WeChat to ``deputy``; audited, not committed.

    :raise RoleError: 409 when either is bound to someone else already.
    """
    if deputy.user_id == user.id:
        return
    if deputy.user_id is not None:
        raise RoleError("这位代表已经绑定了其他微信账号，请联系人大工委解除绑定后再邀请。", 409, "deputy_bound")
    if db.session.execute(select(Deputy.id).where(Deputy.user_id == user.id)).first():
        raise RoleError("您的微信已经绑定了另一位代表，不能再绑定这位代表。", 409, "user_is_deputy")
    deputy.user_id = user.id
    after = {"user": user.id, "proof": proof, **({"invitation": via.id} if via else {})}
    record("deputy.bound", "deputy", deputy.id, actor=actor, before={"user": None}, after=after,
           subject=f"代表 {deputy.name}", at=now, **audit_place(deputy_id=deputy.id))


def unbind_deputy(deputy_id: int, *, actor, now: datetime | None = None) -> None:
    """Release a deputy's WeChat binding (the account changed hands); commits."""
    deputy = db.session.get(Deputy, deputy_id)
    if deputy is None or deputy.user_id is None:
        raise RoleError("这位代表没有绑定微信", 404, "deputy_not_bound")
    before = {"user": deputy.user_id}
    deputy.user_id = None
    record("deputy.unbound", "deputy", deputy.id, actor=actor, before=before, after={"user": None},
           subject=f"代表 {deputy.name}", at=now, **audit_place(deputy_id=deputy.id))
    db.session.flush()


def move_unit_roles(source_id: int, target_id: int, *, actor, now: datetime | None = None) -> int:
    """A unit merged into another (``places.unit_ops.merge_units``): its staff roles and
    open invitations now point at ``target``; audited, not committed. A holder who has
    the target's role already loses only the duplicate. Logins stay: the reach is the same.

    :return: how many roles moved or were folded into one the holder had.
    """
    roles = db.session.execute(select(StaffRole).where(StaffRole.role == "unit",
                                                       StaffRole.unit_id == source_id)).scalars().all()
    names = target_names(unit_id=source_id)["unit"], target_names(unit_id=target_id)["unit"]
    for role in roles:
        held = db.session.execute(select(StaffRole.id).filter_by(
            user_id=role.user_id, role="unit", unit_id=target_id)).first()
        subject = f"{actor_label(role.user)} {names[0]} → {names[1]}"
        record("role.moved", "staff_role", role.id, actor=actor, at=now, subject=subject,
               before={"user": role.user_id, "role": "unit", "unit": names[0]},
               after={"user": role.user_id, "role": "unit", "unit": names[1]}, **audit_place(unit_id=target_id))
        if held:
            db.session.delete(role)
        else:
            role.unit_id = target_id
        db.session.expire(role.user, ["roles"])
    db.session.execute(update(Invitation).where(Invitation.unit_id == source_id, Invitation.used_at.is_(None),
                                                Invitation.revoked_at.is_(None))
                       .values(unit_id=target_id).execution_options(synchronize_session=False))
    db.session.flush()
    return len(roles)


# -- invitations ----------------------------------------------------------------
def _invitation_snapshot(invitation: Invitation) -> dict:
    return {"role": invitation.role, "expires_at": invitation.expires_at.isoformat(),
            "needs_phone": invitation.needs_phone,
            **target_names(invitation.station_id, invitation.region_id, invitation.unit_id,
                           invitation.deputy_id)}


def _place(invitation: Invitation) -> dict:
    """Where the invitation's audit rows are filed, and what they call it."""
    return {"subject": describe(invitation),
            **audit_place(invitation.station_id, invitation.region_id, invitation.unit_id,
                          invitation.deputy_id)}


def create_invitation(inviter: User | None, scope, role: str, *, station_id=None, region_id=None,
                      unit_id=None, deputy_id=None, ttl: timedelta = INVITE_TTL,
                      now: datetime | None = None) -> Invitation:
    """Create an invitation within the inviter's scope (None, None: the command line); commits.

    :raise RoleError: the role or target is outside what the inviter runs.
    """
    now = now or clock.now()
    fields, needs_phone = check_target(scope if inviter is not None else None, role, station_id,
                                        region_id, unit_id, deputy_id)
    invitation = Invitation(code=secrets.token_urlsafe(12), role=role, expires_at=now + ttl,
                            created_by_id=inviter.id if inviter is not None else None,
                            needs_phone=needs_phone, **fields)
    db.session.add(invitation)
    db.session.flush()
    record("invitation.created", "invitation", invitation.id, actor=inviter, at=now,
           after=_invitation_snapshot(invitation), **_place(invitation))
    db.session.flush()
    return invitation


def find(code: str) -> Invitation | None:
    if not code or len(code) > 64:
        return None
    return db.session.execute(select(Invitation).where(Invitation.code == code)).scalar_one_or_none()


def problem(invitation: Invitation | None, now: datetime | None = None) -> RoleError | None:
    """Why this invitation cannot be accepted (404 unknown, 410 used or ended); None when it can."""
    now = now or clock.now()
    if invitation is None:
        return RoleError("邀请码不存在，请向邀请人核对。", 404, "invitation_not_found")
    if invitation.used_at is not None:
        return RoleError(USED, 410, "invitation_used")
    if invitation.revoked_at is not None:
        return RoleError("这个邀请已被作废，请向邀请人重新索取。", 410, "invitation_revoked")
    if invitation.expires_at <= now:
        return RoleError("这个邀请已过期，请向邀请人重新索取。", 410, "invitation_expired")
    return None


def verified_phone(phone_code: str) -> str:
    """The phone number WeChat vouches for (getPhoneNumber's code), normalised.

    :raise ApiError: 422 a used or invalid code, 503 WeChat unreachable.
    """
    from ..wechat.app import get_wechat
    from ..wechat import errors as wx

    try:
        info = get_wechat().phone_number(phone_code)
    except (wx.CodeInvalid, wx.CodeUsed, wx.InvalidArgument):
        raise ApiError(422, "phone_code_invalid", "手机号授权已失效，请重新获取")
    except wx.WeChatError:
        raise ApiError(503, "wechat_unavailable", "暂时无法获取微信绑定的手机号，请稍后再试")
    return normalise_phone(info.get("purePhoneNumber") or info.get("phoneNumber") or "")


def _masked(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "***"


def accept_invitation(code: str, user: User, *, phone_code: str | None = None, commit: bool = True,
                      now: datetime | None = None) -> Invitation:
    """Use the invitation for ``user``: grant its role or bind its deputy.

    Single use even under concurrency: the row is claimed with one conditional UPDATE.
    The phone (when the invitation needs it) is asked of WeChat before anything is
    written. ``commit=False`` leaves the commit to the caller (the OAuth login, which
    has no phone code); a refused phone is recorded and committed, so only with commit.
    :raise RoleError: 404 unknown, 410 used or ended, 403 phone missing or different,
        409 the deputy or the user is bound already.
    """
    now = now or clock.now()
    invitation = find(code)
    refused = problem(invitation, now)
    if refused:
        raise refused
    proof = "inviter"
    deputy = db.session.get(Deputy, invitation.deputy_id) if invitation.role == "deputy" else None
    if deputy is not None and invitation.needs_phone:
        if not phone_code:
            raise RoleError(OPEN_IN_MINIPROGRAM, 403, "phone_required")
        phone = verified_phone(phone_code)
        if not phone or phone != normalise_phone(deputy.phone):
            if commit:
                record("invitation.refused", "invitation", invitation.id, actor=user, at=now,
                       after={"user": user.id, "reason": "phone_mismatch", "phone": _masked(phone)},
                       **_place(invitation))
                checkpoint()  # the audit keeps the refusal, which answers 403
            raise RoleError(PHONE_MISMATCH, 403, "phone_mismatch")
        proof = "phone"
    claimed = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.used_at.is_(None),
                                 Invitation.revoked_at.is_(None), Invitation.expires_at > now)
        .values(used_at=now, used_by_id=user.id).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise RoleError(USED, 410, "invitation_used")
    try:
        if deputy is not None:
            if proof == "phone":  # the phone proves the deputy's web-only account is theirs too
                merge_phone_proven(deputy, user, now=now)
            bind_deputy(deputy, user, actor=user, via=invitation, now=now, proof=proof)
        else:
            grant_role(user, invitation.role, actor=user, via=invitation, now=now,
                       station_id=invitation.station_id, region_id=invitation.region_id,
                       unit_id=invitation.unit_id)
    except (RoleError, ApiError):
        if commit:
            db.session.rollback()
        raise
    record("invitation.accepted", "invitation", invitation.id, actor=user, at=now,
           before={"used": False}, after={"used": True, "user": user.id, "proof": proof},
           **_place(invitation))
    if commit:
        db.session.flush()
    return invitation


def revoke_invitation(invitation_id: int, inviter: User | None, scope, now: datetime | None = None) -> None:
    """End an unused invitation now (its creator, the office above it, or the command line); commits."""
    now = now or clock.now()
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.used_at is not None:
        raise RoleError("这个邀请不存在或已被使用", 404, "invitation_not_found")
    if inviter is not None and invitation.created_by_id != inviter.id:
        allowed = invite_scope(scope)
        if not (invitation.station_id in {s.id for s in allowed.stations}
                or invitation.region_id in {r.id for r in allowed.regions}
                or invitation.unit_id in {u.id for u in allowed.units}):
            raise RoleError("您不能作废这个邀请", 403, "forbidden")
    _revoke(invitation, inviter, now)
    db.session.flush()


def _revoke(invitation: Invitation, actor, now: datetime) -> None:
    if invitation.revoked_at is not None:
        return
    invitation.revoked_at = now
    record("invitation.revoked", "invitation", invitation.id, actor=actor, at=now,
           before={"revoked": False}, after={"revoked": True}, **_place(invitation))


def _revoke_invitations_no_longer_held(user: User, actor, now: datetime) -> None:
    """After ``user`` lost a role: revoke their open invitations they could no longer issue
    (or that would now need the phone proof they were issued without)."""
    open_ones = db.session.execute(select(Invitation).where(
        Invitation.created_by_id == user.id, Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None), Invitation.expires_at > now)).scalars().all()
    scope = scope_of(user)
    for invitation in open_ones:
        try:
            _, needs_phone = check_target(scope, invitation.role, invitation.station_id,
                                           invitation.region_id, invitation.unit_id, invitation.deputy_id)
            still_holds = invitation.needs_phone or not needs_phone
        except RoleError:
            still_holds = False
        if not still_holds:
            _revoke(invitation, actor, now)
