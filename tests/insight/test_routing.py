"""Suggested routing (``insight.routing``): trained by ``flask routing train`` on the
district's own decisions (the hand-written labelled set ``tests/data/routing_cases.json``:
ten themes of twelve opinions, nine of each decided, three held out), it suggests the
category and the lead unit of the held-out cases; unlike anything decided, or below the
confidence, it suggests nothing; what staff chose is counted in the region report.

Held-out accuracy stated here and in the README: at least 70 % of the 30 held-out
cases get the right category suggested and at least 70 % the right unit, and at most one
suggestion of each kind is wrong (the rest get none: below ``ROUTING_MIN_CONFIDENCE``).
Measured with the defaults: 24 of 30 right categories, 22 of 30 right units, none wrong.
"""
from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import factories
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from liaison.core import clock
from liaison.core.db import db

DATA = json.loads((Path(__file__).resolve().parents[1] / "data" / "routing_cases.json").read_text("utf-8"))
TRAIN = 9


def _cases(held_out: bool):
    for theme, texts in DATA["themes"].items():
        for i, body in enumerate(texts):
            if (i >= TRAIN) == held_out:
                yield theme, body


@pytest.fixture
def world(app, demo, login):
    """The demo's 岳麓区 with the training cases decided at its two stations."""
    from liaison.demo.history import SECOND_STATION
    from liaison.opinions.models import Assignment, OpinionEvent
    from liaison.places.models import HandlingUnit, Region, Station

    with app.app_context():
        ids = factories.demo_ids(db.session)
        yuelu = db.session.get(Region, ids["region_id"])
        units = {}
        for name in sorted(set(DATA["units"].values())):
            unit = db.session.scalars(select(HandlingUnit).where(HandlingUnit.name == name)).first()
            if unit is None:
                unit = HandlingUnit(name=name, level="district", region_id=yuelu.id)
                db.session.add(unit)
                db.session.flush()
            units[name] = unit.id
        stations = [db.session.get(Station, ids["station_id"]),
                    db.session.scalars(select(Station).where(Station.name == SECOND_STATION)).one()]
        start = clock.now() - timedelta(days=200)
        for n, (theme, body) in enumerate(_cases(held_out=False)):
            o = factories.opinion(db.session, stations[n % 2], body, state="assigned",
                                  category=DATA["categories"][theme], created_at=start + timedelta(hours=n))
            db.session.add(OpinionEvent(opinion_id=o.id, action="accept", from_state="submitted",
                                        to_state="accepted", actor_role="liaison", payload={}, at=o.created_at))
            db.session.add(Assignment(opinion_id=o.id, unit_id=units[DATA["units"][theme]], role="lead",
                                      status="accepted"))
        db.session.commit()
    return {**ids, "units": units, "liaison": login("demo-liaison"), "resident": login("demo-resident")}


def _train(app, region_id=None):
    args = ["routing", "train"] + (["--region", str(region_id)] if region_id else [])
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    return result.output


