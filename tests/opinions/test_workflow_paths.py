"""The opinion workflow's paths through the handling chain, step by step."""
from dataclasses import replace
from datetime import date

import pytest
from workflow_fixtures import ACTORS, TODAY, apply, view_for

from liaison.opinions.workflow import (
    Actor, AssignmentView, InvalidTransition, MissingField, NotAllowed, OpinionView,
    allowed_actions, decide, is_resolved, state_group,
)


def test_full_happy_path_from_submit_to_resolved_close():
    staff, unit, resident = ACTORS["liaison"], ACTORS["unit"], ACTORS["resident"]
    view = OpinionView(state=None, submitter_id=1, station_id=5, deputy_id=20)
    today = date(2025, 9, 26)
    steps = [
        ("submit", resident, {}, "submitted"),
        ("accept", staff, {"category": "traffic"}, "accepted"),
        ("assign", staff, {"unit_ids": [100, 200], "lead_unit_id": 100, "level": "town"},
         "assigned"),
        ("unit_accept", unit, {}, "assigned"),
        ("urge", ACTORS["deputy"], {"method": "phone", "note": "请尽快"}, "assigned"),
        ("draft_reply", unit, {"text": "路灯已于10月9日修复。"}, "assigned"),
        ("release_reply", staff, {}, "replied"),
        ("rate", resident, {"rating": "satisfied"}, "rated"),
        ("close", ACTORS["system"], {}, "closed"),
    ]
    decisions = {}
    for action, actor, payload, state in steps:
        d = decide(view, action, actor, payload, today)
        assert d.new_state == state, action
        decisions[action] = d
        view = apply(view, d)
    submit, assign = decisions["submit"], decisions["assign"]
    assert ("deputy", "summoned") in submit.notifications
    # 15 working days, counting the 28 Sep make-up day and skipping National Day.
    assert assign.updates["deadline"] == date(2025, 10, 23)
    assert assign.payload["deadline"] == "2025-10-23"
    assert [(c.unit_id, c.updates["role"]) for c in assign.assignments] == [(100, "lead"),
                                                                           (200, "co")]
    assert ("units", "urged") in decisions["urge"].notifications
    release = decisions["release_reply"]
    assert release.updates["reply_text"] == "路灯已于10月9日修复。"
    assert {("resident", "replied"), ("units", "reply_released")} <= set(release.notifications)
    # The lead answered; the co-unit's part ended without a reply of its own.
    assert {(a.unit_id, a.status) for a in view.assignments} == {(100, "answered"), (200, "ended")}
    assert decisions["close"].updates["close_reason"] == "satisfied"
    assert is_resolved("closed", "satisfied") and state_group("rated") == "resolved"


def test_a_declined_opinion_is_answered_and_never_resolved():
    d = decide(view_for("submitted"), "decline", ACTORS["station_master"],
               {"reason": "属于劳动争议。", "channel": "arbitration", "guidance": "可向区劳动仲裁院申请。"},
               TODAY)
    assert d.new_state == "declined" and ("resident", "declined") in d.notifications
    assert d.updates["reply_text"] == ("您反映的问题经研究不予受理，原因：属于劳动争议。"
                                       "建议您通过仲裁反映。可向区劳动仲裁院申请。")
    with pytest.raises(MissingField) as err:
        decide(view_for("submitted"), "decline", ACTORS["liaison"],
               {"reason": "不属于本站职责", "channel": "other"}, TODAY)
    assert list(err.value.fields) == ["guidance"]
    closed = decide(view_for("declined"), "close", ACTORS["liaison"], {}, TODAY)
    assert closed.updates["close_reason"] == "declined"
    assert state_group("declined") == "closed"
    assert not is_resolved("closed", closed.updates["close_reason"])


def test_unsatisfied_goes_to_review_and_reopen_starts_a_new_round():
    staff = ACTORS["office"]
    view = replace(view_for("replied"), rounds=0)
    with pytest.raises(MissingField):
        decide(view, "rate", ACTORS["resident"], {"rating": "unsatisfied"}, TODAY)
    rated = decide(view, "rate", ACTORS["resident"], {"rating": "unsatisfied", "comment": "路灯仍不亮"},
                   TODAY)
    assert rated.new_state == "reviewing" and ("office", "unsatisfied") in rated.notifications
    assert state_group("reviewing") == "open"
    view = apply(view, rated)
    reopened = decide(view, "reopen", staff, {"reason": "维修不彻底"}, TODAY)
    assert reopened.new_state == "reopened" and reopened.updates["rounds"] == 1
    view = apply(view, reopened)
    assert view.active() == [] and "unit_accept" not in allowed_actions(view, ACTORS["unit"])
    assigned = decide(view, "assign", staff, {"unit_ids": [100], "level": "district"}, TODAY)
    assert assigned.assignments[0].create and assigned.assignments[0].updates["round"] == 1
    view = apply(view, assigned)
    assert decide(view, "unit_accept", ACTORS["unit"], {}, TODAY).new_state == "assigned"
    view = apply(view, decide(view, "reply_directly", staff, {"text": "已更换灯具"}, TODAY))
    view = apply(view, decide(view, "rate", ACTORS["resident"], {"rating": "unsatisfied",
                                                                  "comment": "还是不亮"}, TODAY))
    again = decide(view, "reopen", staff, {"reason": "再次重办"}, TODAY)
    assert again.updates["rounds"] == 2


