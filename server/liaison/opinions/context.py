"""What the workflow decides on: who acts (``Actor``) on what (``OpinionView``).

The caller (operations) builds both from the database: it resolves the user's
scoped roles into booleans for this opinion's station; ownership, the summoned
deputy and the handling units are worked out here from the view, so there is one
place that says who counts as which role.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from .states import ACTIVE_ASSIGNMENT_STATUSES, LEAD

RESIDENT = "resident"  # the opinion's own submitter
DEPUTY = "deputy"  # the summoned deputy, or a deputy of the opinion's station
LIAISON = "liaison"
STATION_MASTER = "station_master"
OFFICE = "office"  # NPC office over the station's region
UNIT = "unit"  # a handling unit with an active assignment in the current round
SYSTEM = "system"  # jobs and checks, never a person

ROLE_LABELS = {
    RESIDENT: "群众",
    DEPUTY: "人大代表",
    LIAISON: "联络员",
    STATION_MASTER: "站长",
    OFFICE: "人大工作机构",
    UNIT: "承办单位",
    SYSTEM: "系统",
}
STAFF = frozenset({LIAISON, STATION_MASTER, OFFICE})
# When an actor holds several roles, the event records the first that may act.
ROLE_PRIORITY = (SYSTEM, STATION_MASTER, LIAISON, OFFICE, UNIT, DEPUTY, RESIDENT)


@dataclass(frozen=True)
class Actor:
    """The caller, with scopes already resolved for the opinion's station.

    :param is_liaison: liaison staff of the opinion's station.
    :param is_station_master: (deputy) station master of the opinion's station.
    :param is_region_office: NPC office of a region containing the station.
    :param is_station_deputy: a deputy with a membership (home or cross) at the station.
    :param unit_ids: handling units the user works for.
    """

    user_id: int | None = None
    deputy_id: int | None = None
    is_liaison: bool = False
    is_station_master: bool = False
    is_region_office: bool = False
    is_station_deputy: bool = False
    unit_ids: frozenset[int] = frozenset()
    is_system: bool = False

    @classmethod
    def system(cls) -> "Actor":
        return cls(is_system=True)


@dataclass(frozen=True)
class AssignmentView:
    unit_id: int
    role: str = LEAD  # lead (主办) | co (协办)
    status: str = "pending"  # see states.ASSIGNMENT_STATUS_LABELS
    round: int = 0  # the opinion's ``rounds`` when it was assigned
    extension_requested_to: date | None = None
    reply_draft: str = ""

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_ASSIGNMENT_STATUSES


@dataclass(frozen=True)
class OpinionView:
    """The parts of an opinion the workflow reads. ``state`` is None before submit."""

    state: str | None
    submitter_id: int | None = None
    station_id: int | None = None
    deputy_id: int | None = None
    assignments: tuple[AssignmentView, ...] = ()
    deadline: date | None = None
    rounds: int = 0  # re-handling rounds (重办) so far
    level: str | None = None
    has_suggestion: bool = False
    opinion_id: int | None = None

    def current(self) -> list[AssignmentView]:
        """This round's assignments, withdrawn ones left out."""
        return [a for a in self.assignments
                if a.round == self.rounds and a.status != "withdrawn"]

    def active(self) -> list[AssignmentView]:
        return [a for a in self.current() if a.active]

    def lead(self) -> AssignmentView | None:
        return next((a for a in self.active() if a.role == LEAD), None)


def roles_for(view: OpinionView, actor: Actor) -> frozenset[str]:
    """Every role ``actor`` holds on this opinion."""
    roles = set()
    if actor.is_system:
        roles.add(SYSTEM)
    if actor.user_id is not None and actor.user_id == view.submitter_id:
        roles.add(RESIDENT)
    if actor.is_station_deputy or (actor.deputy_id is not None
                                   and actor.deputy_id == view.deputy_id):
        roles.add(DEPUTY)
    if actor.is_liaison:
        roles.add(LIAISON)
    if actor.is_station_master:
        roles.add(STATION_MASTER)
    if actor.is_region_office:
        roles.add(OFFICE)
    if actor.unit_ids & {a.unit_id for a in view.active()}:
        roles.add(UNIT)
    return frozenset(roles)


def my_assignment(view: OpinionView, actor: Actor) -> AssignmentView | None:
    """The actor's active assignment in this round (the lead one first)."""
    mine = [a for a in view.active() if a.unit_id in actor.unit_ids]
    mine.sort(key=lambda a: a.role != LEAD)
    return mine[0] if mine else None


class Notify(NamedTuple):
    """A notification intent: tell ``audience`` about ``event``.

    Audiences: resident, deputy (the summoned one), staff (the station's liaison
    staff and master), office, units (the units the decision's assignment changes
    name, else the active ones).
    """

    audience: str
    event: str


@dataclass(frozen=True)
class AssignmentChange:
    """Create an assignment row (``create``), or update the unit's latest
    non-withdrawn row of the current round (``OpinionView.rounds``)."""

    unit_id: int
    updates: dict[str, Any]
    create: bool = False
