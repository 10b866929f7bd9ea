"""Periodic jobs: deadlines (overdue / near), the office's overdue list, retention scrub."""
import io
from datetime import timedelta

import pytest
from opinion_helpers import jpeg

from liaison.core import clock
from liaison.core.db import db
from liaison.core.storage import get_storage
from liaison.opinions import deadlines
from liaison.opinions.jobs import scan_deadlines, scrub_expired
from liaison.opinions.models import Opinion, OpinionEvent, Upload
from liaison.users.models import User


@pytest.fixture
def assigned(submit, act, world):
    op_id = submit(contact_phone="13800001234").get_json()["opinion"]["id"]
    act("demo-liaison", op_id, "accept")
    assert act("demo-liaison", op_id, "assign", unit_ids=[world["unit_id"]],
               level="town").status_code == 200
    return op_id


def _set_deadline(app, op_id, deadline):
    with app.app_context():
        db.session.get(Opinion, op_id).deadline = deadline
        db.session.commit()


def _events(app, op_id, action):
    with app.app_context():
        return [(e.actor_role, e.public, e.dedupe_key) for e in db.session.query(OpinionEvent)
                .filter_by(opinion_id=op_id, action=action)]


def _told(app, op_id, event):
    """openids that got an in-app message about ``event`` (the notifications outbox)."""
    pytest.importorskip("liaison.notifications.outbox")
    from liaison.notifications.models import Message

    with app.app_context():
        return sorted(db.session.scalar(db.select(User.mp_openid).where(User.id == m.user_id))
                      for m in db.session.query(Message).filter_by(opinion_id=op_id, event=event))


def test_overdue_opinions_get_one_system_event_per_day_and_notify(app, assigned):
    today = clock.today()
    _set_deadline(app, assigned, today - timedelta(days=7))
    with app.app_context():
        assert scan_deadlines(today=today)["overdue"] == 1
        assert scan_deadlines(today=today)["overdue"] == 0  # same day: nothing new
    assert _events(app, assigned, "overdue") == [("system", False, f"overdue:{today.isoformat()}")]
    assert _told(app, assigned, "overdue") == ["demo-liaison", "demo-master", "demo-office", "demo-unit"]
    with app.app_context():
        assert scan_deadlines(today=today + timedelta(days=1))["overdue"] == 1
    assert len(_events(app, assigned, "overdue")) == 2


def test_near_deadline_tells_the_unit(app, assigned):
    today = clock.today()
    _set_deadline(app, assigned, deadlines.add_working_days(today, 2))
    with app.app_context():
        assert scan_deadlines(today=today) == {"overdue": 0, "near_deadline": 1}
    assert _told(app, assigned, "near_deadline") == ["demo-unit"]
    _set_deadline(app, assigned, deadlines.add_working_days(today, 10))
    with app.app_context():
        assert scan_deadlines(today=today + timedelta(days=1))["near_deadline"] == 0


def test_office_lists_overdue_opinions_of_its_region(app, client, who, assigned, submit):
    fresh = submit().get_json()["opinion"]["id"]
    _set_deadline(app, assigned, clock.today() - timedelta(days=3))
    body = client.get("/api/v1/opinions?overdue=1", headers=who("demo-office")).get_json()
    assert [o["id"] for o in body["items"]] == [assigned] and body["items"][0]["overdue"] is True
    everything = client.get("/api/v1/opinions", headers=who("demo-office")).get_json()
    assert {o["id"] for o in everything["items"]} == {assigned, fresh}
    assert client.get("/api/v1/opinions?overdue=1", headers=who("other-office")).get_json()["items"] == []


def test_list_filters(client, who, submit, act):
    a = submit(category="traffic", text="公交车站牌被撞坏了需要更换").get_json()["opinion"]["id"]
    b = submit(category="housing", text="物业费收费不透明").get_json()["opinion"]["id"]
    act("demo-liaison", b, "accept")
    heads = who("demo-liaison")

    def ids(query):
        return [o["id"] for o in client.get(f"/api/v1/opinions?{query}", headers=heads).get_json()["items"]]

    assert ids("") == [b, a]
    assert ids("category=traffic") == [a] and ids("state=accepted") == [b]
    assert ids("state_group=open") == [b, a] and ids("state_group=closed") == []
    assert ids("q=物业") == [b] and ids("q=%25") == []
    assert ids("per_page=1&page=2") == [a]
    r = client.get("/api/v1/opinions?state=nonsense", headers=heads)
    assert r.status_code == 422


def test_closed_cases_are_scrubbed_after_the_retention_period(app, client, who, submit, act):
    photo = client.post("/api/v1/uploads", headers=who("demo-resident"),
                        data={"file": (io.BytesIO(jpeg()), "p.jpg")},
                        content_type="multipart/form-data").get_json()["id"]
    old = submit(contact_phone="13800001234", photo_ids=[photo]).get_json()["opinion"]["id"]
    recent = submit(contact_phone="13800005678").get_json()["opinion"]["id"]
    for op_id in (old, recent):
        act("demo-liaison", op_id, "accept", public_note="已受理，会联系张阿姨上门查看。")
        act("demo-liaison", op_id, "reply_directly", text="已协调物业修复，电话联系了张阿姨。")
        act("demo-resident", op_id, "rate", rating="satisfied", comment="很满意，谢谢")
        act("demo-liaison", op_id, "close")
    with app.app_context():
        app.config["RETENTION_DAYS"] = 365
        db.session.get(Opinion, old).closed_at = clock.now() - timedelta(days=400)
        db.session.commit()
        key = db.session.get(Upload, photo).storage_key
        assert get_storage().exists(key)
        assert scrub_expired() == 1 and scrub_expired() == 0
        o = db.session.get(Opinion, old)
        assert o.contact_phone == "" and o.submitter_id is None and o.scrubbed_at is not None
        assert "张阿姨" not in o.text + o.original_text + o.reply_text + o.rating_comment
        assert all("张阿姨" not in str(e.payload) + e.public_note for e in o.events)
        assert (o.state, o.category, o.rating, o.close_reason) == ("closed", "housing", "satisfied", "satisfied")
        assert o.photos == [] and not get_storage().exists(key)
        kept = db.session.get(Opinion, recent)
        assert kept.contact_phone == "13800005678" and kept.scrubbed_at is None
    staff = client.get(f"/api/v1/opinions/{old}", headers=who("demo-liaison")).get_json()["opinion"]
    assert staff["scrubbed"] is True and staff["contact_phone"] is None and staff["photos"] == []
    assert client.get(f"/uploads/{photo}", headers=who("demo-liaison")).status_code == 404


def test_cli_runs_the_jobs_and_manages_blocks(app, runner, assigned):
    _set_deadline(app, assigned, clock.today() - timedelta(days=2))
    assert "超期 1 件" in runner.invoke(args=["opinions", "scan-deadlines"]).output
    assert "已清除 0 件" in runner.invoke(args=["opinions", "scrub-expired"]).output
    assert "文字复检" in runner.invoke(args=["opinions", "check-content"]).output
    out = runner.invoke(args=["opinions", "block", "phone", "+86 139 0000 1111", "冒用号码"]).output
    assert "13900001111" in out
    assert "已解除" in runner.invoke(args=["opinions", "unblock", "phone", "13900001111"]).output
