"""The public answers' cache (places.public_cache): a scan, station page or deputy page
answers from Redis, and every change that shows in it clears it after the commit."""
from __future__ import annotations

from datetime import timedelta

from codes_helpers import JUZIZHOU, WANGYUEHU, token_of


def _user(app, openid):
    from liaison.core.db import db
    from liaison.users.models import User

    return db.session.query(User).filter_by(mp_openid=openid).one()


def _scan(client, token):
    r = client.get(f"/api/v1/codes/{token}")
    return r.status_code, r.get_json()


def _names(answer):
    return [d["name"] for d in answer["station"]["deputies"]]


def test_a_scan_is_kept_in_redis_and_a_station_edit_clears_it(app, client, places, staff):
    from liaison.core.db import db
    from liaison.core.extensions import get_redis
    from liaison.places.models import Station
    from liaison.places.operations import update_station

    station_id = places["station"][WANGYUEHU]
    token = token_of(app, "station", station_id)
    first = _scan(client, token)[1]
    with app.app_context():
        assert get_redis().keys("liaison:pub:*:code:" + token)  # stored in Redis, not in the process
    staff("office-1", "office", region_id=places["region"]["岳麓区"])
    with app.app_context():
        station = db.session.get(Station, station_id)
        update_station(station, {"name": "望月湖新站", "kind": station.kind, "address": "新地址 1 号",
                                 "notice": "本周六照常接待"}, actor=_user(app, "office-1"))
    after = _scan(client, token)[1]
    assert first["station"]["name"] == WANGYUEHU
    assert after["station"]["name"] == "望月湖新站" and after["station"]["notice"] == "本周六照常接待"
    assert client.get(f"/api/v1/stations/{station_id}").get_json()["station"]["name"] == "望月湖新站"
    deputy_id = places["deputy"]["王明"]  # the deputy page lists the station by name
    stations = client.get(f"/api/v1/deputies/{deputy_id}").get_json()["deputy"]["stations"]
    assert "望月湖新站" in [s["name"] for s in stations]


def test_a_deputy_edit_shows_in_the_station_scan_and_the_deputy_scan(app, client, places, staff):
    from liaison.core.db import db
    from liaison.places.models import Deputy
    from liaison.places.operations import update_deputy

    station_id, deputy_id = places["station"][WANGYUEHU], places["deputy"]["李华"]
    station_token, deputy_token = token_of(app, "station", station_id), token_of(app, "deputy", deputy_id)
    assert "李华" in _names(_scan(client, station_token)[1])
    assert _scan(client, deputy_token)[1]["deputy"]["work_unit"] == "社区居委会"
    client.get(f"/api/v1/deputies/{deputy_id}")
    staff("office-1", "office", region_id=places["region"]["岳麓区"])
    with app.app_context():
        deputy = db.session.get(Deputy, deputy_id)
        update_deputy(deputy, {"name": "李华明", "levels": deputy.levels, "work_unit": "岳麓区政府",
                               "phone": deputy.phone or ""}, actor=_user(app, "office-1"))
    assert "李华明" in _names(_scan(client, station_token)[1])
    assert _scan(client, deputy_token)[1]["deputy"]["work_unit"] == "岳麓区政府"
    assert client.get(f"/api/v1/deputies/{deputy_id}").get_json()["deputy"]["name"] == "李华明"


def test_membership_added_and_ended_show_at_once(app, client, places, staff):
    from liaison.core.db import db
    from liaison.places.models import Deputy, Station
    from liaison.places.operations import end_membership, move_deputy

    juzi, deputy_id = places["station"][JUZIZHOU], places["deputy"]["钱进"]
    token = token_of(app, "station", juzi)
    deputy_token = token_of(app, "deputy", deputy_id)
    assert "钱进" not in _names(_scan(client, token)[1])
    assert juzi not in [s["id"] for s in _scan(client, deputy_token)[1]["deputy"]["stations"]]
    staff("office-1", "office", region_id=places["region"]["长沙市"])
    with app.app_context():
        move_deputy(db.session.get(Deputy, deputy_id), None, db.session.get(Station, juzi), "cross",
                    actor=_user(app, "office-1"))
    assert "钱进" in _names(_scan(client, token)[1])
    assert juzi in [s["id"] for s in _scan(client, deputy_token)[1]["deputy"]["stations"]]
    with app.app_context():
        end_membership(db.session.get(Deputy, deputy_id), juzi, actor=_user(app, "office-1"))
    assert "钱进" not in _names(_scan(client, token)[1])
    assert juzi not in [s["id"] for s in _scan(client, deputy_token)[1]["deputy"]["stations"]]


