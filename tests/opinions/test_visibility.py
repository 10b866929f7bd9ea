"""Who sees what: every role against every opinion endpoint it must not reach, and the
masking and anonymity rules for those who may."""
import io
from datetime import date, timedelta

import factories
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
# What staff typed on each step (and one note by the summoned deputy, one reason by the unit).
NOTES = {"accept": "受理备注：转住建条线", "note": "内部备注：已电话核实",
         "assign": "交办说明：请现场查看北门路灯", "urge": "已电话催办住建局王科长。",
         "deputy_urge": "代表督办：群众很着急", "request_extension": "需协调供电公司更换线路",
         "approve_extension": "同意延期：已报分管领导"}


@pytest.fixture
def case(client, who, submit, act, world):
    """An anonymous opinion with a phone and a photo, accepted and assigned to demo-unit."""
    photo = client.post("/api/v1/uploads", headers=who("demo-resident"),
                        data={"file": (io.BytesIO(jpeg()), "p.jpg")},
                        content_type="multipart/form-data").get_json()
    op = submit(anonymous=True, contact_phone="13800001234", photo_ids=[photo["id"]],
                deputy_id=world["deputy_id"]).get_json()["opinion"]
    assert act("demo-liaison", op["id"], "accept", note=NOTES["accept"]).status_code == 200
    assert act("demo-liaison", op["id"], "note", note=NOTES["note"]).status_code == 200
    r = act("demo-liaison", op["id"], "assign", unit_ids=[world["unit_id"]], level="district",
            note=NOTES["assign"])
    assert r.status_code == 200
    return {"id": op["id"], "photo": photo["id"], "deadline": r.get_json()["opinion"]["deadline"]}


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


def test_unit_gets_the_phone_when_the_resident_is_not_anonymous(client, who, submit, act, world):
    op = submit(contact_phone="13800001234").get_json()["opinion"]
    act("demo-liaison", op["id"], "accept")
    act("demo-liaison", op["id"], "assign", unit_ids=[world["unit_id"]], level="district")
    unit = _get(client, who, "demo-unit", op["id"])
    assert unit["contact_phone"] == "13800001234" and unit["submitter"]["nickname"] == "居民张阿姨"
    deputy = _get(client, who, "demo-deputy", op["id"])
    assert deputy["contact_phone"] == "138****1234" and deputy["submitter"]["nickname"] == "居民张阿姨"


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


# -- what each role reads of one opinion (docs/API.md, "Who reads what") -------------

@pytest.fixture
def station_deputy(app, world, who):
    """Log in a deputy who sits at the demo station but was not summoned."""
    from liaison.core.db import db
    from liaison.places.models import Membership

    with app.app_context():
        member = db.session.query(Membership).filter(
            Membership.station_id == world["station_id"],
            Membership.deputy_id != world["deputy_id"]).first()
        member.deputy.user_id = factories.user(db.session, "station-deputy", "站内代表").id
        db.session.commit()
    return who("station-deputy")


@pytest.fixture
def handled(case, act, station_deputy):
    """``case`` urged by staff and by the summoned deputy, with an approved extension."""
    op_id = case["id"]
    later = (date.fromisoformat(case["deadline"]) + timedelta(days=10)).isoformat()
    for openid, action, fields in (
            ("demo-liaison", "urge", {"method": "phone", "note": NOTES["urge"]}),
            ("demo-deputy", "urge", {"method": "letter", "note": NOTES["deputy_urge"]}),
            ("demo-unit", "request_extension", {"deadline": later, "reason": NOTES["request_extension"]}),
            ("demo-liaison", "approve_extension", {"note": NOTES["approve_extension"]})):
        r = act(openid, op_id, action, **fields)
        assert r.status_code == 200, (action, r.get_json())
    return case


STAFF_NOTES = set(NOTES.values())
# openid -> (submitter nickname, contact_phone, the notes they read, the unit's extension reason)
ROLE_VIEWS = {
    "demo-resident": (None, "138****1234", set(), None),
    "demo-deputy": (None, None, {NOTES["deputy_urge"]}, None),  # summoned; wrote one urge
    "station-deputy": (None, None, set(), None),
    "demo-unit": (None, None, {NOTES["assign"], NOTES["request_extension"]}, NOTES["request_extension"]),
    "demo-liaison": ("居民张阿姨", "13800001234", STAFF_NOTES, NOTES["request_extension"]),
    "demo-master": ("居民张阿姨", "13800001234", STAFF_NOTES, NOTES["request_extension"]),
    "demo-office": ("居民张阿姨", "138****1234", STAFF_NOTES, NOTES["request_extension"]),
}


