"""Advertised reception days are bookable ones, and next year's days come in December.

The station answer lists the stored days a booking accepts (``reception.availability``);
the periodic job makes next year's days once per station. Far years (2098, 2099) keep
these tests true at any date.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from liaison.core.clock import CHINA

PLAN = {"monthly_days": [15], "weekdays": [], "market_days": [], "start": "09:00", "end": "11:30",
        "capacity": 2, "per_day": 1}


def _plan(client, stations, staff, **extra):
    r = client.put(f"/api/v1/stations/{stations.s}/reception-plan",
                   json={**PLAN, "rota": [stations.deputies["王一"]], **extra}, headers=staff)
    assert r.status_code == 200, r.get_json()


def _advertised(client, station_id) -> list[dict]:
    return client.get(f"/api/v1/stations/{station_id}").get_json()["station"]["next_reception_days"]


def test_booking_the_first_advertised_day_succeeds_until_it_is_full(client, stations, login):
    staff = login("liaison-s")
    _plan(client, stations, staff)
    assert _advertised(client, stations.s) == []  # a plan without stored days offers nothing to book
    client.post(f"/api/v1/stations/{stations.s}/reception-days/generate", json={"year": 2099}, headers=staff)
    first = _advertised(client, stations.s)[0]
    assert (first["date"], first["start"], first["slots_left"]) == ("2099-01-15", "09:00", 2)
    assert [d["name"] for d in first["deputies"]] == ["王一"]
    for n, resident in enumerate(("resident-1", "resident-2")):
        r = client.post("/api/v1/appointments", json={"station_id": stations.s, "date": first["date"]},
                        headers=login(resident))
        assert r.status_code == 201, r.get_json()
        assert r.get_json()["appointment"]["date"] == "2099-01-15"
    advertised = _advertised(client, stations.s)
    assert [d["date"] for d in advertised] == ["2099-02-15", "2099-03-15", "2099-04-15"]  # the full day is gone
    full = client.post("/api/v1/appointments", json={"station_id": stations.s, "date": "2099-01-15"},
                       headers=login("resident-3"))
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "reception_day_full"
    again = client.post("/api/v1/appointments", json={"station_id": stations.s, "date": "2099-01-15"},
                        headers=login("resident-1"))
    assert again.get_json()["error"]["code"] == "already_booked"


def test_a_plan_date_without_a_stored_day_is_neither_advertised_nor_bookable(client, stations, login):
    _plan(client, stations, login("liaison-s"))
    r = client.post("/api/v1/appointments", json={"station_id": stations.s, "date": "2099-01-15"},
                    headers=login("resident-1"))
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "reception_day_not_found"
    assert _advertised(client, stations.s) == []


def _days(app, station_id, year):
    from liaison.core.db import db
    from liaison.reception.models import ReceptionDay

    with app.app_context():
        return [(d.date, d.source) for d in db.session.query(ReceptionDay).filter(
            ReceptionDay.station_id == station_id, ReceptionDay.date >= date(year, 1, 1),
            ReceptionDay.date <= date(year, 12, 31)).order_by(ReceptionDay.date)]


def test_the_december_job_makes_next_years_days_once(app, client, stations, login):
    from liaison.reception.jobs import plan_next_year

    staff = login("liaison-s")
    _plan(client, stations, staff)
    added = client.post(f"/api/v1/stations/{stations.s}/reception-days", json={"date": "2099-01-03"}, headers=staff)
    assert added.status_code == 201  # an extra day staff added early does not stop the plan
    december = datetime(2098, 12, 1, 9, 0, tzinfo=CHINA)
    with app.app_context():
        assert plan_next_year(now=datetime(2098, 11, 30, 23, 0, tzinfo=CHINA)) == 0  # not December yet
        assert plan_next_year(now=december) == 12
        assert plan_next_year(now=december + timedelta(days=1)) == 0  # run twice: nothing new
    days = _days(app, stations.s, 2099)
    assert len(days) == 13 and len({d for d, _ in days}) == 13
    assert days[:2] == [(date(2099, 1, 3), "manual"), (date(2099, 1, 15), "plan")]
    assert _days(app, stations.t, 2099) == []  # station T has no plan


def test_a_day_staff_moved_is_not_brought_back_by_the_next_run(app, client, stations, login):
    from liaison.reception.jobs import plan_next_year

    staff = login("liaison-s")
    _plan(client, stations, staff)
    with app.app_context():
        plan_next_year(now=datetime(2098, 12, 1, 9, 0, tzinfo=CHINA))
    days = client.get(f"/api/v1/stations/{stations.s}/reception-days?from=2099-01-01&to=2099-01-31").get_json()
    r = client.patch(f"/api/v1/reception-days/{days['items'][0]['id']}", json={"date": "2099-01-16"}, headers=staff)
    assert r.status_code == 200, r.get_json()
    with app.app_context():
        assert plan_next_year(now=datetime(2098, 12, 20, 9, 0, tzinfo=CHINA)) == 0
    assert (date(2099, 1, 15), "plan") not in _days(app, stations.s, 2099)


def test_the_december_job_is_periodic_with_a_fixed_job_id(app):
    from rq.job import Job

    from liaison.core.extensions import get_queue
    from liaison.core.jobs import PERIODIC, run_periodic_once

    path = "liaison.reception.jobs.plan_next_year"
    assert (path, 24 * 3600) in PERIODIC
    moment = datetime(2098, 12, 1, 1, 0, tzinfo=timezone.utc).timestamp()
    with app.app_context():
        assert path in run_periodic_once(now=moment)
        assert path not in run_periodic_once(now=moment + 60)  # the same tick: not again
        tick = int(moment // (24 * 3600))
        job = Job.fetch(f"periodic-liaison_reception_jobs_plan_next_year-{tick}", connection=get_queue().connection)
        assert job.func_name == path


def test_flask_demo_load_leaves_the_demo_stations_with_bookable_days(app, client, runner, login):
    from liaison.core.db import db
    from liaison.users.demo import DEMO_STATION
    from liaison.places.models import Station

    r = runner.invoke(args=["demo", "load"])
    assert r.exit_code == 0, r.output
    assert "个接待日" in r.output
    with app.app_context():
        station_id = db.session.query(Station).filter_by(name=DEMO_STATION).one().id
    first = _advertised(client, station_id)[0]  # this year's rest and all of next year: never empty
    booked = client.post("/api/v1/appointments", json={"station_id": station_id, "date": first["date"]},
                         headers=login("resident-1"))
    assert booked.status_code == 201, booked.get_json()
    assert runner.invoke(args=["demo", "load"]).output.strip().endswith("接待日已生成过")