def test_reception_day_added_booked_and_cancelled_show_at_once(app, client, places, staff, login):
    from liaison.core import clock

    station_id = places["station"][JUZIZHOU]
    token = token_of(app, "station", station_id)
    headers = staff("liaison-1", "liaison", station_id=station_id)
    assert _scan(client, token)[1]["station"]["next_reception_days"] == []
    with app.app_context():
        day = (clock.today() + timedelta(days=3)).isoformat()
    r = client.post(f"/api/v1/stations/{station_id}/reception-days", headers=headers,
                    json={"date": day, "start": "09:00", "end": "11:00", "capacity": 5})
    assert r.status_code == 201, r.get_json()
    day_id = r.get_json()["reception_day"]["id"]
    days = _scan(client, token)[1]["station"]["next_reception_days"]
    assert [(d["date"], d["slots_left"]) for d in days] == [(day, 5)]
    assert client.get(f"/api/v1/stations/{station_id}").get_json()["station"]["next_reception_days"]
    booked = client.post("/api/v1/appointments", headers=login("resident-1"),
                         json={"station_id": station_id, "date": day})
    assert booked.status_code in (200, 201), booked.get_json()
    days = _scan(client, token)[1]["station"]["next_reception_days"]
    assert [(d["date"], d["slots_left"]) for d in days] == [(day, 4)]  # a booking shows too
    r = client.patch(f"/api/v1/reception-days/{day_id}", headers=headers, json={"status": "cancelled"})
    assert r.status_code == 200, r.get_json()
    assert _scan(client, token)[1]["station"]["next_reception_days"] == []
    assert client.get(f"/api/v1/stations/{station_id}").get_json()["station"]["next_reception_days"] == []


def test_code_revoked_and_replaced_show_at_once(app, client, places, staff):
    station_id = places["station"][WANGYUEHU]
    headers = staff("office-1", "office", region_id=places["region"]["岳麓区"])
    token = token_of(app, "station", station_id)
    assert _scan(client, token)[0] == 200
    r = client.post(f"/api/v1/codes/{token}/rotate", headers=headers)
    new = r.get_json()["code"]["token"]
    status, answer = _scan(client, token)
    assert status == 410 and answer["error"]["details"] == {"kind": "station", "token": new}
    assert _scan(client, new)[1]["station"]["code_token"] == new
    assert client.get(f"/api/v1/stations/{station_id}").get_json()["station"]["code_token"] == new
    client.post(f"/api/v1/codes/{new}/revoke", headers=headers)
    for old in (token, new):
        status, answer = _scan(client, old)
        assert status == 410 and answer["error"]["code"] == "code_revoked"
    assert client.get(f"/api/v1/stations/{station_id}").get_json()["station"]["code_token"] is None


def test_the_cache_is_shared_between_app_instances_and_survives_a_flush(base_config, places, app):
    from liaison import create_app
    from liaison.core.extensions import get_redis

    token = token_of(app, "station", places["station"][WANGYUEHU])
    other = create_app(dict(base_config))  # another process's app: its own engine and Redis client
    assert app.test_client().get(f"/api/v1/codes/{token}").status_code == 200
    with other.app_context():
        from liaison.places import public_cache

        assert get_redis().get(public_cache.key_for("code", token)) is not None
        get_redis().flushdb()
    r = other.test_client().get(f"/api/v1/codes/{token}")  # a miss: built from the database again
    assert r.status_code == 200 and r.get_json()["station"]["name"] == WANGYUEHU
    assert app.test_client().get(f"/api/v1/codes/{token}").get_json()["token"] == token


def test_a_scan_answered_from_redis_opens_no_database_session(app, client, places):
    from liaison.core.db import db

    token = token_of(app, "station", places["station"][WANGYUEHU])
    client.get(f"/api/v1/codes/{token}")  # built and stored
    with app.test_request_context(f"/api/v1/codes/{token}"):
        answer = app.full_dispatch_request()
        assert answer.status_code == 200 and answer.get_json()["station"]["name"] == WANGYUEHU
        assert not db.session.registry.has()  # nothing opened, so nothing to commit or close
    client.get(f"/api/v1/stations/{places['station'][WANGYUEHU]}")  # a page built anew still works
