"""Reception plan, the year plan, editing days, appointments, follows and reminders."""
from __future__ import annotations

from datetime import datetime

import pytest

from liaison.core.clock import CHINA

pytestmark = pytest.mark.usefixtures("planning_2027")

PLAN = {"monthly_days": [15], "weekdays": [], "market_days": [], "start": "09:00", "end": "11:30",
        "capacity": 2, "per_day": 2}


def _plan(client, stations, staff, **extra):
    d = stations.deputies
    body = {**PLAN, "rota": [d["王一"], d["王二"], d["王三"]], **extra}
    return client.put(f"/api/v1/stations/{stations.s}/reception-plan", json=body, headers=staff)


def test_year_plan_from_a_monthly_day_with_rota_turns(client, stations, login):
    staff = login("liaison-s")
    r = _plan(client, stations, staff)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["text"] == ["每月15日 9:00-11:30"]
    r = client.post(f"/api/v1/stations/{stations.s}/reception-days/generate", json={"year": 2027}, headers=staff)
    assert r.get_json() == {"created": 12, "removed": 0, "kept": 0}
    days = client.get(f"/api/v1/stations/{stations.s}/reception-days?from=2027-01-01&to=2027-12-31").get_json()["items"]
    assert [d["date"] for d in days][:3] == ["2027-01-15", "2027-02-15", "2027-03-15"]
    names = [[x["name"] for x in d["deputies"]] for d in days[:3]]
    assert names == [["王一", "王二"], ["王三", "王一"], ["王二", "王三"]]
    assert days[0]["slots_left"] == 2 and days[0]["source"] == "plan"
    again = client.post(f"/api/v1/stations/{stations.s}/reception-days/generate", json={"year": 2027}, headers=staff)
    assert again.get_json() == {"created": 0, "removed": 0, "kept": 12}


def test_a_plan_change_regenerates_future_days_but_keeps_edited_and_booked_ones(client, stations, login):
    staff = login("liaison-s")
    _plan(client, stations, staff)
    client.post(f"/api/v1/stations/{stations.s}/reception-days/generate", json={"year": 2027}, headers=staff)
    days = client.get(f"/api/v1/stations/{stations.s}/reception-days?from=2027-01-01&to=2027-12-31").get_json()["items"]
    moved = client.patch(f"/api/v1/reception-days/{days[0]['id']}", json={"date": "2027-01-16"}, headers=staff)
    assert moved.status_code == 200 and moved.get_json()["reception_day"]["source"] == "manual"
    resident = login("resident-1")
    assert client.post("/api/v1/appointments", json={"station_id": stations.s, "date": "2027-02-15"},
                       headers=resident).status_code == 201
    _plan(client, stations, staff, monthly_days=[], weekdays=[3])  # every Wednesday instead
    r = client.post(f"/api/v1/stations/{stations.s}/reception-days/generate", json={"year": 2027, "replace": True},
                    headers=staff)
    assert r.get_json() == {"created": 52, "removed": 10, "kept": 2}


def test_plan_checks_and_staff_only(client, stations, login):
    assert _plan(client, stations, login("liaison-t")).status_code == 403
    assert _plan(client, stations, login("resident-1")).status_code == 403
    bad = client.put(f"/api/v1/stations/{stations.s}/reception-plan",
                     json={**PLAN, "rota": [stations.deputies["李四"]]}, headers=login("liaison-s"))
    assert bad.status_code == 422 and "rota" in bad.get_json()["error"]["details"]["fields"]


def test_appointments_fill_up_and_can_be_cancelled(client, stations, login):
    staff = login("liaison-s")
    _plan(client, stations, staff)
    client.post(f"/api/v1/stations/{stations.s}/reception-days/generate", json={"year": 2027}, headers=staff)
    one, two, three = login("resident-1"), login("resident-2"), login("resident-3")
    body = {"station_id": stations.s, "date": "2027-03-15", "note": "小区停车"}
    r = client.post("/api/v1/appointments", json=body, headers=one)
    assert r.status_code == 201
    appointment = r.get_json()["appointment"]
    assert (appointment["date"], appointment["state"], appointment["station"]["id"]) == ("2027-03-15", "booked", stations.s)
    assert client.post("/api/v1/appointments", json=body, headers=one).get_json()["error"]["code"] == "already_booked"
    assert client.post("/api/v1/appointments", json=body, headers=two).status_code == 201
    full = client.post("/api/v1/appointments", json=body, headers=three)
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "reception_day_full"
    assert client.post("/api/v1/appointments", json={**body, "date": "2027-03-16"},
                       headers=three).get_json()["error"]["code"] == "reception_day_not_found"
    assert client.post(f"/api/v1/appointments/{appointment['id']}/cancel", headers=one).get_json()["appointment"]["state"] == "cancelled"
    assert client.post("/api/v1/appointments", json=body, headers=three).status_code == 201
    mine = client.get("/api/v1/appointments", headers=one).get_json()["items"]
    assert [(a["date"], a["state"]) for a in mine] == [("2027-03-15", "cancelled")]
    assert client.post(f"/api/v1/appointments/{appointment['id']}/cancel", headers=two).status_code == 404


