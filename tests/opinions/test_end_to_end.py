"""The whole loop over HTTP, every person logged in through the fake WeChat server:
the resident submits (点将), staff accept and assign, the handling unit answers, the
deputy urges, staff release the reply, the resident rates, staff close. Notifications
go through the outbox and the real delivery worker to the strict fake WeChat, and the
exact sequence of messages WeChat received is asserted: each opens a page that exists,
and none was refused (41030 page, 20002 mixed tap) or left without consent."""
import io

import pytest
import requests
from opinion_helpers import jpeg
from wechat_checks import pages_not_found, tap_through


def _deliver(app):
    from liaison.notifications.jobs import deliver_pending

    with app.app_context():
        return deliver_pending()


def _outbox(app) -> list[tuple[str, str, str]]:
    from liaison.core.db import db
    from liaison.notifications.models import Notification

    with app.app_context():
        out = [(n.audience, n.status, n.last_error) for n in db.session.query(Notification)]
        db.session.rollback()
        return out


def test_the_whole_loop_and_the_messages_wechat_received(app, client, who, phone, fake_wechat, world):
    pytest.importorskip("liaison.notifications.jobs")
    from liaison.users.demo import fake_wechat_setup

    for user in fake_wechat_setup()[1]:  # staff, office and unit follow the official account
        requests.post(f"{fake_wechat}/_fake/users", json=user, timeout=5).raise_for_status()
    # The submit tap (moment progress); deputies subscribe to nothing: the official account.
    assert tap_through(client, phone, who, "demo-resident", "progress") == [
        ["tmpl-resident-reply", "tmpl-resident-accept", "tmpl-resident-progress"]]
    assert client.get("/api/v1/notifications/templates?audience=deputy").get_json()["request_groups"] == []

    def act(openid, action, **fields):
        r = client.post(f"/api/v1/opinions/{op_id}/transitions", headers=who(openid),
                        json={"action": action, **fields})
        assert r.status_code == 200, (openid, action, r.get_json())
        _deliver(app)
        return r.get_json()["opinion"]

    # 收集: the resident uploads a photo and summons deputy 王明.
    photo = client.post("/api/v1/uploads", headers=who("demo-resident"),
                        data={"file": (io.BytesIO(jpeg()), "lamp.jpg")},
                        content_type="multipart/form-data").get_json()["id"]
    r = client.post("/api/v1/opinions", headers={**who("demo-resident"), "Idempotency-Key": "e2e-1"},
                    json={"station_id": world["station_id"], "deputy_id": world["deputy_id"],
                          "category": "urban", "photo_ids": [photo], "contact_phone": "13800001234",
                          "text": "望月湖小区北门两盏路灯坏了两周，晚上老人出行容易摔倒，请尽快修复。"})
    assert r.status_code == 201, r.get_json()
    op_id = r.get_json()["opinion"]["id"]
    _deliver(app)
    # The deputy finds it in their queue.
    queue = client.get("/api/v1/opinions?state_group=open", headers=who("demo-deputy")).get_json()
    assert [o["id"] for o in queue["items"]] == [op_id]

    act("demo-liaison", "accept")                                            # 受理
    tap_through(client, phone, who, "demo-resident", "progress")  # 订阅办理进度 on the opinion page
    act("demo-liaison", "assign", unit_ids=[world["unit_id"]], level="district")  # 交办
    unit_view = client.get("/api/v1/opinions", headers=who("demo-unit")).get_json()
    assert [o["id"] for o in unit_view["items"]] == [op_id]
    act("demo-unit", "unit_accept")                                          # 签收
    act("demo-deputy", "urge", method="phone", note="请加快进度")                 # 督办
    act("demo-unit", "draft_reply", text="已更换北门两盏路灯的灯头，恢复夜间照明。")   # 答复（报联络站）
    act("demo-liaison", "release_reply")                                     # 反馈群众
    tap_through(client, phone, who, "demo-resident", "rated")  # the rating tap asks first
    mine = act("demo-resident", "rate", rating="satisfied", comment="修得很快，谢谢")  # 评价
    assert mine["state"] == "rated"
    closed = act("demo-liaison", "close")                                    # 办结
    assert (closed["state"], closed["state_group"], closed["close_reason"]) == ("closed", "resolved", "satisfied")

    resident = client.get(f"/api/v1/opinions/{op_id}", headers=who("demo-resident")).get_json()["opinion"]
    assert [e["action"] for e in resident["events"]] == [
        "submit", "accept", "assign", "urge", "release_reply", "rate", "close"]
    assert resident["reply"]["text"] == "已更换北门两盏路灯的灯头，恢复夜间照明。"
    assert resident["reply"]["unit"]["name"] == "岳麓区住房和城乡建设局"
    assert resident["rating"]["rating"] == "satisfied" and resident["contact_phone"] == "138****1234"

    messages = phone.messages()
    sent = [(m["touser"], m["template_id"]) for m in messages]
    # Each person's messages in the order of the steps (a worker sends to several people
    # side by side, so only the order per person is fixed)
    assert _per_person(sent) == _per_person([
        # submitted: staff get a to-do, the summoned deputy is told (official account)
        ("oa-demo-liaison", "tmpl-oa-todo"), ("oa-demo-master", "tmpl-oa-todo"),
        ("oa-demo-deputy", "tmpl-oa-deputy-summon"),
        # accepted: the resident (one-time grant from the submit tap) and the deputy
        ("demo-resident", "tmpl-resident-accept"), ("oa-demo-deputy", "tmpl-oa-progress"),
        # assigned: the unit, the resident, the deputy
        ("oa-demo-unit", "tmpl-oa-todo"), ("demo-resident", "tmpl-resident-progress"),
        ("oa-demo-deputy", "tmpl-oa-progress"),
        # urged by the deputy: the unit
        ("oa-demo-unit", "tmpl-oa-todo"),
        # the unit's draft: staff
        ("oa-demo-liaison", "tmpl-oa-todo"), ("oa-demo-master", "tmpl-oa-todo"),
        # the reply released: resident, deputy, unit
        ("demo-resident", "tmpl-resident-reply"), ("oa-demo-deputy", "tmpl-oa-progress"),
        ("oa-demo-unit", "tmpl-oa-progress"),
        # rated: staff
        ("oa-demo-liaison", "tmpl-oa-progress"), ("oa-demo-master", "tmpl-oa-progress"),
        # closed: the deputy
        ("oa-demo-deputy", "tmpl-oa-progress"),
    ])
    [summon] = [m for m in messages if m["template_id"] == "tmpl-oa-deputy-summon"]
    assert summon["url"] == f"https://liaison.example.gov.cn/admin/opinions/{op_id}"
    assert summon["data"]["thing3"]["value"].endswith("联络站")
    assert [m["page"] for m in messages if m["touser"] == "demo-resident"] == \
        [f"pages/opinion/opinion?id={op_id}"] * 3
    assert pages_not_found(app, messages) == []
    assert {status for _, status, _ in _outbox(app)} == {"sent"}  # no 41030, no no_consent
    assert all(c["errcode"] == 0 for c in requests.get(f"{fake_wechat}/_fake/calls", timeout=5).json()["calls"])
    inbox = client.get("/api/v1/messages", headers=who("demo-resident")).get_json()["items"]
    assert len(inbox) == 3 and all(m["opinion_id"] == op_id for m in inbox)


def _per_person(sent: list[tuple[str, str]]) -> dict[str, list[str]]:
    """{openid: [template ids in the order that person received them]}."""
    out: dict[str, list[str]] = {}
    for touser, template_id in sent:
        out.setdefault(touser, []).append(template_id)
    return out
