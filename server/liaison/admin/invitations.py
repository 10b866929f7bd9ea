"""Staff invitations: single use, expiring, scoped to what the inviter runs.

Station masters invite liaison staff, other masters and the station's deputies for
their own station; the NPC office invites for any station, region, handling unit or
deputy inside its region. Accepting binds the invitee's WeChat user to the role.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from ..core.db import db, utcnow
from ..places.models import Deputy, HandlingUnit, Membership, Region, Station
from ..users.models import Invitation, StaffRole, User

INVITE_TTL = timedelta(hours=72)
ROLE_LABELS = {"liaison": "联络员", "station_master": "站长", "office": "人大工委工作人员",
               "unit": "承办单位工作人员", "deputy": "人大代表（绑定微信）"}
STATION_ROLES = ("liaison", "station_master", "deputy")


class InvitationError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class InviteScope:
    """What an inviter may invite for: stations, regions and units (ids)."""

    stations: list[Station]
    regions: list[Region]
    units: list[HandlingUnit]

    @property
    def roles(self) -> list[str]:
        roles = []
        if self.stations:
            roles += ["liaison", "station_master", "deputy"]
        if self.regions:
            roles.append("office")
        if self.units:
            roles.append("unit")
        return roles


def _subtree_regions(region_ids) -> list[Region]:
    roots = db.session.execute(select(Region).where(Region.id.in_(region_ids))).scalars().all()
    if not roots:
        return []
    from sqlalchemy import or_

    cond = or_(*[Region.path.startswith(r.path, autoescape=True) for r in roots])
    return list(db.session.execute(select(Region).where(cond).order_by(Region.path)).scalars())


def invite_scope(scope) -> InviteScope:
    """Where a staff member (``core.auth.Scope``) may invite people to."""
    regions = _subtree_regions(scope.region_ids) if scope.region_ids else []
    region_ids = {r.id for r in regions}
    station_ids = set(scope.master_station_ids)
    if region_ids:
        station_ids |= set(db.session.execute(
            select(Station.id).where(Station.region_id.in_(region_ids))).scalars())
    stations = list(db.session.execute(
        select(Station).where(Station.id.in_(station_ids), Station.active.is_(True))
        .order_by(Station.name)).scalars()) if station_ids else []
    units = list(db.session.execute(
        select(HandlingUnit).where(HandlingUnit.region_id.in_(region_ids), HandlingUnit.active.is_(True))
        .order_by(HandlingUnit.name)).scalars()) if region_ids else []
    return InviteScope(stations, regions, units)


def create_invitation(inviter: User, scope, role: str, *, station_id=None, region_id=None,
                      unit_id=None, deputy_id=None) -> Invitation:
    """Create an invitation within the inviter's scope; commits.

    :raise InvitationError: the role or target is outside what the inviter runs.
    """
    allowed = invite_scope(scope)
    if role not in allowed.roles:
        raise InvitationError("您不能邀请这种角色")
    fields = {"station_id": None, "region_id": None, "unit_id": None, "deputy_id": None}
    if role in STATION_ROLES:
        if station_id not in {s.id for s in allowed.stations}:
            raise InvitationError("请选择您负责的联络站")
        fields["station_id"] = station_id
        if role == "deputy":
            member = db.session.execute(select(Membership.id).where(
                Membership.station_id == station_id, Membership.deputy_id == deputy_id)).first()
            if deputy_id is None or member is None:
                raise InvitationError("请选择该联络站的代表")
            fields["deputy_id"] = deputy_id
    elif role == "office":
        if region_id not in {r.id for r in allowed.regions}:
            raise InvitationError("请选择您负责的区域")
        fields["region_id"] = region_id
    elif role == "unit":
        if unit_id not in {u.id for u in allowed.units}:
            raise InvitationError("请选择本区域的承办单位")
        fields["unit_id"] = unit_id
    invitation = Invitation(code=secrets.token_urlsafe(12), role=role, created_by_id=inviter.id,
                            expires_at=utcnow() + INVITE_TTL, **fields)
    db.session.add(invitation)
    db.session.commit()
    return invitation


def problem(invitation: Invitation | None) -> str | None:
    """Why this invitation cannot be accepted, in Chinese; None when it can."""
    if invitation is None:
        return "邀请码不存在，请向邀请人核对。"
    if invitation.used_at is not None:
        return "这个邀请已经被使用过了。每个邀请只能使用一次，请向邀请人重新索取。"
    if invitation.expires_at <= utcnow():
        return "这个邀请已过期，请向邀请人重新索取。"
    return None


def find(code: str) -> Invitation | None:
    if not code or len(code) > 64:
        return None
    return db.session.execute(select(Invitation).where(Invitation.code == code)).scalar_one_or_none()


def describe(invitation: Invitation) -> str:
    """'望月湖街道人大代表联络站 联络员' and the like."""
    target = ""
    if invitation.station_id:
        target = db.session.get(Station, invitation.station_id).name
    elif invitation.region_id:
        target = db.session.get(Region, invitation.region_id).full_name()
    elif invitation.unit_id:
        target = db.session.get(HandlingUnit, invitation.unit_id).name
    if invitation.deputy_id:
        target += " " + db.session.get(Deputy, invitation.deputy_id).name
    return f"{target} {ROLE_LABELS.get(invitation.role, invitation.role)}".strip()


def accept_invitation(code: str, user: User) -> None:
    """Use the invitation for ``user`` (no commit: the caller's login commits).

    Single use even under concurrency: the row is claimed with one conditional UPDATE.
    :raise InvitationError: unknown, used, expired, or the deputy is bound already.
    """
    invitation = find(code)
    reason = problem(invitation)
    if reason:
        raise InvitationError(reason)
    now = utcnow()
    claimed = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.used_at.is_(None),
                                 Invitation.expires_at > now)
        .values(used_at=now, used_by_id=user.id).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise InvitationError("这个邀请已经被使用过了。每个邀请只能使用一次，请向邀请人重新索取。")
    if invitation.role == "deputy":
        deputy = db.session.get(Deputy, invitation.deputy_id)
        if deputy.user_id not in (None, user.id):
            raise InvitationError("这位代表已经绑定了其他微信账号，请联系联络站处理。")
        deputy.user_id = user.id
        return
    scope = {"station_id": invitation.station_id, "region_id": invitation.region_id,
             "unit_id": invitation.unit_id}
    exists = db.session.execute(select(StaffRole.id).filter_by(
        user_id=user.id, role=invitation.role, **scope)).first()
    if exists is None:
        db.session.add(StaffRole(user_id=user.id, role=invitation.role, **scope))


def revoke_invitation(invitation_id: int, inviter: User, scope) -> None:
    """End an unused invitation now (only its creator or the office above it); commits."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.used_at is not None:
        raise InvitationError("这个邀请不存在或已被使用")
    allowed = invite_scope(scope)
    mine = invitation.created_by_id == inviter.id
    covered = (invitation.station_id in {s.id for s in allowed.stations}
               or invitation.region_id in {r.id for r in allowed.regions}
               or invitation.unit_id in {u.id for u in allowed.units})
    if not (mine or covered):
        raise InvitationError("您不能作废这个邀请")
    invitation.expires_at = utcnow()
    db.session.commit()


def recent_for(scope, limit: int = 30) -> list[Invitation]:
    """Invitations for the places this staff member may invite to, newest first."""
    allowed = invite_scope(scope)
    from sqlalchemy import or_

    conds = []
    if allowed.stations:
        conds.append(Invitation.station_id.in_([s.id for s in allowed.stations]))
    if allowed.regions:
        conds.append(Invitation.region_id.in_([r.id for r in allowed.regions]))
    if allowed.units:
        conds.append(Invitation.unit_id.in_([u.id for u in allowed.units]))
    if not conds:
        return []
    return list(db.session.execute(select(Invitation).where(or_(*conds))
                                   .order_by(Invitation.id.desc()).limit(limit)).scalars())
