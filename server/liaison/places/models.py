"""Region tree, stations, deputies, memberships and handling units."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock
from ..core.db import UTCDateTime, db

REGION_LEVELS = ("city", "district", "street", "community")
REGION_LEVEL_LABELS = {"city": "市", "district": "区/县", "street": "街道/镇/乡", "community": "社区/村"}
STATION_KINDS = ("central", "feature", "park", "residential", "online")
STATION_KIND_LABELS = {"central": "中心站", "feature": "特色站", "park": "园区站",
                       "residential": "小区联络点", "online": "网上代表联络站"}
DEPUTY_LEVELS = ("national", "provincial", "municipal", "county", "township")
DEPUTY_LEVEL_LABELS = {"national": "全国人大代表", "provincial": "省人大代表",
                       "municipal": "市人大代表", "county": "区县人大代表",
                       "township": "乡镇人大代表"}
UNIT_LEVELS = ("town", "district", "city_and_above")


class Region(db.Model):
    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("regions.id"), index=True)
    # Materialised path of ids ("/1/4/17/") so a region's subtree is one LIKE query.
    path: Mapped[str] = mapped_column(String(255), default="/", index=True)
    parent: Mapped[Optional["Region"]] = relationship(remote_side="Region.id", back_populates="children")
    children: Mapped[list["Region"]] = relationship(back_populates="parent")
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_regions_parent_name"),)

    def full_name(self) -> str:
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "/".join(reversed(names))


class Station(db.Model):
    __tablename__ = "stations"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="central")
    address: Mapped[str] = mapped_column(String(255), default="")
    open_hours: Mapped[str] = mapped_column(String(120), default="")
    master_name: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    # Reception plan: {"monthly_days": [15], "weekdays": [], "market_days": [], "start": "09:00", "end": "11:30"}
    reception_plan: Mapped[dict] = mapped_column(JSON, default=dict)
    notice: Mapped[str] = mapped_column(Text, default="")
    # Where the station is (GCJ-02, as Tencent/Amap maps and wx.getLocation give it):
    # a check-in near it is verified. Both or neither (see places.geo).
    latitude: Mapped[Optional[float]] = mapped_column(Float)
    longitude: Mapped[Optional[float]] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    region: Mapped[Region] = relationship()
    memberships: Mapped[list["Membership"]] = relationship(back_populates="station")


class Deputy(db.Model):
    __tablename__ = "deputies"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    gender: Mapped[str] = mapped_column(String(4), default="")
    levels: Mapped[list] = mapped_column(JSON, default=list)
    is_official: Mapped[bool] = mapped_column(Boolean, default=False)  # 职务代表
    # County-level-or-above post-holding official (at most 2 per station).
    is_senior_official: Mapped[bool] = mapped_column(Boolean, default=False)
    work_unit: Mapped[str] = mapped_column(String(120), default="")
    post: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    photo_path: Mapped[Optional[str]] = mapped_column(String(255))
    external_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    memberships: Mapped[list["Membership"]] = relationship(back_populates="deputy")


class Membership(db.Model):
    """A deputy's place at a station: home (驻站) or cross-station (交叉进站)."""

    __tablename__ = "memberships"
    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputies.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="home")
    started_on: Mapped[Optional[date]] = mapped_column(Date)
    ended_on: Mapped[Optional[date]] = mapped_column(Date)
    deputy: Mapped[Deputy] = relationship(back_populates="memberships")
    station: Mapped[Station] = relationship(back_populates="memberships")
    __table_args__ = (UniqueConstraint("deputy_id", "station_id", name="uq_memberships_deputy_station"),)


class HandlingUnit(db.Model):
    """A government body that answers assigned opinions (承办单位)."""

    __tablename__ = "handling_units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    level: Mapped[str] = mapped_column(String(20), default="district")
    region_id: Mapped[Optional[int]] = mapped_column(ForeignKey("regions.id"), index=True)
    contact: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
