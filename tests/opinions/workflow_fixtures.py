"""Shared by the workflow tests: one actor per role, a view per state, and
``apply``, which does to a view what operations do to the database row."""
from dataclasses import fields, replace
from datetime import date

from liaison.opinions.workflow import Actor, AssignmentView, OpinionView

TODAY = date(2026, 3, 2)
ACTORS = {
    "resident": Actor(user_id=1),
    "deputy": Actor(user_id=2, deputy_id=20),
    "liaison": Actor(user_id=3, is_liaison=True),
    "station_master": Actor(user_id=4, is_station_master=True),
    "office": Actor(user_id=5, is_region_office=True),
    "unit": Actor(user_id=6, unit_ids=frozenset({100})),
    "system": Actor.system(),
}


def view_for(state, action=""):
    pending = action in ("approve_extension", "reject_extension")
    pending_ext = date(2026, 5, 20) if pending else None
    lead = AssignmentView(100, "lead", "pending", 0, pending_ext, "已安排维修")
    return OpinionView(state=state, submitter_id=1, station_id=5, deputy_id=20,
                       assignments=(lead,), deadline=date(2026, 4, 30), opinion_id=42)


def apply(view, d):
    """What operations do with a decision, reduced to the view's fields."""
    names = {f.name for f in fields(AssignmentView)}
    assignments = list(view.assignments)
    for ch in d.assignments:
        upd = {k: v for k, v in ch.updates.items() if k in names}
        if ch.create:
            assignments.append(AssignmentView(ch.unit_id, **upd))
            continue
        i = max(i for i, a in enumerate(assignments) if a.unit_id == ch.unit_id
                and a.round == view.rounds and a.status != "withdrawn")
        assignments[i] = replace(assignments[i], **upd)
    upd = {k: v for k, v in d.updates.items() if k in ("deadline", "rounds", "level")}
    return replace(view, state=d.new_state, assignments=tuple(assignments),
                   has_suggestion=view.has_suggestion or d.suggestion is not None, **upd)
