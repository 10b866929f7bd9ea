"""The opinion state machine, with no database: who may do what, when, with what."""
from dataclasses import replace
from datetime import date

import pytest
from workflow_fixtures import ACTORS, TODAY, view_for

from liaison.opinions.workflow import (
    ACTIONS, Actor, AssignmentView, InvalidField, InvalidTransition, MissingField, NotAllowed,
    UnknownAction, allowed_actions, decide, is_resolved, overdue, state_group,
)

ALL = {"submitted", "on_hold", "accepted", "declined", "assigned", "replied", "rated",
       "reviewing", "reopened", "closed"}
OPEN = {"submitted", "on_hold", "accepted", "assigned", "reopened", "reviewing"}
STAFF = {"liaison", "station_master", "office"}

# The rules as the mission states them, written independently of the table.
EXPECTED = {
    "submit": ({None}, {"resident", "deputy", "liaison", "station_master", "system"}),
    "hold": ({"submitted"}, STAFF | {"system"}),
    "release_hold": ({"on_hold"}, STAFF | {"system"}),
    "accept": ({"submitted"}, STAFF),
    "decline": ({"submitted", "on_hold", "accepted"}, STAFF),
    "mark_duplicate": ({"submitted", "on_hold", "accepted"}, STAFF),
    "assign": ({"accepted", "reopened", "assigned"}, STAFF),
    "unit_accept": ({"assigned"}, {"unit"}),
    "unit_refuse": ({"assigned"}, {"unit"}),
    "request_extension": ({"assigned"}, {"unit"}),
    "approve_extension": ({"assigned"}, STAFF),
    "reject_extension": ({"assigned"}, STAFF),
    "extend_deadline": ({"assigned"}, STAFF),
    "urge": (OPEN, STAFF | {"deputy"}),
    "note": (ALL, STAFF | {"deputy"}),
    "to_suggestion": (ALL - {"submitted", "on_hold"}, {"deputy"}),
    "draft_reply": ({"assigned"}, {"unit"}),
    "release_reply": ({"assigned"}, STAFF),
    "reply_directly": ({"accepted", "assigned", "reopened"}, STAFF),
    "rate": ({"replied"}, {"resident"}),
    "close": ({"rated", "replied", "declined"}, STAFF | {"system"}),
    "reopen": ({"reviewing"}, STAFF),
    "close_after_review": ({"reviewing"}, STAFF),
}
VALID = {
    "hold": {"hold_reason": "risky_content"},
    "accept": {"category": "traffic"},
    "decline": {"reason": "属于正在诉讼的案件", "channel": "litigation"},
    "mark_duplicate": {"duplicate_of": 41},
    "assign": {"unit_ids": [100], "level": "town"},
    "unit_refuse": {"reason": "不属于本单位职责"},
    "request_extension": {"deadline": "2026-06-30", "reason": "需协调多个部门"},
    "reject_extension": {"reason": "时间充足"},
    "extend_deadline": {"deadline": "2026-06-30", "reason": "汛期暂停施工"},
    "urge": {"method": "phone"},
    "note": {"note": "已电话联系群众"},
    "to_suggestion": {"title": "关于增设公交站点的建议"},
    "draft_reply": {"text": "已安排维修，预计下周完成"},
    "reply_directly": {"text": "路灯已修复"},
    "rate": {"rating": "satisfied"},
    "reopen": {"reason": "答复未解决实际问题"},
    "close_after_review": {"close_reason": "review_upheld", "conclusion": "原答复符合政策"},
}
REQUIRED = {action: set(payload) for action, payload in VALID.items() if action != "accept"}
STRANGERS = [Actor(user_id=9), Actor(user_id=7, unit_ids=frozenset({200})), Actor()]


def test_the_table_has_exactly_the_expected_actions():
    assert set(ACTIONS) == set(EXPECTED)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_every_state_and_role_gets_the_right_answer(action):
    from_states, roles = EXPECTED[action]
    wrong = []
    for state in sorted(ALL, key=str) + [None]:
        view = view_for(state, action)
        for role, actor in ACTORS.items():
            try:
                decide(view, action, actor, VALID.get(action, {}), TODAY)
                got = "ok"
            except (NotAllowed, InvalidTransition) as err:
                got = type(err).__name__
            want = ("NotAllowed" if role not in roles else
                    "InvalidTransition" if state not in from_states else "ok")
            if got != want:
                wrong.append((state, role, want, got))
        for stranger in STRANGERS:
            with pytest.raises(NotAllowed) as err:
                decide(view, action, stranger, VALID.get(action, {}), TODAY)
            assert err.value.status == 403
    assert wrong == []


