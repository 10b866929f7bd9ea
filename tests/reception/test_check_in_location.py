"""A check-in carries the phone's position: near the station it is verified, otherwise it
is recorded for staff to confirm (the station code itself is public, so it proves nothing)."""
from __future__ import annotations

import json

KM_NORTH = 1000 / 111_195.08  # degrees of latitude in one kilometre
POINT_S = (28.1955, 112.9430)  # station S's point in conftest.py (station T has none)
AT_S = {"latitude": POINT_S[0] + 0.0003, "longitude": POINT_S[1]}  # about 33 m north of the station
FIVE_KM = {"latitude": POINT_S[0] + 5 * KM_NORTH, "longitude": POINT_S[1]}


def _check_in(client, headers, **body):
    return client.post("/api/v1/check-ins", json={"token": "stationS", **body}, headers=headers)


def _rows(app):
    from liaison.core.db import db
    from liaison.reception.models import CheckIn

    with app.app_context():
        return [(c.verified, c.unverified_reason, c.distance_m, c.latitude) for c in db.session.query(CheckIn)]


def test_check_in_at_the_station_is_verified(app, client, stations, login):
    assert stations.point == POINT_S
    r = _check_in(client, login("deputy-w1"), **AT_S)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    c = body["check_in"]
    assert (c["verified"], c["unverified_reason"], c["distance_m"], c["confirmed"]) == (True, None, 33, False)
    assert c["verification"] == "定位核验通过（距联络站约30米）"
    assert body["message"] == "已签到，进站履职已记录"
    assert _rows(app) == [(True, None, 33, AT_S["latitude"])]


def test_check_in_five_km_away_is_recorded_unverified_with_the_distance(app, client, stations, login):
    r = _check_in(client, login("deputy-w1"), **FIVE_KM)
    assert r.status_code == 201, r.get_json()
    c = r.get_json()["check_in"]
    assert (c["verified"], c["unverified_reason"], c["distance_m"]) == (False, "far", 5000)
    assert r.get_json()["message"] == "距联络站约5.0公里，已记录，待工作人员确认"
    assert _rows(app) == [(False, "far", 5000, FIVE_KM["latitude"])]


def test_the_radius_comes_from_configuration(app, client, stations, login):
    app.config["CHECKIN_RADIUS_METERS"] = 6000
    assert _check_in(client, login("deputy-w1"), **FIVE_KM).get_json()["check_in"]["verified"] is True


def test_check_in_without_a_location_still_goes_through_unverified(app, client, stations, login):
    r = _check_in(client, login("deputy-w1"))
    assert r.status_code == 201
    assert r.get_json()["message"] == "未获取到手机位置，已记录，待工作人员确认"
    nulls = _check_in(client, login("deputy-w2"), latitude=None, longitude=None)
    assert nulls.status_code == 201 and nulls.get_json()["check_in"]["unverified_reason"] == "no_location"


def test_check_in_at_a_station_without_a_point_waits_for_staff(client, stations, login):
    r = client.post("/api/v1/check-ins", json={"token": "stationT", **AT_S}, headers=login("deputy-l4"))
    assert r.status_code == 201
    c = r.get_json()["check_in"]
    assert (c["verified"], c["unverified_reason"], c["distance_m"]) == (False, "station_unlocated", None)
    assert r.get_json()["message"] == "联络站尚未登记位置，已记录，待工作人员确认"


def test_scanning_again_at_the_station_verifies_the_days_unverified_check_in(app, client, stations, login):
    w1 = login("deputy-w1")
    first = _check_in(client, w1, **FIVE_KM).get_json()["check_in"]
    still_far = _check_in(client, w1)
    assert still_far.status_code == 200 and still_far.get_json()["check_in"]["verified"] is False
    assert still_far.get_json()["message"] == "今天已签到。距联络站约5.0公里，已记录，待工作人员确认"
    there = _check_in(client, w1, **AT_S)
    assert there.status_code == 200 and there.get_json()["check_in"]["id"] == first["id"]
    assert there.get_json()["check_in"]["verified"] is True and there.get_json()["message"] == "今天已签到"
    assert _rows(app) == [(True, None, 33, AT_S["latitude"])]


