"""Similar cases (类案参考): earlier opinions of the same region that read alike, with
how they were answered, so staff answer alike what was asked alike and can close a
repeat as a duplicate of the earlier case in one tap.

The region is the opinion's station's district (``places.scopes.scope_region``); the
candidates are the opinions of every station in it that the caller may see
(``opinions.access.visible_clause``), registered before this one, at most
``SIMILAR_CANDIDATES`` of the latest. Texts are compared by the cosine of their TF-IDF
vectors (``insight.text.TextVectorizer``: words and character 2–3-grams, fitted on the
candidates, so a word common in the region weighs little); those scoring at least
``SIMILAR_MIN_SCORE`` are returned, best first, at most ``LIMIT``. Held opinions
(待审核) are left out: they may be mass postings not yet looked at.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import and_, or_, select

from ..core.db import db
from ..opinions.access import Viewer, visible_clause
from ..opinions.models import Opinion
from ..opinions.operations import public_answer
from ..opinions.states import ON_HOLD
from ..places.models import Station
from ..places.scopes import in_region_clause, scope_region
from . import text

LIMIT = 5


def earlier_in_region(viewer: Viewer | None, opinion: Opinion, limit: int):
    """The candidates: visible, earlier opinions of the region's stations, latest first."""
    region = scope_region(opinion.station_id)
    if region is None:
        return None, []
    earlier = or_(Opinion.created_at < opinion.created_at,
                  and_(Opinion.created_at == opinion.created_at, Opinion.id < opinion.id))
    query = (select(Opinion).where(
        Opinion.id != opinion.id, earlier, Opinion.state != ON_HOLD,
        Opinion.station_id.in_(select(Station.id).where(in_region_clause(region))))
        .order_by(Opinion.created_at.desc(), Opinion.id.desc()).limit(limit))
    if viewer is not None:
        query = query.where(visible_clause(viewer))
    return region, list(db.session.scalars(query))


def rank(target: str, texts: list[str], ignore=()) -> list[tuple[int, float]]:
    """(index into ``texts``, cosine score) of every text, best first (ties: the lower index, the more recent, first)."""
    if not texts:
        return []
    matrix, _ = text.vectorize(texts + [target], ignore=ignore)
    scores = (matrix[:-1] @ matrix[-1].T).toarray().ravel()
    return sorted(((i, float(s)) for i, s in enumerate(scores)), key=lambda p: (-p[1], p[0]))


def similar(viewer: Viewer | None, opinion: Opinion, limit: int = LIMIT) -> list[dict]:
    """The API's ``items``: ``{"id", "number", "score", "summary", "state", "reply"}``."""
    cfg = current_app.config
    region, candidates = earlier_in_region(viewer, opinion, int(cfg["SIMILAR_CANDIDATES"]))
    if not candidates:
        return []
    text.place_words(region)  # 望月湖 stays one word
    threshold = float(cfg["SIMILAR_MIN_SCORE"])
    items = []
    for index, score in rank(opinion.text, [c.text or "" for c in candidates]):
        if score < threshold or len(items) >= limit:
            break
        c = candidates[index]
        items.append({"id": c.id, "number": c.number, "score": round(score, 3),
                      "summary": (c.text or "")[:40], "state": c.state, "reply": public_answer(c) or None})
    return items
