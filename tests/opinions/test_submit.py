"""Submitting an opinion: numbering, idempotency, fields, phone numbers, content check."""
import re
import uuid
from datetime import timedelta

import requests
from opinion_helpers import parallel

from liaison.core.db import db
from liaison.opinions.models import Opinion

NUMBER = re.compile(r"^LL-\d{4}-\d{6}$")


def test_submit_answers_the_opinion_with_a_number_and_state(submit, world):
    r = submit(deputy_id=world["deputy_id"])
    assert r.status_code == 201, r.get_json()
    op = r.get_json()["opinion"]
    assert NUMBER.match(op["number"]) and op["number"].endswith("000001")
    assert (op["state"], op["state_label"], op["state_group"]) == ("submitted", "已提交", "open")
    assert op["deputy"] == {"id": world["deputy_id"], "name": "王明"}
    assert op["station"]["id"] == world["station_id"]
    assert op["category_label"] == "住房物业"
    assert [(e["action"], e["to_state"], e["actor_role"]) for e in op["events"]] == [
        ("submit", "submitted", "resident")]
    assert op["created_at"].endswith("+08:00")
    assert submit().get_json()["opinion"]["number"].endswith("000002")


def test_retry_with_the_same_idempotency_key_returns_the_first_opinion(app, submit):
    first = submit(key="k-1")
    again = submit(key="k-1", text="第二次点了提交按钮，内容一样也不应再生成一条")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["opinion"]["id"] == first.get_json()["opinion"]["id"]
    with app.app_context():
        assert db.session.query(Opinion).count() == 1


def test_concurrent_retries_with_one_key_make_one_opinion(app, inline_only, who, world):
    headers = {**who("demo-resident"), "Idempotency-Key": "same-key"}
    body = {"station_id": world["station_id"], "category": "traffic", "text": "公交站台的雨棚破了，下雨天没法等车。"}

    def post(_):
        return app.test_client().post("/api/v1/opinions", json=body, headers=headers)

    results = parallel(4, post)
    assert sorted(r.status_code for r in results) == [200, 200, 200, 201]
    assert len({r.get_json()["opinion"]["id"] for r in results}) == 1
    with app.app_context():
        assert db.session.query(Opinion).count() == 1


def test_concurrent_submits_get_distinct_consecutive_numbers(app, inline_only, who, world):
    headers = [who(o) for o in ("demo-resident", "demo-resident2", "demo-liaison", "demo-master")]

    def post(i):
        body = {"station_id": world["station_id"], "text": f"第{i}个人反映：垃圾站每天清运不及时，气味很大。"}
        return app.test_client().post("/api/v1/opinions", json=body,
                                      headers={**headers[i], "Idempotency-Key": str(uuid.uuid4())})

    results = parallel(4, post)
    assert [r.status_code for r in results] == [201] * 4, [r.get_json() for r in results]
    numbers = sorted(r.get_json()["opinion"]["number"] for r in results)
    assert numbers == [f"LL-{numbers[0][3:7]}-{i:06d}" for i in range(1, 5)]


def test_categories_come_from_config(app, client, submit):
    app.config["OPINION_CATEGORIES"] = [("water", "供水供电"), ("other", "其他")]
    r = client.get("/api/v1/opinion-categories")
    assert r.get_json() == {"items": [{"key": "water", "label": "供水供电"},
                                      {"key": "other", "label": "其他"}]}
    assert submit(category="water").status_code == 201
    r = submit(category="housing")
    assert r.status_code == 422 and "category" in r.get_json()["error"]["details"]["fields"]


def test_invalid_fields_are_422_with_the_field_named(submit, world):
    cases = [({"station_id": 999999}, "station_id"),
             ({"deputy_id": world["other_deputy_id"]}, "deputy_id"),
             ({"text": "短"}, "text"),
             ({"text": "字" * 2001}, "text"),
             ({"contact_phone": "12345"}, "contact_phone"),
             ({"photo_ids": ["nope"]}, "photo_ids")]
    for fields, name in cases:
        r = submit(**fields)
        assert r.status_code == 422, (fields, r.get_json())
        body = r.get_json()["error"]
        assert body["code"] == "validation_error" and name in body["details"]["fields"], body


