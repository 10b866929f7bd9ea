"""The booking list of a reception day: staff and the deputies on duty see it, nobody else."""
import pytest
from test_reception_days import _plan

pytestmark = pytest.mark.usefixtures("planning_2027")


def _booked_day(client, stations, login):
    staff = login("liaison-s")
    _plan(client, stations, staff)
    client.post(f"/api/v1/stations/{stations.s}/reception-days/generate", json={"year": 2027}, headers=staff)
    for n, note in ((1, "小区停车难"), (2, "学校门口交通")):
        r = client.post("/api/v1/appointments", json={"station_id": stations.s, "date": "2027-03-15", "note": note},
                        headers=login(f"resident-{n}"))
        assert r.status_code == 201
    day = client.get(f"/api/v1/stations/{stations.s}/reception-days?from=2027-03-15&to=2027-03-15").get_json()["items"][0]
    return staff, day


def test_staff_and_the_deputy_on_duty_see_who_booked(client, stations, login):
    staff, day = _booked_day(client, stations, login)
    client.post(f"/api/v1/appointments/{_first_id(client, login)}/cancel", headers=login("resident-1"))
    r = client.get(f"/api/v1/reception-days/{day['id']}/appointments", headers=staff)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["booked"] == 1 and body["day"]["date"] == "2027-03-15"
    assert [(i["note"], i["state_label"]) for i in body["items"]] == [("学校门口交通", "已预约"), ("小区停车难", "已取消")]
    on_duty = [d["id"] for d in day["deputies"]]
    assert on_duty, "the generated day has deputies on the rota"
    deputy_openid = {stations.deputies["王一"]: "deputy-w1", stations.deputies["王二"]: "deputy-w2"}.get(on_duty[0])
    if deputy_openid:
        assert client.get(f"/api/v1/reception-days/{day['id']}/appointments",
                          headers=login(deputy_openid)).status_code == 200


def test_residents_and_other_stations_get_a_404(client, stations, login):
    _staff, day = _booked_day(client, stations, login)
    for openid in ("resident-1", "liaison-t", "deputy-l4"):
        r = client.get(f"/api/v1/reception-days/{day['id']}/appointments", headers=login(openid))
        assert r.status_code == 404, openid
        assert r.get_json()["error"]["code"] == "reception_day_not_found"
    assert client.get(f"/api/v1/reception-days/{day['id']}/appointments").status_code == 401


def _first_id(client, login):
    return client.get("/api/v1/appointments", headers=login("resident-1")).get_json()["items"][0]["id"]


def test_a_station_id_too_large_for_the_database_is_422_and_books_nothing(app, client, stations, login):
    """Found by scripts/fuzz_api.py on PostgreSQL: station_id=-6230346656213876342784 was a 500."""
    from liaison.core.db import db
    from liaison.reception.models import Appointment

    resident = login("resident-1")
    for station_id in (-6230346656213876342784, 2**31, 0):
        r = client.post("/api/v1/appointments", json={"station_id": station_id, "date": "2027-03-15"},
                        headers=resident)
        assert r.status_code == 422, (station_id, r.get_json())
        error = r.get_json()["error"]
        assert error["code"] == "validation_error" and "station_id" in error["details"]["fields"]
    with app.app_context():
        assert db.session.query(Appointment).count() == 0
