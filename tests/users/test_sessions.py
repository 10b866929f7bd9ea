"""Logins end on the server: a blocked account is refused on every path, and logout,
a block and a role removal make old cookies and tokens useless, as does age."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "admin"))

from page_helpers import oauth_login, post_form, seed_fake_accounts  # noqa: E402

REASON = "多次冒用他人身份提交意见"


@pytest.fixture
def world(app, demo, fake_wechat):
    """Ids of the demo office's district and of the demo staff users."""
    from liaison.core.db import db
    from liaison.places.models import Region
    from liaison.users.models import User

    seed_fake_accounts(fake_wechat)
    with app.app_context():
        users = {u.mp_openid: u.id for u in db.session.query(User)}
        return {"district": db.session.query(Region).filter_by(name="岳麓区").one().id,
                "office": users["demo-office"], "liaison": users["demo-liaison"]}


def browser(app, openid: str, next_url: str = "/admin/"):
    """A fresh test client logged in through the official-account OAuth pages."""
    client = app.test_client()
    r = oauth_login(client, f"oa-{openid}", next_url)
    assert r.status_code == 302, r.get_data(as_text=True)
    return client


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str):
    """A client that has nothing but this session cookie (copied off another browser)."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def signed_session(app, fields: dict) -> str:
    """A session cookie signed with the app's key, the way Flask signs its own."""
    return app.session_interface.get_signing_serializer(app).dumps(dict(fields))


def call(app, operation, *args):
    from liaison.users import operations

    with app.app_context():
        return getattr(operations, operation)(*args)


def refused_to_login_page(r) -> bool:
    return r.status_code == 302 and "/admin/login" in r.headers["Location"]


PATHS = ["/admin/queue", "/h5/opinions", "/reports/regions/{district}", "/api/v1/me"]


@pytest.mark.parametrize("path", PATHS)
def test_blocked_cookie_session_is_refused_with_the_reason(app, world, path):
    path = path.format(**world)
    client = browser(app, "demo-office")
    assert client.get(path).status_code == 200

    call(app, "block_user", world["office"], REASON)
    client = replay(app, session_cookie(client))  # even the cookie from before the block
    r = client.get(path)
    assert r.status_code == 403
    if path.startswith("/api/"):
        error = r.get_json()["error"]
        assert error["code"] == "user_blocked" and REASON in error["message"]
    else:
        html = r.get_data(as_text=True)
        assert "您的账号已被限制使用" in html and REASON in html


def test_blocked_user_still_holding_a_live_session_is_refused(app, world):
    """The row says blocked while the session's version still matches (e.g. set by hand)."""
    from liaison.core.db import db
    from liaison.users.models import User

    client = browser(app, "demo-office")
    with app.app_context():
        db.session.get(User, world["office"]).blocked = True
        db.session.commit()
    assert client.get("/admin/queue").status_code == 403
    assert client.get("/api/v1/me").get_json()["error"]["code"] == "user_blocked"


def test_blocked_user_gets_no_new_login(app, world, client, phone):
    call(app, "block_user", world["liaison"], REASON)
    r = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-liaison")})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "user_blocked"
    r = oauth_login(app.test_client(), "oa-demo-liaison")
    assert r.status_code == 403 and REASON in r.get_data(as_text=True)


@pytest.mark.parametrize("logout", ["/admin/logout", "/auth/logout"])
def test_logged_out_cookie_replayed_in_a_fresh_client_is_refused(app, world, login, logout):
    client = browser(app, "demo-liaison")
    assert client.get("/api/v1/me").status_code == 200
    before = session_cookie(client)
    token = login("demo-liaison")  # the same person's mini-program

    r = post_form(client, logout, {}, csrf_from="/admin/queue")
    assert r.status_code == 302

    stolen = replay(app, before)
    assert stolen.get("/api/v1/me").status_code == 401
    assert refused_to_login_page(stolen.get("/admin/queue"))
    # Leaving the admin pages does not log the mini-program out.
    assert app.test_client().get("/api/v1/me", headers=token).status_code == 200


