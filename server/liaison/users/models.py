"""Users and staff roles.

A person may reach us from the mini-program (``mp_openid``) and from the official
account's web pages (``oa_openid``); the ``unionid`` ties both to one user, and
``users/identity.py`` keeps one person one user when WeChat gives no unionid.
The WeChat ``session_key`` is kept only encrypted (Fernet, key from SECRET_KEY).
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock
from ..core.db import UTCDateTime, db

ROLES = ("liaison", "station_master", "office", "unit")
ROLE_LABELS = {"liaison": "联络员", "station_master": "站长", "office": "人大工委",
               "unit": "承办单位"}


class User(db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    mp_openid: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    oa_openid: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    unionid: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    nickname: Mapped[str] = mapped_column(String(64), default="微信用户")
    avatar_url: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    session_key_enc: Mapped[Optional[str]] = mapped_column(Text)
    # Bumping a version revokes: token_version every mini-program token, session_version
    # every browser session (see core/auth.py and users/operations.revoke_sessions).
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    blocked_reason: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_seen_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Last sign of the person in the mini-program (a login, or a submit/rating sent with
    # its token): WeChat's content security accepts an openid only within 2 hours of it.
    mp_active_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Set when this row turned out to be the same person as another user and was merged
    # into it (users/identity.py): it keeps no WeChat identity and no login of its own.
    merged_into_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    roles: Mapped[list["StaffRole"]] = relationship(back_populates="user", cascade="all, delete-orphan")


class StaffRole(db.Model):
    """A role scoped to a station, a region or a handling unit."""

    __tablename__ = "staff_roles"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    station_id: Mapped[Optional[int]] = mapped_column(ForeignKey("stations.id"), index=True)
    region_id: Mapped[Optional[int]] = mapped_column(ForeignKey("regions.id"), index=True)
    unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("handling_units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    user: Mapped[User] = relationship(back_populates="roles")
    __table_args__ = (UniqueConstraint("user_id", "role", "station_id", "region_id", "unit_id",
                                       name="uq_staff_roles_scope"),)


class Invitation(db.Model):
    """A single-use, expiring invitation that binds a WeChat account to a staff role
    or to a deputy (``users.roles`` creates and accepts them)."""

    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    station_id: Mapped[Optional[int]] = mapped_column(ForeignKey("stations.id"))
    region_id: Mapped[Optional[int]] = mapped_column(ForeignKey("regions.id"))
    unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("handling_units.id"))
    deputy_id: Mapped[Optional[int]] = mapped_column(ForeignKey("deputies.id"))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    used_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # A deputy invitation from the home station's master: only the account whose
    # WeChat-verified phone is the deputy's may accept it (see users/roles.py).
    needs_phone: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
