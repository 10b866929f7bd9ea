"""Invitations on the admin pages: single use, expiring, scoped to what the inviter runs.

The rules live in ``users.roles`` (shared with the API and ``flask roles``); in short:

- station masters invite liaison staff, other masters and deputies for their own
  stations; the NPC office invites for any station, region, handling unit or deputy
  inside its region; ``flask roles invite`` makes the first accounts;
- a deputy invitation is issued only by those the deputy answers to: the NPC office of
  the deputy's home region (驻站所在区域, or a region above it), whose invitation binds
  the account that accepts it; or the master of the deputy's home station, whose
  invitation binds only the WeChat account whose verified phone number is the
  deputy's phone on file. The master of a station the deputy only visits (交叉进站)
  cannot issue one;
- the phone is verified with WeChat's getPhoneNumber, which exists only in the
  mini-program. These pages are official-account web pages (OAuth), so a deputy
  invitation that needs the proof is not accepted here: the page tells the deputy to
  open it in the mini-program (``POST /api/v1/invitations/<code>/accept`` with a
  ``phone_code``) or to ask the NPC office for an invitation.
"""
from __future__ import annotations

from sqlalchemy import or_, select

from ..core.db import db
from .models import Invitation
from .targets import invite_scope


def needs_miniprogram(invitation: Invitation) -> bool:
    """Whether accepting needs the deputy's phone proof, which only the mini-program gives."""
    return invitation.role == "deputy" and invitation.needs_phone


def recent_for(scope, limit: int = 30) -> list[Invitation]:
    """Invitations for the places this staff member may invite to, newest first."""
    allowed = invite_scope(scope)
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
