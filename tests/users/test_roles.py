"""Roles from a fresh database: `flask roles` invitations, acceptance through the API,
listing and revocation, and the audit rows each of these leaves."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

ROSTER = ("区域,联络站,代表姓名,代表编号,代表层级,电话\n"
          "长沙市/岳麓区/望月湖街道,望月湖街道人大代表联络站,王明,CS-1,区,13900000001\n"
          "长沙市/岳麓区/新城街道,岳麓区新城街道人大代表联络站,李华,CS-2,区,13900000002\n"
          "长沙市/天心区/新城街道,天心区新城街道人大代表联络站,,,,\n")
LONG_AGO = datetime(2000, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def roster(app, runner, tmp_path):
    """Regions, stations and deputies imported from the command line into an empty database."""
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    result = runner.invoke(args=["import", "places", str(path)])
    assert result.exit_code == 0, result.output
    from liaison.core.db import db
    from liaison.places.models import Region

    with app.app_context():
        return {r.full_name(): r.id for r in db.session.query(Region)}


def _invite(runner, *args) -> str:
    result = runner.invoke(args=["roles", "invite", *args])
    assert result.exit_code == 0, result.output
    return re.search(r"邀请码：(\S+)", result.output).group(1)


def _audit(app, action):
    from liaison.audit.models import AuditEntry
    from liaison.core.db import db

    with app.app_context():
        return [(e.actor_label, e.entity_id, e.region_id, e.before, e.after)
                for e in db.session.query(AuditEntry).filter_by(action=action).order_by(AuditEntry.id)]


def test_the_first_city_office_comes_from_the_command_line_and_the_mini_program(app, runner, client, login, roster):
    from liaison.core.db import db
    from liaison.users.models import User

    with app.app_context():
        assert db.session.query(User).count() == 0
    city = roster["长沙市"]
    result = runner.invoke(args=["roles", "invite", "office", "--region", "长沙市"])
    assert result.exit_code == 0, result.output
    code = re.search(r"邀请码：(\S+)", result.output).group(1)
    assert f"https://liaison.example.gov.cn/admin/invite/{code}" in result.output
    assert "长沙市 人大工委工作人员" in result.output

    headers = login("first-office")
    assert client.get(f"/api/v1/stats/regions/{city}/report?month=2026-10", headers=headers).status_code == 403
    r = client.post(f"/api/v1/invitations/{code}/accept", headers=headers)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["user"]["roles"] == [{"role": "office", "role_label": "人大工委", "station_id": None,
                                              "region_id": city, "unit_id": None}]
    assert client.get(f"/api/v1/stats/regions/{city}/report?month=2026-10", headers=headers).status_code == 200

    again = client.post(f"/api/v1/invitations/{code}/accept", headers=login("second-person"))
    assert again.status_code == 410 and again.get_json()["error"]["code"] == "invitation_used"
    assert "已经被使用过" in again.get_json()["error"]["message"]

    (created,) = _audit(app, "invitation.created")
    assert created[0] == "命令行" and created[2] == city and created[4]["region"] == "长沙市"
    (granted,) = _audit(app, "role.granted")
    assert granted[2] == city and granted[3] is None and granted[4]["role"] == "office"
    (accepted,) = _audit(app, "invitation.accepted")
    assert accepted[3] == {"used": False} and accepted[4]["proof"] == "inviter"


def test_an_expired_or_revoked_invitation_is_gone_and_an_unknown_code_not_found(app, runner, client, login, roster):
    from liaison.core.db import db
    from liaison.users import roles
    from liaison.users.models import Invitation

    expired, revoked = _invite(runner, "office", "--region", "长沙市"), _invite(runner, "office", "--region", "长沙市")
    with app.app_context():
        db.session.query(Invitation).filter_by(code=expired).one().expires_at = LONG_AGO
        db.session.commit()
        roles.revoke_invitation(db.session.query(Invitation).filter_by(code=revoked).one().id, None, None)
    headers = login("late-comer")
    for code, reason in ((expired, "invitation_expired"), (revoked, "invitation_revoked")):
        r = client.post(f"/api/v1/invitations/{code}/accept", headers=headers, json={})
        assert r.status_code == 410 and r.get_json()["error"]["code"] == reason
    unknown = client.post("/api/v1/invitations/no-such-code/accept", headers=headers)
    assert unknown.status_code == 404 and "邀请码不存在" in unknown.get_json()["error"]["message"]
    assert client.get("/api/v1/me", headers=headers).get_json()["user"]["roles"] == []
    assert client.post(f"/api/v1/invitations/{expired}/accept").status_code == 401
    (row,) = _audit(app, "invitation.revoked")
    assert row[0] == "命令行" and row[3] == {"revoked": False} and row[4] == {"revoked": True}


def test_names_are_looked_up_and_ambiguity_lists_the_candidates(runner, roster):
    ambiguous = runner.invoke(args=["roles", "invite", "office", "--region", "新城街道"])
    assert ambiguous.exit_code == 1
    assert "不唯一" in ambiguous.output
    assert "长沙市/岳麓区/新城街道" in ambiguous.output and "长沙市/天心区/新城街道" in ambiguous.output
    assert "岳麓区/新城街道" in runner.invoke(args=["roles", "invite", "office", "--region",
                                                 "长沙市/岳麓区/新城街道"]).output
    stations = runner.invoke(args=["roles", "invite", "liaison", "--station", "新城街道"])
    assert stations.exit_code == 1 and "岳麓区新城街道人大代表联络站" in stations.output
    assert "天心区新城街道人大代表联络站" in stations.output
    assert _invite(runner, "station_master", "--station", "天心区新城街道")
    missing = runner.invoke(args=["roles", "invite", "unit", "--unit", "教育局"])
    assert missing.exit_code == 1 and "没有找到承办单位“教育局”" in missing.output
    assert "需要 --station" in runner.invoke(args=["roles", "invite", "liaison"]).output


def test_roles_are_listed_by_region_and_revoked_by_id_or_by_scope(app, runner, client, login, roster):
    from liaison.core.db import db
    from liaison.users.models import StaffRole

    for openid, args in (("yuelu-office", ("office", "--region", "长沙市/岳麓区")),
                         ("tianxin-master", ("station_master", "--station", "天心区新城街道人大代表联络站"))):
        client.post(f"/api/v1/invitations/{_invite(runner, *args)}/accept", headers=login(openid))
    listed = runner.invoke(args=["roles", "list", "--region", "长沙市/岳麓区"]).output
    assert "岳麓区 人大工委工作人员" in listed and "天心区" not in listed
    with app.app_context():
        office_id = db.session.query(StaffRole.id).filter_by(role="office").scalar()
        master_user = db.session.query(StaffRole.user_id).filter_by(role="station_master").scalar()
    assert runner.invoke(args=["roles", "revoke", str(office_id)]).exit_code == 0
    by_scope = runner.invoke(args=["roles", "revoke", "--user", str(master_user), "--role", "station_master",
                                   "--station", "天心区新城街道人大代表联络站"])
    assert by_scope.exit_code == 0, by_scope.output
    with app.app_context():
        assert db.session.query(StaffRole).count() == 0
    revoked = _audit(app, "role.revoked")
    assert [(r[0], r[1], r[4]) for r in revoked][0] == ("命令行", office_id, None)
    assert revoked[0][3]["region"] == "长沙市/岳麓区" and revoked[1][3]["station"] == "天心区新城街道人大代表联络站"
    assert runner.invoke(args=["roles", "revoke", str(office_id)]).exit_code == 1


def test_losing_the_office_role_revokes_the_invitations_it_issued(app, runner, client, login, roster):
    from liaison.core.db import db
    from liaison.users import roles
    from liaison.users.models import Invitation, StaffRole, User

    headers = login("yuelu-office")
    client.post(f"/api/v1/invitations/{_invite(runner, 'office', '--region', '长沙市/岳麓区')}/accept", headers=headers)
    from liaison.places.scopes import scope_of

    with app.app_context():
        user = db.session.query(User).filter_by(mp_openid="yuelu-office").one()
        region_id = db.session.query(StaffRole).one().region_id
        invitation = roles.create_invitation(user, scope_of(user), "office", region_id=region_id)
        code = invitation.code
        roles.revoke_role(db.session.query(StaffRole.id).scalar(), actor=None)
        assert db.session.query(Invitation).filter_by(code=code).one().revoked_at is not None
    r = client.post(f"/api/v1/invitations/{code}/accept", headers=login("would-be-office"))
    assert r.status_code == 410


def test_an_import_leaves_one_summary_row_and_a_row_per_entity(app, roster):
    (summary,) = _audit(app, "places.imported")
    assert summary[0] == "命令行" and summary[2] == roster["长沙市"]
    assert summary[4] == {"rows": 3, "regions": 6, "stations": 3, "deputies": 2, "memberships": 2}
    assert len(_audit(app, "station.created")) == 3 and len(_audit(app, "deputy.created")) == 2
    started = _audit(app, "membership.started")
    assert [row[4]["kind"] for row in started] == ["home", "home"]
    assert all(set(row[4]) == {"kind", "started_on"} for row in started)  # the seat's start: the import date


def test_a_command_line_deputy_invitation_binds_without_a_phone(app, runner, client, login, roster):
    from liaison.core.db import db
    from liaison.places.models import Deputy

    with app.app_context():
        li_hua = db.session.query(Deputy).filter_by(external_id="CS-2").one().id
    wrong_station = runner.invoke(args=["roles", "invite", "deputy", "--deputy", "CS-2", "--station",
                                        "望月湖街道人大代表联络站"])
    assert wrong_station.exit_code == 1 and "不在该联络站" in wrong_station.output
    code = _invite(runner, "deputy", "--deputy", str(li_hua))
    r = client.post(f"/api/v1/invitations/{code}/accept", headers=login("li-hua"))
    assert r.status_code == 200 and r.get_json()["user"]["deputy_id"] == li_hua
    assert "李华" in r.get_json()["invitation"]["what"]
    (bound,) = _audit(app, "deputy.bound")
    assert bound[2] == roster["长沙市/岳麓区/新城街道"] and bound[4]["proof"] == "inviter"
    again = runner.invoke(args=["roles", "invite", "deputy", "--deputy", "CS-2"])
    assert again.exit_code == 1 and "已经绑定" in again.output
    assert "代表 李华（CS-2）已绑定微信" in runner.invoke(args=["roles", "list"]).output
    assert runner.invoke(args=["roles", "revoke", "--deputy", "CS-2"]).exit_code == 0
    with app.app_context():
        assert db.session.get(Deputy, li_hua).user_id is None
    (unbound,) = _audit(app, "deputy.unbound")
    assert unbound[0] == "命令行" and unbound[3] == {"user": r.get_json()["user"]["id"]} and unbound[4] == {"user": None}
