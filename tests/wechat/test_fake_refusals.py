"""What WeChat refuses, the fake refuses: each rule against the fake over HTTP.

Sources (the same notes stand beside each rule in liaison/wechat/fake/):
- subscribe/send ``page``: 41030 "page路径不正确，需要保证在现网版本小程序中存在，与app.json保持
  一致" (小程序 订阅消息 subscribeMessage.send);
- template/send ``client_msg_id``: "对于同一个openid + client_msg_id, 只发送一条消息, 10分钟有效"
  (公众号 发送模板消息); ``miniprogram.pagepath`` must be a released page (40165);
- wx.requestSubscribeMessage: "一次性模板 id 和永久模板 id 不可同时使用" (20002 "Templates type
  must be same"), at most 3 ids (20003), unknown ids (20001).
"""
from __future__ import annotations

import json

import pytest
import requests

from liaison.wechat.fake import start_fake_server
from liaison.wechat.fake.state import DEFAULT_APP_JSON
from test_fake_server import OA, api, stable

APP_JSON_PAGES = json.loads(DEFAULT_APP_JSON.read_text(encoding="utf-8"))["pages"]
DATA = {"thing1": {"value": "您的意见已受理"}}
SEND = "/cgi-bin/message/subscribe/send"
TEMPLATE_SEND = "/cgi-bin/message/template/send"


def _granted(fake, openid="o-a", template_id="tmpl-a", kind="long_term"):
    fake.post("/_fake/users", openid=openid, follows_oa=True)
    fake.post("/_fake/subscribe", openid=openid, template_id=template_id, kind=kind)


def _send(fake, page, template_id="tmpl-a"):
    token = stable(fake)["access_token"]
    return api(fake, SEND, token, {"touser": "o-a", "template_id": template_id, "page": page,
                                   "data": DATA})


@pytest.mark.parametrize("page", ["pages/opinion/detail?id=7", "pages/appointments/index",
                                  "pages/deputy/index", "/pages/opinion/opinion?id=7",
                                  "pages/opinion", "pages/opinion/opinion/extra"])
def test_a_subscribe_message_naming_a_page_app_json_lacks_is_41030(fake, page):
    _granted(fake)
    answer = _send(fake, page)
    assert answer["errcode"] == 41030
    assert fake.messages() == [] and fake.get("/_fake/grants")["grants"][0]["long_term"] is True


@pytest.mark.parametrize("page", [p + "?id=7&created=1" for p in APP_JSON_PAGES] + APP_JSON_PAGES[:1])
def test_every_page_of_app_json_is_accepted_with_or_without_a_query(fake, page):
    _granted(fake)
    assert _send(fake, page)["errcode"] == 0
    assert [m["page"] for m in fake.messages()] == [page]


def test_the_fake_reads_the_app_json_it_is_given_subpackages_included(tmp_path):
    app_json = tmp_path / "app.json"
    app_json.write_text(json.dumps({"pages": ["pages/home/home"], "subPackages": [
        {"root": "duty/", "pages": ["pages/rota/rota"]}]}), encoding="utf-8")
    base, stop, app = start_fake_server(app_json=str(app_json))
    try:
        state = app.extensions["fake_wechat"]
        assert state.pages == ["pages/home/home", "duty/pages/rota/rota"]
        assert state.page_known("duty/pages/rota/rota?day=3")
        assert not state.page_known("pages/opinion/opinion")
    finally:
        stop()


def _template(fake, token, **extra):
    body = {"touser": "oa-x", "template_id": "tmpl-oa-todo", "data": {"thing2": {"value": "待办"}}}
    return api(fake, TEMPLATE_SEND, token, {**body, **extra})


def test_a_second_template_send_with_the_same_client_msg_id_is_accepted_but_not_delivered(fake):
    fake.post("/_fake/users", openid="oa-x", follows_oa=True)
    fake.post("/_fake/users", openid="oa-y", follows_oa=True)
    token = stable(fake, **OA)["access_token"]
    first = _template(fake, token, client_msg_id="41")
    again = _template(fake, token, client_msg_id="41")
    assert first["errcode"] == again["errcode"] == 0 and again["msgid"] == first["msgid"]
    assert len(fake.messages()) == 1
    # The key is per openid, and another id is another message.
    assert _template(fake, token, touser="oa-y", client_msg_id="41")["errcode"] == 0
    assert _template(fake, token, client_msg_id="42")["msgid"] != first["msgid"]
    assert len(fake.messages()) == 3
    # Without an id every send is delivered; after ten minutes the id is free again.
    _template(fake, token)
    _template(fake, token)
    fake.advance(601)
    _template(fake, token, client_msg_id="41")
    assert len(fake.messages()) == 6


def test_a_template_message_opening_a_page_the_mini_program_lacks_is_40165(fake):
    fake.post("/_fake/users", openid="oa-x", follows_oa=True)
    token = stable(fake, **OA)["access_token"]
    bad = _template(fake, token, miniprogram={"appid": "wxdemominiprogram01", "pagepath": "pages/x/x"})
    good = _template(fake, token, miniprogram={"appid": "wxdemominiprogram01",
                                               "pagepath": "pages/opinion/opinion?id=3"})
    assert (bad["errcode"], good["errcode"]) == (40165, 0)


def _tap(fake, ids, kind="one_time"):
    return requests.post(fake.base_url + "/_fake/subscribe", timeout=5,
                         json={"openid": "o-a", "template_ids": ids, "kind": kind})


def test_a_tap_mixing_one_time_and_long_term_templates_is_refused_whole(fake):
    fake.post("/_fake/templates", kinds={"tmpl-once": "one_time", "tmpl-always": "long_term"})
    refused = _tap(fake, ["tmpl-once", "tmpl-always"])
    assert refused.status_code == 400
    assert refused.json()["errCode"] == 20002 and "Templates type must be same" in refused.json()["errMsg"]
    assert fake.get("/_fake/grants")["grants"] == []
    # Each kind on its own tap is fine, and the console's kind wins over the caller's.
    assert _tap(fake, ["tmpl-always"], kind="one_time").json()["grants"]["tmpl-always"]["long_term"]
    assert _tap(fake, ["tmpl-once"]).json()["result"] == {"errMsg": "requestSubscribeMessage:ok",
                                                          "tmpl-once": "accept"}


def test_a_tap_with_more_than_three_templates_is_refused(fake):
    refused = _tap(fake, ["tmpl-1", "tmpl-2", "tmpl-3", "tmpl-4"])
    assert refused.status_code == 400 and refused.json()["errCode"] == 20003
    assert fake.get("/_fake/grants")["grants"] == []
    assert _tap(fake, ["tmpl-1", "tmpl-2", "tmpl-3"]).status_code == 200


def test_a_tap_on_a_template_the_account_lacks_is_refused_once_templates_are_configured(fake):
    fake.post("/_fake/templates", templates=["TPL_A"])
    refused = _tap(fake, ["TPL_A", "tmpl-b"])
    assert refused.status_code == 400 and refused.json()["errCode"] == 20001
    assert fake.get("/_fake/grants")["grants"] == []


def test_user_info_says_whether_the_person_follows_the_account(fake, wechat):
    fake.post("/_fake/users", openid="oa-fan", follows_oa=True)
    fake.post("/_fake/users", openid="oa-passer-by", follows_oa=False)
    assert wechat.follows("oa-fan") is True
    assert wechat.follows("oa-passer-by") is False
