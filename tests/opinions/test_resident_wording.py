"""What the resident reads: a decline said once, and a new deadline named when it moves."""
from __future__ import annotations

from datetime import date, timedelta


def _inbox(client, who, openid="demo-resident") -> list[dict]:
    return client.get("/api/v1/messages?per_page=50", headers=who(openid)).get_json()["items"]


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_the_decline_message_says_not_accepted_once_with_the_reason_and_the_channel(client, submit, act, who):
    op = submit().get_json()["opinion"]
    r = act("demo-liaison", op["id"], "decline", reason="个人劳动争议不属于联络站受理范围",
            channel="arbitration", guidance="可向区劳动人事争议仲裁委员会申请仲裁。")
    assert r.status_code == 200, r.get_json()
    message = next(m for m in _inbox(client, who) if m["event"] == "declined")
    assert message["title"] == "意见不予受理"
    assert message["body"].count("不予受理") == 1 and message["body"].count("经研究") == 1
    assert op["number"] in message["body"] and "个人劳动争议" in message["body"] and "仲裁" in message["body"]


def test_an_approved_extension_and_a_moved_deadline_tell_the_resident_the_new_date(client, submit, act, who, world):
    op = submit().get_json()["opinion"]
    act("demo-liaison", op["id"], "accept")
    assigned = act("demo-liaison", op["id"], "assign", unit_ids=[world["unit_id"]], level="town").get_json()
    first = date.fromisoformat(assigned["opinion"]["deadline"])
    act("demo-unit", op["id"], "unit_accept")
    asked = first + timedelta(days=20)
    assert act("demo-unit", op["id"], "request_extension", deadline=asked.isoformat(),
               reason="需协调供电公司").status_code == 200
    assert act("demo-liaison", op["id"], "approve_extension").status_code == 200
    moved = asked + timedelta(days=10)
    assert act("demo-liaison", op["id"], "extend_deadline", deadline=moved.isoformat(),
               reason="汛期暂停施工").status_code == 200

    told = [m["body"] for m in _inbox(client, who) if m["event"] == "deadline_extended"]
    assert len(told) == 2
    for day in (asked, moved):
        assert sum(f"办理期限已延长至{_cn(day)}" in body for body in told) == 1
    seen = client.get(f"/api/v1/opinions/{op['id']}", headers=who("demo-resident")).get_json()["opinion"]
    steps = [(e["action"], e["deadline"], e["note"]) for e in seen["events"]
             if e["action"] in ("approve_extension", "extend_deadline")]
    assert steps == [("approve_extension", asked.isoformat(), None),
                     ("extend_deadline", moved.isoformat(), None)]  # the reason typed stays internal
    assert seen["deadline"] == moved.isoformat()
    page = client.get(f"/h5/opinions/{op['id']}", headers=who("demo-resident")).get_data(as_text=True)
    assert f"办理期限延长至{_cn(asked)}" in page and f"办理期限延长至{_cn(moved)}" in page