def _submit(client, world, body, n):
    r = client.post("/api/v1/opinions", json={"station_id": world["station_id"], "text": body},
                    headers={**world["resident"], "Idempotency-Key": f"route-{n}"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["opinion"]["id"]


def _held_out_rows(app, world):
    """The held-out cases as rows at the demo station (not decided, not trained on)."""
    from liaison.places.models import Station

    with app.app_context():
        station = db.session.get(Station, world["station_id"])
        rows = [(factories.opinion(db.session, station, body, state="submitted").id, theme)
                for theme, body in _cases(held_out=True)]
        db.session.commit()
    return rows


def test_cli_trains_and_held_out_cases_get_the_right_category_and_unit(app, client, world):
    out = _train(app, world["region_id"])
    assert "岳麓区" in out and "分类：90 件" in out and "承办单位：90 件" in out, out
    right = {"category": 0, "unit": 0}
    wrong = {"category": 0, "unit": 0}
    for opinion_id, theme in _held_out_rows(app, world):
        r = client.get(f"/api/v1/opinions/{opinion_id}/suggestion", headers=world["liaison"])
        assert r.status_code == 200, r.get_json()
        got = r.get_json()
        for kind, value, expected in (("category", "key", DATA["categories"][theme]),
                                      ("unit", "id", world["units"][DATA["units"][theme]])):
            guess = got[kind]
            if guess is None:
                continue
            assert guess["confidence"] >= app.config["ROUTING_MIN_CONFIDENCE"]
            assert guess["reasons"] and all(isinstance(w, str) and w for w in guess["reasons"])
            if guess[value] == expected:
                right[kind] += 1
            else:
                wrong[kind] += 1
    held_out = 3 * len(DATA["themes"])
    assert right["category"] >= 0.7 * held_out and right["unit"] >= 0.7 * held_out, (right, wrong)
    assert wrong["category"] <= 1 and wrong["unit"] <= 1, (right, wrong)


def test_the_reason_names_the_words_that_decided(app, client, world):
    _train(app)
    opinion_id = _submit(client, world, "我家门口路灯不亮好几天了，晚上走路看不见。", 1)
    got = client.get(f"/api/v1/opinions/{opinion_id}/suggestion", headers=world["liaison"]).get_json()
    assert got["category"]["key"] == "urban" and got["category"]["label"] == "城市管理"
    assert "路灯" in got["category"]["reasons"]
    assert got["unit"]["name"] == "岳麓区城市管理和综合执法局" and "路灯" in got["unit"]["reasons"]


def test_an_opinion_unlike_any_earlier_one_gets_no_suggestion(app, client, world):
    _train(app)
    for n, body in enumerate(DATA["unlike"]):
        opinion_id = _submit(client, world, body, 10 + n)
        r = client.get(f"/api/v1/opinions/{opinion_id}/suggestion", headers=world["liaison"])
        assert r.get_json() == {"category": None, "unit": None}, (body, r.get_json())


def test_below_the_stated_confidence_nothing_is_suggested(app, client, world):
    _train(app)
    opinion_id = _submit(client, world, "小区北门的路灯坏了，晚上出行很不安全。", 20)
    assert client.get(f"/api/v1/opinions/{opinion_id}/suggestion", headers=world["liaison"]).get_json()["category"]
    app.config["ROUTING_MIN_CONFIDENCE"] = 0.999
    r = client.get(f"/api/v1/opinions/{opinion_id}/suggestion", headers=world["liaison"])
    assert r.get_json() == {"category": None, "unit": None}


def test_without_enough_decisions_no_model_is_kept(app, client, world):
    from liaison.insight.routing_models import RoutingModel

    app.config["ROUTING_MIN_SAMPLES"] = 1000
    out = _train(app, world["region_id"])
    assert "分类：决定太少，未建模型" in out
    with app.app_context():
        assert db.session.query(RoutingModel).count() == 0
    opinion_id = _submit(client, world, "小区北门的路灯坏了，晚上出行很不安全。", 30)
    r = client.get(f"/api/v1/opinions/{opinion_id}/suggestion", headers=world["liaison"])
    assert r.get_json() == {"category": None, "unit": None}
    assert "没有编号为" in app.test_cli_runner().invoke(args=["routing", "train", "--region", "999999"]).output


def test_the_periodic_job_retrains_every_district(app, world):
    from liaison.insight.routing import train_all
    from liaison.insight.routing_models import RoutingModel

    with app.app_context():
        done = train_all()
        assert done[world["region_id"]] == {"category": 90, "unit": 90}
        kinds = {(m.region_id, m.kind, m.samples) for m in db.session.scalars(select(RoutingModel))}
    assert kinds == {(world["region_id"], "category", 90), (world["region_id"], "unit", 90)}


def test_staff_choose_freely_and_the_region_report_counts_the_accepted_share(app, client, world, login):
    _train(app)
    lights = [_submit(client, world, body, 40 + n) for n, body in enumerate(
        ["小区北门的路灯坏了两个星期，晚上出行很不安全。", "巷子口路灯一直不亮，夜里很黑，请尽快维修。"])]
    liaison = world["liaison"]
    for opinion_id in lights:
        assert client.get(f"/api/v1/opinions/{opinion_id}/suggestion", headers=liaison).get_json()["category"][
            "key"] == "urban"
    # The first: taken as suggested (category and unit); the second: staff chose otherwise.
    r = client.post(f"/api/v1/opinions/{lights[0]}/transitions", json={"action": "accept", "category": "urban"},
                    headers=liaison)
    assert r.status_code == 200, r.get_json()
    r = client.post(f"/api/v1/opinions/{lights[1]}/transitions", json={"action": "accept", "category": "safety"},
                    headers=liaison)
    assert r.status_code == 200 and r.get_json()["opinion"]["category"] == "safety"
    city_unit = world["units"]["岳麓区城市管理和综合执法局"]
    r = client.post(f"/api/v1/opinions/{lights[0]}/transitions",
                    json={"action": "assign", "unit_ids": [city_unit], "level": "district"}, headers=liaison)
    assert r.status_code == 200, r.get_json()
    other_unit = world["units"]["岳麓区民政局"]
    r = client.post(f"/api/v1/opinions/{lights[1]}/transitions",
                    json={"action": "assign", "unit_ids": [other_unit], "level": "district"}, headers=liaison)
    assert r.status_code == 200, r.get_json()

    headers = login("demo-office")
    month = clock.today().strftime("%Y-%m")
    report = client.get(f"/api/v1/stats/regions/{world['region_id']}/report?month={month}", headers=headers)
    assert report.status_code == 200
    assert report.get_json()["routing"] == {"category": {"suggested": 2, "accepted": 1, "share": 0.5},
                                            "unit": {"suggested": 2, "accepted": 1, "share": 0.5}}
    xlsx = client.get(f"/api/v1/stats/regions/{world['region_id']}/report.xlsx?month={month}", headers=headers)
    sheet = load_workbook(io.BytesIO(xlsx.data))["分办建议"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)][:3] == [
        ["建议", "给出建议（件）", "采纳（件）", "采纳率"], ["意见分类", 2, 1, "50.0%"], ["承办单位", 2, 1, "50.0%"]]
    # Another district's report counts none of it.
    with app.app_context():
        from liaison.places.models import Region
        other = db.session.scalars(select(Region).where(Region.name == "芙蓉区")).one().id
    with app.app_context():
        from liaison.insight.routing import share
        from liaison.places.models import Region
        first = clock.start_of_china_month(clock.today())
        got = share(db.session.get(Region, other), first, first + timedelta(days=40))
    assert got["category"]["suggested"] == 0 and got["category"]["share"] is None


def test_only_the_staff_running_the_station_read_suggestions(app, client, world, login):
    opinion_id = _submit(client, world, "小区北门的路灯坏了，晚上出行很不安全。", 50)
    assert client.get(f"/api/v1/opinions/{opinion_id}/suggestion").status_code == 401
    r = client.get(f"/api/v1/opinions/{opinion_id}/suggestion", headers=world["resident"])
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    r = client.get(f"/api/v1/opinions/{opinion_id}/suggestion", headers=login("demo-resident2"))
    assert r.status_code == 404
