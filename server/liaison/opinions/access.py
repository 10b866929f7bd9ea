"""Who sees which opinion, and who the caller is to the workflow.

One place answers both questions so the list, the detail, the photos and the
transitions always agree:

- a resident sees the opinions they submitted;
- a deputy sees those that summoned them and those that came to a station where
  they currently sit (home or cross membership);
- liaison staff and station masters see their stations' opinions;
- the NPC office sees every station in its region's subtree (``Region.path``);
- a handling unit sees only what was assigned to it (withdrawn assignments excepted);
- a submit taken as an intake (``opinions.intake``) is its submitter's alone until it
  is registered; from then on the opinion is what the others see.

Anything else is a 404 that says nothing about the opinion's existence.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, false, or_, select

from ..core.db import db
from ..core.errors import ApiError
from ..places.scopes import Scope, covers_station, scope_of, station_clause
from ..places.models import Station
from .context import (DEPUTY, LIAISON, OFFICE, RESIDENT, STATION_MASTER, UNIT, Actor, AssignmentView,
                      OpinionView, roles_for)
from .models import Assignment, Opinion, OpinionIntake, Suggestion
from .privacy import Reader

NOT_FOUND = ("not_found", "这条意见不存在或您无权查看")


@dataclass
class Viewer:
    """The caller and their scope (``places.scopes``), resolved once per request."""

    user: object | None
    scope: Scope

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user is not None else None


def viewer_for(user) -> Viewer:
    return Viewer(user=user, scope=scope_of(user))


def visible_clause(viewer: Viewer):
    """A WHERE clause on ``Opinion`` selecting what ``viewer`` may see."""
    s = viewer.scope
    parts = []
    if viewer.user_id is not None:
        parts.append(Opinion.submitter_id == viewer.user_id)
    if s.deputy_id is not None:
        parts.append(Opinion.deputy_id == s.deputy_id)
    stations = set(s.station_ids) | s.deputy_station_ids
    if stations:
        parts.append(Opinion.station_id.in_(stations))
    if s.office_paths:
        parts.append(Opinion.station_id.in_(select(Station.id).where(station_clause(s))))
    if s.unit_ids:
        parts.append(Opinion.id.in_(select(Assignment.opinion_id).where(
            Assignment.unit_id.in_(s.unit_ids), Assignment.status != "withdrawn")))
    return or_(*parts) if parts else false()


def get_visible(viewer: Viewer, opinion_id: int) -> Opinion:
    """The opinion if ``viewer`` may see it.

    :raise ApiError: 404 when it does not exist or is not visible (indistinguishable).
    """
    opinion = db.session.scalars(
        select(Opinion).where(and_(Opinion.id == opinion_id, visible_clause(viewer)))).first()
    if opinion is None:
        raise ApiError(404, *NOT_FOUND)
    return opinion


INTAKE_NOT_FOUND = ("not_found", "这条提交记录不存在或您无权查看")


def get_visible_intake(user, intake_id: int) -> OpinionIntake:
    """The caller's own intake.

    :raise ApiError: 404 when it does not exist or is someone else's (indistinguishable).
    """
    intake = db.session.get(OpinionIntake, intake_id)
    if intake is None or user is None or intake.user_id != user.id:
        raise ApiError(404, *INTAKE_NOT_FOUND)
    return intake


def actor_for(viewer: Viewer, station_id: int | None) -> Actor:
    """The workflow's ``Actor`` for ``viewer`` at the opinion's station."""
    s = viewer.scope
    return Actor(
        user_id=viewer.user_id,
        deputy_id=s.deputy_id,
        is_liaison=station_id in s.liaison_station_ids,
        is_station_master=station_id in s.master_station_ids,
        is_region_office=covers_station(s, station_id),
        is_station_deputy=station_id in s.deputy_station_ids,
        unit_ids=frozenset(s.unit_ids),
    )


def roles_view(opinion: Opinion) -> OpinionView:
    """The part of ``view_of`` that ``roles_for`` reads (no extra query per opinion)."""
    return OpinionView(state=opinion.state, submitter_id=opinion.submitter_id, station_id=opinion.station_id,
                       deputy_id=opinion.deputy_id, rounds=opinion.rounds or 0,
                       assignments=tuple(AssignmentView(unit_id=a.unit_id, role=a.role, status=a.status,
                                                        round=a.round) for a in opinion.assignments))


def view_of(opinion: Opinion) -> OpinionView:
    """The workflow's ``OpinionView`` of a stored opinion."""
    has_suggestion = opinion.id is not None and db.session.scalar(
        select(Suggestion.id).where(Suggestion.opinion_id == opinion.id).limit(1)) is not None
    return OpinionView(
        state=opinion.state,
        submitter_id=opinion.submitter_id,
        station_id=opinion.station_id,
        deputy_id=opinion.deputy_id,
        assignments=tuple(AssignmentView(
            unit_id=a.unit_id, role=a.role, status=a.status, round=a.round,
            extension_requested_to=a.extension_requested_to, reply_draft=a.reply_draft or "")
            for a in opinion.assignments),
        deadline=opinion.deadline,
        rounds=opinion.rounds or 0,
        level=opinion.level,
        has_suggestion=has_suggestion,
        opinion_id=opinion.id,
    )


@dataclass(frozen=True)
class Lens:
    """How much of one opinion the viewer gets to read."""

    is_submitter: bool
    is_station_staff: bool  # liaison or station master of the opinion's station
    is_office: bool
    is_deputy: bool
    is_unit: bool
    user_id: int | None = None
    unit_ids: frozenset[int] = frozenset()  # the viewer's units with a live assignment on it

    @property
    def resident_only(self) -> bool:
        return self.is_submitter and not (self.is_station_staff or self.is_office
                                          or self.is_deputy or self.is_unit)

    @property
    def unit_only(self) -> bool:
        return self.is_unit and not (self.is_submitter or self.is_station_staff
                                     or self.is_office or self.is_deputy)

    @property
    def is_staff(self) -> bool:
        return self.is_station_staff or self.is_office

    @property
    def knows_anonymous(self) -> bool:
        """Who learns who an anonymous resident is: staff (and the resident)."""
        return self.is_staff or self.is_submitter

    @property
    def reader(self) -> Reader:
        """Who reads the opinion's history (``privacy.readable_payload``)."""
        return Reader(staff=self.is_staff, user_id=self.user_id, unit_ids=self.unit_ids)


def lens_for(viewer: Viewer, opinion: Opinion, actor: Actor | None = None) -> Lens:
    """What ``viewer`` reads of ``opinion``: the workflow's roles (``roles_for``), with
    one widening: a unit keeps reading a case it was assigned after its part ended."""
    actor = actor or actor_for(viewer, opinion.station_id)
    roles = roles_for(roles_view(opinion), actor)
    units = {a.unit_id for a in opinion.assignments if a.status != "withdrawn"}
    mine = frozenset(set(actor.unit_ids) & units)
    return Lens(
        is_submitter=RESIDENT in roles,
        is_station_staff=bool(roles & {LIAISON, STATION_MASTER}),
        is_office=OFFICE in roles,
        is_deputy=DEPUTY in roles,
        is_unit=UNIT in roles or bool(mine),
        user_id=viewer.user_id,
        unit_ids=mine,
    )
