"""Transitions over HTTP: the workflow's decisions applied to the database in one commit."""
from opinion_helpers import parallel
from sqlalchemy import text

from liaison.core.db import db
from liaison.opinions import deadlines
from liaison.opinions.models import Assignment, Opinion, OpinionEvent, Suggestion
from liaison.core import clock


def _accepted(submit, act, **fields):
    op = submit(**fields).get_json()["opinion"]
    assert act("demo-liaison", op["id"], "accept").status_code == 200
    return op["id"]


def test_accept_and_assign_set_state_deadline_and_assignments(app, submit, act, world):
    op_id = _accepted(submit, act)
    r = act("demo-liaison", op_id, "assign", unit_ids=[world["unit_id"], world["unit2_id"]],
            level="district", note="请住建局牵头，城管局配合")
    assert r.status_code == 200, r.get_json()
    op = r.get_json()["opinion"]
    expected = deadlines.default_deadline("district", clock.today())
    assert (op["state"], op["deadline"], op["level"]) == ("assigned", expected.isoformat(), "district")
    assert [(a["unit"]["id"], a["role"], a["status"]) for a in op["assignments"]] == [
        (world["unit_id"], "lead", "pending"), (world["unit2_id"], "co", "pending")]
    last = op["events"][-1]
    assert (last["action"], last["from_state"], last["to_state"], last["actor_role"], last["note"]) == (
        "assign", "accepted", "assigned", "liaison", "请住建局牵头，城管局配合")
    with app.app_context():
        event = db.session.query(OpinionEvent).filter_by(opinion_id=op_id, action="assign").one()
        assert event.actor_id is not None and event.payload["unit_ids"] == [world["unit_id"], world["unit2_id"]]


def test_refusals_are_403_409_422_in_the_error_shape(submit, act, world):
    op = submit().get_json()["opinion"]
    r = act("demo-resident", op["id"], "accept")
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    r = act("demo-liaison", op["id"], "release_reply")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "invalid_transition"
    act("demo-liaison", op["id"], "accept")
    r = act("demo-liaison", op["id"], "assign", level="district")
    assert r.status_code == 422 and "unit_ids" in r.get_json()["error"]["details"]["fields"]
    r = act("demo-liaison", op["id"], "assign", unit_ids=[99999], level="district")
    assert r.status_code == 422 and "unit_ids" in r.get_json()["error"]["details"]["fields"]
    r = act("demo-liaison", op["id"], "fly_to_the_moon")
    assert r.status_code == 422 and "action" in r.get_json()["error"]["details"]["fields"]


def test_a_stale_version_is_409_conflict(submit, act):
    op = submit().get_json()["opinion"]
    act("demo-liaison", op["id"], "note", note="先记一笔")
    r = act("demo-master", op["id"], "accept", version=op["version"])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "conflict"


def test_concurrent_write_to_the_same_opinion_loses_with_409(app, submit, world):
    """The optimistic lock: the row changed after we read it, so our UPDATE matches nothing."""
    from liaison.core.transaction import Conflict
    from liaison.opinions import operations
    from liaison.opinions.access import get_visible, viewer_for
    from liaison.users.models import User

    op_id = submit().get_json()["opinion"]["id"]
    with app.app_context():
        viewer = viewer_for(db.session.query(User).filter_by(mp_openid="demo-liaison").one())
        loaded = get_visible(viewer, op_id)  # held in this session's identity map
        assert loaded.version == 1
        with db.engine.begin() as other:  # another process accepts it meanwhile
            other.execute(text("UPDATE opinions SET version = version + 1 WHERE id = :id"), {"id": op_id})
        try:
            operations.transition(viewer, op_id, "accept", {})
            raise AssertionError("expected a conflict")
        except Conflict as exc:
            assert (exc.status, exc.code) == (409, "conflict")
        db.session.rollback()
        assert db.session.get(Opinion, op_id).state == "submitted"
        assert db.session.query(OpinionEvent).filter_by(opinion_id=op_id).count() == 1


def test_racing_staff_cannot_both_accept(app, submit, who):
    op_id = submit().get_json()["opinion"]["id"]
    heads = [who("demo-liaison"), who("demo-master"), who("demo-office")]

    def accept(i):
        return app.test_client().post(f"/api/v1/opinions/{op_id}/transitions",
                                      json={"action": "accept"}, headers=heads[i])

    codes = sorted(r.status_code for r in parallel(3, accept))
    assert codes == [200, 409, 409]
    with app.app_context():
        assert db.session.query(OpinionEvent).filter_by(opinion_id=op_id, action="accept").count() == 1


