"""WeChat login through the fake server with the unmodified wechatpy."""
import requests


def test_login_with_wx_code_returns_token_and_roles(client, phone, demo):
    r = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-liaison")})
    assert r.status_code == 200
    body = r.get_json()
    assert body["expires_in"] > 0 and body["token"]
    assert [role["role"] for role in body["user"]["roles"]] == ["liaison"]
    assert "session_key" not in r.get_data(as_text=True)

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.get_json()["user"]["id"] == body["user"]["id"]


def test_reused_login_code_is_a_clear_4xx(client, phone):
    code = phone.login_code("resident-1")
    assert client.post("/api/v1/auth/wechat", json={"code": code}).status_code == 200
    r = client.post("/api/v1/auth/wechat", json={"code": code})
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "wechat_code_used"
    assert "登录码" in r.get_json()["error"]["message"]


def test_invalid_login_code_is_a_clear_4xx(client):
    r = client.post("/api/v1/auth/wechat", json={"code": "no-such-code"})
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "wechat_code_invalid"


def test_same_openid_logs_in_as_same_user(client, phone):
    first = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("resident-2")}).get_json()
    second = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("resident-2")}).get_json()
    assert first["user"]["id"] == second["user"]["id"]


def test_session_key_is_stored_encrypted(app, client, phone):
    from liaison.core.db import db
    from liaison.users.models import User

    client.post("/api/v1/auth/wechat", json={"code": phone.login_code("resident-3")})
    with app.app_context():
        user = db.session.query(User).filter_by(mp_openid="resident-3").one()
        assert user.session_key_enc and len(user.session_key_enc) > 40
        stored = user.session_key_enc
    # The fake's session_key must not appear in plain text anywhere in the row.
    calls = requests.get(app.config["WECHAT_API_BASE"] + "/_fake/calls", timeout=5).json()
    assert calls  # the login reached the fake WeChat server
    assert "session_key" not in stored


def test_missing_bad_and_expired_tokens_are_401(app, client, login):
    assert client.get("/api/v1/me").status_code == 401
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer garbage"})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "token_invalid"
    headers = login("resident-4")
    app.config["TOKEN_TTL_SECONDS"] = -1
    r = client.get("/api/v1/me", headers=headers)
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "token_expired"


def test_wechat_outage_during_login_is_503(client, phone):
    code = phone.login_code("resident-5")
    phone.fault("/sns/jscode2session", 3, status=503)
    r = client.post("/api/v1/auth/wechat", json={"code": code})
    assert r.status_code == 503
    assert r.get_json()["error"]["code"] == "wechat_unavailable"


def test_login_body_is_validated(client):
    r = client.post("/api/v1/auth/wechat", json={})
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "validation_error"
    assert "code" in r.get_json()["error"]["details"]["fields"]


def test_login_succeeds_while_wechats_token_endpoints_fail(client, phone, fake_wechat):
    """jscode2session needs no access token: a stable_token / token outage must not block logins."""
    phone.fault("/cgi-bin/stable_token", 20, errcode=-1, errmsg="system error")
    phone.fault("/cgi-bin/token", 20, status=503)
    r = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("resident-in-outage")})
    assert r.status_code == 200 and r.get_json()["token"]
    calls = requests.get(f"{fake_wechat}/_fake/calls", timeout=5).json()["calls"]
    assert [(c["path"], c["access_token"]) for c in calls] == [("/sns/jscode2session", False)]


def test_account_wechat_judges_risky_gets_a_chinese_403_and_no_user(app, client, phone, fake_wechat):
    from liaison.core.db import db
    from liaison.users.models import User

    requests.post(f"{fake_wechat}/_fake/users", json={"openid": "resident-risky", "risky": True},
                  timeout=5).raise_for_status()
    r = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("resident-risky")})
    assert r.status_code == 403
    error = r.get_json()["error"]
    assert error["code"] == "wechat_user_risky"
    assert error["message"] == "微信判定该账号存在风险，暂时无法登录，请稍后再试或前往联络站现场反映"
    with app.app_context():
        assert db.session.query(User).filter_by(mp_openid="resident-risky").count() == 0
