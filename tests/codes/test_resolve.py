"""Scan resolution: GET /api/v1/codes/<token> for stations, deputies, unknown,
replaced and withdrawn codes, and the per-day scan counts."""
from __future__ import annotations

import threading
from datetime import date

from codes_helpers import JUZIZHOU, WANGYUEHU, token_of


def test_import_gives_every_station_and_deputy_one_random_code(app, places):
    from liaison.codes.models import Code
    from liaison.codes.operations import ensure_codes
    from liaison.core.db import db

    with app.app_context():
        codes = db.session.query(Code).all()
        assert len(codes) == len(places["station"]) + len(places["deputy"])
        assert all(c.status == "active" and len(c.token) == 16 for c in codes)
        assert len({c.token for c in codes}) == len(codes)
        assert ensure_codes() == 0  # idempotent


def test_station_code_answers_station_with_deputies_and_next_reception_days(app, client, places):
    from liaison.core.db import db
    from liaison.places.models import Station
    from liaison.reception.operations import generate_year

    with app.app_context():  # the plan's days of a far year, so the test holds at any date
        generate_year(db.session.get(Station, places["station"][WANGYUEHU]), 2099, date(2098, 12, 1))
    token = token_of(app, "station", places["station"][WANGYUEHU])
    r = client.get(f"/api/v1/codes/{token}")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["kind"] == "station" and body["token"] == token
    station = body["station"]
    assert station["name"] == WANGYUEHU and station["code_token"] == token
    assert station["region"]["path"] == "长沙市/岳麓区/望月湖街道"
    assert [d["name"] for d in station["deputies"]] == ["王明", "李华"]
    wang = station["deputies"][0]
    assert wang["levels"] == ["municipal", "county"]
    assert wang["level_labels"] == ["市人大代表", "区县人大代表"]
    assert wang["code_token"] == token_of(app, "deputy", places["deputy"]["王明"])
    assert [d["date"] for d in station["next_reception_days"]] == ["2099-01-15", "2099-02-15", "2099-03-15"]
    assert station["reception_plan"] == "每月15日 9:00-11:30"


def test_only_reception_days_that_can_be_booked_are_advertised(app, client, places):
    from liaison.core.db import db
    from liaison.reception.models import Appointment, ReceptionDay, RotaEntry
    from liaison.users.models import User

    station_id = places["station"][WANGYUEHU]
    with app.app_context():
        days = {d: ReceptionDay(station_id=station_id, date=date(2099, 1, d), capacity=1 if d == 3 else 10,
                                status={4: "cancelled", 5: "held"}.get(d, "planned")) for d in (2, 3, 4, 5, 6)}
        past = ReceptionDay(station_id=station_id, date=date(2000, 1, 15))  # planned, but long gone
        resident = User(mp_openid="resident-full", nickname="居民")
        db.session.add_all([*days.values(), past, resident])
        db.session.flush()
        db.session.add(Appointment(reception_day_id=days[3].id, user_id=resident.id))  # the 3rd is full
        db.session.add(RotaEntry(reception_day_id=days[2].id, deputy_id=places["deputy"]["李华"]))
        db.session.commit()
    token = token_of(app, "station", station_id)
    advertised = client.get(f"/api/v1/codes/{token}").get_json()["station"]["next_reception_days"]
    assert [(d["date"], d["slots_left"]) for d in advertised] == [("2099-01-02", 10), ("2099-01-06", 10)]
    assert [b["name"] for b in advertised[0]["deputies"]] == ["李华"]


def test_deputy_code_answers_deputy_with_home_and_cross_stations(app, client, places):
    token = token_of(app, "deputy", places["deputy"]["王明"])
    body = client.get(f"/api/v1/codes/{token}").get_json()
    assert body["kind"] == "deputy"
    deputy = body["deputy"]
    assert deputy["name"] == "王明" and deputy["photo_url"] is None
    assert deputy["stations"] == [
        {"id": places["station"][WANGYUEHU], "name": WANGYUEHU, "membership": "home"},
        {"id": places["station"][JUZIZHOU], "name": JUZIZHOU, "membership": "cross"}]


def test_unknown_and_malformed_tokens_are_code_not_found(client, places):
    for token in ("AAAAAAAAAAAAAAAA", "1", "x" * 40, "%00%00"):
        r = client.get(f"/api/v1/codes/{token}")
        assert r.status_code == 404
        assert r.get_json()["error"]["code"] == "code_not_found"


