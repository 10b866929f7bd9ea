"""The unmodified wechatpy client, through the facade, against the fake over real HTTP."""
from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from liaison.wechat import errors

SUBSCRIBE = "/cgi-bin/message/subscribe/send"
STABLE = "/cgi-bin/stable_token"
TEMPLATE = "tmpl-opinion-reply"
DATA = {"thing1": "您的意见已受理", "time2": "2026年12月1日 15:00", "character_string3": "YJ-2026-0001"}


def test_login_code_exchanges_for_openid_and_unionid(fake, wechat):
    code = fake.login_code("o-zhang")
    session = wechat.code2session(code)
    assert session["openid"] == "o-zhang"
    assert session["unionid"] == "u-o-zhang"
    assert session["session_key"]


def test_account_without_unionid_gets_none(fake, wechat):
    code = fake.login_code("o-unbound", unionid=None)
    assert "unionid" not in wechat.code2session(code)


def test_reused_login_code_is_code_used(fake, wechat):
    code = fake.login_code()
    wechat.code2session(code)
    with pytest.raises(errors.CodeUsed) as caught:
        wechat.code2session(code)
    assert caught.value.errcode == 40163
    assert "重新" in caught.value.user_message


def test_unknown_and_expired_login_codes_are_code_invalid(fake, wechat):
    with pytest.raises(errors.CodeInvalid):
        wechat.code2session("no-such-code")
    code = fake.login_code()
    fake.advance(301)
    with pytest.raises(errors.CodeInvalid) as caught:
        wechat.code2session(code)
    assert caught.value.errcode == 40029


def test_token_is_shared_through_redis_by_two_processes(fake, make_wechat, redis):
    first, second = make_wechat(), make_wechat()
    assert first.ping() and second.ping()
    assert len(fake.calls(STABLE)) == 1
    assert redis.ttl("wechat:wxdemominiprogram01_access_token") > 7200 - 300 - 5


def test_expired_token_is_refreshed_once_transparently(fake, wechat):
    fake.subscribe("o-a", TEMPLATE, kind="long_term")
    fake.login_code("o-a")
    wechat.send_subscribe("o-a", TEMPLATE, DATA)
    fake.advance(7300)  # the fake's token expired; Redis does not know yet
    assert wechat.send_subscribe("o-a", TEMPLATE, DATA)["errcode"] == 0
    sends = fake.calls(SUBSCRIBE)
    assert [c["errcode"] for c in sends] == [0, 42001, 0]
    assert len(fake.calls(STABLE)) == 2
    assert len(fake.messages()) == 2


def test_endless_40001_ends_in_token_error_not_recursion(fake, wechat):
    fake.subscribe("o-a", TEMPLATE, kind="long_term")
    fake.fault(SUBSCRIBE, count=1000, errcode=40001, errmsg="invalid credential")
    with pytest.raises(errors.TokenError) as caught:
        wechat.send_subscribe("o-a", TEMPLATE, DATA)
    assert caught.value.errcode == 40001
    assert len(fake.calls(SUBSCRIBE)) == 2  # the call and exactly one retry
    assert len(fake.calls(STABLE)) == 3  # first fetch, refetch, one forced refresh
    with pytest.raises(errors.TokenError):
        wechat.send_subscribe("o-a", TEMPLATE, DATA)
    assert len(fake.calls(SUBSCRIBE)) == 4
    assert len(fake.calls(STABLE)) == 4  # refetched, but no second forced refresh within 30 s


def test_token_forced_out_elsewhere_is_replaced_once(fake, make_wechat):
    """Another process force-refreshed: WeChat refuses our token, stable_token gives the new one."""
    wechat = make_wechat()
    wechat.code2session(fake.login_code("o-a"))  # content security wants a recent visit
    wechat.msg_sec_check("o-a", "你好")
    fake.post("/cgi-bin/stable_token", grant_type="client_credential",
              appid="wxdemominiprogram01", secret="demo-mp-secret", force_refresh=True)
    assert wechat.msg_sec_check("o-a", "你好")["result"]["suggest"] == "pass"
    assert [c["errcode"] for c in fake.calls("/wxa/msg_sec_check")] == [0, 40001, 0]


def _gets(redis) -> int:
    return redis.info("commandstats").get("cmdstat_get", {}).get("calls", 0)


def test_a_call_reads_its_token_from_redis_once_and_sends_that_token(fake, wechat, redis):
    """The token the retry judges a refusal against is the one sent; one Redis GET a call."""
    wechat.code2session(fake.login_code("o-a"))
    wechat.msg_sec_check("o-a", "你好")  # the token is fetched and stored
    before = _gets(redis)
    wechat.msg_sec_check("o-a", "你好")
    assert _gets(redis) - before == 1
    assert fake.calls("/wxa/msg_sec_check")[-1]["errcode"] == 0  # the fake refuses a token it did not issue


def test_bad_secret_is_token_error(fake, make_wechat):
    with pytest.raises(errors.TokenError) as caught:
        make_wechat(secret="wrong").send_subscribe("o-a", TEMPLATE, DATA)
    assert caught.value.errcode == 40125


