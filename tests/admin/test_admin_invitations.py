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
    from liaison.core import clock
    from liaison.core.db import db
    from liaison.users.models import Invitation

    staff("master")
    code = _create(client, role="liaison", station_id=places["station_id"])
    with app.app_context():
        inv = db.session.query(Invitation).filter_by(code=code).one()
        inv.expires_at = clock.now() - timedelta(minutes=1)
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


# -- binding a deputy: only the home's master (with the phone) or the home's NPC office --
def _phone_code(fake_wechat, openid, phone):
    import requests

    r = requests.post(f"{fake_wechat}/_fake/phone-code", json={"openid": openid, "phone": phone}, timeout=5)
    r.raise_for_status()
    return r.json()["code"]


def _deputies(app, places):
    """An unbound deputy at home in the master's station, and one at home in another
    district who also sits in the master's station (交叉进站)."""
    from liaison.core.db import db
    from liaison.places.models import Deputy, Membership

    with app.app_context():
        def home_at(station_id):
            return db.session.query(Deputy).join(Membership).filter(
                Membership.station_id == station_id, Membership.kind == "home",
                Deputy.user_id.is_(None)).order_by(Deputy.id).first()

        home, visitor = home_at(places["station_id"]), home_at(places["other_station_id"])
        db.session.add(Membership(deputy_id=visitor.id, station_id=places["station_id"], kind="cross"))
        db.session.commit()
        return {"home": (home.id, home.phone), "visitor": (visitor.id, visitor.phone)}


def _bound_user(app, deputy_id):
    from liaison.core.db import db
    from liaison.places.models import Deputy

    with app.app_context():
        return db.session.get(Deputy, deputy_id).user_id


def _audit_actions(app, entity_type, entity_id, prefix=""):
    """(action, before, after) of the audit rows about one entity (actions starting with prefix)."""
    from liaison.audit.models import AuditEntry
    from liaison.core.db import db

    with app.app_context():
        return [(e.action, e.before, e.after) for e in db.session.query(AuditEntry).filter(
            AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id,
            AuditEntry.action.startswith(prefix)).order_by(AuditEntry.id)]


def test_a_master_cannot_invite_a_deputy_whose_home_is_another_station(app, client, staff, places):
    from liaison.core.db import db
    from liaison.users.models import Invitation

    deputies = _deputies(app, places)
    staff("master")
    visitor = deputies["visitor"][0]
    assert _create(client, role="deputy", station_id=places["station_id"], deputy_id=visitor) is None
    page = client.get("/admin/invites").get_data(as_text=True)
    assert "驻站不是您的联络站" in page and "人大工委" in page
    with app.app_context():
        assert db.session.query(Invitation).filter_by(deputy_id=visitor).count() == 0


def test_the_home_masters_deputy_invitation_binds_only_the_matching_phone(app, client, staff, places, login,
                                                                          fake_wechat):
    deputy_id, phone = _deputies(app, places)["home"]
    staff("master")
    code = _create(client, role="deputy", station_id=places["station_id"], deputy_id=deputy_id)
    assert code
    _logout(client)
    page = client.get(f"/admin/invite/{code}").get_data(as_text=True)  # the web page cannot check a phone
    assert "小程序" in page and 'data-testid="accept-invite"' not in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/admin/invite/{code}/accept", data={"csrf_token": token}).headers[
        "Location"].endswith(f"/admin/invite/{code}")

    mp = app.test_client()
    stranger = login("mp-stranger")
    r = mp.post(f"/api/v1/invitations/{code}/accept", headers=stranger)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "phone_required"
    r = mp.post(f"/api/v1/invitations/{code}/accept", headers=stranger,
                json={"phone_code": _phone_code(fake_wechat, "mp-stranger", "13800000000")})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "phone_mismatch"
    assert "手机号" in r.get_json()["error"]["message"]
    assert _bound_user(app, deputy_id) is None

    owner = login("mp-deputy")
    r = mp.post(f"/api/v1/invitations/{code}/accept", headers=owner,
                json={"phone_code": _phone_code(fake_wechat, "mp-deputy", "+86" + phone)})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["user"]["deputy_id"] == deputy_id
    assert _bound_user(app, deputy_id) == r.get_json()["user"]["id"]
    (bound,) = _audit_actions(app, "deputy", deputy_id, "deputy.bound")
    assert bound[1] == {"user": None} and bound[2]["user"] == r.get_json()["user"]["id"]
    assert bound[2]["proof"] == "phone"
    invitation_rows = _audit_actions(app, "invitation", bound[2]["invitation"])
    assert [a for a, _, _ in invitation_rows] == ["invitation.created", "invitation.refused", "invitation.accepted"]
    assert invitation_rows[0][2]["needs_phone"] is True
    assert invitation_rows[1][2]["reason"] == "phone_mismatch" and "13800000000" not in str(invitation_rows[1][2])


def test_the_home_offices_deputy_invitation_binds_without_a_phone(app, client, staff, places):
    deputy_id, _ = _deputies(app, places)["home"]
    staff("office")
    code = _create(client, role="deputy", station_id=places["station_id"], deputy_id=deputy_id)
    _logout(client)
    assert 'data-testid="accept-invite"' in client.get(f"/admin/invite/{code}").get_data(as_text=True)
    r = _accept(client, code, "oa-newcomer")
    assert r.status_code == 302
    from liaison.core.db import db
    from liaison.users.models import User

    with app.app_context():
        newcomer = db.session.query(User).filter_by(oa_openid="oa-newcomer").one().id
    assert _bound_user(app, deputy_id) == newcomer
    (bound,) = _audit_actions(app, "deputy", deputy_id, "deputy.bound")
    assert bound[1] == {"user": None} and bound[2]["proof"] == "inviter" and bound[2]["user"] == newcomer


def _deputy_form(client, deputy_id, **changes):
    from liaison.core.db import db  # noqa: F401  (the app context comes from the client)

    page = client.get(f"/admin/deputies/{deputy_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "name": "王明", "levels": ["municipal", "county"], "phone": "13900000001",
            "work_unit": "社区", "post": "主任", **changes}
    return client.post(f"/admin/deputies/{deputy_id}", data=form)


def test_a_master_cannot_swap_the_phone_that_proves_the_deputy(app, client, staff, places):
    from liaison.core.db import db
    from liaison.places.models import Deputy

    with app.app_context():
        before = db.session.get(Deputy, places["deputy_id"]).phone
    staff("master")
    r = _deputy_form(client, places["deputy_id"], phone="13811112222")
    assert r.status_code == 302
    with client.session_transaction() as session:
        flashes = [m for _, m in session.get("_flashes", [])]
    assert any("只能由代表驻站所在地的人大工委修改" in m for m in flashes), flashes
    with app.app_context():
        assert db.session.get(Deputy, places["deputy_id"]).phone == before
    _logout(client)
    staff("office")  # the office over the deputy's home may
    _deputy_form(client, places["deputy_id"], phone="13811112222")
    with app.app_context():
        assert db.session.get(Deputy, places["deputy_id"]).phone == "13811112222"
