"""The fake's content security is as strict as WeChat's: an openid is accepted only within
two hours of a jscode2session login (61010 after), mediaCheckAsync checks its arguments,
and the pushed verdict is signed and encrypted so that wechatpy, which the backend uses,
can open it. A media URL the fake cannot download gets no verdict."""
from __future__ import annotations

import io
import json
import threading

import pytest
from PIL import Image
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import check_signature
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from liaison.wechat import errors

APPID = "wxdemominiprogram01"
TOKEN = "fake-push-token"
AES_KEY = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"


@pytest.fixture
def receiver():
    """A developer server: serves /photo.jpg and records what is pushed to /push."""
    got: list[dict] = []
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (9, 9, 9)).save(buf, "JPEG")

    @Request.application
    def app(request):
        if request.path == "/photo.jpg":
            return Response(buf.getvalue(), mimetype="image/jpeg")
        if request.path == "/push":
            got.append({"args": request.args.to_dict(), "body": request.get_data(as_text=True),
                        "type": request.mimetype})
            return Response("success")
        return Response("not here", status=404)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", got
    server.shutdown()
    thread.join(5)


def test_msg_sec_check_needs_a_login_within_two_hours(fake, wechat):
    fake.login_code("o-a")  # a code that was never exchanged is no visit
    with pytest.raises(errors.UserInactive) as caught:
        wechat.msg_sec_check("o-a", "你好")
    assert caught.value.errcode == 61010
    wechat.code2session(fake.login_code("o-a"))
    fake.advance(7000)
    assert wechat.msg_sec_check("o-a", "你好")["result"]["suggest"] == "pass"
    fake.advance(300)  # 2 h 5 min after the login
    with pytest.raises(errors.UserInactive):
        wechat.msg_sec_check("o-a", "你好")


def test_media_check_async_checks_its_arguments_and_the_visit(fake, wechat):
    with pytest.raises(errors.InvalidArgument) as caught:
        wechat.media_check_async("o-a", "ftp://example.com/a.jpg")
    assert caught.value.errcode == 40097
    with pytest.raises(errors.InvalidArgument) as caught:
        wechat.media_check_async("o-nobody", "https://example.com/a.jpg")
    assert caught.value.errcode == 40003
    fake.login_code("o-a")
    with pytest.raises(errors.UserInactive):
        wechat.media_check_async("o-a", "https://example.com/a.jpg")
    wechat.code2session(fake.login_code("o-a"))
    trace_id = wechat.media_check_async("o-a", "https://example.com/a.jpg")
    [check] = fake.get("/_fake/media-checks")["checks"]
    assert check["trace_id"] == trace_id and (check["media_type"], check["scene"]) == (2, 2)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_verdict_is_pushed_signed_and_encrypted_as_wechat_does(fake, wechat, receiver, fmt):
    base, got = receiver
    fake.post("/_fake/push-config", url=base + "/push", token=TOKEN, aes_key=AES_KEY, format=fmt, auto=False)
    fake.post("/_fake/media-verdicts", rules=[{"match": "photo", "suggest": "risky", "label": 20002}])
    wechat.code2session(fake.login_code("o-a"))
    trace_id = wechat.media_check_async("o-a", base + "/photo.jpg")
    [result] = fake.post("/_fake/media-checks/push")["results"]
    assert (result["fetch_status"], result["push_status"], result["pushed"]) == (200, 200, True)
    [pushed] = got
    args = pushed["args"]
    assert args["encrypt_type"] == "aes" and args["openid"] == "o-a"
    check_signature(TOKEN, args["signature"], args["timestamp"], args["nonce"])  # raises if wrong
    crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
    envelope = json.loads(pushed["body"]) if fmt == "json" else pushed["body"]
    if fmt == "json":
        assert set(envelope) == {"ToUserName", "Encrypt"}  # 安全模式: nothing in the clear
    plain = crypto.decrypt_message(envelope, args["msg_signature"], args["timestamp"], args["nonce"])
    if fmt == "json":
        event = json.loads(plain)
    else:
        import xmltodict

        event = xmltodict.parse(plain)["xml"]
    assert (event["Event"], event["trace_id"], event["appid"]) == ("wxa_media_check", trace_id, APPID)
    assert event["result"] == {"suggest": "risky", "label": "20002"}


def test_media_url_that_cannot_be_downloaded_gets_no_verdict(fake, wechat, receiver):
    base, got = receiver
    fake.post("/_fake/push-config", url=base + "/push", token=TOKEN, format="json", auto=False)
    wechat.code2session(fake.login_code("o-a"))
    wechat.media_check_async("o-a", base + "/gone.jpg")
    [result] = fake.post("/_fake/media-checks/push")["results"]
    assert result["fetch_status"] == 404 and result["pushed"] is False
    assert got == []


def test_plain_mode_push_carries_only_the_signature(fake, wechat, receiver):
    base, got = receiver
    fake.post("/_fake/push-config", url=base + "/push?from=wechat", token=TOKEN, format="json", auto=False)
    wechat.code2session(fake.login_code("o-a"))
    trace_id = wechat.media_check_async("o-a", base + "/photo.jpg")
    fake.post("/_fake/media-checks/push", trace_id=trace_id)
    [pushed] = got
    assert "encrypt_type" not in pushed["args"] and pushed["args"]["from"] == "wechat"
    check_signature(TOKEN, pushed["args"]["signature"], pushed["args"]["timestamp"], pushed["args"]["nonce"])
    assert json.loads(pushed["body"])["result"] == {"suggest": "pass", "label": "100"}
