"""A handling unit merged into another (``places.unit_ops.merge_units``): the opinions'
side. A case both units handle now refuses the merge; otherwise the source's
assignments move to the target. Nothing here commits.
"""
from __future__ import annotations

from sqlalchemy import select, update

from ..core.db import db
from ..core.errors import ApiError
from .models import Assignment, Opinion
from .states import ACTIVE_ASSIGNMENT_STATUSES

LIVE = tuple(ACTIVE_ASSIGNMENT_STATUSES)


def _double_assigned(source_id: int, target_id: int) -> list[str]:
    """Numbers of cases where both units hold a live assignment of the same round."""
    a, b = Assignment.__table__.alias("a"), Assignment.__table__.alias("b")
    return list(db.session.scalars(
        select(Opinion.number).join(a, a.c.opinion_id == Opinion.id)
        .join(b, (b.c.opinion_id == a.c.opinion_id) & (b.c.round == a.c.round))
        .where(a.c.unit_id == source_id, b.c.unit_id == target_id,
               a.c.status.in_(LIVE), b.c.status.in_(LIVE)).distinct().order_by(Opinion.number)))


def refuse_double_assigned(source_id: int, target_id: int) -> None:
    """:raise ApiError: 409 ``units_both_assigned`` naming the cases (withdraw one first)."""
    both = _double_assigned(source_id, target_id)
    if both:
        raise ApiError(409, "units_both_assigned",
                       f"以下意见同时交办给了这两个单位，请先调整交办再合并：{'、'.join(both[:10])}",
                       {"numbers": both})


def move_assignments(source_id: int, target_id: int, actor=None) -> dict[str, int]:
    moved = db.session.execute(update(Assignment).where(Assignment.unit_id == source_id)
                               .values(unit_id=target_id).execution_options(synchronize_session=False)).rowcount
    return {"assignments": moved}
