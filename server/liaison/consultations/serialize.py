"""Consultations as the API and the pages show them (who reads what: ``access``)."""
from __future__ import annotations

from sqlalchemy import select

from ..core.db import db
from ..places.models import Region, Station
from ..places.scopes import Scope
from ..users.models import User
from . import access, operations
from .export import author_label
from .models import Consultation


def brief(c: Consultation) -> dict:
    region = access.region_of(c)
    s = operations.state(c)
    return {"id": c.id, "title": c.title, "summary": c.summary, "state": s,
            "state_label": operations.STATE_LABELS[s], "opens_on": c.opens_on, "closes_on": c.closes_on,
            "region": {"id": region.id, "name": region.name}, "articles_count": len(c.articles),
            "has_outcome": bool(c.outcome)}


def comment(row, names: dict[int, str], staff: bool = False, nicknames: dict[int, str] | None = None) -> dict:
    out = {"id": row.id, "article": row.article_number, "text": row.text, "created_at": row.created_at,
           "as_deputy": row.deputy_id is not None, "author": author_label(row, names),
           "hidden": row.hidden_at is not None, "hidden_reason": row.hidden_reason or ""}
    if staff:
        out["sec_check"] = row.sec_check or ""
        out["nickname"] = (nicknames or {}).get(row.user_id, "")
    return out


def full(c: Consultation, user, scope: Scope) -> dict:
    out = brief(c)
    manage = access.can_manage(scope, c)
    comments = operations.comments_of(c)
    names = operations.deputy_names(comments)
    shown = [x for x in comments if x.hidden_at is None]
    per_article: dict = {}
    for x in shown:
        per_article[x.article_number] = per_article.get(x.article_number, 0) + 1
    station_ids = access.target_station_ids(c)
    stations = db.session.execute(select(Station.id, Station.name).where(Station.id.in_(station_ids))
                                  .order_by(Station.id)).all() if station_ids else []
    regions = db.session.execute(select(Region.id, Region.name).where(
        Region.id.in_(c.target_region_ids or [])).order_by(Region.id)).all()
    as_deputy = bool(user is not None and access.deputy_station_ids(scope, c))
    out.update({
        "preamble": c.preamble,
        "articles": [{"number": a.number, "label": a.label, "chapter": a.chapter, "text": a.text,
                      "comments": per_article.get(a.number, 0)} for a in c.articles],
        "stations": [{"id": i, "name": n} for i, n in stations],
        "target_regions": [{"id": i, "name": n} for i, n in regions],
        "counts": {"total": len(comments), "shown": len(shown), "hidden": len(comments) - len(shown),
                   "deputies": sum(1 for x in shown if x.deputy_id), "people": len({x.user_id for x in comments}),
                   "whole": per_article.get(None, 0)},
        "outcome": {"text": c.outcome, "at": c.outcome_at} if c.outcome else None,
        "mine": [comment(x, names) for x in comments if user is not None and x.user_id == user.id],
        "can_comment": user is not None and operations.state(c) == operations.OPEN,
        "as_deputy": as_deputy, "manage": manage,
    })
    if manage:
        ids = {x.user_id for x in comments}
        nicknames = dict(db.session.execute(select(User.id, User.nickname).where(User.id.in_(ids))).all()) if ids else {}
        out["comments"] = [comment(x, names, staff=True, nicknames=nicknames) for x in comments]
    return out