@pytest.mark.parametrize("openid", ROLE_VIEWS)
def test_each_role_reads_only_its_share_of_an_anonymous_opinion(client, who, handled, openid):
    nickname, phone, notes, extension_reason = ROLE_VIEWS[openid]
    r = client.get(f"/api/v1/opinions/{handled['id']}", headers=who(openid))
    op = r.get_json()["opinion"]
    assert (op["submitter"] or {}).get("nickname") == nickname
    assert op["contact_phone"] == phone
    assert {e["note"] for e in op["events"] if e["note"]} == notes
    assert [a["extension_reason"] for a in op["assignments"]] == ([] if openid == "demo-resident"
                                                                   else [extension_reason])
    body = r.get_data(as_text=True)
    for secret in STAFF_NOTES - notes:
        assert secret not in body, (openid, secret)
    if phone is None:  # deputies and the unit: nothing of who the anonymous resident is
        assert "居民张阿姨" not in body and "13800001234" not in body and "138****1234" not in body


def test_the_resident_sees_every_public_step_without_the_staff_note(client, who, handled):
    events = _get(client, who, "demo-resident", handled["id"])["events"]
    assert [e["action"] for e in events] == ["submit", "accept", "assign", "urge", "urge",
                                             "approve_extension"]
    assert [e["note"] for e in events] == [None] * 6


def test_hold_reason_is_for_staff_only(client, who, submit, act, station_deputy, world):
    op = submit(deputy_id=world["deputy_id"]).get_json()["opinion"]
    assert act("demo-liaison", op["id"], "hold", hold_reason="manual",
               note="疑似重复投诉，先核实").status_code == 200
    for openid in ("demo-liaison", "demo-master", "demo-office"):
        seen = _get(client, who, openid, op["id"])
        assert (seen["hold_reason"], seen["hold_reason_label"]) == ("manual", "人工暂缓"), openid
        assert "疑似重复投诉，先核实" in [e["note"] for e in seen["events"]]
    for openid in ("demo-resident", "demo-deputy", "station-deputy"):
        r = client.get(f"/api/v1/opinions/{op['id']}", headers=who(openid))
        seen = r.get_json()["opinion"]
        assert (seen["hold_reason"], seen["hold_reason_label"]) == (None, None), openid
        assert "人工暂缓" not in r.get_data(as_text=True) and "疑似重复" not in r.get_data(as_text=True)


def test_reopen_reason_stays_internal_and_the_public_answers_stay_public(client, who, submit, act):
    op = submit().get_json()["opinion"]
    for openid, action, fields in (
            ("demo-liaison", "accept", {}),
            ("demo-liaison", "reply_directly", {"text": "路灯已经修好。", "method": "phone"}),
            ("demo-resident", "rate", {"rating": "unsatisfied", "comment": "北门那盏还是不亮"}),
            ("demo-liaison", "reopen", {"reason": "复核发现未到现场查看"})):
        assert act(openid, op["id"], action, **fields).status_code == 200, action
    mine = _get(client, who, "demo-resident", op["id"])
    assert [e["action"] for e in mine["events"]][-2:] == ["rate", "reopen"]
    assert mine["events"][-1]["note"] is None
    staff = _get(client, who, "demo-liaison", op["id"])
    assert staff["events"][-1]["note"] == "复核发现未到现场查看"
    declined = submit(text="希望把小区对面的商场改成公园，越大越好。").get_json()["opinion"]
    assert act("demo-liaison", declined["id"], "decline", reason="不属于本站职责范围",
               channel="hotline_12345").status_code == 200
    assert _get(client, who, "demo-resident", declined["id"])["events"][-1]["note"] == "不属于本站职责范围"


def test_units_are_urged_without_the_staff_note(client, who, handled):
    items = client.get("/api/v1/messages?per_page=50", headers=who("demo-unit")).get_json()["items"]
    urged = [m["body"] for m in items if m["event"] == "urged"]
    assert len(urged) == 2 and all("督办" in body for body in urged)
    for body in (m["body"] for m in items):
        assert NOTES["urge"] not in body and NOTES["deputy_urge"] not in body
        assert NOTES["approve_extension"] not in body
