"""Abuse and privacy guards on submitting: blocks, rate limits, mass submissions."""
from opinion_helpers import parallel

from liaison.core.db import db
from liaison.opinions.abuse import content_hash
from liaison.opinions.models import Block, Opinion


def _block(app, kind, value, reason):
    with app.app_context():
        db.session.add(Block(kind=kind, value=value, reason=reason))
        db.session.commit()


def _user_id(app, openid):
    from liaison.users.models import User

    with app.app_context():
        return db.session.query(User).filter_by(mp_openid=openid).one().id


def test_blocked_user_phone_and_ip_get_403_with_the_reason(app, client, who, submit, world):
    who("demo-resident")
    _block(app, "user", str(_user_id(app, "demo-resident")), "多次提交辱骂内容")
    r = submit()
    assert r.status_code == 403
    err = r.get_json()["error"]
    assert err["code"] == "blocked" and "多次提交辱骂内容" in err["message"]

    _block(app, "phone", "13911112222", "冒用他人号码")
    r = submit("demo-resident2", contact_phone="139-1111-2222")
    assert r.status_code == 403 and "冒用他人号码" in r.get_json()["error"]["message"]

    _block(app, "ip", "10.9.8.7", "批量刷单的机器")
    r = client.post("/api/v1/opinions", headers={**who("demo-resident2"), "Idempotency-Key": "ip-1"},
                    json={"station_id": world["station_id"], "text": "从被限制的地址提交的内容"},
                    environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert r.status_code == 403 and "批量刷单的机器" in r.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.query(Opinion).count() == 0


def test_per_account_hourly_limit_is_429_in_chinese(app, submit):
    app.config["RATE_LIMIT_OPINIONS_PER_HOUR"] = 2
    assert [submit().status_code for _ in range(2)] == [201, 201]
    r = submit()
    assert r.status_code == 429
    err = r.get_json()["error"]
    assert err["code"] == "rate_limited" and "每小时最多提交2条" in err["message"]
    assert 0 < err["details"]["retry_after"] <= 3600
    assert submit("demo-resident2").status_code == 201  # another account is not affected


def test_a_retry_is_not_counted_against_the_limit(app, submit):
    app.config["RATE_LIMIT_OPINIONS_PER_HOUR"] = 1
    assert submit(key="once").status_code == 201
    assert submit(key="once").status_code == 200


def test_per_ip_limit_is_429(app, client, who, world):
    app.config["RATE_LIMIT_IP_PER_MINUTE"] = 3
    heads = who("demo-resident")
    codes = [client.post("/api/v1/opinions", headers={**heads, "Idempotency-Key": f"ip-{i}"},
                         json={"station_id": world["station_id"], "text": f"第{i}次提交：小区电梯经常停运"},
                         environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code for i in range(4)]
    assert codes == [201, 201, 201, 429]


def test_same_text_from_many_accounts_is_frozen_for_review(app, client, who, submit):
    app.config["OPINION_MASS_THRESHOLD"] = 3
    texts = ["强烈要求取消小区停车收费！！", "强烈要求 取消小区停车收费", "强烈要求取消小区停车收费。"]
    ids = [submit(openid, text=t).get_json()["opinion"]["id"]
           for openid, t in zip(["demo-resident", "demo-resident2", "resident-three"], texts)]
    other = submit("resident-four", text="小区停车收费标准能否公示一下？").get_json()["opinion"]
    with app.app_context():
        rows = {o.id: o for o in db.session.query(Opinion)}
        assert [(rows[i].state, rows[i].hold_reason) for i in ids] == [("on_hold", "mass_submission")] * 3
        assert rows[other["id"]].state == "submitted"
        assert [e.action for e in rows[ids[0]].events] == ["submit", "hold"]
    staff = client.get("/api/v1/opinions?state=on_hold", headers=who("demo-liaison")).get_json()
    assert sorted(o["id"] for o in staff["items"]) == sorted(ids)


def test_same_text_to_many_deputies_is_frozen(app, submit, world):
    from liaison.places.models import Membership

    app.config["OPINION_MASS_THRESHOLD"] = 3
    with app.app_context():
        deputies = [m.deputy_id for m in db.session.query(Membership).filter_by(
            station_id=world["station_id"]).order_by(Membership.id).limit(3)]
    states = [submit(deputy_id=d, text="请代表督促解决学区划分问题").get_json()["opinion"]["state"]
              for d in deputies]
    assert states == ["submitted", "submitted", "on_hold"]


def test_duplicate_detection_ignores_spacing_punctuation_and_width():
    assert content_hash("路灯坏了！ 请修") == content_hash("路灯坏了请修。") == content_hash("路灯坏了!请修")
    assert content_hash("路灯坏了") != content_hash("路灯好了")


def _parallel_submits(app, headers, world, n, ip="10.2.2.2"):
    """``n`` submits released together, each through its own test client."""
    def post(i):
        body = {"station_id": world["station_id"], "text": f"第{i}条：小区门口的下水道堵了，污水漫到路上。"}
        return app.test_client().post("/api/v1/opinions", json=body, environ_base={"REMOTE_ADDR": ip},
                                      headers={**headers, "Idempotency-Key": f"parallel-{i}"})

    return parallel(n, post)


def test_parallel_submits_from_one_account_never_pass_the_hourly_limit(app, inline_only, who, world):
    app.config["RATE_LIMIT_OPINIONS_PER_HOUR"] = 10
    results = _parallel_submits(app, who("demo-resident"), world, 16)
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 10 + [429] * 6, [r.get_json() for r in results]
    for r in results:
        if r.status_code == 429:
            err = r.get_json()["error"]
            assert err["code"] == "rate_limited" and "每小时最多提交10条意见" in err["message"]
    with app.app_context():  # the refused ones left nothing: no row, no number used up
        numbers = sorted(o.number for o in db.session.query(Opinion))
        assert [n[-6:] for n in numbers] == [f"{i:06d}" for i in range(1, 11)]


def test_parallel_requests_from_one_ip_never_pass_the_per_minute_limit(app, inline_only, who, world):
    app.config["RATE_LIMIT_IP_PER_MINUTE"] = 5
    results = _parallel_submits(app, who("demo-resident"), world, 8)
    assert sorted(r.status_code for r in results) == [201] * 5 + [429] * 3
    assert {r.get_json()["error"]["message"] for r in results if r.status_code == 429} == {
        "操作太频繁了，请一分钟后再试"}
    with app.app_context():
        assert db.session.query(Opinion).count() == 5


def test_a_submit_that_stores_nothing_gives_its_slot_back(app, submit):
    app.config["RATE_LIMIT_OPINIONS_PER_HOUR"] = 1
    assert submit(text="短").status_code == 422
    assert submit(contact_phone="12345").status_code == 422
    assert submit().status_code == 201
    assert submit().status_code == 429


def test_parallel_retries_of_one_key_use_one_slot(app, inline_only, who, world, submit):
    app.config["RATE_LIMIT_OPINIONS_PER_HOUR"] = 4
    headers = {**who("demo-resident"), "Idempotency-Key": "tapped-four-times"}
    body = {"station_id": world["station_id"], "text": "公交站台的雨棚破了，下雨天没法等车。"}
    results = parallel(4, lambda _: app.test_client().post("/api/v1/opinions", json=body, headers=headers))
    assert sorted(r.status_code for r in results) == [200, 200, 200, 201]
    assert [submit().status_code for _ in range(4)] == [201, 201, 201, 429]


def test_same_text_sent_in_parallel_from_many_accounts_is_all_frozen(app, inline_only, who, world):
    app.config["OPINION_MASS_THRESHOLD"] = 3
    heads = [who(o) for o in ("demo-resident", "demo-resident2", "resident-three", "resident-four")]

    def post(i):
        return app.test_client().post("/api/v1/opinions", headers={**heads[i], "Idempotency-Key": f"m{i}"},
                                      json={"station_id": world["station_id"], "text": "强烈要求取消小区停车收费！"})

    assert [r.status_code for r in parallel(4, post)] == [201] * 4
    with app.app_context():
        assert {(o.state, o.hold_reason) for o in db.session.query(Opinion)} == {("on_hold", "mass_submission")}
