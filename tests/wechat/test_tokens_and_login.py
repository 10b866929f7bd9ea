"""stable_token as WeChat documents it, and logins that need no access token at all."""
from __future__ import annotations

import json

import pytest

from liaison.wechat import errors

MP = {"appid": "wxdemominiprogram01", "secret": "demo-mp-secret"}
STABLE, PLAIN, LOGIN = "/cgi-bin/stable_token", "/cgi-bin/token", "/sns/jscode2session"
TOKEN_KEY = "wechat:wxdemominiprogram01_access_token"


def stable(fake, force=False) -> dict:
    body = {"grant_type": "client_credential", **MP, "force_refresh": force}
    return fake.http.post(fake.base_url + STABLE, data=json.dumps(body), timeout=5).json()


def token_works(fake, token) -> bool:
    """msg_sec_check with an empty body: 40097 means the token passed, 40001/42001 it did not."""
    res = fake.http.post(fake.base_url + "/wxa/msg_sec_check", params={"access_token": token},
                         data=b"{}", timeout=5).json()
    return res["errcode"] not in (40001, 42001)


def test_stable_token_is_renewed_in_its_last_five_minutes_and_the_old_one_lives_out(fake):
    first = stable(fake)
    fake.advance(7200 - 310)
    same = stable(fake)
    assert same["access_token"] == first["access_token"] and 300 < same["expires_in"] <= 310
    fake.advance(15)  # now inside the last 5 minutes
    renewed = stable(fake)
    assert renewed["access_token"] != first["access_token"] and renewed["expires_in"] == 7200
    assert stable(fake)["access_token"] == renewed["access_token"]
    assert token_works(fake, first["access_token"])  # both work during the hand-over
    fake.advance(300)
    assert not token_works(fake, first["access_token"])
    assert token_works(fake, renewed["access_token"])


def test_forced_refresh_within_30_seconds_of_the_last_does_not_refresh(fake):
    first = stable(fake, force=True)
    assert stable(fake, force=True)["access_token"] == first["access_token"]
    fake.advance(31)
    forced = stable(fake, force=True)
    assert forced["access_token"] != first["access_token"]
    assert not token_works(fake, first["access_token"])  # a forced refresh kills the old one at once


def test_facade_refreshes_at_its_margin_and_gets_wechats_renewed_token(fake, wechat, redis):
    assert wechat.ping()
    first = redis.get(TOKEN_KEY)
    fake.advance(7200 - 300)
    redis.delete(TOKEN_KEY)  # the Redis TTL (expires_in - 300 s) has run out
    assert wechat.ping()
    assert redis.get(TOKEN_KEY) != first
    assert [c["errcode"] for c in fake.calls("/cgi-bin/get_api_domain_ip")] == [0, 0]


def test_login_needs_no_access_token_and_survives_a_token_outage(fake, wechat):
    fake.fault(STABLE, count=50, errcode=-1, errmsg="system error")
    fake.fault(PLAIN, count=50, status=503)
    session = wechat.code2session(fake.login_code("o-during-outage"))
    assert session["openid"] == "o-during-outage"
    [call] = fake.calls(LOGIN)
    assert call["errcode"] == 0 and call["access_token"] is False
    assert fake.calls(STABLE) == [] and fake.calls(PLAIN) == []
    with pytest.raises(errors.Unavailable):  # calls that do need a token still fail
        wechat.send_subscribe("o-during-outage", "tmpl-opinion-reply", {"thing1": "x"})


def test_login_goes_through_the_wechat_only_session(fake, wechat):
    """The facade asks https://api.weixin.qq.com/sns/jscode2session; only the transport's
    rewrite can have brought it to the fake, and nothing else was asked."""
    assert wechat.code2session(fake.login_code("o-a"))["openid"] == "o-a"
    assert [c["path"] for c in fake.calls()] == [LOGIN]
    assert wechat.http.get_adapter("https://api.weixin.qq.com/").api_base == fake.base_url


def test_risky_account_is_risky_user_40226(fake, wechat):
    fake.post("/_fake/users", openid="o-risky", risky=True)
    code = fake.login_code("o-risky")
    with pytest.raises(errors.RiskyUser) as caught:
        wechat.code2session(code)
    assert caught.value.errcode == 40226
    with pytest.raises(errors.CodeUsed):  # WeChat spent the code all the same
        wechat.code2session(code)
    fake.post("/_fake/users", openid="o-risky", risky=False)
    assert wechat.code2session(fake.login_code("o-risky"))["openid"] == "o-risky"


def test_login_errcodes_from_jscode2session_keep_their_classes(fake, wechat):
    fake.fault(LOGIN, count=1, errcode=45011, errmsg="api minute-quota reach limit")
    with pytest.raises(errors.QuotaLimited):
        wechat.code2session(fake.login_code())
    fake.fault(LOGIN, count=1, status=502)
    with pytest.raises(errors.Unavailable):
        wechat.code2session(fake.login_code())
