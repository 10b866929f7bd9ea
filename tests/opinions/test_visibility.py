"""Who sees what: every role against every opinion endpoint it must not reach, and the
masking and anonymity rules for those who may."""
import io

import pytest
from opinion_helpers import jpeg

OUTSIDERS = [
    ("demo-resident2", "another resident"),
    ("other-unit", "a handling unit it was not assigned to"),
    ("other-deputy", "a deputy of another station"),
    ("other-liaison", "liaison of another station"),
    ("other-office", "NPC office of another district"),
]
INSIDERS = ["demo-resident", "demo-deputy", "demo-liaison", "demo-master", "demo-office", "demo-unit"]


@pytest.fixture
def case(client, who, submit, act, world):
    """An anonymous opinion with a phone and a photo, accepted and assigned to demo-unit."""
    photo = client.post("/api/v1/uploads", headers=who("demo-resident"),
                        data={"file": (io.BytesIO(jpeg()), "p.jpg")},
                        content_type="multipart/form-data").get_json()
    op = submit(anonymous=True, contact_phone="13800001234", photo_ids=[photo["id"]],
                deputy_id=world["deputy_id"]).get_json()["opinion"]
    assert act("demo-liaison", op["id"], "accept").status_code == 200
    assert act("demo-liaison", op["id"], "note", note="内部备注：已电话核实").status_code == 200
    r = act("demo-liaison", op["id"], "assign", unit_ids=[world["unit_id"]], level="district")
    assert r.status_code == 200
    return {"id": op["id"], "photo": photo["id"]}


def _requests(op_id, photo):
    return [
        ("GET", f"/api/v1/opinions/{op_id}", None),
        ("POST", f"/api/v1/opinions/{op_id}/transitions", {"action": "note", "note": "看看"}),
        ("POST", f"/api/v1/opinions/{op_id}/transitions", {"action": "rate", "rating": "satisfied"}),
        ("POST", f"/api/v1/opinions/{op_id}/transitions", {"action": "edit", "text": "改成别的内容"}),
        ("GET", f"/uploads/{photo}", None),
    ]


@pytest.mark.parametrize("openid,who_they_are", OUTSIDERS)
def test_outsiders_get_a_404_that_leaks_nothing(client, who, case, openid, who_they_are):
    missing = client.get("/api/v1/opinions/999999", headers=who(openid)).get_json()
    for method, url, body in _requests(case["id"], case["photo"]):
        r = client.open(url, method=method, json=body, headers=who(openid))
        assert r.status_code == 404, (who_they_are, method, url, r.status_code)
        if url.startswith("/api/"):
            assert r.get_json() == missing  # the same answer as for an opinion that never existed
    listed = client.get("/api/v1/opinions", headers=who(openid)).get_json()
    assert case["id"] not in [o["id"] for o in listed["items"]], who_they_are
    assert client.get("/api/v1/opinions?overdue=1", headers=who(openid)).get_json()["total"] == 0


def test_anonymous_callers_get_401_everywhere(client, case):
    for method, url, body in _requests(case["id"], case["photo"])[:-1]:
        r = client.open(url, method=method, json=body)
        assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized", url
    assert client.get("/api/v1/opinions").status_code == 401
    assert client.get("/api/v1/handling-units").status_code == 401
    assert client.get(f"/uploads/{case['photo']}").status_code == 404


@pytest.mark.parametrize("openid", INSIDERS)
def test_everyone_involved_sees_it_and_finds_it_in_their_list(client, who, case, openid):
    r = client.get(f"/api/v1/opinions/{case['id']}", headers=who(openid))
    assert r.status_code == 200
    listed = client.get("/api/v1/opinions", headers=who(openid)).get_json()
    assert case["id"] in [o["id"] for o in listed["items"]]
    assert client.get(f"/uploads/{case['photo']}", headers=who(openid)).status_code == 200


