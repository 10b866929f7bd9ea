"""Who an audience is, for one opinion: user ids, resolved in the caller's session.

Every answer comes from ``places.scopes`` (the one definition of a current seat, of
the offices over a station) and ``users.staff`` (who holds a staff role there):

- resident: the submitter (none for opinions entered on someone's behalf).
- deputy: the summoned deputy's user. For events other than ``summoned``, when no
  deputy was summoned, the deputies with a current home membership (驻站) at the
  station: "deputies hear when an opinion at their station changes".
- staff: liaison staff and station masters of the opinion's station.
- office: NPC office users of every region that contains the station's region.
- units: users of the given handling units, else of the opinion's active
  assignments in the current round.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..core.db import db
from ..opinions.states import ACTIVE_ASSIGNMENT_STATUSES
from ..places import scopes
from ..places.models import Deputy
from ..users import staff


def resolve(audience: str, event: str, opinion, unit_ids: Iterable[int] | None = None) -> list[int]:
    """User ids for ``audience`` about ``opinion``, without duplicates, in a stable order."""
    if audience == "resident":
        ids = [opinion.submitter_id] if opinion.submitter_id else []
    elif audience == "deputy":
        ids = _deputies(opinion, summoned_only=(event == "summoned"))
    elif audience == "staff":
        ids = staff.station_staff_user_ids(opinion.station_id)
    elif audience == "office":
        ids = staff.office_user_ids(opinion.station_id)
    elif audience == "units":
        ids = staff.unit_user_ids(_unit_ids(opinion) if unit_ids is None else list(unit_ids))
    else:
        ids = []
    return sorted(set(ids))


def _deputies(opinion, summoned_only: bool) -> list[int]:
    if opinion.deputy_id is not None:
        user_id = db.session.scalar(select(Deputy.user_id).where(Deputy.id == opinion.deputy_id,
                                                                 Deputy.active.is_(True)))
        return [user_id] if user_id else []
    if summoned_only:
        return []
    return scopes.seated_deputy_user_ids(opinion.station_id, kind="home")


def _unit_ids(opinion) -> list[int]:
    from ..opinions.models import Assignment

    return list(db.session.scalars(select(Assignment.unit_id).where(
        Assignment.opinion_id == opinion.id, Assignment.round == opinion.rounds,
        Assignment.status.in_(tuple(ACTIVE_ASSIGNMENT_STATUSES)))).all())
