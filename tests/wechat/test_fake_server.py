"""The fake's own behaviour over HTTP, where the facade does not reach it."""
from __future__ import annotations

import json

MP = {"appid": "wxdemominiprogram01", "secret": "demo-mp-secret"}
OA = {"appid": "wxdemoofficial0001", "secret": "demo-oa-secret"}


def stable(fake, force=False, **creds):
    body = {"grant_type": "client_credential", **MP, "force_refresh": force, **creds}
    return fake.http.post(fake.base_url + "/cgi-bin/stable_token", data=json.dumps(body)).json()


def api(fake, path, token, body):
    """POST like wechatpy does: JSON bytes and no Content-Type header."""
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    res = fake.http.post(fake.base_url + path, params={"access_token": token}, data=raw)
    assert "Content-Type" not in res.request.headers
    return res.json()


def test_stable_token_is_stable_until_forced(fake):
    first = stable(fake)
    again = stable(fake)
    assert again["access_token"] == first["access_token"] and again["expires_in"] <= 7200
    forced = stable(fake, force=True)
    assert forced["access_token"] != first["access_token"]
    old = api(fake, "/wxa/msg_sec_check", first["access_token"], {})
    assert old["errcode"] == 40001


def test_stable_token_bad_credentials(fake):
    assert stable(fake, appid="wxnope")["errcode"] == 40013
    assert stable(fake, secret="nope")["errcode"] == 40125


def test_plain_token_endpoint_checks_credentials(fake):
    res = fake.http.get(fake.base_url + "/cgi-bin/token",
                        params={"grant_type": "client_credential", **MP, "secret": "x"}).json()
    assert res["errcode"] == 40125 and res["errmsg"].startswith("invalid appsecret")


def test_missing_and_unknown_tokens(fake):
    assert api(fake, "/wxa/msg_sec_check", "", {})["errcode"] == 41001
    assert api(fake, "/wxa/msg_sec_check", "garbage", {})["errcode"] == 40001


def test_official_account_token_cannot_send_subscribe_messages(fake):
    token = stable(fake, **OA)["access_token"]
    res = api(fake, "/cgi-bin/message/subscribe/send", token, {"touser": "oa-demo-master"})
    assert res["errcode"] == 48001


def test_unparseable_body_is_47001(fake):
    token = stable(fake)["access_token"]
    res = fake.http.post(fake.base_url + "/wxa/msg_sec_check", params={"access_token": token},
                         data=b"{not json").json()
    assert res["errcode"] == 47001


def test_login_code_bound_to_another_app_is_invalid(fake):
    code = fake.post("/_fake/login-code", openid="o-a", appid="wxsomeotherapp")["code"]
    res = fake.http.get(fake.base_url + "/sns/jscode2session", params={
        **MP, "js_code": code, "grant_type": "authorization_code"}).json()
    assert res["errcode"] == 40029


def test_subscribe_tap_takes_at_most_three_templates(fake):
    res = fake.http.post(fake.base_url + "/_fake/subscribe", json={
        "openid": "o-a", "template_ids": ["tmpl-1", "tmpl-2", "tmpl-3", "tmpl-4"]})
    assert res.status_code == 400
    grants = fake.post("/_fake/subscribe", openid="o-a", template_ids=["tmpl-1", "tmpl-2"])["grants"]
    assert grants["tmpl-1"] == {"one_time": 1, "long_term": False}
    fake.post("/_fake/subscribe", openid="o-a", template_id="tmpl-1", kind="revoke")
    assert {g["template_id"]: g["one_time"] for g in fake.get("/_fake/grants", openid="o-a")["grants"]} \
        == {"tmpl-1": 0, "tmpl-2": 1}


def test_configured_templates_replace_the_default_rule_and_check_keys(fake):
    fake.post("/_fake/templates", templates=[{"id": "TPL_REPLY", "keys": ["thing1", "time2"]}])
    fake.post("/_fake/subscribe", openid="o-a", template_ids=["TPL_REPLY"])
    token = stable(fake)["access_token"]
    send = {"touser": "o-a", "data": {"thing1": {"value": "已答复"}}}
    assert api(fake, "/cgi-bin/message/subscribe/send", token,
               {**send, "template_id": "tmpl-any"})["errcode"] == 40037
    missing = api(fake, "/cgi-bin/message/subscribe/send", token, {**send, "template_id": "TPL_REPLY"})
    assert missing["errcode"] == 47003 and "data.time2.value" in missing["errmsg"]


def test_faults_count_down_and_calls_record_them(fake):
    fake.fault("/cgi-bin/stable_token", count=2, errcode=-1, errmsg="system error")
    assert [stable(fake).get("errcode") for _ in range(3)] == [-1, -1, None]
    assert [(c["errcode"], c["fault"]) for c in fake.calls("/cgi-bin/stable_token")] == \
        [(-1, True), (-1, True), (0, False)]
    assert fake.get("/_fake/faults")["faults"] == {}


def test_reset_forgets_tokens_and_users(fake):
    token = stable(fake)["access_token"]
    fake.post("/_fake/users", openid="o-temp")
    fake.post("/_fake/reset")
    assert api(fake, "/wxa/msg_sec_check", token, {})["errcode"] == 40001
    assert "o-temp" not in [u["openid"] for u in fake.get("/_fake/users")["users"]]
    assert [c["path"] for c in fake.calls()] == ["/wxa/msg_sec_check"]  # only the one since reset


def test_connections_are_kept_alive_even_after_a_fault_answered_before_the_body(fake):
    """Like WeChat's servers, the fake keeps an HTTP/1.1 connection open; a request whose
    body the app never read (a fault answers first) leaves nothing on the connection."""
    import http.client
    from urllib.parse import urlsplit

    fake.fault("/wxa/msg_sec_check", count=1, errcode=-1, errmsg="system error")
    conn = http.client.HTTPConnection(urlsplit(fake.base_url).netloc, timeout=5)
    try:
        conn.request("POST", "/wxa/msg_sec_check?access_token=x", body=b'{"content": "' + b"x" * 20000 + b'"}')
        first = conn.getresponse()
        assert json.loads(first.read())["errcode"] == -1
        assert first.getheader("Connection") != "close"
        sock = conn.sock
        body = json.dumps({"grant_type": "client_credential", **MP, "force_refresh": False})
        conn.request("POST", "/cgi-bin/stable_token", body=body.encode())
        second = conn.getresponse()
        assert "access_token" in json.loads(second.read())
        assert conn.sock is sock  # the same connection answered both
    finally:
        conn.close()
    assert [c["path"] for c in fake.calls()][-2:] == ["/wxa/msg_sec_check", "/cgi-bin/stable_token"]
