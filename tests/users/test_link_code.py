"""One person, one user without the open platform: a link code shown on the web pages
(admin 我的, H5 我的账号) and typed into the mini-program makes the web user part of the
mini-program user (users/linking.py). Codes are short-lived, single use and guarded
against guessing; nothing here is ever a 500."""
from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "admin"))

from page_helpers import WECHAT_UA, csrf_of, oauth_login, submit_opinion  # noqa: E402

MP, OA = "wxdemominiprogram01", "wxdemoofficial0001"
CODE_ON_PAGE = re.compile(r'data-testid="link-code-value">(\d{6})<')
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def person(fake_wechat):
    """Unbound apps (no unionid anywhere); ``person(mp, oa)`` makes one person known to both."""
    for appid in (MP, OA):
        requests.post(f"{fake_wechat}/_fake/open-platform", json={"appid": appid, "bound": False},
                      timeout=5).raise_for_status()

    def _person(mp_openid: str, oa_openid: str, nickname: str = "陈联络员"):
        for openid in (mp_openid, oa_openid):
            requests.post(f"{fake_wechat}/_fake/users", json={"openid": openid, "unionid": f"u-{mp_openid}",
                                                              "nickname": nickname}, timeout=5).raise_for_status()

    return _person


def mp_token(client, phone, openid: str) -> dict:
    r = client.post("/api/v1/auth/wechat", json={"code": phone.login_code(openid)})
    assert r.status_code == 200, r.get_json()
    return {"Authorization": f"Bearer {r.get_json()['token']}"}


def link(client, token: dict, code: str):
    return client.post("/api/v1/me/link", json={"code": code}, headers=token)


