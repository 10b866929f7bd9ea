"""The app class (core/app_class.py): Flask's behaviour, with less repeated work per request."""
from __future__ import annotations

import gc
import weakref

import pytest

pytestmark = pytest.mark.fresh_app  # the tests add routes to their app


def test_a_request_without_a_cookie_opens_an_empty_session_and_a_set_one_is_read_back(app):
    from flask import session

    seen = []

    @app.get("/_t/session/put")
    def put():
        session["x"] = "意见"
        return {"ok": True}

    @app.get("/_t/session/get")
    def get():
        seen.append(dict(session))
        return {"x": session.get("x")}

    client = app.test_client()
    assert client.get("/_t/session/get").get_json() == {"x": None}
    answer = client.get("/_t/session/put")
    assert "session=" in answer.headers["Set-Cookie"]
    assert client.get("/_t/session/get").get_json() == {"x": "意见"}
    assert seen == [{}, {"x": "意见"}]
    # A request that never touched its empty session sets no cookie.
    assert "Set-Cookie" not in app.test_client().get("/_t/session/get").headers


def test_the_signing_serializer_is_kept_per_key_and_a_new_key_refuses_old_cookies(app):
    from flask import session

    @app.get("/_t/session/put2")
    def put2():
        session["x"] = 1
        return {"ok": True}

    @app.get("/_t/session/get2")
    def get2():
        return {"x": session.get("x")}

    interface = app.session_interface
    assert interface.get_signing_serializer(app) is interface.get_signing_serializer(app)
    client = app.test_client()
    client.get("/_t/session/put2")
    assert client.get("/_t/session/get2").get_json() == {"x": 1}
    old = interface.get_signing_serializer(app)
    app.secret_key = app.config["SECRET_KEY"] = "another key entirely"
    assert interface.get_signing_serializer(app) is not old
    assert client.get("/_t/session/get2").get_json() == {"x": None}  # signed with the old key


def test_ensure_sync_is_remembered_but_a_request_s_own_closure_is_not_kept(app):
    from flask import after_this_request

    refs = []

    @app.get("/_t/after")
    def after():
        def stamp(response):
            response.headers["X-Stamp"] = "1"
            return response

        refs.append(weakref.ref(stamp))
        after_this_request(stamp)
        return {"ok": True}

    client = app.test_client()
    assert client.get("/_t/after").headers["X-Stamp"] == "1"
    assert client.get("/_t/after").headers["X-Stamp"] == "1"
    gc.collect()
    assert [r() for r in refs] == [None, None]
    view = app.view_functions["after"]
    assert app.ensure_sync(view) is view and view in app._sync

