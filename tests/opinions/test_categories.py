"""OPINION_CATEGORIES is the deployment's own list (JSON of key/label): a malformed value
stops the app at start, and the demo, the submit, the workflow, the paperwork and the
messages work with any list, also for opinions whose stored key the list no longer has."""
from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from liaison.config import ConfigError, load_config
from liaison.core.db import db
from liaison.opinions.models import Opinion

THREE = [{"key": "roads", "label": "道路交通"}, {"key": "living", "label": "民生服务"},
         {"key": "misc", "label": "其他事项"}]


def test_the_list_is_read_as_json_objects_or_pairs(tmp_path):
    cfg = load_config({"INSTANCE_PATH": str(tmp_path)},
                      environ={"OPINION_CATEGORIES": json.dumps(THREE, ensure_ascii=False)})
    assert cfg["OPINION_CATEGORIES"] == [("roads", "道路交通"), ("living", "民生服务"), ("misc", "其他事项")]
    cfg = load_config({"INSTANCE_PATH": str(tmp_path)},
                      environ={"OPINION_CATEGORIES": '[["water", "供水供电"], ["other", "其他"]]'})
    assert cfg["OPINION_CATEGORIES"] == [("water", "供水供电"), ("other", "其他")]
    assert load_config({"INSTANCE_PATH": str(tmp_path)}, environ={})["OPINION_CATEGORIES"][0] == ("traffic", "交通出行")


@pytest.mark.parametrize("raw, says", [
    ("traffic,housing", "应为 JSON 列表"),
    ("[]", "非空"),
    ('{"key": "a"}', "非空的 JSON 列表"),
    ('[{"key": "Traffic", "label": "交通"}]', "key 应为"),
    ('[{"key": "traffic", "label": ""}]', "label"),
    ('[{"key": "a", "label": "甲"}, {"key": "a", "label": "乙"}]', "出现了两次"),
    ('["traffic"]', "第 1 项"),
])
def test_a_malformed_list_stops_the_start_naming_the_variable(tmp_path, raw, says):
    with pytest.raises(ConfigError) as err:
        load_config({"INSTANCE_PATH": str(tmp_path)}, environ={"OPINION_CATEGORIES": raw})
    assert "OPINION_CATEGORIES" in str(err.value) and says in str(err.value), str(err.value)
    assert str(err.value).startswith("联络站未启动")


def test_a_malformed_list_given_in_code_is_refused_too(tmp_path):
    with pytest.raises(ConfigError, match="OPINION_CATEGORIES"):
        load_config({"INSTANCE_PATH": str(tmp_path), "OPINION_CATEGORIES": [("traffic",)]})


@pytest.fixture
def three_app(make_app):
    app = make_app(OPINION_CATEGORIES=THREE)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _login(app, phone, openid):
    r = app.test_client().post("/api/v1/auth/wechat", json={"code": phone.login_code(openid)})
    assert r.status_code == 200, r.get_json()
    return {"Authorization": f"Bearer {r.get_json()['token']}"}


def test_a_custom_three_category_list_runs_the_demo_and_the_main_flows(three_app, phone):
    from liaison.users.demo import load_demo

    app = three_app
    with app.app_context():
        load_demo()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "opinions"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = {o.category for o in db.session.scalars(select(Opinion))}
        station_id = db.session.scalars(select(Opinion.station_id)).first()
    assert stored == {"roads", "living", "misc"}, stored  # varied, never a key off the list
    client = app.test_client()
    assert client.get("/api/v1/opinion-categories").get_json() == {"items": THREE}

    resident = _login(app, phone, "demo-resident")
    body = {"station_id": station_id, "text": "小区门口的路灯坏了两个星期，晚上出行很不安全，希望尽快修复。"}
    r = client.post("/api/v1/opinions", json=body, headers={**resident, "Idempotency-Key": "c-1"})
    assert r.status_code == 201, r.get_json()
    opinion = r.get_json()["opinion"]
    assert (opinion["category"], opinion["category_label"]) == ("misc", "其他事项")  # no `other`: 其他…
    r = client.post("/api/v1/opinions", json={**body, "category": "traffic"},
                    headers={**resident, "Idempotency-Key": "c-2"})
    assert r.status_code == 422 and "category" in r.get_json()["error"]["details"]["fields"]

    liaison = _login(app, phone, "demo-liaison")
    r = client.post(f"/api/v1/opinions/{opinion['id']}/transitions",
                    json={"action": "accept", "category": "roads"}, headers=liaison)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["opinion"]["category_label"] == "道路交通"
    r = client.get("/api/v1/opinions.xlsx", headers=liaison)
    assert r.status_code == 200
    cells = [c for row in load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True) for c in row]
    assert "道路交通" in cells


def test_an_opinion_whose_key_left_the_list_is_shown_by_its_key(app, demo, phone, client):
    from liaison.notifications.outbox import opinion_context
    from liaison.core import clock

    resident = _login(app, phone, "demo-resident")
    with app.app_context():
        from liaison.places.models import Station
        from liaison.users.demo import DEMO_STATION
        station_id = db.session.scalars(select(Station.id).where(Station.name == DEMO_STATION)).one()
    body = {"station_id": station_id, "category": "housing",
            "text": "老旧小区加装电梯推进缓慢，低楼层住户意见不一，希望街道牵头协调。"}
    r = client.post("/api/v1/opinions", json=body, headers={**resident, "Idempotency-Key": "k-1"})
    assert r.status_code == 201
    opinion_id = r.get_json()["opinion"]["id"]
    app.config["OPINION_CATEGORIES"] = [("roads", "道路交通"), ("other", "其他")]
    r = client.get(f"/api/v1/opinions/{opinion_id}", headers=resident)
    assert r.status_code == 200
    assert (r.get_json()["opinion"]["category"], r.get_json()["opinion"]["category_label"]) == ("housing", "housing")
    liaison = _login(app, phone, "demo-liaison")
    assert client.get("/api/v1/opinions.xlsx", headers=liaison).status_code == 200
    with app.app_context():
        assert opinion_context(db.session.get(Opinion, opinion_id), {}, clock.now())["category"] == "housing"
    # Accepting without a category keeps the stored key; a new one must be on the list.
    r = client.post(f"/api/v1/opinions/{opinion_id}/transitions",
                    json={"action": "accept", "category": "housing"}, headers=liaison)
    assert r.status_code == 422
    r = client.post(f"/api/v1/opinions/{opinion_id}/transitions", json={"action": "accept"},
                    headers=liaison)
    assert r.status_code == 200 and r.get_json()["opinion"]["category"] == "housing"