def test_subscribe_without_consent_is_no_consent(fake, wechat):
    fake.login_code("o-a")
    with pytest.raises(errors.NoConsent) as caught:
        wechat.send_subscribe("o-a", TEMPLATE, DATA)
    assert caught.value.errcode == 43101
    assert fake.messages() == []


def test_one_time_consent_allows_exactly_one_send(fake, wechat):
    fake.login_code("o-a")
    fake.subscribe("o-a", TEMPLATE)
    wechat.send_subscribe("o-a", TEMPLATE, DATA, page="pages/opinion/opinion?id=7")
    with pytest.raises(errors.NoConsent):
        wechat.send_subscribe("o-a", TEMPLATE, DATA)
    [message] = fake.messages()
    assert message["touser"] == "o-a" and message["page"] == "pages/opinion/opinion?id=7"
    assert message["data"]["thing1"] == {"value": "您的意见已受理"}
    assert message["miniprogram_state"] == "formal" and message["lang"] == "zh_CN"


def test_long_term_consent_allows_many_sends(fake, wechat):
    fake.login_code("o-a")
    fake.subscribe("o-a", TEMPLATE, kind="long_term")
    for _ in range(3):
        wechat.send_subscribe("o-a", TEMPLATE, DATA)
    assert len(fake.messages()) == 3


def test_thing_of_21_chars_is_invalid_argument_naming_the_key(fake, wechat):
    fake.login_code("o-a")
    fake.subscribe("o-a", TEMPLATE)
    with pytest.raises(errors.InvalidArgument) as caught:
        wechat.send_subscribe("o-a", TEMPLATE, {**DATA, "thing1": "字" * 21})
    assert caught.value.errcode == 47003
    assert caught.value.field == "thing1"
    wechat.send_subscribe("o-a", TEMPLATE, {**DATA, "thing1": "字" * 20})  # grant was not used up


@pytest.mark.parametrize("openid, template_id, page, errcode", [
    ("o-never-seen", TEMPLATE, None, 40003),
    ("o-a", "not-configured", None, 40037),
    ("o-a", TEMPLATE, "admin/secret", 41030),
])
def test_subscribe_rejects_bad_openid_template_and_page(fake, wechat, openid, template_id, page, errcode):
    fake.login_code("o-a")
    with pytest.raises(errors.InvalidArgument) as caught:
        wechat.send_subscribe(openid, template_id, DATA, page=page)
    assert caught.value.errcode == errcode


def test_http_503_is_unavailable_and_not_retried(fake, wechat):
    fake.subscribe("o-a", TEMPLATE)
    fake.fault(SUBSCRIBE, count=1, status=503)
    with pytest.raises(errors.Unavailable):
        wechat.send_subscribe("o-a", TEMPLATE, DATA)
    assert len(fake.calls(SUBSCRIBE)) == 1


def test_answer_slower_than_timeout_is_unavailable(fake, make_wechat):
    wechat = make_wechat(timeout=0.3)
    wechat.ping()
    fake.fault(SUBSCRIBE, count=1, delay=0.8)
    with pytest.raises(errors.Unavailable):
        wechat.send_subscribe("o-a", TEMPLATE, DATA)


def test_quota_errcode_is_quota_limited(fake, wechat):
    fake.fault(SUBSCRIBE, count=1, errcode=45009, errmsg="reach max api daily quota limit")
    with pytest.raises(errors.QuotaLimited):
        wechat.send_subscribe("o-a", TEMPLATE, DATA)


def test_wxacode_is_a_jpeg_like_wechats_that_scans_to_the_scene(fake, wechat):
    jpeg = wechat.wxacode("c=Ab3xYz9", "pages/code/index", width=430)
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG" and image.size == (430, 430)
    [barcode] = zxingcpp.read_barcodes(image)
    assert barcode.text == "wxacode:c=Ab3xYz9"
    res = fake.http.post(fake.base_url + "/wxa/getwxacodeunlimit",
                         params={"access_token": wechat.mp.access_token},
                         data=b'{"scene": "c=1", "check_path": false}')
    assert res.headers["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize("scene, errcode", [
    ("x" * 33, 40169), ("", 40169), (None, 40169), (12345, 40169),  # length, or not a string
    ("站码", 40129), ("a b", 40129), ("a%20b", 40129), ("a\"b", 40129),  # characters outside the set
])
def test_wxacode_refuses_bad_scenes_with_wechats_errcodes(fake, wechat, scene, errcode):
    with pytest.raises(errors.InvalidArgument) as caught:
        wechat.wxacode(scene, "pages/code/index")
    assert caught.value.errcode == errcode


def test_wxacode_takes_32_characters_of_the_whole_allowed_set(fake, wechat):
    assert wechat.wxacode("!#$&'()*+,/:;=?@-._~aZ09" + "x" * 8, "pages/code/index").startswith(b"\xff\xd8\xff")


