"""Who may publish, run and read a consultation: every answer asks ``places.scopes``.

- The NPC office of a region (or of a region above it) publishes consultations there,
  aimed only at stations and regions inside it, and runs them: closes, hides comments,
  exports, publishes the outcome (``can_manage``).
- Anyone reads a consultation once it has opened; before that only those who run it.
- Any logged-in person comments while it is open; a deputy currently seated at one of
  its stations comments as a deputy (marked 代表).
"""
from __future__ import annotations

from sqlalchemy import select

from ..core.db import db
from ..core.errors import ApiError
from ..places.models import Region, Station
from ..places.scopes import Scope, covers_region, office_regions, regions_under
from .models import Consultation

def not_found() -> ApiError:
    return ApiError(404, "consultation_not_found", "没有找到这个意见征集")


def region_of(consultation: Consultation) -> Region:
    return db.session.get(Region, consultation.region_id)


def can_manage(scope: Scope, consultation: Consultation) -> bool:
    """The NPC office over the region that published it."""
    return covers_region(scope, region_of(consultation))


def require_manager(scope: Scope, consultation: Consultation) -> None:
    """:raise ApiError: 403 unless the caller runs this consultation."""
    if not can_manage(scope, consultation):
        raise ApiError(403, "forbidden", "只有发布这次意见征集的人大工委可以进行此操作")


def publishing_region(scope: Scope, region_id: int | None) -> Region:
    """The region a new consultation belongs to: the one named, or the office's only one.

    :raise ApiError: 403 not an NPC office (or not over that region), 422 several to choose from.
    """
    if not scope.region_ids:
        raise ApiError(403, "forbidden", "只有人大工委可以发布意见征集")
    if region_id is None:
        regions = office_regions(scope)
        if len(regions) != 1:
            raise ApiError(422, "region_required", "请选择发布意见征集的区域")
        return regions[0]
    region = db.session.get(Region, region_id)
    if region is None or not covers_region(scope, region):
        raise ApiError(403, "forbidden", "只能在本人大工委管辖的区域发布意见征集")
    return region


def target_station_ids(consultation: Consultation) -> list[int]:
    """The active stations it goes to: those named and every one in the named regions."""
    ids = set(consultation.station_ids or [])
    paths = list(db.session.scalars(select(Region.path).where(
        Region.id.in_(consultation.target_region_ids or []))))
    if paths:
        ids |= set(db.session.scalars(select(Station.id).where(Station.region_id.in_(regions_under(paths)))))
    if not ids:
        return []
    return sorted(db.session.scalars(select(Station.id).where(Station.id.in_(ids), Station.active.is_(True))))


def deputy_station_ids(scope: Scope, consultation: Consultation) -> list[int]:
    """The targeted stations where the caller's deputy currently sits (empty: not as a deputy)."""
    if scope.deputy_id is None:
        return []
    return sorted(scope.deputy_station_ids & set(target_station_ids(consultation)))


def get(consultation_id: int) -> Consultation:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise not_found()
    return consultation