def test_rotated_token_answers_410_with_the_current_token(app, client, places, staff):
    station_id = places["station"][WANGYUEHU]
    headers = staff("liaison-1", "liaison", station_id=station_id)
    first = token_of(app, "station", station_id)
    r = client.post(f"/api/v1/codes/{first}/rotate", headers=headers)
    assert r.status_code == 200, r.get_json()
    second = r.get_json()["code"]["token"]
    assert second != first and r.get_json()["previous"]["status"] == "rotated"
    third = client.post(f"/api/v1/codes/{second}/rotate", headers=headers).get_json()["code"]["token"]

    for old in (first, second):
        r = client.get(f"/api/v1/codes/{old}")
        assert r.status_code == 410
        error = r.get_json()["error"]
        assert error["code"] == "code_rotated"
        assert error["message"] == "此码已更换，请扫描新海报"
        assert error["details"] == {"kind": "station", "token": third}
    assert client.get(f"/api/v1/codes/{third}").get_json()["station"]["id"] == station_id
    # a replaced code cannot be rotated again, and serves no poster
    assert client.post(f"/api/v1/codes/{first}/rotate", headers=headers).status_code == 409
    assert client.get(f"/api/v1/codes/{first}/poster.png").status_code == 410


def test_revoked_deputy_code_answers_410_and_is_not_reissued(app, client, places, staff):
    from liaison.codes.operations import active_code, ensure_codes, issue_code

    headers = staff("office-1", "office", region_id=places["region"]["岳麓区"])
    deputy_id = places["deputy"]["李华"]
    token = token_of(app, "deputy", deputy_id)
    r = client.post(f"/api/v1/codes/{token}/revoke", headers=headers)
    assert r.status_code == 200 and r.get_json()["code"]["status"] == "revoked"
    r = client.get(f"/api/v1/codes/{token}")
    assert r.status_code == 410 and r.get_json()["error"]["code"] == "code_revoked"
    assert client.get(f"/api/v1/codes/{token}/qr.png").status_code == 410
    with app.app_context():
        assert ensure_codes() == 0 and active_code("deputy", deputy_id) is None
        new = issue_code("deputy", deputy_id).token
    assert client.get(f"/api/v1/codes/{new}").status_code == 200


def test_code_of_a_closed_station_is_withdrawn(app, client, places):
    from liaison.core.db import db
    from liaison.places.models import Station

    token = token_of(app, "station", places["station"][JUZIZHOU])
    with app.app_context():
        db.session.get(Station, places["station"][JUZIZHOU]).active = False
        db.session.commit()
    assert client.get(f"/api/v1/codes/{token}").get_json()["error"]["code"] == "code_revoked"


def test_only_staff_in_scope_may_rotate_or_revoke(app, client, places, staff, login):
    token = token_of(app, "station", places["station"][WANGYUEHU])
    assert client.post(f"/api/v1/codes/{token}/rotate").status_code == 401
    assert client.post(f"/api/v1/codes/{token}/rotate", headers=login("resident-1")).status_code == 403
    other = staff("liaison-2", "liaison", station_id=places["station"][JUZIZHOU])
    assert client.post(f"/api/v1/codes/{token}/revoke", headers=other).status_code == 403
    far_office = staff("office-2", "office", region_id=places["region"]["天心区"])
    assert client.post(f"/api/v1/codes/{token}/rotate", headers=far_office).status_code == 403
    city_office = staff("office-3", "office", region_id=places["region"]["长沙市"])
    assert client.post(f"/api/v1/codes/{token}/rotate", headers=city_office).status_code == 200


def _scans(app, token):
    """The code's counts in the database, after the periodic job moved Redis's there."""
    from liaison.codes.models import Code, CodeScan
    from liaison.codes.scans import flush_scans
    from liaison.core.db import db

    with app.app_context():
        flush_scans()
        code = db.session.query(Code).filter_by(token=token).one()
        return {s.day: s.count for s in db.session.query(CodeScan).filter_by(code_id=code.id)}


def test_scans_are_counted_per_code_and_day_including_old_posters(app, client, places, staff):
    from liaison.core import clock

    station_id = places["station"][WANGYUEHU]
    token = token_of(app, "station", station_id)
    for _ in range(3):
        client.get(f"/api/v1/codes/{token}")
    client.get(f"/s/{token}")  # a phone camera outside WeChat counts too
    client.get(f"/api/v1/codes/{token}/qr.png")  # printing is not scanning
    with app.app_context():
        today = clock.today()
    assert _scans(app, token) == {today: 4}
    headers = staff("liaison-3", "liaison", station_id=station_id)
    client.post(f"/api/v1/codes/{token}/rotate", headers=headers)
    client.get(f"/api/v1/codes/{token}")
    assert _scans(app, token) == {today: 5}


def test_concurrent_scans_lose_no_count(app, places):
    from liaison.codes.scans import record_scan
    from liaison.core.db import db

    token = token_of(app, "station", places["station"][WANGYUEHU])
    with app.app_context():
        from liaison.codes.models import Code

        code_id = db.session.query(Code.id).filter_by(token=token).scalar()
    day = date(2026, 12, 15)
    errors = []
    assert code_id

    def scan():
        try:
            with app.app_context():
                for _ in range(10):
                    record_scan(token, day)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert _scans(app, token)[day] == 40