def test_nonsense_coordinates_are_refused_in_chinese_and_record_nothing(app, client, stations, login):
    w1 = login("deputy-w1")
    cases = [({"latitude": 91, "longitude": 112.9}, "latitude", "纬度应在 -90 到 90 之间"),
             ({"latitude": 28.1, "longitude": -181}, "longitude", "经度应在 -180 到 180 之间"),
             ({"latitude": "北纬28度", "longitude": 112.9}, "latitude", "纬度应为数字"),
             ({"latitude": True, "longitude": 112.9}, "latitude", "纬度应为数字"),
             ({"latitude": 28.1}, "latitude", "纬度和经度要同时提供")]
    for body, field, message in cases:
        r = _check_in(client, w1, **body)
        assert r.status_code == 422, (body, r.get_json())
        assert r.get_json()["error"]["details"]["fields"][field] == [message], body
    for raw in ('{"token": "stationS", "latitude": NaN, "longitude": 112.9}',
                '{"token": "stationS", "latitude": 28.1, "longitude": Infinity}',
                '{"token": "stationS", "latitude": 1e999, "longitude": 112.9}'):
        r = client.post("/api/v1/check-ins", data=raw, content_type="application/json", headers=w1)
        assert r.status_code == 422, raw
        assert json.dumps(r.get_json()["error"]["details"], ensure_ascii=False).count("必须是有效数字") == 1, raw
    assert _rows(app) == []


def test_staff_of_the_station_confirm_an_unverified_check_in(app, client, stations, login):
    c = _check_in(client, login("deputy-w1"), **FIVE_KM).get_json()["check_in"]
    url = f"/api/v1/check-ins/{c['id']}/confirm"
    assert client.post(url, headers=login("liaison-t")).status_code == 403  # another station's liaison
    assert client.post(url, headers=login("deputy-w2")).status_code == 403
    staff = login("liaison-s")
    pending = client.get(f"/api/v1/stations/{stations.s}/check-ins?pending=true", headers=staff).get_json()["items"]
    assert [(p["id"], p["deputy_name"], p["verification"]) for p in pending] == [
        (c["id"], "王一", "距联络站约5.0公里，已记录，待工作人员确认")]
    r = client.post(url, headers=staff)
    assert r.status_code == 200, r.get_json()
    done = r.get_json()["check_in"]
    assert (done["verified"], done["confirmed"], done["unverified_reason"], done["verification"]) == \
        (True, True, "far", "工作人员已确认")
    assert client.post(url, headers=staff).get_json()["check_in"]["verified"] is True  # twice: no change
    assert client.get(f"/api/v1/stations/{stations.s}/check-ins?pending=true", headers=staff).get_json()["items"] == []
    assert client.post("/api/v1/check-ins/999999/confirm", headers=staff).status_code == 404
    assert client.get(f"/api/v1/stations/{stations.s}/check-ins", headers=login("liaison-t")).status_code == 403


def test_naming_the_deputy_in_a_reception_record_confirms_their_scan(app, client, stations, login):
    c = _check_in(client, login("deputy-w1"), **FIVE_KM).get_json()["check_in"]
    r = client.post(f"/api/v1/stations/{stations.s}/reception-records",
                    json={"date": c["date"], "deputy_ids": [stations.deputies["王一"]]}, headers=login("liaison-s"))
    assert r.status_code == 201, r.get_json()
    mine = client.get("/api/v1/check-ins", headers=login("deputy-w1")).get_json()["items"]
    assert [(m["id"], m["verified"], m["verification"]) for m in mine] == [(c["id"], True, "工作人员已确认")]
