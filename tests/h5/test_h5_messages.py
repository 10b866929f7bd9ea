"""Residents who only use the H5 pages: official-account messages, a message list, and
the prompt to follow the account when they do not."""
from __future__ import annotations

import re

import requests
from page_helpers import csrf_of

from test_h5_pages import _submit

H5_ONLY = "oa-h5-only"  # an official-account openid, never in the mini-program
TEMPLATE_SEND = "/cgi-bin/message/template/send"


def _h5_only_resident(fake_wechat, resident, follows: bool):
    requests.post(f"{fake_wechat}/_fake/users", json={"openid": H5_ONLY, "follows_oa": follows,
                                                      "unionid": None}, timeout=5).raise_for_status()
    resident(H5_ONLY)


def _accept(app, phone, opinion_id):
    """The liaison accepts from the mini-program; the worker delivers what that wrote."""
    from liaison.notifications.jobs import deliver_pending

    staff = app.test_client()
    token = staff.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-liaison")}).get_json()["token"]
    for action in ("release_hold", "accept"):  # an H5 text is not checked by WeChat: staff review first
        r = staff.post(f"/api/v1/opinions/{opinion_id}/transitions", json={"action": action},
                       headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.get_json()
    with app.app_context():
        deliver_pending()


def _accepted_case(app, client, resident, town, phone, fake_wechat, follows=True) -> int:
    """The H5-only resident submits on the H5 page and the liaison accepts it."""
    _h5_only_resident(fake_wechat, resident, follows=follows)
    r = _submit(client, town["station_id"])
    opinion_id = int(r.headers["Location"].rsplit("/", 1)[1])
    _accept(app, phone, opinion_id)
    return opinion_id


def _sent_to(fake_wechat, openid):
    got = requests.get(f"{fake_wechat}/_fake/messages", params={"path": TEMPLATE_SEND}, timeout=5)
    return [m for m in got.json()["messages"] if m["touser"] == openid]


def test_an_h5_only_resident_who_follows_gets_an_official_account_message_opening_the_h5_page(
        app, client, resident, town, phone, fake_wechat):
    opinion_id = _accepted_case(app, client, resident, town, phone, fake_wechat)
    [message] = _sent_to(fake_wechat, H5_ONLY)
    assert message["template_id"] == "tmpl-oa-progress"
    assert message["url"] == f"https://liaison.example.gov.cn/h5/opinions/{opinion_id}"
    assert message["data"]["phrase3"]["value"] == "已受理"
    page = client.get("/h5/messages").get_data(as_text=True)
    assert 'data-testid="follow-prompt"' not in page  # WeChat says they follow
    assert "意见已受理" in page and "1 条未读" in page


def test_the_message_list_marks_a_message_read_and_opens_its_opinion(
        app, client, resident, town, phone, fake_wechat):
    opinion_id = _accepted_case(app, client, resident, town, phone, fake_wechat)
    page = client.get("/h5/messages").get_data(as_text=True)
    message_id = int(re.search(r'/h5/messages/(\d+)/read', page).group(1))
    opened = client.post(f"/h5/messages/{message_id}/read",
                         data={"csrf_token": csrf_of(page), "opinion_id": opinion_id})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/h5/opinions/{opinion_id}")
    page = client.get("/h5/messages").get_data(as_text=True)
    assert "未读" not in page and "共 1 条" in page
    # The same list the mini-program reads, now read there too.
    from liaison.core.db import db
    from liaison.notifications.models import Message

    with app.app_context():
        assert db.session.get(Message, message_id).read is True


def test_someone_elses_message_cannot_be_marked_and_a_post_needs_csrf(
        app, client, resident, town, phone, fake_wechat):
    _accepted_case(app, client, resident, town, phone, fake_wechat)
    page = client.get("/h5/messages").get_data(as_text=True)
    message_id = int(re.search(r'/h5/messages/(\d+)/read', page).group(1))
    assert client.post(f"/h5/messages/{message_id}/read").status_code in (400, 403)
    other = app.test_client()
    from page_helpers import oauth_login

    oauth_login(other, "oa-demo-resident2", "/h5/messages")
    theirs = other.get("/h5/messages").get_data(as_text=True)
    assert other.post(f"/h5/messages/{message_id}/read",
                      data={"csrf_token": csrf_of(theirs)}).status_code == 404


def test_a_resident_who_does_not_follow_is_prompted_and_the_message_is_skipped(
        app, client, resident, town, phone, fake_wechat):
    _accepted_case(app, client, resident, town, phone, fake_wechat, follows=False)
    assert _sent_to(fake_wechat, H5_ONLY) == []
    from liaison.core.db import db
    from liaison.notifications.models import Notification

    with app.app_context():
        [row] = db.session.query(Notification).filter_by(audience="resident").all()
        assert (row.channel, row.status) == ("template", "skipped") and "43004" in row.last_error
    for path in ("/h5/messages", "/h5/opinions"):
        page = client.get(path).get_data(as_text=True)
        assert 'data-testid="follow-prompt"' in page and "关注“人大代表联络站”公众号" in page, path
    assert "意见已受理" in client.get("/h5/messages").get_data(as_text=True)  # still listed here