def test_logout_ends_the_persons_other_browser_sessions(app, world):
    phone_browser, office_pc = browser(app, "demo-liaison"), browser(app, "demo-liaison")
    post_form(phone_browser, "/admin/logout", {}, csrf_from="/admin/queue")
    assert office_pc.get("/api/v1/me").status_code == 401


def test_stale_cookie_replayed_to_logout_does_not_log_the_person_out(app, world):
    old = browser(app, "demo-liaison")
    csrf_page = old.get("/admin/queue").get_data(as_text=True)
    old_cookie = session_cookie(old)
    post_form(old, "/admin/logout", {}, csrf_from="/admin/queue")
    current = browser(app, "demo-liaison")

    from page_helpers import csrf_of

    replay(app, old_cookie).post("/admin/logout", data={"csrf_token": csrf_of(csrf_page)})
    assert current.get("/api/v1/me").status_code == 200


def test_block_revokes_the_bearer_token_and_unblock_does_not_revive_it(app, world, client, login, runner):
    token = login("demo-liaison")
    assert client.get("/api/v1/me", headers=token).status_code == 200

    result = runner.invoke(args=["users", "block", str(world["liaison"]), REASON])
    assert result.exit_code == 0, result.output
    r = client.get("/api/v1/me", headers=token)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "user_blocked"

    assert runner.invoke(args=["users", "unblock", str(world["liaison"])]).exit_code == 0
    r = client.get("/api/v1/me", headers=token)
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "token_invalid"
    assert client.get("/api/v1/me", headers=login("demo-liaison")).status_code == 200


def test_block_needs_a_reason(app, world, runner):
    result = runner.invoke(args=["users", "block", str(world["liaison"]), "  "])
    assert result.exit_code != 0 and "原因" in result.output


def test_role_removal_revokes_the_cookie_session_and_the_token(app, world, login, runner):
    from liaison.core.db import db
    from liaison.users.models import StaffRole

    client = browser(app, "demo-liaison")
    token = login("demo-liaison")
    assert client.get("/api/v1/me").status_code == 200
    with app.app_context():
        role_id = db.session.query(StaffRole.id).filter_by(user_id=world["liaison"]).scalar()

    result = runner.invoke(args=["users", "remove-role", str(role_id)])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/me").status_code == 401
    assert refused_to_login_page(client.get("/admin/queue"))
    assert app.test_client().get("/api/v1/me", headers=token).status_code == 401
    with app.app_context():
        assert db.session.get(StaffRole, role_id) is None


def test_cookie_older_than_the_session_lifetime_is_refused(app, world):
    from liaison.core.auth import session_fields
    from liaison.core.db import db
    from liaison.users.models import User

    with app.app_context():
        fresh = session_fields(db.session.get(User, world["liaison"]))
    assert replay(app, signed_session(app, fresh)).get("/api/v1/me").status_code == 200

    # Signed with our key just now, but the login inside it was long ago.
    expired = signed_session(app, {**fresh, "iat": 1_600_000_000})
    assert replay(app, expired).get("/api/v1/me").status_code == 401
    assert refused_to_login_page(replay(app, expired).get("/admin/queue"))


def test_session_lifetime_is_counted_from_the_login(app, world):
    from liaison.core.auth import session_fields, user_from_session
    from liaison.core.db import db
    from liaison.users.models import User

    login_at, ttl = 1_700_000_000, app.config["SESSION_TTL_SECONDS"]
    with app.test_request_context():
        fields = session_fields(db.session.get(User, world["liaison"]), now=login_at)
        assert user_from_session(fields, now=login_at + ttl).id == world["liaison"]
        assert user_from_session(fields, now=login_at + ttl + 1) is None
        assert user_from_session({**fields, "iat": "1700000000"}, now=login_at) is None


def test_documented_lifetimes_are_the_configured_ones(app):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for name in ("TOKEN_TTL_SECONDS", "SESSION_TTL_SECONDS"):
        assert f"| `{name}` | integer | {app.config[name]} |" in readme
    assert app.permanent_session_lifetime.total_seconds() == app.config["SESSION_TTL_SECONDS"]
