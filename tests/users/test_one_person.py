"""One person, one user: a mini-program login and an official-account (admin/H5 page)
login of the same person end as one user, in either order, never a 500.

Bound apps (the open platform gives unionids) are joined by the unionid; unbound apps
stay two users until a WeChat-verified phone proves they are one person."""
from __future__ import annotations

import re
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "admin"))

from page_helpers import WECHAT_UA, local, oauth_login, pick_on_fake, submit_opinion  # noqa: E402

MP, OA = "wxdemominiprogram01", "wxdemoofficial0001"


@pytest.fixture
def wx(fake_wechat):
    """Drive the fake WeChat: people, open-platform binding, snapshot mode, phone codes."""

    class Control:
        def post(self, path: str, **body) -> dict:
            r = requests.post(f"{fake_wechat}{path}", json=body, timeout=5)
            r.raise_for_status()
            return r.json()

        def person(self, mp_openid: str, oa_openid: str, unionid: str, nickname: str = "王大姐"):
            self.post("/_fake/users", openid=mp_openid, unionid=unionid, nickname=nickname)
            self.post("/_fake/users", openid=oa_openid, unionid=unionid, nickname=nickname)

        def bind(self, bound: bool) -> None:
            for appid in (MP, OA):
                self.post("/_fake/open-platform", appid=appid, bound=bound)

        def phone_code(self, openid: str, phone: str) -> str:
            return self.post("/_fake/phone-code", openid=openid, phone=phone)["code"]

    return Control()


def mp_login(client, phone, openid: str):
    return client.post("/api/v1/auth/wechat", json={"code": phone.login_code(openid)})


