"""Invitations: created within scope, single use, expiring, bound through OAuth."""
from __future__ import annotations

import re
from datetime import timedelta

from page_helpers import oauth_login, page_csrf


def _create(client, **form):
    token = page_csrf(client, "/admin/invites")
    r = client.post("/admin/invites", data={"csrf_token": token, **form})
    assert r.status_code == 302, r.get_data(as_text=True)
    match = re.search(r"new=([A-Za-z0-9_-]+)", r.headers["Location"])
    return match.group(1) if match else None


def _logout(client):
    client.post("/admin/logout", data={"csrf_token": page_csrf(client, "/admin/me")})


def _accept(client, code, openid):
    page = client.get(f"/admin/invite/{code}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return oauth_login(client, openid, start=client.post(
        f"/admin/invite/{code}/accept", data={"csrf_token": token}).headers["Location"])


def _roles(app, openid):
    from liaison.core.db import db
    from liaison.users.models import User

    with app.app_context():
        user = db.session.query(User).filter_by(oa_openid=openid).first()
        return [(r.role, r.station_id, r.region_id, r.unit_id) for r in user.roles] if user else []


def test_master_invites_a_liaison_who_accepts_through_wechat(app, client, staff, places):
    staff("master")
    code = _create(client, role="liaison", station_id=places["station_id"])
    assert code
    _logout(client)
    page = client.get(f"/admin/invite/{code}").get_data(as_text=True)
    assert "望月湖街道人大代表联络站 联络员" in page
    r = _accept(client, code, "oa-newcomer")
    assert r.status_code == 302
    assert _roles(app, "oa-newcomer") == [("liaison", places["station_id"], None, None)]
    assert client.get("/admin/queue").status_code == 200
    from liaison.core.db import db
    from liaison.users.models import User

    with app.app_context():  # snsapi_userinfo gave us the nickname
        assert db.session.query(User).filter_by(oa_openid="oa-newcomer").one().nickname == "新来的小王"


def test_an_invitation_works_only_once(app, client, staff, places):
    staff("master")
    code = _create(client, role="liaison", station_id=places["station_id"])
    _logout(client)
    _accept(client, code, "oa-newcomer")
    _logout(client)
    page = client.get(f"/admin/invite/{code}")
    assert page.status_code == 410 and "已经被使用过" in page.get_data(as_text=True)
    assert _roles(app, "oa-stranger") == []


def test_the_second_of_two_racing_acceptances_is_refused(app, client, staff, places):
    staff("master")
    code = _create(client, role="liaison", station_id=places["station_id"])
    _logout(client)
    other = app.test_client()
    page = other.get(f"/admin/invite/{code}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    late_start = other.post(f"/admin/invite/{code}/accept", data={"csrf_token": token}).headers["Location"]
    _accept(client, code, "oa-newcomer")  # the first one finishes while the second is on WeChat's page
    r = oauth_login(other, "oa-stranger", start=late_start)
    assert r.status_code == 409 and "已经被使用过" in r.get_data(as_text=True)
    assert _roles(app, "oa-stranger") == []


def test_an_expired_invitation_is_refused(app, client, staff, places):
    from liaison.core.db import db, utcnow
    from liaison.users.models import Invitation

    staff("master")
    code = _create(client, role="liaison", station_id=places["station_id"])
    with app.app_context():
        inv = db.session.query(Invitation).filter_by(code=code).one()
        inv.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    _logout(client)
    page = client.get(f"/admin/invite/{code}")
    assert page.status_code == 410 and "已过期" in page.get_data(as_text=True)


def test_invitations_stay_within_the_inviters_scope(app, client, staff, places):
    staff("master")
    assert _create(client, role="liaison", station_id=places["other_station_id"]) is None
    assert _create(client, role="office", region_id=places["region_id"]) is None
    page = client.get("/admin/invites").get_data(as_text=True)
    assert "请选择您负责的联络站" in page or "您不能邀请这种角色" in page
    _logout(client)
    staff("liaison")  # liaison staff do not invite
    assert "生成邀请" not in client.get("/admin/invites").get_data(as_text=True)
    assert _create(client, role="liaison", station_id=places["station_id"]) is None


def test_the_office_invites_a_handling_unit(app, client, staff, places):
    staff("office")
    unit = places["units"]["岳麓区教育局"]
    code = _create(client, role="unit", unit_id=unit)
    _logout(client)
    _accept(client, code, "oa-newcomer")
    assert _roles(app, "oa-newcomer") == [("unit", None, None, unit)]


def test_the_invite_code_form_leads_to_the_invitation(client, staff, places):
    staff("master")
    code = _create(client, role="liaison", station_id=places["station_id"])
    _logout(client)
    token = page_csrf(client, "/admin/login")
    r = client.post("/admin/invite", data={"csrf_token": token, "code": code})
    assert r.headers["Location"].endswith(f"/admin/invite/{code}")


def test_revoked_invitation_cannot_be_used(app, client, staff, places):
    from liaison.core.db import db
    from liaison.users.models import Invitation

    staff("master")
    code = _create(client, role="liaison", station_id=places["station_id"])
    with app.app_context():
        inv_id = db.session.query(Invitation).filter_by(code=code).one().id
    token = page_csrf(client, "/admin/invites")
    client.post(f"/admin/invites/{inv_id}/revoke", data={"csrf_token": token})
    _logout(client)
    assert client.get(f"/admin/invite/{code}").status_code == 410