def test_all_assignments_refused_sends_the_opinion_back():
    two = replace(view_for("assigned"), assignments=(
        AssignmentView(100, "lead"), AssignmentView(200, "co")))
    first = decide(two, "unit_refuse", ACTORS["unit"], {"reason": "非本单位职责"}, TODAY)
    assert first.new_state == "assigned"
    assert ("staff", "assignment_refused") in first.notifications
    view = apply(two, first)
    last = decide(view, "unit_refuse", Actor(user_id=7, unit_ids=frozenset({200})),
                  {"reason": "同上"}, TODAY)
    assert last.new_state == "accepted" and last.updates["deadline"] is None
    after_reopen = replace(view_for("assigned"), rounds=1, assignments=(
        AssignmentView(100, "lead", round=1),))
    back = decide(after_reopen, "unit_refuse", ACTORS["unit"], {"reason": "x"}, TODAY)
    assert back.new_state == "reopened"


def test_only_the_lead_unit_drafts_the_reply():
    view = replace(view_for("assigned"), assignments=(
        AssignmentView(100, "lead"), AssignmentView(200, "co")))
    co = Actor(user_id=7, unit_ids=frozenset({200}))
    with pytest.raises(NotAllowed):
        decide(view, "draft_reply", co, {"text": "协办意见"}, TODAY)
    assert decide(view, "unit_accept", co, {}, TODAY).assignments[0].unit_id == 200


def test_extension_request_then_approval_moves_the_deadline():
    view = view_for("assigned")
    req = decide(view, "request_extension", ACTORS["unit"],
                 {"deadline": "2026-05-29", "reason": "需招标"}, TODAY)
    assert ("staff", "extension_requested") in req.notifications and not req.public
    view = apply(view, req)
    with pytest.raises(InvalidTransition):
        decide(view, "request_extension", ACTORS["unit"],
               {"deadline": "2026-06-30", "reason": "再次申请"}, TODAY)
    ok = decide(view, "approve_extension", ACTORS["station_master"], {}, TODAY)
    assert ok.updates["deadline"] == date(2026, 5, 29)
    assert ok.assignments[0].updates["extension_requested_to"] is None


def test_submit_on_hold_tells_staff_but_not_the_deputy():
    view = OpinionView(state=None, submitter_id=1, station_id=5, deputy_id=20)
    d = decide(view, "submit", Actor.system(), {"hold_reason": "risky_content"}, TODAY)
    assert d.new_state == "on_hold" and d.notifications == (("staff", "held"),)
    released = decide(replace(view, state="on_hold"), "release_hold", ACTORS["liaison"], {}, TODAY)
    assert released.new_state == "submitted" and released.notifications == (("deputy", "summoned"),)


def test_urge_changes_nothing_and_tells_whoever_holds_the_case():
    d = decide(view_for("accepted"), "urge", ACTORS["office"], {"method": "letter"}, TODAY)
    assert d.new_state == "accepted" and not d.state_changed
    assert d.notifications == (("staff", "urged"),) and d.actor_role == "office"


def test_a_deputy_turns_an_opinion_into_a_suggestion_once():
    station_deputy = Actor(user_id=8, deputy_id=21, is_station_deputy=True)
    d = decide(view_for("accepted"), "to_suggestion", station_deputy,
               {"title": "关于完善排水设施的建议", "text": "……"}, TODAY)
    assert d.suggestion == {"title": "关于完善排水设施的建议", "text": "……", "deputy_id": 21}
    done = replace(view_for("accepted"), has_suggestion=True)
    with pytest.raises(InvalidTransition):
        decide(done, "to_suggestion", station_deputy, {"title": "再来一次"}, TODAY)


def test_reassigning_withdraws_dropped_units_and_keeps_the_rest():
    view = replace(view_for("assigned"), assignments=(
        AssignmentView(100, "lead", "accepted"), AssignmentView(200, "co"),
        AssignmentView(400, "co", "refused")))
    d = decide(view, "assign", ACTORS["liaison"],
               {"unit_ids": [300, 100, 400], "lead_unit_id": 300, "level": "district",
                "deadline": "2026-04-15"}, TODAY)
    changes = {(c.unit_id, c.create): c.updates for c in d.assignments}
    assert changes[(200, False)] == {"status": "withdrawn"}
    assert changes[(100, False)] == {"role": "co", "deadline": date(2026, 4, 15)}
    assert changes[(300, True)]["role"] == "lead" and changes[(400, True)]["status"] == "pending"
    assert d.payload["unit_ids"] == [300, 100, 400] and d.updates["level"] == "district"
    view = apply(view, d)
    assert {a.unit_id: a.role for a in view.active()} == {100: "co", 300: "lead", 400: "co"}