def test_phone_from_wechat_is_stored_and_masked_for_the_resident(app, submit, fake_wechat):
    code = requests.post(f"{fake_wechat}/_fake/phone-code",
                         json={"openid": "demo-resident", "phone": "13812341234"}, timeout=5).json()["code"]
    r = submit(phone_code=code, contact_phone="13900000000")
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["opinion"]["contact_phone"] == "138****1234"
    with app.app_context():
        assert db.session.query(Opinion).one().contact_phone == "13812341234"
    again = submit(phone_code=code)  # a phone code works once
    assert again.status_code == 422 and "phone_code" in again.get_json()["error"]["details"]["fields"]


def test_phone_service_outage_is_503_and_nothing_is_stored(app, submit, phone, fake_wechat):
    code = requests.post(f"{fake_wechat}/_fake/phone-code",
                         json={"openid": "demo-resident", "phone": "13812341234"}, timeout=5).json()["code"]
    phone.fault("/wxa/business/getuserphonenumber", 1, status=503)
    r = submit(key="phone-retry", phone_code=code)
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "wechat_unavailable"
    with app.app_context():
        assert db.session.query(Opinion).count() == 0
    assert submit(key="phone-retry", contact_phone="13812341234").status_code == 201  # typed instead


def test_typed_phone_is_normalised(app, submit):
    assert submit(contact_phone="+86 139-0000-1111").status_code == 201
    with app.app_context():
        assert db.session.query(Opinion).one().contact_phone == "13900001111"


def test_risky_text_is_held_for_staff_review_not_dropped(submit, client, who, fake_wechat):
    r = submit(text="我们小区有人聚众赌博，请有关部门管一管。")
    assert r.status_code == 201
    checks = requests.get(f"{fake_wechat}/_fake/calls?path=/wxa/msg_sec_check", timeout=5).json()["calls"]
    assert [(c["status"], c["errcode"]) for c in checks] == [(200, 0)]  # v2 accepted by the fake
    op = r.get_json()["opinion"]
    assert op["state"] == "on_hold" and op["state_group"] == "open"
    staff = client.get(f"/api/v1/opinions/{op['id']}", headers=who("demo-liaison")).get_json()["opinion"]
    assert staff["hold_reason"] == "risky_content" and staff["sec_check"] == "risky"
    assert "release_hold" in staff["allowed_actions"]


def test_wechat_outage_keeps_the_opinion_with_the_check_pending(app, submit, phone, client, who):
    from liaison.opinions.jobs import sweep_content_checks
    from liaison.users.models import User

    phone.fault("/wxa/msg_sec_check", 1, status=503)
    r = submit(text="路口红绿灯时间太短，老人过马路来不及，赌博一样危险。")
    assert r.status_code == 201
    op_id = r.get_json()["opinion"]["id"]
    assert r.get_json()["opinion"]["state"] == "submitted"
    staff = client.get(f"/api/v1/opinions/{op_id}", headers=who("demo-liaison")).get_json()["opinion"]
    assert staff["sec_check"] == "pending"
    with app.app_context():  # WeChat is back, the resident still within 2 hours: risky, held
        submitter = db.session.get(Opinion, op_id).submitter_id
        now = db.session.get(User, submitter).mp_active_at + timedelta(minutes=10)
        assert sweep_content_checks(now=now)["texts"] == {"risky": 1}
        opinion = db.session.get(Opinion, op_id)
        assert (opinion.sec_check, opinion.state, opinion.hold_reason) == ("risky", "on_hold", "risky_content")
        assert [e.actor_role for e in opinion.events] == ["resident", "system"]


def test_submit_needs_login(client, world):
    r = client.post("/api/v1/opinions", json={"station_id": world["station_id"], "text": "没有登录也想提交"})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"


def test_ids_too_large_for_the_database_are_422_and_store_nothing(app, client, submit, who):
    """Found by scripts/fuzz_api.py: a 31-digit station_id reached the database and was a 500."""
    huge = 3446576492511950836317563125760
    for fields, name in (({"station_id": huge}, "station_id"), ({"station_id": 2**31}, "station_id"),
                         ({"deputy_id": 2**63}, "deputy_id")):
        r = submit(**fields)
        assert r.status_code == 422, (fields, r.get_json())
        body = r.get_json()["error"]
        assert body["code"] == "validation_error" and name in body["details"]["fields"], body
    h = who("demo-office")
    for query in (f"station_id={huge}", f"page={2**70}"):
        r = client.get(f"/api/v1/opinions?{query}", headers=h)
        assert r.status_code == 422 and r.get_json()["error"]["code"] == "validation_error", query
    r = client.get(f"/api/v1/handling-units?region_id={2**68}", headers=who("demo-liaison"))
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "validation_error"
    with app.app_context():
        assert db.session.query(Opinion).count() == 0
