"""Similar cases (``insight.similar``) and closing a repeat as a duplicate of one.

The candidates are the earlier opinions of the opinion's district that the caller may
see; they are ranked by TF-IDF cosine, those at or above ``SIMILAR_MIN_SCORE`` shown,
at most five, each with its public answer. A duplicate is closed (counted as closed,
never as resolved) and its resident is told the earlier case's answer."""
from __future__ import annotations

from datetime import timedelta

import factories
import pytest
from sqlalchemy import select

from liaison.core import clock
from liaison.core.db import db

LIGHTS = "小区北门的路灯坏了两个星期，晚上出行很不安全，希望尽快修复。"
ANSWER = "已安排城管局路灯所于本周内更换灯具，修复后请您监督。"


@pytest.fixture
def world(app, demo, login):
    from liaison.demo.history import SECOND_STATION
    from liaison.places.models import Station

    with app.app_context():
        ids = factories.demo_ids(db.session)
        here = db.session.get(Station, ids["station_id"])
        second = db.session.scalars(select(Station).where(Station.name == SECOND_STATION)).one()
        elsewhere = db.session.get(Station, ids["other_station_id"])  # 芙蓉区: another district
        before = clock.now() - timedelta(days=30)
        rows = {
            "answered": factories.opinion(db.session, here, LIGHTS, state="replied", reply_text=ANSWER,
                                          replied_at=before + timedelta(days=3), created_at=before),
            "second": factories.opinion(db.session, second, "北门那边路灯坏了两个星期了，晚上出行不安全，请尽快修复。",
                                        state="accepted", created_at=before + timedelta(days=1)),
            "unrelated": factories.opinion(db.session, here, "老年食堂饭菜涨价，希望给高龄老人更多补贴。",
                                           state="accepted", created_at=before + timedelta(days=2)),
            "other_district": factories.opinion(db.session, elsewhere, LIGHTS, state="accepted",
                                                created_at=before + timedelta(days=2)),
            "held": factories.opinion(db.session, here, LIGHTS, state="on_hold", created_at=before),
        }
        db.session.commit()
        out = {k: v.id for k, v in rows.items()}
        out["numbers"] = {k: v.number for k, v in rows.items()}
    resident = login("demo-resident")
    return {**ids, **out, "resident": resident, "liaison": login("demo-liaison"), "office": login("demo-office")}


def _submit(client, world, text=LIGHTS, key="s-1"):
    r = client.post("/api/v1/opinions", json={"station_id": world["station_id"], "text": text},
                    headers={**world["resident"], "Idempotency-Key": key})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["opinion"]["id"]


def test_similar_cases_are_the_earlier_alike_ones_the_caller_may_see_with_their_answer(app, client, world):
    target = _submit(client, world, "北门路灯坏了两个星期，晚上出行很不安全，希望尽快修好。")
    later = _submit(client, world, LIGHTS, key="s-2")  # registered after the target: never its similar case

    r = client.get(f"/api/v1/opinions/{target}/similar", headers=world["liaison"])
    assert r.status_code == 200, r.get_json()
    items = r.get_json()["items"]
    # The liaison sees their own station only; the office the whole district (not 芙蓉区).
    assert [i["id"] for i in items] == [world["answered"]], items
    top = items[0]
    assert top["number"] == world["numbers"]["answered"] and top["state"] == "replied"
    assert top["reply"] == ANSWER and top["summary"] == LIGHTS[:40] and 0.5 < top["score"] <= 1

    items = client.get(f"/api/v1/opinions/{target}/similar", headers=world["office"]).get_json()["items"]
    assert {i["id"] for i in items} == {world["answered"], world["second"]}
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)
    assert next(i for i in items if i["id"] == world["second"])["reply"] is None
    assert later not in {i["id"] for i in items} and world["other_district"] not in {i["id"] for i in items}
    assert world["unrelated"] not in {i["id"] for i in items} and world["held"] not in {i["id"] for i in items}

    # The later one finds the target (and the answered case) among its earlier ones.
    ids = [i["id"] for i in client.get(f"/api/v1/opinions/{later}/similar", headers=world["liaison"]).get_json()["items"]]
    assert world["answered"] in ids and target in ids

    app.config["SIMILAR_MIN_SCORE"] = 0.99
    assert client.get(f"/api/v1/opinions/{target}/similar", headers=world["office"]).get_json() == {"items": []}