def test_staff_edit_keeps_the_residents_original_words(client, submit, act, who):
    op = submit().get_json()["opinion"]
    r = act("demo-liaison", op["id"], "edit", text="北门路灯损坏（已核实），请尽快修复。",
            category="urban", reason="去掉个人信息")
    assert r.status_code == 200, r.get_json()
    staff = r.get_json()["opinion"]
    assert staff["text"] == "北门路灯损坏（已核实），请尽快修复。" and staff["category"] == "urban"
    assert staff["original_text"] == op["text"]
    assert staff["events"][-1]["action"] == "edit" and "edit" in staff["allowed_actions"]
    mine = client.get(f"/api/v1/opinions/{op['id']}", headers=who("demo-resident")).get_json()["opinion"]
    assert mine["text"] == op["text"]  # the resident keeps seeing what they wrote
    assert [e["action"] for e in mine["events"]] == ["submit"]  # the edit is internal
    assert act("demo-resident", op["id"], "edit", text="我自己改一改不行吗？").status_code == 403
    assert act("demo-deputy", op["id"], "edit", text="代表也不能改群众的原话").status_code == 403


def test_opinions_cannot_be_deleted(client, submit, who):
    op_id = submit().get_json()["opinion"]["id"]
    r = client.delete(f"/api/v1/opinions/{op_id}", headers=who("demo-master"))
    assert r.status_code == 405
    assert client.get(f"/api/v1/opinions/{op_id}", headers=who("demo-master")).status_code == 200


def test_rounds_extensions_and_reopening_apply_to_the_right_assignment(app, submit, act, world):
    op_id = _accepted(submit, act)
    unit = world["unit_id"]
    act("demo-liaison", op_id, "assign", unit_ids=[unit], level="town")
    assert act("demo-unit", op_id, "unit_accept").status_code == 200
    later = deadlines.add_working_days(clock.today(), 40).isoformat()
    assert act("demo-unit", op_id, "request_extension", deadline=later, reason="需协调多个部门").status_code == 200
    r = act("demo-liaison", op_id, "approve_extension")
    assert r.status_code == 200 and r.get_json()["opinion"]["deadline"] == later
    assert act("demo-unit", op_id, "draft_reply", text="已更换路灯灯头，恢复照明。").status_code == 200
    r = act("demo-liaison", op_id, "release_reply")
    assert r.get_json()["opinion"]["reply"]["text"] == "已更换路灯灯头，恢复照明。"
    assert r.get_json()["opinion"]["reply"]["unit"]["id"] == unit
    r = act("demo-resident", op_id, "rate", rating="unsatisfied", comment="只修了一个，另一个还是坏的")
    assert r.get_json()["opinion"]["state"] == "reviewing"
    assert act("demo-liaison", op_id, "reopen", reason="仍有一盏未修复").status_code == 200
    r = act("demo-liaison", op_id, "assign", unit_ids=[unit], level="town")
    assert r.status_code == 200, r.get_json()
    with app.app_context():
        rows = db.session.query(Assignment).filter_by(opinion_id=op_id).order_by(Assignment.id).all()
        assert [(a.round, a.status) for a in rows] == [(0, "answered"), (1, "pending")]
        assert rows[0].answered_at is not None and rows[0].reply_draft
        opinion = db.session.get(Opinion, op_id)
        assert (opinion.rounds, opinion.rating) == (1, None)


def test_deputy_turns_an_opinion_into_a_suggestion(app, submit, act, world):
    op_id = _accepted(submit, act, deputy_id=world["deputy_id"])
    r = act("demo-deputy", op_id, "to_suggestion", title="关于完善老旧小区照明设施的建议")
    assert r.status_code == 200, r.get_json()
    assert "to_suggestion" not in r.get_json()["opinion"]["allowed_actions"]
    with app.app_context():
        s = db.session.query(Suggestion).one()
        assert (s.opinion_id, s.deputy_id) == (op_id, world["deputy_id"])


def test_duplicate_must_point_to_an_opinion_of_the_same_station(submit, act, world):
    first = submit().get_json()["opinion"]["id"]
    second = submit().get_json()["opinion"]["id"]
    elsewhere = submit(station_id=world["other_station_id"]).get_json()["opinion"]["id"]
    r = act("demo-liaison", second, "mark_duplicate", duplicate_of=elsewhere)
    assert r.status_code == 422
    r = act("demo-liaison", second, "mark_duplicate", duplicate_of=first)
    assert r.status_code == 200 and r.get_json()["opinion"]["state"] == "closed"
    assert r.get_json()["opinion"]["state_group"] == "closed"



# -- 说明（群众可见） apart from 内部备注（仅工作人员） ----------------------------------

INTERNAL = {"accept": "内部：居民脾气急，注意沟通方式", "assign": "内部：请住建局王科长牵头",
            "urge": "内部：已电话催办王科长", "approve_extension": "内部：分管领导口头同意",
            "reopen": "内部：复核发现未到现场查看"}
