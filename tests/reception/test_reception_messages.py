"""Reception messages go through the notifications outbox like every other message."""
from __future__ import annotations

from datetime import timedelta

import requests

APPOINTMENT = "tmpl-resident-appointment"  # the booking's subscribe template (notifications.catalog)
SEND = "/cgi-bin/message/subscribe/send"
PLAN = {"monthly_days": [15], "weekdays": [], "market_days": [], "start": "09:00", "end": "11:30",
        "capacity": 2, "per_day": 1}


def _booked_day(client, stations, login, resident):
    staff = login("liaison-s")
    body = {**PLAN, "rota": [stations.deputies["王一"]]}
    assert client.put(f"/api/v1/stations/{stations.s}/reception-plan", json=body, headers=staff).status_code == 200
    client.post(f"/api/v1/stations/{stations.s}/reception-days/generate", json={"year": 2027}, headers=staff)
    r = client.post("/api/v1/appointments", json={"station_id": stations.s, "date": "2027-05-15"}, headers=resident)
    assert r.status_code == 201, r.get_json()
    day = client.get(f"/api/v1/stations/{stations.s}/reception-days?from=2027-05-15&to=2027-05-15").get_json()
    return staff, day["items"][0]["id"]


def _outbox(app):
    from liaison.core.db import db
    from liaison.notifications.models import Message, Notification
    from liaison.users.models import User

    with app.app_context():
        def openid(user_id):
            return db.session.get(User, user_id).mp_openid

        messages = [(openid(m.user_id), m.event, m.title, m.body) for m in db.session.query(Message).order_by(Message.id)]
        rows = [(openid(n.user_id), n.event, n.template_id, n.status) for n in db.session.query(Notification).order_by(Notification.id)]
        db.session.rollback()
    return messages, rows


def test_a_cancelled_reception_day_reaches_the_booked_resident_through_the_outbox_and_wechat(
        app, client, stations, login, phone, fake_wechat):
    resident = login("resident-cancel")
    staff, day_id = _booked_day(client, stations, login, resident)
    phone.subscribe("resident-cancel", APPOINTMENT)  # the tap when booking: WeChat knows
    r = client.post("/api/v1/notifications/consents", headers=resident, json={"results": {APPOINTMENT: "accept"}})
    assert r.status_code == 200, r.get_json()

    r = client.patch(f"/api/v1/reception-days/{day_id}", json={"status": "cancelled", "note": "改期至16日"},
                     headers=staff)
    assert r.status_code == 200, r.get_json()
    messages, rows = _outbox(app)
    assert messages == [("resident-cancel", "appointment_cancelled", "接待日取消通知",
                         "接待区一街道人大代表联络站5月15日的接待已取消，您的预约随之取消。改期至16日"),
                        ("deputy-w1", "reception_cancelled", "接待日取消通知",  # on the day's rota
                         "接待区一街道人大代表联络站5月15日的接待已取消，您这天不用到站值班。改期至16日")]
    assert rows == [("resident-cancel", "appointment_cancelled", APPOINTMENT, "pending"),
                    ("deputy-w1", "reception_cancelled", "tmpl-oa-reception", "pending")]

    from liaison.core.db import db
    from liaison.notifications.jobs import deliver_pending
    from liaison.notifications.models import Notification

    with app.app_context():  # the sweep, a minute after the row was written
        deliver_pending(now=db.session.query(Notification).first().created_at + timedelta(minutes=1))
    assert _outbox(app)[1][0] == ("resident-cancel", "appointment_cancelled", APPOINTMENT, "sent")
    got = requests.get(f"{fake_wechat}/_fake/messages", params={"path": SEND}, timeout=5).json()["messages"]
    mine = [m for m in got if m.get("touser") == "resident-cancel"]
    assert [m["template_id"] for m in mine] == [APPOINTMENT]
    assert mine[0]["data"]["thing1"]["value"].startswith("接待区一街道")
    assert mine[0]["page"] == "pages/appointments/appointments"  # the message opens 我的预约


def test_the_cancellation_is_in_the_residents_message_list(client, stations, login):
    resident = login("resident-list")
    staff, day_id = _booked_day(client, stations, login, resident)
    client.patch(f"/api/v1/reception-days/{day_id}", json={"status": "cancelled"}, headers=staff)
    items = client.get("/api/v1/messages", headers=resident).get_json()["items"]
    assert [(m["title"], m["body"]) for m in items] == [
        ("接待日取消通知", "接待区一街道人大代表联络站5月15日的接待已取消，您的预约随之取消。")]