def test_at_most_five_best_first(app, client, world):
    from liaison.places.models import Station

    with app.app_context():
        here = db.session.get(Station, world["station_id"])
        for n in range(7):
            factories.opinion(db.session, here, LIGHTS.replace("北门", f"{'东南西'[n % 3]}门"),
                              state="accepted", created_at=clock.now() - timedelta(days=10 - n))
        db.session.commit()
    target = _submit(client, world)
    items = client.get(f"/api/v1/opinions/{target}/similar", headers=world["liaison"]).get_json()["items"]
    assert len(items) == 5 and items[0]["id"] == world["answered"] and items[0]["score"] > 0.99


def test_only_the_staff_running_the_station_read_similar_cases(client, world, login):
    target = _submit(client, world)
    assert client.get(f"/api/v1/opinions/{target}/similar").status_code == 401
    assert client.get(f"/api/v1/opinions/{target}/similar", headers=world["resident"]).status_code == 403
    assert client.get(f"/api/v1/opinions/{target}/similar", headers=login("demo-resident2")).status_code == 404
    assert client.get(f"/api/v1/opinions/{target}/similar", headers=login("demo-unit")).status_code == 404


def _act(client, headers, opinion_id, **payload):
    return client.post(f"/api/v1/opinions/{opinion_id}/transitions", json=payload, headers=headers)


def test_a_duplicate_is_closed_with_the_earlier_answer_and_counted_closed_never_resolved(app, client, world):
    from liaison.notifications.models import Message
    from liaison.opinions.models import Opinion
    from liaison.opinions.states import is_resolved

    target = _submit(client, world)
    r = _act(client, world["liaison"], target, action="mark_duplicate", duplicate_of=world["answered"])
    assert r.status_code == 200, r.get_json()
    o = r.get_json()["opinion"]
    assert o["state"] == "closed" and o["state_group"] == "closed"
    assert world["numbers"]["answered"] in o["reply"]["text"] and ANSWER in o["reply"]["text"]
    with app.app_context():
        row = db.session.get(Opinion, target)
        assert row.close_reason == "duplicate" and not is_resolved(row.state, row.close_reason)
        event = row.events[-1]
        assert event.action == "mark_duplicate" and event.payload["duplicate_of"] == world["answered"]
        assert event.payload["duplicate_number"] == world["numbers"]["answered"]
        told = [m for m in db.session.scalars(select(Message).where(Message.opinion_id == target))
                if m.user_id == row.submitter_id]
        assert any(ANSWER in (m.body or "") for m in told), [(m.title, m.body) for m in told]
    # The resident's own view says so too.
    mine = client.get(f"/api/v1/opinions/{target}", headers=world["resident"]).get_json()["opinion"]
    assert ANSWER in mine["reply"]["text"]
    # Closed now: a second time is a 409.
    r = _act(client, world["liaison"], target, action="mark_duplicate", duplicate_of=world["answered"])
    assert r.status_code == 409


def test_a_duplicate_of_an_unanswered_case_waits_for_its_answer(client, world):
    target = _submit(client, world)
    r = _act(client, world["office"], target, action="mark_duplicate", duplicate_of=world["second"])
    assert r.status_code == 200, r.get_json()
    assert "办理结果将一并答复" in r.get_json()["opinion"]["reply"]["text"]


@pytest.mark.parametrize("which, who", [
    ("later", "liaison"),  # registered after this one
    ("other_district", "office"),  # 芙蓉区: another district
    ("second", "liaison"),  # the district's other station: not the liaison's to see
    ("self", "liaison"),
    ("missing", "liaison"),
])
def test_a_duplicate_must_be_an_earlier_visible_case_of_the_district(client, world, which, who):
    target = _submit(client, world)
    other = {"later": None, "self": target, "missing": 999999}.get(which, world.get(which))
    if which == "later":
        other = _submit(client, world, key="s-later")
    r = _act(client, world[who], target, action="mark_duplicate", duplicate_of=other)
    assert r.status_code == 422, r.get_json()
    assert "duplicate_of" in r.get_json()["error"]["details"]["fields"]
    assert client.get(f"/api/v1/opinions/{target}", headers=world["liaison"]).get_json()["opinion"]["state"] == "submitted"