PUBLIC = {"accept": "已受理，三个工作日内交办。", "assign": "已交岳麓区住建局办理，请耐心等待。"}


def _handled_with_notes(submit, act, world):
    """Accepted, assigned, urged, extended, answered, rated 不满意 and reopened, with an
    internal note on every staff step and a public note on 受理 and 交办."""
    op_id = submit().get_json()["opinion"]["id"]
    later = deadlines.add_working_days(clock.today(), 40).isoformat()
    for openid, action, fields in (
            ("demo-liaison", "accept", {"note": INTERNAL["accept"], "public_note": PUBLIC["accept"]}),
            ("demo-liaison", "assign", {"unit_ids": [world["unit_id"]], "level": "district",
                                        "note": INTERNAL["assign"], "public_note": PUBLIC["assign"]}),
            ("demo-liaison", "urge", {"method": "phone", "note": INTERNAL["urge"]}),
            ("demo-unit", "request_extension", {"deadline": later, "reason": "需协调供电公司"}),
            ("demo-liaison", "approve_extension", {"note": INTERNAL["approve_extension"]}),
            ("demo-liaison", "reply_directly", {"text": "路灯已修复。", "method": "phone"}),
            ("demo-resident", "rate", {"rating": "unsatisfied", "comment": "北门那盏还是不亮"}),
            ("demo-liaison", "reopen", {"reason": INTERNAL["reopen"]})):
        r = act(openid, op_id, action, **fields)
        assert r.status_code == 200, (action, r.get_json())
    return op_id


def test_the_resident_reads_the_public_notes_and_none_of_the_internal_ones(client, who, submit, act, world):
    op_id = _handled_with_notes(submit, act, world)
    r = client.get(f"/api/v1/opinions/{op_id}", headers=who("demo-resident"))
    events = {e["action"]: e for e in r.get_json()["opinion"]["events"]}
    assert (events["accept"]["public_note"], events["assign"]["public_note"]) == (PUBLIC["accept"], PUBLIC["assign"])
    assert {events[a]["note"] for a in ("accept", "assign", "urge", "approve_extension", "reopen")} == {None}
    body = r.get_data(as_text=True)
    for secret in INTERNAL.values():
        assert secret not in body
    messages = client.get("/api/v1/messages?per_page=50", headers=who("demo-resident")).get_data(as_text=True)
    assert "说明：" + PUBLIC["assign"] in messages and "说明：" + PUBLIC["accept"] in messages
    for secret in INTERNAL.values():
        assert secret not in messages


def test_staff_read_both_notes_and_the_unit_reads_the_assign_instruction(client, who, submit, act, world):
    op_id = _handled_with_notes(submit, act, world)
    staff = {e["action"]: e for e in client.get(f"/api/v1/opinions/{op_id}", headers=who("demo-master"))
             .get_json()["opinion"]["events"]}
    assert (staff["assign"]["note"], staff["assign"]["public_note"]) == (INTERNAL["assign"], PUBLIC["assign"])
    assert staff["approve_extension"]["note"] == INTERNAL["approve_extension"]
    unit = client.get(f"/api/v1/opinions/{op_id}", headers=who("demo-unit"))
    events = {e["action"]: e for e in unit.get_json()["opinion"]["events"]}
    assert (events["assign"]["note"], events["assign"]["public_note"]) == (INTERNAL["assign"], PUBLIC["assign"])
    for secret in (INTERNAL["accept"], INTERNAL["urge"], INTERNAL["approve_extension"], INTERNAL["reopen"]):
        assert secret not in unit.get_data(as_text=True)


def test_the_public_note_is_stored_on_the_event_not_in_its_payload(app, submit, act):
    op_id = submit().get_json()["opinion"]["id"]
    assert act("demo-liaison", op_id, "accept", note="内部", public_note="  已受理。 ").status_code == 200
    with app.app_context():
        event = db.session.query(OpinionEvent).filter_by(opinion_id=op_id, action="accept").one()
        assert (event.public_note, event.payload) == ("已受理。", {"note": "内部"})


def test_a_public_note_on_an_action_that_cannot_carry_one_is_refused(submit, act):
    op_id = submit().get_json()["opinion"]["id"]
    for action, fields in (("note", {"note": "已电话核实"}),
                           ("decline", {"reason": "不属于本站职责", "channel": "hotline_12345"})):
        r = act("demo-liaison", op_id, action, public_note="群众请看这里", **fields)
        assert r.status_code == 422, action
        assert list(r.get_json()["error"]["details"]["fields"]) == ["public_note"]
    r = act("demo-liaison", op_id, "accept", public_note="x" * 1001)
    assert r.status_code == 422 and "说明不能超过1000个字" in r.get_json()["error"]["message"]
