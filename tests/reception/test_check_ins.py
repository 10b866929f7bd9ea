"""Check-ins by scanning the station code, and reception records staff enter afterwards."""
from __future__ import annotations

from datetime import timedelta

from liaison.core import clock


def today() -> str:
    return clock.today().isoformat()


def test_deputy_scans_their_station_code_once_a_day(client, stations, login):
    w1 = login("deputy-w1")
    r = client.post("/api/v1/check-ins", json={"token": "stationS"}, headers=w1)
    assert r.status_code == 201, r.get_json()
    first = r.get_json()["check_in"]
    assert (first["station"]["id"], first["date"], first["in_plan"], first["on_rota"], first["source"]) == \
        (stations.s, today(), False, False, "scan")  # no reception day today: allowed, marked
    again = client.post("/api/v1/check-ins", json={"token": "stationS"}, headers=w1)
    assert again.status_code == 200 and again.get_json()["check_in"]["id"] == first["id"]
    assert [c["id"] for c in client.get("/api/v1/check-ins", headers=w1).get_json()["items"]] == [first["id"]]


def test_check_in_on_a_reception_day_is_in_plan_and_on_rota(client, stations, login):
    staff = login("liaison-s")
    r = client.post(f"/api/v1/stations/{stations.s}/reception-days",
                    json={"date": today(), "deputy_ids": [stations.deputies["王二"]]}, headers=staff)
    assert r.status_code == 201, r.get_json()
    got = client.post("/api/v1/check-ins", json={"token": "stationS"}, headers=login("deputy-w2")).get_json()["check_in"]
    assert (got["in_plan"], got["on_rota"]) == (True, True)


def test_who_and_what_can_check_in(client, stations, login):
    assert client.post("/api/v1/check-ins", json={"token": "stationS"}, headers=login("resident-1")).get_json()["error"]["code"] == "not_a_deputy"
    assert client.post("/api/v1/check-ins", json={"token": "stationS"}, headers=login("deputy-l4")).get_json()["error"]["code"] == "not_station_deputy"
    w1 = login("deputy-w1")
    assert client.post("/api/v1/check-ins", json={"token": "nope"}, headers=w1).status_code == 404
    assert client.post("/api/v1/check-ins", json={"token": "deputyW1"}, headers=w1).status_code == 404
    assert client.post("/api/v1/check-ins", json={"token": "goneS"}, headers=w1).status_code == 410
    assert client.post("/api/v1/check-ins", json={"token": "oldS"}, headers=w1).status_code == 201  # old poster
    assert client.post("/api/v1/check-ins", json={"token": "stationS"}).status_code == 401


def test_staff_record_a_reception_after_the_fact_and_scans_are_linked_not_doubled(app, client, stations, login):
    from liaison.core.db import db
    from liaison.reception.models import CheckIn

    d = stations.deputies
    client.post("/api/v1/check-ins", json={"token": "stationS"}, headers=login("deputy-w1"))
    staff = login("liaison-s")
    r = client.post(f"/api/v1/stations/{stations.s}/reception-records",
                    json={"date": today(), "residents": 7, "opinions_registered": 2,
                          "deputy_ids": [d["王一"], d["王三"]], "note": "小区加装电梯"}, headers=staff)
    assert r.status_code == 201, r.get_json()
    rec = r.get_json()["reception_record"]
    assert ([x["name"] for x in rec["deputies"]], rec["residents"], rec["in_plan"]) == (["王一", "王三"], 7, False)
    with app.app_context():
        rows = {(c.deputy_id, c.source, c.reception_record_id) for c in db.session.query(CheckIn)}
    assert rows == {(d["王一"], "scan", rec["id"]), (d["王三"], "staff", rec["id"])}
    listed = client.get(f"/api/v1/stations/{stations.s}/reception-records", headers=staff).get_json()["items"]
    assert [x["id"] for x in listed] == [rec["id"]]
    dup = client.post(f"/api/v1/stations/{stations.s}/reception-records", json={"date": today()}, headers=staff)
    assert dup.status_code == 409


def test_reception_records_are_checked(client, stations, login):
    staff = login("liaison-s")
    url = f"/api/v1/stations/{stations.s}/reception-records"
    future = (clock.today() + timedelta(days=2)).isoformat()
    assert client.post(url, json={"date": future}, headers=staff).get_json()["error"]["code"] == "reception_in_future"
    stranger = client.post(url, json={"date": "2026-01-05", "deputy_ids": [stations.deputies["李四"]]}, headers=staff)
    assert stranger.status_code == 422
    assert client.post(url, json={"date": "2026-01-05"}, headers=login("liaison-t")).status_code == 403
    assert client.post(url, json={"date": "2026-01-05", "residents": -1}, headers=staff).status_code == 422
