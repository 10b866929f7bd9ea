"""Consultations (立法意见征集): a draft, its articles, where it goes, and the comments on it."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock
from ..core.db import UTCDateTime, db


class Consultation(db.Model):
    """A draft the NPC office of ``region_id`` publishes for comment.

    Open from ``opens_on`` to ``closes_on`` (China's calendar, inclusive) unless the office
    closed it early (``closed_at``); ``state`` in ``operations`` is the one reading.
    """

    __tablename__ = "consultations"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # What precedes the first article (the preamble, 目录 ...), kept as it was pasted.
    preamble: Mapped[str] = mapped_column(Text, default="")
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    # The targets as chosen: stations and regions (every active station in their subtrees).
    station_ids: Mapped[list] = mapped_column(db.JSON, default=list)
    target_region_ids: Mapped[list] = mapped_column(db.JSON, default=list)
    # When the deputies of the targeted stations were told (at the opening; the job claims it).
    deputies_notified_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # What became of the draft (adopted suggestions), published after the closing.
    outcome: Mapped[str] = mapped_column(Text, default="")
    outcome_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    outcome_version: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    articles: Mapped[list["ConsultationArticle"]] = relationship(
        cascade="all, delete-orphan", order_by="ConsultationArticle.number")


class ConsultationArticle(db.Model):
    """One article (第N条) of the draft, with the chapter (第X章) it stands in."""

    __tablename__ = "consultation_articles"
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(20))  # 第一百零一条
    chapter: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("consultation_id", "number", name="uq_consultation_articles_number"),)


class ConsultationComment(db.Model):
    """A comment on the whole draft (``article_number`` None) or on one article.

    ``deputy_id`` is set when a deputy seated at a targeted station wrote it (marked 代表).
    A hidden comment keeps its text; ``hidden_reason`` says why, and it leaves the export's body.
    """

    __tablename__ = "consultation_comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    article_number: Mapped[Optional[int]] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    deputy_id: Mapped[Optional[int]] = mapped_column(ForeignKey("deputies.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # WeChat's verdict on the text (opinions.content_check): pass | review | risky | manual | pending.
    sec_check: Mapped[str] = mapped_column(String(10), default="")
    hidden_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    hidden_reason: Mapped[str] = mapped_column(String(255), default="")