def code_by_api(web) -> str:
    """「关联小程序账号」 as the pages' scripts call it: the session cookie and its CSRF token."""
    csrf = csrf_of(web.get("/h5/account", headers={"User-Agent": WECHAT_UA}).get_data(as_text=True))
    r = web.post("/api/v1/me/link-code", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["code"]


def live_users(app) -> list[tuple]:
    from liaison.core.db import db
    from liaison.users.models import User

    with app.app_context():
        return [(u.id, u.mp_openid, u.oa_openid) for u in
                db.session.query(User).filter(User.merged_into_id.is_(None)).order_by(User.id)]


def user_id(app, **openid) -> int:
    from liaison.core.db import db
    from liaison.users.models import User

    with app.app_context():
        return db.session.query(User).filter_by(**openid).one().id


def test_staff_on_the_admin_page_and_in_the_mini_program_become_one_user_by_a_link_code(
        app, client, phone, person, demo):
    from liaison.audit.models import AuditEntry
    from liaison.core.db import db
    from liaison.opinions.models import Opinion
    from liaison.users.demo import DEMO_STATION
    from liaison.places.models import Station
    from liaison.users import roles
    from liaison.users.models import User

    person("mp-chen", "oa-chen")
    web = app.test_client()
    assert oauth_login(web, "oa-chen").status_code == 302
    token = mp_token(client, phone, "mp-chen")
    with app.app_context():
        station_id = db.session.query(Station).filter_by(name=DEMO_STATION).one().id
    opinion = submit_opinion(client, token, station_id, "小区南门的人行道砖松动了，下雨天容易溅水滑倒，希望修补。")
    web_id, mp_id = user_id(app, oa_openid="oa-chen"), user_id(app, mp_openid="mp-chen")
    assert web_id != mp_id  # unbound apps: two users
    with app.app_context():
        roles.grant_role(db.session.get(User, web_id), "liaison", actor=None, station_id=station_id)
        db.session.commit()

    me = web.get("/admin/me").get_data(as_text=True)
    assert "关联小程序账号" in me and not CODE_ON_PAGE.search(me)
    shown = web.post("/admin/me/link-code", data={"csrf_token": csrf_of(me)})
    assert shown.status_code == 302 and shown.headers["Location"].endswith("/admin/me#link")
    page = web.get("/admin/me").get_data(as_text=True)
    code = CODE_ON_PAGE.search(page).group(1)
    assert "「设置」→「关联网页账号」" in page

    r = link(client, token, code)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["merged"] is True and body["user"]["id"] == mp_id
    assert [(x["role"], x["station_id"]) for x in body["user"]["roles"]] == [("liaison", station_id)]
    assert (mp_id, "mp-chen", "oa-chen") in live_users(app) and web_id not in [u[0] for u in live_users(app)]
    with app.app_context():
        assert db.session.get(Opinion, opinion["id"]).submitter_id == mp_id
        assert db.session.get(User, web_id).merged_into_id == mp_id
        merged = db.session.query(AuditEntry).filter_by(action="user.merged").one()
        assert (merged.after["reason"], merged.before["merged"], merged.actor_id) == ("link_code", web_id, mp_id)
    assert client.get("/api/v1/me", headers=token).status_code == 200  # the mini-program stays logged in
    # merge_users ends the merged-away user's logins: the old web session is gone, and
    # logging in again on the web finds the one user, with the role.
    assert web.get("/admin/me").headers["Location"].startswith("/admin/login")
    again = app.test_client()
    assert oauth_login(again, "oa-chen").status_code == 302
    assert again.get("/admin/me").status_code == 200
    assert (mp_id, "mp-chen", "oa-chen") in live_users(app)


def test_a_resident_links_from_the_h5_account_page_and_linking_again_changes_nothing(app, client, phone, person):
    person("mp-liu", "oa-liu", nickname="刘阿姨")
    web = app.test_client()
    assert oauth_login(web, "oa-liu", next_url="/h5/messages").status_code == 302
    messages = web.get("/h5/messages", headers={"User-Agent": WECHAT_UA}).get_data(as_text=True)
    assert "<title>我的消息</title>" in messages and 'href="/h5/account"' in messages  # the way to 我的账号
    page = web.get("/h5/account", headers={"User-Agent": WECHAT_UA}).get_data(as_text=True)
    assert "刘阿姨" in page
    assert web.post("/h5/account/link-code", data={"csrf_token": csrf_of(page)}).status_code == 302
    code = CODE_ON_PAGE.search(web.get("/h5/account", headers={"User-Agent": WECHAT_UA}).get_data(as_text=True)).group(1)
    assert web.post("/api/v1/me/link-code").status_code == 403  # the session's API calls need the CSRF token
    token = mp_token(client, phone, "mp-liu")
    mp_id = client.get("/api/v1/me", headers=token).get_json()["user"]["id"]

    assert link(client, token, code).get_json()["merged"] is True
    assert live_users(app) == [(mp_id, "mp-liu", "oa-liu")]
    web = app.test_client()  # logged in again on the web: the same, one user
    assert oauth_login(web, "oa-liu", next_url="/h5/messages").status_code == 302
    r = link(client, token, code_by_api(web))
    assert r.status_code == 200 and r.get_json()["merged"] is False
    assert live_users(app) == [(mp_id, "mp-liu", "oa-liu")]


def test_five_wrong_tries_burn_every_live_code_and_lock_only_the_one_typing(app, client, phone, person):
    person("mp-zhou", "oa-zhou")
    web = app.test_client()
    oauth_login(web, "oa-zhou", next_url="/h5/")
    code = code_by_api(web)
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    guesser = mp_token(client, phone, "mp-guesser")
    left = []
    for _ in range(5):
        r = link(client, guesser, wrong)
        assert (r.status_code, r.get_json()["error"]["code"]) == (400, "link_code_invalid")
        left.append(r.get_json()["error"]["details"]["tries_left"])
    assert left == [4, 3, 2, 1, 0]
    r = link(client, guesser, code)  # even the right code: the guesser waits
    assert (r.status_code, r.get_json()["error"]["code"]) == (429, "link_code_locked")
    assert "分钟后" in r.get_json()["error"]["message"]

    owner = mp_token(client, phone, "mp-zhou")
    r = link(client, owner, code)  # five wrong tries burnt it
    assert r.status_code == 400 and "重新获取" in r.get_json()["error"]["message"]
    assert link(client, owner, code_by_api(web)).get_json()["merged"] is True  # a new code works
    assert len([u for u in live_users(app) if u[1] == "mp-zhou"]) == 1


def test_a_code_works_within_ten_minutes_only_and_only_once(app):
    from liaison.core.db import db
    from liaison.core.errors import ApiError
    from liaison.users import linking
    from liaison.users.models import User

    with app.app_context():
        users = {name: User(**{column: name}) for name, column in
                 (("oa-a", "oa_openid"), ("oa-b", "oa_openid"), ("mp-a", "mp_openid"), ("mp-b", "mp_openid"))}
        db.session.add_all(users.values())
        db.session.commit()
        late = linking.issue_code(users["oa-a"], now=T0)
        assert late["expires_at"] == T0 + timedelta(minutes=10)
        with pytest.raises(ApiError) as caught:
            linking.link_accounts(users["mp-a"], late["code"], now=T0 + timedelta(minutes=10, seconds=1))
        assert (caught.value.status, caught.value.code) == (400, "link_code_invalid")

        timely = linking.issue_code(users["oa-b"], now=T0)
        assert linking.link_accounts(users["mp-b"], timely["code"], now=T0 + timedelta(minutes=9))[1] is True
        for typist in ("mp-b", "mp-a"):  # used: refused to the one who used it and to anyone else
            with pytest.raises(ApiError) as caught:
                linking.link_accounts(users[typist], timely["code"], now=T0 + timedelta(minutes=9))
            assert caught.value.status == 400
        assert db.session.get(User, users["oa-b"].id).merged_into_id == users["mp-b"].id
        assert db.session.get(User, users["oa-a"].id).merged_into_id is None


def test_asking_again_replaces_the_earlier_code(app):
    from liaison.core.db import db
    from liaison.core.errors import ApiError
    from liaison.users import linking
    from liaison.users.models import User

    with app.app_context():
        web, mp = User(oa_openid="oa-x"), User(mp_openid="mp-x")
        db.session.add_all([web, mp])
        db.session.commit()
        first = linking.issue_code(web, now=T0)["code"]
        second = linking.issue_code(web, now=T0 + timedelta(minutes=1))["code"]
        assert linking.live_code(web, now=T0 + timedelta(minutes=2))["code"] == second
        assert linking.live_code(web, now=T0 + timedelta(minutes=12)) is None
        if first != second:
            with pytest.raises(ApiError):
                linking.link_accounts(mp, first, now=T0 + timedelta(minutes=2))


def test_an_impossible_merge_is_the_chinese_409_and_changes_nothing(app, client, phone, person):
    from liaison.core.db import db
    from liaison.users.models import User

    person("mp-wu", "oa-wu")
    web = app.test_client()
    oauth_login(web, "oa-wu", next_url="/h5/")
    code = code_by_api(web)
    with app.app_context():  # the web user holds another mini-program account of its own
        db.session.query(User).filter_by(oa_openid="oa-wu").one().mp_openid = "mp-wu-other"
        db.session.commit()
    before = live_users(app)
    token = mp_token(client, phone, "mp-wu")
    r = link(client, token, code)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "account_merge_conflict")
    assert "联系联络站工作人员" in r.get_json()["error"]["message"]
    assert [u for u in live_users(app) if u[1] != "mp-wu"] == before