def test_visible_but_not_allowed_is_403(client, who, case):
    for openid, action in [("demo-resident", "accept"), ("demo-unit", "assign"),
                           ("demo-deputy", "reply_directly"), ("demo-office", "unit_accept")]:
        r = client.post(f"/api/v1/opinions/{case['id']}/transitions",
                        json={"action": action}, headers=who(openid))
        assert r.status_code == 403, (openid, action, r.get_json())


def _get(client, who, openid, op_id):
    return client.get(f"/api/v1/opinions/{op_id}", headers=who(openid)).get_json()["opinion"]


def test_phone_and_identity_follow_the_role(client, who, case):
    staff = _get(client, who, "demo-liaison", case["id"])
    assert staff["contact_phone"] == "13800001234" and staff["submitter"]["nickname"] == "居民张阿姨"
    assert _get(client, who, "demo-master", case["id"])["contact_phone"] == "13800001234"
    for openid in ("demo-resident", "demo-deputy", "demo-office"):
        assert _get(client, who, openid, case["id"])["contact_phone"] == "138****1234", openid
    unit = _get(client, who, "demo-unit", case["id"])
    assert unit["anonymous"] is True
    assert unit["contact_phone"] is None and unit["submitter"] is None
    assert "居民张阿姨" not in client.get(f"/api/v1/opinions/{case['id']}",
                                      headers=who("demo-unit")).get_data(as_text=True)


def test_unit_gets_the_phone_when_the_resident_is_not_anonymous(client, who, submit, act, world):
    op = submit(contact_phone="13800001234").get_json()["opinion"]
    act("demo-liaison", op["id"], "accept")
    act("demo-liaison", op["id"], "assign", unit_ids=[world["unit_id"]], level="district")
    unit = _get(client, who, "demo-unit", op["id"])
    assert unit["contact_phone"] == "13800001234" and unit["submitter"]["nickname"] == "居民张阿姨"


def test_residents_see_the_public_timeline_staff_see_everything(client, who, case):
    mine = [e["action"] for e in _get(client, who, "demo-resident", case["id"])["events"]]
    staff = [e["action"] for e in _get(client, who, "demo-liaison", case["id"])["events"]]
    assert mine == ["submit", "accept", "assign"]
    assert staff == ["submit", "accept", "note", "assign"]
    resident = _get(client, who, "demo-resident", case["id"])
    assert resident["deputy"]["name"] == "王明" and resident["assignments"] == []
    assert resident["allowed_actions"] == []


def test_unit_stops_seeing_a_withdrawn_assignment(client, who, case, act, world):
    assert act("demo-liaison", case["id"], "assign", unit_ids=[world["unit2_id"]],
               level="district").status_code == 200
    assert client.get(f"/api/v1/opinions/{case['id']}", headers=who("demo-unit")).status_code == 404


def test_deputy_keeps_seeing_opinions_that_summoned_them_after_leaving_the_station(
        app, client, who, case, world):
    from datetime import date

    from liaison.core.db import db
    from liaison.places.models import Membership

    with app.app_context():
        m = db.session.query(Membership).filter_by(deputy_id=world["deputy_id"],
                                                   station_id=world["station_id"]).one()
        m.ended_on = date(2020, 1, 1)
        db.session.commit()
    r = client.get(f"/api/v1/opinions/{case['id']}", headers=who("demo-deputy"))
    assert r.status_code == 200
    assert "urge" in r.get_json()["opinion"]["allowed_actions"]  # still the summoned deputy


def test_handling_units_are_for_staff(client, who):
    assert client.get("/api/v1/handling-units", headers=who("demo-resident")).status_code == 403
    items = client.get("/api/v1/handling-units", headers=who("demo-liaison")).get_json()["items"]
    assert {"望月湖街道办事处", "岳麓区住房和城乡建设局"} <= {u["name"] for u in items}
    assert items[0]["level"] == "town" and items[0]["level_label"]
