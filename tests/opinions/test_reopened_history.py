"""A reopened case keeps its history: the resident still reads the first reply, a co-unit
that never replied is not shown 已答复, and each round's units say which round they were."""
from __future__ import annotations

import re

FIRST, SECOND = "第一次答复：已更换北门一盏路灯的灯头。", "第二次答复：两盏路灯都已修复，并加装了感应灯。"


def _co_unit(app, world) -> int:
    from liaison.core.db import db
    from liaison.places.models import HandlingUnit

    with app.app_context():
        return db.session.query(HandlingUnit).filter(HandlingUnit.id != world["unit_id"]).first().id


def _reopened_and_answered_again(submit, act, world, co_unit) -> int:
    """Answered with a co-unit, rated unsatisfied, reopened, answered again by the lead alone."""
    op_id = submit().get_json()["opinion"]["id"]
    steps = [("demo-liaison", "accept", {}),
             ("demo-liaison", "assign", {"unit_ids": [world["unit_id"], co_unit], "level": "town"}),
             ("demo-unit", "unit_accept", {}), ("demo-unit", "draft_reply", {"text": FIRST}),
             ("demo-liaison", "release_reply", {}),
             ("demo-resident", "rate", {"rating": "unsatisfied", "comment": "另一盏还是坏的"}),
             ("demo-liaison", "reopen", {"reason": "仍有一盏未修复"}),
             ("demo-liaison", "assign", {"unit_ids": [world["unit_id"]], "level": "town"}),
             ("demo-unit", "unit_accept", {}), ("demo-unit", "draft_reply", {"text": SECOND}),
             ("demo-liaison", "release_reply", {})]
    for openid, action, fields in steps:
        r = act(openid, op_id, action, **fields)
        assert r.status_code == 200, (action, r.get_json())
    return op_id


def test_the_resident_still_reads_the_first_reply_after_the_case_is_handled_again(
        app, client, submit, act, who, world):
    op_id = _reopened_and_answered_again(submit, act, world, _co_unit(app, world))
    mine = client.get(f"/api/v1/opinions/{op_id}", headers=who("demo-resident")).get_json()["opinion"]
    assert mine["reply"]["text"] == SECOND
    assert [e["reply"] for e in mine["events"] if e["action"] == "release_reply"] == [FIRST, SECOND]
    page = client.get(f"/h5/opinions/{op_id}", headers=who("demo-resident")).get_data(as_text=True)
    assert f"此前的答复：{FIRST}" in page
    assert page.count(SECOND) == 1  # the current reply is shown once, in its own card


def test_a_co_unit_that_never_replied_is_not_shown_answered_and_each_round_says_which(
        app, client, submit, act, who, world):
    co_unit = _co_unit(app, world)
    op_id = _reopened_and_answered_again(submit, act, world, co_unit)
    staff = client.get(f"/api/v1/opinions/{op_id}", headers=who("demo-master")).get_json()["opinion"]
    rows = [(a["unit"]["id"], a["role"], a["round"], a["status"], a["status_label"]) for a in staff["assignments"]]
    assert rows == [(world["unit_id"], "lead", 0, "answered", "已答复"),
                    (co_unit, "co", 0, "ended", "未单独答复，已结束"),
                    (world["unit_id"], "lead", 1, "answered", "已答复")]
    assert staff["reply"]["unit"]["id"] == world["unit_id"]
    page = client.get(f"/admin/opinions/{op_id}", headers=who("demo-master")).get_data(as_text=True)
    heads = [re.sub(r"<[^>]+>", "", h) for h in
             re.findall(r'data-testid="assignment-row"><div class="weui-cell__hd">(.*?)</div>', page)]
    assert heads == ["主办单位（第1轮）", "协办单位（第1轮）", "主办单位（第2轮，重办）"]


def test_a_reply_staff_write_themselves_leaves_no_unit_shown_answered(app, client, submit, act, who, world):
    op_id = submit().get_json()["opinion"]["id"]
    act("demo-liaison", op_id, "accept")
    act("demo-liaison", op_id, "assign", unit_ids=[world["unit_id"]], level="town")
    r = act("demo-liaison", op_id, "reply_directly", text="经联络站核实，路灯已由物业修复。")
    assert r.status_code == 200, r.get_json()
    staff = client.get(f"/api/v1/opinions/{op_id}", headers=who("demo-master")).get_json()["opinion"]
    assert [a["status"] for a in staff["assignments"]] == ["ended"]
    assert staff["reply"]["unit"] is None