def test_wxacode_checks_page_only_when_asked(fake, wechat):
    fake.post("/_fake/pages", pages=["pages/code/index"], replace=True)
    assert wechat.wxacode("c=1", "pages/missing", check_path=False).startswith(b"\xff\xd8\xff")
    with pytest.raises(errors.InvalidArgument) as caught:
        wechat.wxacode("c=1", "pages/missing", check_path=True)
    assert caught.value.errcode == 41030


@pytest.mark.parametrize("content, suggest, label", [
    ("小区门口的路灯坏了，请尽快修理", "pass", 100),
    ("有人在楼下聚众赌博", "risky", 20006),
    ("fake-review 需要人工看看", "review", 21000),
])
def test_msg_sec_check_verdicts(fake, wechat, content, suggest, label):
    wechat.code2session(fake.login_code("o-a"))
    verdict = wechat.msg_sec_check("o-a", content)
    assert verdict["result"] == {"suggest": suggest, "label": label}
    assert verdict["trace_id"] and verdict["detail"]


def test_msg_sec_check_needs_a_known_openid(fake, wechat):
    with pytest.raises(errors.InvalidArgument) as caught:
        wechat.msg_sec_check("o-stranger", "你好")
    assert caught.value.errcode == 40003


def test_phone_number_code_is_single_use(fake, wechat):
    code = fake.post("/_fake/phone-code", openid="o-a", phone="13800138000")["code"]
    info = wechat.phone_number(code)
    assert info["purePhoneNumber"] == "13800138000" and info["countryCode"] == "86"
    assert info["watermark"]["appid"] == "wxdemominiprogram01"
    with pytest.raises(errors.CodeInvalid):
        wechat.phone_number(code)


def test_template_message_needs_a_follower(fake, wechat):
    data = {"thing1": "新的群众意见", "time2": "2026-12-01 15:00"}
    wechat.send_template("oa-demo-master", TEMPLATE, data, url="http://127.0.0.1:5000/admin")
    fake.post("/_fake/users", openid="oa-stranger", follows_oa=False)
    with pytest.raises(errors.NotFollowing):
        wechat.send_template("oa-stranger", TEMPLATE, data)
    with pytest.raises(errors.InvalidArgument):
        wechat.send_template("oa-demo-master", TEMPLATE, {"thing1": "长" * 21})
    [sent] = fake.messages()
    assert sent["path"] == "/cgi-bin/message/template/send" and sent["touser"] == "oa-demo-master"
    stable = [c["appid"] for c in fake.calls(STABLE)]
    assert stable == ["wxdemoofficial0001"]  # sent with the official account's own token


def test_ping_false_when_wechat_is_down(fake, wechat):
    fake.fault("/cgi-bin/stable_token", count=1, status=502)
    assert wechat.ping() is False
    assert wechat.ping() is True


def test_a_group_of_sends_reads_its_token_from_redis_once(fake, wechat, redis):
    """SharedTokens: the calls of one delivery group read each access token once."""
    from liaison.wechat.client import SharedTokens

    data = {"thing1": "新的群众意见", "time2": "2026-12-01 15:00"}
    wechat.send_template("oa-demo-master", TEMPLATE, data)  # the token is fetched and stored
    tokens = SharedTokens()
    before = _gets(redis)
    for _ in range(3):
        wechat.send_template("oa-demo-master", TEMPLATE, data, tokens=tokens)
    assert _gets(redis) - before == 1
    # Another token lands in Redis meanwhile: the group keeps the one it read, which
    # WeChat still takes; a call outside the group reads Redis and is refused once.
    redis.set("wechat:wxdemoofficial0001_access_token", '"not-a-token-wechat-issued"')
    wechat.send_template("oa-demo-master", TEMPLATE, data, tokens=tokens)
    assert [c["errcode"] for c in fake.calls("/cgi-bin/message/template/send")][-1:] == [0]
    wechat.send_template("oa-demo-master", TEMPLATE, data)
    assert [c["errcode"] for c in fake.calls("/cgi-bin/message/template/send")][-2:] == [40001, 0]
    assert len(fake.messages()) == 6


def test_a_shared_token_wechat_refuses_is_dropped_for_the_rest_of_the_group(fake, wechat):
    from liaison.wechat.client import SharedTokens

    data = {"thing1": "新的群众意见", "time2": "2026-12-01 15:00"}
    tokens = SharedTokens()
    wechat.send_template("oa-demo-master", TEMPLATE, data, tokens=tokens)
    # Another process forced a refresh: WeChat kills the group's token at once.
    fake.post("/cgi-bin/stable_token", grant_type="client_credential",
              appid="wxdemoofficial0001", secret="demo-oa-secret", force_refresh=True)
    wechat.send_template("oa-demo-master", TEMPLATE, data, tokens=tokens)  # refused, refreshed, retried
    wechat.send_template("oa-demo-master", TEMPLATE, data, tokens=tokens)  # the new token, at once
    assert [c["errcode"] for c in fake.calls("/cgi-bin/message/template/send")] == [0, 40001, 0, 0]
    assert len(fake.messages()) == 3