def accept_on_web(client, code: str, openid: str):
    """Open the invitation page, tap 接受 (its form), authorise on WeChat as ``openid``."""
    page = client.get(f"/admin/invite/{code}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    start = client.post(f"/admin/invite/{code}/accept", data={"csrf_token": token})
    return oauth_login(client, openid, start=local(start.headers["Location"]))


def users(app) -> list[tuple]:
    """Every live user (not merged into another, not a demo account) as
    (id, mp_openid, oa_openid, unionid)."""
    from liaison.core.db import db
    from liaison.users.models import User

    with app.app_context():
        return [(u.id, u.mp_openid, u.oa_openid, u.unionid)
                for u in db.session.query(User).filter(User.merged_into_id.is_(None)).order_by(User.id)
                if not (u.mp_openid or "").startswith("demo-")]


def test_miniprogram_first_then_admin_page_is_one_user(app, client, phone, wx):
    wx.person("mp-wang", "oa-wang", "u-wang")
    first = mp_login(client, phone, "mp-wang")
    assert first.status_code == 200
    token = {"Authorization": f"Bearer {first.get_json()['token']}"}

    page = app.test_client()
    assert oauth_login(page, "oa-wang").status_code == 302
    assert users(app) == [(first.get_json()["user"]["id"], "mp-wang", "oa-wang", "u-wang")]
    assert client.get("/api/v1/me", headers=token).status_code == 200  # the phone stays logged in


def test_admin_page_first_then_miniprogram_is_one_user(app, client, phone, wx):
    wx.person("mp-wang", "oa-wang", "u-wang")
    assert oauth_login(app.test_client(), "oa-wang").status_code == 302
    (web_user,) = users(app)
    assert web_user[2:] == ("oa-wang", "u-wang")  # the new openid was asked with snsapi_userinfo

    r = mp_login(client, phone, "mp-wang")
    assert r.status_code == 200
    assert users(app) == [(web_user[0], "mp-wang", "oa-wang", "u-wang")]
    assert r.get_json()["user"]["id"] == web_user[0]


def test_known_web_user_logs_in_silently_without_a_second_authorisation(app, wx, fake_wechat):
    wx.person("mp-wang", "oa-wang", "u-wang")
    oauth_login(app.test_client(), "oa-wang")
    again = app.test_client()
    r = again.get("/oauth/wechat?next=/admin/")
    assert "scope=snsapi_base" in r.headers["Location"]
    back = again.get(local(pick_on_fake(r.headers["Location"], "oa-wang")))  # no second consent
    assert back.status_code == 302 and back.headers["Location"].endswith("/admin/")
    assert len(users(app)) == 1


def test_unbound_apps_make_two_users_until_the_deputys_phone_proves_one_person(app, client, phone, wx, demo):
    from liaison.audit.models import AuditEntry
    from liaison.core import clock
    from liaison.core.db import db
    from liaison.users.demo import DEMO_STATION
    from liaison.places.models import Deputy, Station
    from liaison.users import roles
    from liaison.users.models import Invitation, User

    wx.bind(False)
    wx.person("mp-li", "oa-li", "u-li", nickname="李代表")
    with app.app_context():
        station = db.session.query(Station).filter_by(name=DEMO_STATION).one()
        deputy = db.session.query(Deputy).filter(Deputy.user_id.is_(None)).first()
        deputy.phone = "13912345678"
        db.session.commit()
        station_id, deputy_id = station.id, deputy.id
        by_office = roles.create_invitation(None, None, "deputy", deputy_id=deputy_id).code

    # On the web pages: the NPC office's invitation binds the official-account login.
    web = app.test_client()
    assert accept_on_web(web, by_office, "oa-li").status_code == 302
    # In the mini-program: the same person, another user, with an opinion of their own.
    r = mp_login(client, phone, "mp-li")
    token = {"Authorization": f"Bearer {r.get_json()['token']}"}
    opinion = submit_opinion(client, token, station_id, "小区门口的垃圾站每天早上都满了，希望增加清运次数。")
    live = users(app)
    assert [u[1:] for u in live] == [(None, "oa-li", None), ("mp-li", None, None)]
    web_id, mp_id = live[0][0], live[1][0]
    before = web.get("/h5/messages", headers={"User-Agent": WECHAT_UA}).status_code
    with app.app_context():
        roles.grant_role(db.session.get(User, web_id), "liaison", actor=None, station_id=station_id)
        proof = Invitation(code="phone-proof-li", role="deputy", deputy_id=deputy_id, needs_phone=True,
                           expires_at=clock.now() + timedelta(hours=1))
        db.session.add(proof)
        db.session.commit()

    r = client.post("/api/v1/invitations/phone-proof-li/accept", headers=token,
                    json={"phone_code": wx.phone_code("mp-li", "13912345678")})
    assert r.status_code == 200, r.get_json()
    assert users(app) == [(mp_id, "mp-li", "oa-li", None)]
    with app.app_context():
        assert db.session.get(Deputy, deputy_id).user_id == mp_id
        assert [(s.role, s.station_id) for s in db.session.get(User, mp_id).roles] == [("liaison", station_id)]
        from liaison.opinions.models import Opinion

        assert db.session.get(Opinion, opinion["id"]).submitter_id == mp_id
        gone = db.session.get(User, web_id)
        assert gone.merged_into_id == mp_id and gone.oa_openid is None
        merged = db.session.query(AuditEntry).filter_by(action="user.merged").one()
        assert merged.after["reason"] == "phone" and merged.before["merged"] == web_id
    assert client.get("/api/v1/me", headers=token).get_json()["user"]["deputy_id"] == deputy_id
    after = web.get("/h5/messages", headers={"User-Agent": WECHAT_UA}).status_code
    assert (before, after) == (200, 302)  # the merged-away session ended: off to WeChat again
    assert oauth_login(app.test_client(), "oa-li").status_code == 302
    assert len(users(app)) == 1  # the web login now finds the one user


def test_reported_500_invitation_through_userinfo_merges_the_web_user_into_the_mini_program_user(
        app, client, phone, wx, demo):
    """Before: the silent web login made an OA-only user; an invitation (snsapi_userinfo)
    found the mini-program user by unionid and copied the same openid onto it: 500."""
    from liaison.core.db import db
    from liaison.users.demo import DEMO_STATION
    from liaison.places.models import Station
    from liaison.users import roles
    from liaison.users.models import User

    wx.person("mp-zhao", "oa-zhao", "u-zhao")
    wx.post("/_fake/open-platform", appid=OA, bound=False)  # the official account not bound yet
    mp_id = mp_login(client, phone, "mp-zhao").get_json()["user"]["id"]
    oauth_login(app.test_client(), "oa-zhao")
    assert [u[1:] for u in users(app)] == [("mp-zhao", None, "u-zhao"), (None, "oa-zhao", None)]
    wx.post("/_fake/open-platform", appid=OA, bound=True)  # bound later: unionids from now on
    with app.app_context():
        station_id = db.session.query(Station).filter_by(name=DEMO_STATION).one().id
        code = roles.create_invitation(None, None, "liaison", station_id=station_id).code

    web = app.test_client()
    r = accept_on_web(web, code, "oa-zhao")
    assert r.status_code == 302, r.get_data(as_text=True)
    assert users(app) == [(mp_id, "mp-zhao", "oa-zhao", "u-zhao")]
    with app.app_context():
        assert [x.role for x in db.session.get(User, mp_id).roles] == ["liaison"]
    assert web.get("/admin/me").status_code == 200  # logged in, as the liaison


def test_two_mini_program_accounts_behind_one_unionid_are_a_chinese_409_not_a_merge(app, client, phone, wx):
    from liaison.core.db import db
    from liaison.users.models import User

    with app.app_context():  # an old account holds the unionid; another holds this openid
        db.session.add_all([User(mp_openid="mp-old", unionid="u-same"), User(mp_openid="mp-new", oa_openid="oa-new")])
        db.session.commit()
    r = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("mp-new", unionid="u-same")})
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "account_merge_conflict"
    assert "联系联络站工作人员" in r.get_json()["error"]["message"]
    assert [u[1:] for u in users(app)] == [("mp-old", None, "u-same"), ("mp-new", "oa-new", None)]


def test_snapshot_mode_visit_explains_use_full_service_and_creates_no_user(app, wx):
    wx.person("mp-sun", "oa-sun", "u-sun")
    wx.post("/_fake/snapshot", openid="oa-sun", on=True)
    r = oauth_login(app.test_client(), "oa-sun", next_url="/h5/")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "快照模式" in page and "「使用完整服务」" in page
    assert users(app) == []
    wx.post("/_fake/snapshot", openid="oa-sun", on=False)  # tapped 「使用完整服务」
    assert oauth_login(app.test_client(), "oa-sun", next_url="/h5/").status_code == 302
    assert [u[2] for u in users(app)] == ["oa-sun"]