@pytest.mark.parametrize("action", sorted(REQUIRED))
def test_missing_required_fields_are_422_listing_each_field(action):
    state = sorted(EXPECTED[action][0], key=str)[0]
    role = sorted(EXPECTED[action][1])[0]
    with pytest.raises(MissingField) as err:
        decide(view_for(state, action), action, ACTORS[role], {}, TODAY)
    assert err.value.status == 422 and err.value.code == "validation_error"
    assert set(err.value.details["fields"]) == REQUIRED[action]


def test_role_is_checked_before_state_and_state_before_payload():
    with pytest.raises(NotAllowed):  # wrong role and wrong state
        decide(view_for("closed"), "accept", ACTORS["resident"], {}, TODAY)
    with pytest.raises(InvalidTransition) as err:  # wrong state and empty payload
        decide(view_for("closed"), "decline", ACTORS["liaison"], {}, TODAY)
    assert err.value.status == 409 and "已办结" in err.value.message


@pytest.mark.parametrize("action, payload, field", [
    ("rate", {"rating": "great"}, "rating"),
    ("decline", {"reason": "x", "channel": "court"}, "channel"),
    ("assign", {"unit_ids": [100], "level": "town", "lead_unit_id": 7}, "lead_unit_id"),
    ("assign", {"unit_ids": [100], "level": "town", "deadline": "2026-03-02"}, "deadline"),
    ("assign", {"unit_ids": [0], "level": "town"}, "unit_ids"),
    ("extend_deadline", {"deadline": "2026-04-01", "reason": "x"}, "deadline"),
    ("extend_deadline", {"deadline": "下周", "reason": "x"}, "deadline"),
    ("mark_duplicate", {"duplicate_of": 42}, "duplicate_of"),
    ("close", {"close_reason": "duplicate"}, "close_reason"),
])
def test_invalid_values_are_422_naming_the_field(action, payload, field):
    state = {"rate": "replied", "close": "rated", "extend_deadline": "assigned"}.get(
        action, "accepted")
    with pytest.raises(InvalidField) as err:
        decide(view_for(state), action, ACTORS["liaison"] if action != "rate"
               else ACTORS["resident"], payload, TODAY)
    assert list(err.value.details["fields"]) == [field]


def test_unknown_action_is_422():
    with pytest.raises(UnknownAction) as err:
        decide(view_for("submitted"), "delete", ACTORS["liaison"], {}, TODAY)
    assert err.value.status == 422


@pytest.mark.parametrize("reason", ["declined", "duplicate", "not_our_business", "unresolvable",
                                    None, ""])
def test_closed_unresolved_is_never_counted_resolved(reason):
    assert state_group("closed", reason) == "closed"
    assert not is_resolved("closed", reason)


def test_a_resident_cannot_act_on_someone_elses_opinion():
    theirs = replace(view_for("replied"), submitter_id=99)
    with pytest.raises(NotAllowed) as err:
        decide(theirs, "rate", ACTORS["resident"], {"rating": "satisfied"}, TODAY)
    assert err.value.status == 403 and err.value.to_dict()["error"]["code"] == "forbidden"
    assert allowed_actions(theirs, ACTORS["resident"]) == []
    assert allowed_actions(view_for("replied"), ACTORS["resident"]) == ["rate"]


def test_allowed_actions_follow_preconditions():
    unit, staff = ACTORS["unit"], ACTORS["liaison"]
    assigned = view_for("assigned")
    assert allowed_actions(assigned, unit) == [
        "unit_accept", "unit_refuse", "request_extension", "draft_reply"]
    assert "approve_extension" not in allowed_actions(assigned, staff)
    assert "release_reply" in allowed_actions(assigned, staff)
    no_draft = replace(assigned, assignments=(AssignmentView(100, "lead", "accepted"),))
    assert "release_reply" not in allowed_actions(no_draft, staff)
    with pytest.raises(InvalidTransition):
        decide(no_draft, "release_reply", staff, {}, TODAY)
    assert allowed_actions(view_for("submitted"), staff) == [
        "hold", "accept", "decline", "mark_duplicate", "urge", "note"]


def test_an_actor_with_two_roles_acts_in_the_one_the_action_needs():
    both = Actor(user_id=1, is_liaison=True)
    assert decide(view_for("replied"), "rate", both, {"rating": "basically_satisfied"},
                  TODAY).actor_role == "resident"
    assert decide(view_for("submitted"), "accept", both, {}, TODAY).actor_role == "liaison"


def test_overdue_only_while_open():
    late = replace(view_for("assigned"), deadline=date(2026, 3, 1))
    assert overdue(late, TODAY) and not overdue(replace(late, state="replied"), TODAY)
    assert not overdue(replace(late, deadline=TODAY), TODAY)