@pytest.mark.parametrize("body,status", [
    ({"code": "abcdef"}, 400), ({"code": "12345"}, 400), ({"code": "１２３４５６"}, 400),
    ({"code": " "}, 400), ({"code": "1" * 17}, 422), ({}, 422), ({"code": 123456}, 422),
])
def test_bad_link_input_is_a_4xx_never_a_500(client, login, body, status):
    token = login("mp-bad")
    r = client.post("/api/v1/me/link", json=body, headers=token)
    assert r.status_code == status and r.get_json()["error"]["message"]
    assert client.post("/api/v1/me/link", json={"code": "123456"}).status_code == 401


def test_without_redis_linking_is_a_503_and_the_pages_still_open(make_app, tmp_path):
    from liaison.core.auth import issue_token
    from liaison.core.db import db
    from liaison.users.models import User

    app = make_app(REDIS_URL=f"unix://{tmp_path}/no-redis.sock")
    with app.app_context():
        user = User(mp_openid="mp-noredis")
        db.session.add(user)
        db.session.commit()
        token = {"Authorization": f"Bearer {issue_token(user)}"}
    client = app.test_client()
    for path, body in (("/api/v1/me/link-code", None), ("/api/v1/me/link", {"code": "123456"})):
        r = client.post(path, json=body, headers=token)
        assert (r.status_code, r.get_json()["error"]["code"]) == (503, "link_unavailable")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
