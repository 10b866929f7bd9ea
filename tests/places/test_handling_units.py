"""Handling units through the API: the NPC office adds, edits, deactivates and merges the
units of its own district; another district's office, station staff and units may not;
the assignment list follows the station's region line and the case's level."""
from __future__ import annotations

import uuid

import factories
import pytest

TEXT = "小区北门的路灯坏了两个星期，晚上出行很不安全，希望尽快修复。"


@pytest.fixture
def units(app, demo, login):
    """Ids of the demo's places and units, an office of 天心区, and logged-in headers."""
    from liaison.core.db import db
    from liaison.users.demo import DEMO_STATION
    from liaison.places.models import HandlingUnit, Region, Station

    with app.app_context():
        tianxin = db.session.query(Region).filter_by(name="天心区").one()
        factories.staff(db.session, factories.user(db.session, "tianxin-office", "天心区工委"), "office",
                        region_id=tianxin.id)
        db.session.commit()
        station = db.session.query(Station).filter_by(name=DEMO_STATION).one()
        ids = {"yuelu": db.session.query(Region).filter_by(name="岳麓区").one().id, "tianxin": tianxin.id,
               "street": station.region_id, "station": station.id,
               "city": db.session.query(Region).filter_by(name="长沙市", parent_id=None).one().id,
               "elsewhere": db.session.query(Station).filter(Station.region_id.in_(
                   [r.id for r in db.session.query(Region).filter(Region.path.startswith(tianxin.path))])).first().id,
               **{u.name: u.id for u in db.session.query(HandlingUnit)}}
    heads = {name: login(openid) for name, openid in (
        ("office", "demo-office"), ("other_office", "tianxin-office"), ("liaison", "demo-liaison"),
        ("unit", "demo-unit"), ("resident", "demo-resident"))}
    return ids, heads


def _audit(app, action):
    from liaison.audit.models import AuditEntry
    from liaison.core.db import db

    with app.app_context():
        return [(e.subject, e.before, e.after, e.region_id) for e in db.session.query(AuditEntry).filter_by(action=action)]


def test_the_office_adds_a_unit_in_its_district_and_it_is_offered_for_assigning(app, client, units):
    ids, h = units
    r = client.post("/api/v1/handling-units", headers=h["office"],
                    json={"name": "岳麓区发展和改革局", "level": "district", "region_id": ids["yuelu"],
                          "contact": "张科长 0731-88888888"})
    assert r.status_code == 201, r.get_json()
    unit = r.get_json()["unit"]
    assert unit["region"] == "长沙市/岳麓区" and unit["active"] is True and unit["level_label"] == "区（县）"
    listed = client.get(f"/api/v1/handling-units?station_id={ids['station']}", headers=h["liaison"]).get_json()
    assert "岳麓区发展和改革局" in [u["name"] for u in listed["items"]]
    [(subject, before, after, region)] = _audit(app, "unit.created")
    assert subject == "岳麓区发展和改革局" and before is None and region == ids["yuelu"]
    assert after["region"] == "长沙市/岳麓区" and after["contact"] == "张科长 0731-88888888"


def test_a_unit_name_is_unique_and_fields_are_checked_in_chinese(client, units):
    ids, h = units
    taken = client.post("/api/v1/handling-units", headers=h["office"],
                        json={"name": "岳麓区教育局", "level": "district", "region_id": ids["yuelu"]})
    assert taken.status_code == 409 and "同名" in taken.get_json()["error"]["message"]
    bad = client.post("/api/v1/handling-units", headers=h["office"],
                      json={"name": " ", "level": "province", "region_id": ids["yuelu"]})
    assert bad.status_code == 422 and bad.get_json()["error"]["message"] == "单位名称不能为空"
    level = client.post("/api/v1/handling-units", headers=h["office"],
                        json={"name": "某局", "level": "province", "region_id": ids["yuelu"]})
    assert level.status_code == 422 and "层级应为" in level.get_json()["error"]["message"]


def test_an_office_of_another_district_can_neither_add_nor_edit_nor_merge_yuelu_units(app, client, units):
    ids, h = units
    other = h["other_office"]
    add = client.post("/api/v1/handling-units", headers=other,
                      json={"name": "岳麓区发展和改革局", "level": "district", "region_id": ids["yuelu"]})
    assert add.status_code == 403 and add.get_json()["error"]["message"] == "只能在本区域内设置承办单位"
    edit = client.patch(f"/api/v1/handling-units/{ids['岳麓区教育局']}", headers=other, json={"active": False})
    assert edit.status_code == 404
    merge = client.post(f"/api/v1/handling-units/{ids['岳麓区民政局']}/merge", headers=other,
                        json={"into": ids["岳麓区教育局"]})
    assert merge.status_code == 404
    own = client.post("/api/v1/handling-units", headers=other,
                      json={"name": "天心区教育局", "level": "district", "region_id": ids["tianxin"]})
    assert own.status_code == 201
    moved = client.patch(f"/api/v1/handling-units/{own.get_json()['unit']['id']}", headers=other,
                         json={"region_id": ids["yuelu"]})
    assert moved.status_code == 403  # cannot hand its unit over to another district either
    assert [a[0] for a in _audit(app, "unit.updated")] == []


@pytest.mark.parametrize("who", ["liaison", "unit", "resident"])
def test_only_an_npc_office_manages_units(client, units, who):
    ids, h = units
    r = client.post("/api/v1/handling-units", headers=h[who],
                    json={"name": "岳麓区发展和改革局", "level": "district", "region_id": ids["yuelu"]})
    assert r.status_code == 403 and r.get_json()["error"]["message"] == "只有人大工委可以管理承办单位"