def test_cancelling_a_day_tells_those_who_booked_and_the_deputies_on_duty(app, client, stations, login):
    staff = login("liaison-s")
    _plan(client, stations, staff)
    client.post(f"/api/v1/stations/{stations.s}/reception-days/generate", json={"year": 2027}, headers=staff)
    resident = login("resident-1")
    client.post("/api/v1/appointments", json={"station_id": stations.s, "date": "2027-04-15"}, headers=resident)
    day = client.get(f"/api/v1/stations/{stations.s}/reception-days?from=2027-04-15&to=2027-04-15").get_json()["items"][0]
    r = client.patch(f"/api/v1/reception-days/{day['id']}", json={"status": "cancelled", "note": "改期至16日"}, headers=staff)
    assert r.status_code == 200
    assert client.get(f"/api/v1/stations/{stations.s}/reception-days?from=2027-04-15&to=2027-04-15").get_json()["items"] == []
    assert client.get("/api/v1/appointments", headers=resident).get_json()["items"][0]["state"] == "cancelled"
    with app.app_context():
        from liaison.notifications.models import Message, Notification
        from liaison.places.models import Deputy
        from liaison.reception.models import RotaEntry

        on_duty = {d.user_id for d in Deputy.query.join(RotaEntry, RotaEntry.deputy_id == Deputy.id)
                   .filter(RotaEntry.reception_day_id == day["id"])}
        told = {(m.user_id, m.event): m.body for m in Message.query.all()}
        channels = {(n.user_id, n.event): n.template_id for n in Notification.query.all()}
    assert on_duty and None not in on_duty  # the fixture's rota deputies have accounts
    resident_id = next(uid for uid, event in told if event == "appointment_cancelled")
    assert set(told) == {(resident_id, "appointment_cancelled")} | {(u, "reception_cancelled") for u in on_duty}
    assert told[(resident_id, "appointment_cancelled")].endswith("您的预约随之取消。改期至16日")
    for user_id in on_duty:
        assert "4月15日的接待已取消，您这天不用到站值班。改期至16日" in told[(user_id, "reception_cancelled")]
        # deputies hear it through the official account's reception template (WeChat)
        assert channels.get((user_id, "reception_cancelled")) == "tmpl-oa-reception"


def test_public_notice_of_the_next_reception(client, stations, login):
    staff = login("liaison-s")
    _plan(client, stations, staff)
    client.post(f"/api/v1/stations/{stations.s}/reception-days/generate", json={"year": 2027}, headers=staff)
    data = client.get(f"/api/v1/stations/{stations.s}/reception-days").get_json()
    assert data["notice"] == "下次接待：1月15日（周五） 9:00-11:30，值班代表：王一、王二"


def test_reminders_the_day_before_to_duty_deputies_booked_residents_and_followers(app, client, stations, login):
    from liaison.core.db import db
    from liaison.notifications.models import Message
    from liaison.reception.jobs import send_reminders
    from liaison.users.models import User

    staff = login("liaison-s")
    _plan(client, stations, staff)
    client.post(f"/api/v1/stations/{stations.s}/reception-days/generate", json={"year": 2027}, headers=staff)
    booked, follower = login("resident-1"), login("resident-2")
    client.post("/api/v1/appointments", json={"station_id": stations.s, "date": "2027-01-15"}, headers=booked)
    client.put(f"/api/v1/stations/{stations.s}/follow", headers=booked)  # booked wins over following
    assert client.put(f"/api/v1/stations/{stations.s}/follow", headers=follower).get_json() == {"following": True}
    with app.app_context():
        assert send_reminders(datetime(2027, 1, 14, 8, 30, tzinfo=CHINA)) == 0  # before 9 o'clock
        assert send_reminders(datetime(2027, 1, 14, 9, 30, tzinfo=CHINA)) == 4
        assert send_reminders(datetime(2027, 1, 14, 10, 30, tzinfo=CHINA)) == 0  # already sent
        got = {db.session.get(User, m.user_id).mp_openid: m.title for m in db.session.query(Message)}
        from liaison.notifications.models import Notification

        wechat = sorted((db.session.get(User, n.user_id).mp_openid, n.event) for n in db.session.query(Notification))
    # deputies on duty and the resident who booked also get a WeChat subscribe message (outbox rows)
    assert wechat == [("deputy-w1", "reception_reminder"), ("deputy-w2", "reception_reminder"),
                      ("resident-1", "appointment_reminder")]
    assert got == {"deputy-w1": "明日接待值班提醒", "deputy-w2": "明日接待值班提醒",
                   "resident-1": "预约接待提醒", "resident-2": "接待日预告"}
    assert client.delete(f"/api/v1/stations/{stations.s}/follow", headers=follower).get_json() == {"following": False}


def test_year_plan_excel(client, stations, login):
    from io import BytesIO

    from openpyxl import load_workbook

    staff = login("liaison-s")
    _plan(client, stations, staff)
    client.post(f"/api/v1/stations/{stations.s}/reception-days/generate", json={"year": 2027}, headers=staff)
    r = client.get(f"/api/v1/stations/{stations.s}/reception-plan.xlsx?year=2027", headers=staff)
    rows = list(load_workbook(BytesIO(r.data)).active.iter_rows(min_row=5, values_only=True))
    assert len(rows) == 12 and rows[0][2:5] == ("周五", "09:00-11:30", "王一、王二")
