"""我的预约: a resident's bookings with what the mini-program needs, and cancelling them once."""
import pytest
from test_reception_days import _plan

from liaison.core import clock

pytestmark = pytest.mark.usefixtures("planning_2027")


def _book(client, stations, login, *dates):
    staff = login("liaison-s")
    _plan(client, stations, staff)
    client.post(f"/api/v1/stations/{stations.s}/reception-days/generate", json={"year": 2027}, headers=staff)
    resident = login("resident-1")
    ids = []
    for day in dates:
        r = client.post("/api/v1/appointments", json={"station_id": stations.s, "date": day}, headers=resident)
        assert r.status_code == 201, r.get_json()
        ids.append(r.get_json()["appointment"]["id"])
    return resident, ids


def test_the_list_says_what_is_to_come_and_what_can_be_cancelled(app, client, stations, login):
    from liaison.core.db import db
    from liaison.places.models import Station

    with app.app_context():
        station = db.session.get(Station, stations.s)
        station.latitude, station.longitude, station.address = 28.19, 112.94, "岳麓区麓山路1号"
        db.session.commit()
    resident, (jan, mar) = _book(client, stations, login, "2027-01-15", "2027-03-15")
    items = client.get("/api/v1/appointments", headers=resident).get_json()["items"]
    assert [(a["date"], a["upcoming"], a["can_cancel"], a["state_label"]) for a in items] == [
        ("2027-03-15", True, True, "已预约"), ("2027-01-15", True, True, "已预约")]
    assert items[0]["station"] == {"id": stations.s, "name": items[0]["station"]["name"],
                                   "address": "岳麓区麓山路1号", "latitude": 28.19, "longitude": 112.94}
    assert items[0]["day_cancelled"] is False
    clock.anchor("2027-01-20T10:00+08:00")
    items = client.get("/api/v1/appointments", headers=resident).get_json()["items"]
    assert [(a["upcoming"], a["can_cancel"], a["state_label"]) for a in items] == [
        (True, True, "已预约"), (False, False, "已过期")]
    past = client.post(f"/api/v1/appointments/{jan}/cancel", headers=resident)
    assert past.status_code == 409
    assert (past.get_json()["error"]["code"], past.get_json()["error"]["message"]) == (
        "appointment_past", "接待日已经过去，不能再取消预约")


def test_cancelling_twice_cancels_once_and_says_so(client, stations, login):
    resident, (booking,) = _book(client, stations, login, "2027-03-15")
    first = client.post(f"/api/v1/appointments/{booking}/cancel", headers=resident)
    assert first.status_code == 200
    assert (first.get_json()["appointment"]["state"], first.get_json()["appointment"]["can_cancel"]) == ("cancelled", False)
    again = client.post(f"/api/v1/appointments/{booking}/cancel", headers=resident)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "appointment_cancelled"
    assert again.get_json()["error"]["message"] == "这个预约已经取消了"
    items = client.get("/api/v1/appointments", headers=resident).get_json()["items"]
    assert [(a["state"], a["state_label"]) for a in items] == [("cancelled", "已取消")]


def test_a_booking_cancelled_with_its_day_or_attended_answers_409(app, client, stations, login):
    from liaison.core.db import db
    from liaison.reception.models import Appointment

    resident, (march, april) = _book(client, stations, login, "2027-03-15", "2027-04-15")
    staff = login("liaison-s")
    day = client.get(f"/api/v1/stations/{stations.s}/reception-days?from=2027-04-15&to=2027-04-15").get_json()["items"][0]
    assert client.patch(f"/api/v1/reception-days/{day['id']}", json={"status": "cancelled"}, headers=staff).status_code == 200
    items = {a["id"]: a for a in client.get("/api/v1/appointments", headers=resident).get_json()["items"]}
    assert (items[april]["day_cancelled"], items[april]["can_cancel"]) == (True, False)
    r = client.post(f"/api/v1/appointments/{april}/cancel", headers=resident)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "appointment_cancelled")
    with app.app_context():
        db.session.get(Appointment, march).state = "attended"
        db.session.commit()
    r = client.post(f"/api/v1/appointments/{march}/cancel", headers=resident)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "appointment_attended")