def test_deactivating_a_unit_takes_it_off_the_assignment_list_and_the_assign_action(app, client, units):
    ids, h = units
    unit = ids["岳麓区教育局"]
    r = client.patch(f"/api/v1/handling-units/{unit}", headers=h["office"], json={"active": False, "contact": "李老师"})
    assert r.status_code == 200 and r.get_json()["unit"]["active"] is False
    listed = client.get(f"/api/v1/handling-units?station_id={ids['station']}", headers=h["liaison"]).get_json()
    assert unit not in [u["id"] for u in listed["items"]]
    opinion = _assigned(client, ids, h, [ids["岳麓区民政局"]])
    again = client.post(f"/api/v1/opinions/{opinion}/transitions", headers=h["liaison"],
                        json={"action": "assign", "level": "district", "unit_ids": [unit]})
    assert again.status_code == 422
    [(_, before, after, _)] = _audit(app, "unit.deactivated")
    assert before == {"contact": "", "active": True} and after == {"contact": "李老师", "active": False}
    back = client.patch(f"/api/v1/handling-units/{unit}", headers=h["office"], json={"active": True})
    assert back.get_json()["unit"]["active"] is True and len(_audit(app, "unit.reactivated")) == 1


def _assigned(client, ids, h, unit_ids, level="district") -> int:
    r = client.post("/api/v1/opinions", headers={**h["resident"], "Idempotency-Key": str(uuid.uuid4())},
                    json={"station_id": ids["station"], "category": "housing", "text": TEXT})
    assert r.status_code == 201, r.get_json()
    opinion = r.get_json()["opinion"]["id"]
    for body in ({"action": "accept"}, {"action": "assign", "level": level, "unit_ids": unit_ids}):
        step = client.post(f"/api/v1/opinions/{opinion}/transitions", headers=h["liaison"], json=body)
        assert step.status_code == 200, step.get_json()
    return opinion


def test_merging_moves_the_assignments_and_unit_staff_then_deactivates_the_unit(app, client, units):
    from liaison.core.db import db
    from liaison.places.models import HandlingUnit
    from liaison.users.models import StaffRole

    ids, h = units
    source, target = ids["岳麓区住房和城乡建设局"], ids["岳麓区城市管理和综合执法局"]  # demo-unit works at source
    opinion = _assigned(client, ids, h, [source])
    r = client.post(f"/api/v1/handling-units/{source}/merge", headers=h["office"], json={"into": target})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["assignments"], body["roles"], body["unit"]["active"]) == (1, 1, False)
    detail = client.get(f"/api/v1/opinions/{opinion}", headers=h["unit"]).get_json()["opinion"]
    assert [a["unit"]["id"] for a in detail["assignments"]] == [target]
    assert "unit_accept" in detail["allowed_actions"]  # the unit's staff carry on under the new unit
    with app.app_context():
        assert db.session.get(HandlingUnit, source).active is False
        assert [r.unit_id for r in db.session.query(StaffRole).filter_by(role="unit")] == [target]
    [(subject, _, after, _)] = _audit(app, "unit.merged")
    assert subject == "岳麓区住房和城乡建设局"
    assert after == {"active": False, "merged_into": "岳麓区城市管理和综合执法局", "assignments": 1, "roles": 1}
    assert len(_audit(app, "role.moved")) == 1


def test_a_merge_is_refused_while_both_units_handle_the_same_case(client, units):
    ids, h = units
    source, target = ids["岳麓区教育局"], ids["岳麓区民政局"]
    _assigned(client, ids, h, [source, target])
    r = client.post(f"/api/v1/handling-units/{source}/merge", headers=h["office"], json={"into": target})
    assert r.status_code == 409 and "同时交办" in r.get_json()["error"]["message"]
    itself = client.post(f"/api/v1/handling-units/{source}/merge", headers=h["office"], json={"into": source})
    assert itself.status_code == 422 and itself.get_json()["error"]["message"] == "不能把单位合并到它自己"


def test_the_assignment_list_follows_the_stations_region_line_and_the_level(app, client, units):
    from liaison.core.db import db
    from liaison.places.models import HandlingUnit

    ids, h = units
    with app.app_context():
        db.session.add_all([
            HandlingUnit(name="天心区教育局", level="district", region_id=ids["tianxin"]),
            HandlingUnit(name="长沙市发展和改革委员会", level="city_and_above", region_id=ids["city"]),
            HandlingUnit(name="望月湖街道城管中队", level="town", region_id=ids["street"])])
        db.session.commit()

    def names(**query):
        r = client.get("/api/v1/handling-units", headers=h["liaison"], query_string=query)
        assert r.status_code == 200, r.get_json()
        return [u["name"] for u in r.get_json()["items"]]

    line = names(station_id=ids["station"])
    assert "长沙市发展和改革委员会" in line and "望月湖街道城管中队" in line and "天心区教育局" not in line
    assert line.index("望月湖街道城管中队") < line.index("岳麓区教育局") < line.index("长沙市发展和改革委员会")
    assert set(names(station_id=ids["station"], level="city_and_above")) == {"长沙市发展和改革委员会", "长沙市交通运输局"}
    assert set(names(station_id=ids["station"], level="town")) == {"望月湖街道办事处", "望月湖街道城管中队"}
    assert names(station_id=ids["station"], q="教育") == ["岳麓区教育局"]
    assert names(station_id=ids["elsewhere"], level="district") == ["天心区教育局"]
