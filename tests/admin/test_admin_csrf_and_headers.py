"""CSRF on every cookie-authenticated change, the pages' security headers, escaping."""
from __future__ import annotations

import re

from page_helpers import XSS_TEXT, page_csrf


def test_form_posted_without_the_csrf_token_is_refused(client, staff, opinion):
    op = opinion()
    staff("liaison")
    r = client.post(f"/admin/opinions/{op['id']}/act", data={"action": "accept"})
    assert r.status_code == 403
    html = r.get_data(as_text=True)
    assert "操作未执行" in html and "刷新后重试" in html
    assert client.get(f"/api/v1/opinions/{op['id']}").get_json()["opinion"]["state"] == "submitted"


def test_form_posted_with_a_wrong_token_is_refused_and_the_right_one_works(client, staff, opinion):
    op = opinion()
    staff("liaison")
    bad = client.post(f"/admin/opinions/{op['id']}/act", data={"action": "accept", "csrf_token": "x" * 43})
    assert bad.status_code == 403
    token = page_csrf(client, f"/admin/opinions/{op['id']}")
    good = client.post(f"/admin/opinions/{op['id']}/act",
                       data={"action": "accept", "csrf_token": token, "version": op.get("version", "")})
    assert good.status_code == 302
    assert client.get(f"/api/v1/opinions/{op['id']}").get_json()["opinion"]["state"] == "accepted"


def test_logout_and_preferences_need_the_token_too(client, staff):
    staff("liaison")
    assert client.post("/admin/logout").status_code == 403
    assert client.post("/ui/text-size", data={"big": "1"}).status_code == 403
    assert client.get("/admin/queue").status_code == 200  # still logged in


def test_api_call_with_the_session_cookie_needs_the_header(client, staff, opinion):
    op = opinion()
    staff("liaison")
    url = f"/api/v1/opinions/{op['id']}/transitions"
    refused = client.post(url, json={"action": "accept"})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "csrf_failed"
    assert "刷新后重试" in refused.get_json()["error"]["message"]
    token = page_csrf(client, "/admin/queue")
    ok = client.post(url, json={"action": "accept"}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 200, ok.get_json()


def test_bearer_token_calls_are_exempt(app, client, phone, opinion, staff):
    op = opinion()
    token = app.test_client().post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-liaison")})
    headers = {"Authorization": "Bearer " + token.get_json()["token"]}
    staff("liaison")  # the client also holds a staff session cookie
    r = client.post(f"/api/v1/opinions/{op['id']}/transitions", json={"action": "accept"}, headers=headers)
    assert r.status_code == 200


def test_miniprogram_login_is_not_blocked_by_a_browser_session(client, phone, staff):
    staff("liaison")
    r = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-resident")})
    assert r.status_code == 200


def test_html_pages_carry_a_strict_csp_and_json_does_not(client, staff):
    staff("liaison")
    page = client.get("/admin/queue")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-store"
    api = client.get("/api/v1/opinion-categories")
    assert "Content-Security-Policy" not in api.headers


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def test_pages_have_no_inline_scripts_handlers_or_styles(client, staff, opinion, places):
    op = opinion(text=XSS_TEXT)
    staff("office")
    for path in ("/admin/login", "/admin/queue", f"/admin/opinions/{op['id']}", "/admin/stations",
                 f"/admin/stations/{places['station_id']}", f"/admin/deputies/{places['deputy_id']}",
                 "/admin/invites", "/admin/import", f"/admin/regions/{places['region_id']}/posters",
                 f"/admin/stations/{places['station_id']}/reception", "/admin/me"):
        html = client.get(path).get_data(as_text=True)
        assert not INLINE_SCRIPT.search(html), path
        assert not INLINE_HANDLER.search(html), path
        assert not STYLE_ATTR.search(html), path


def test_hostile_opinion_text_is_escaped_everywhere(client, staff, opinion):
    op = opinion(text=XSS_TEXT)
    staff("liaison")
    for path in ("/admin/queue", f"/admin/opinions/{op['id']}", "/admin/queue?q=script"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path


def test_the_text_size_switch_is_offered_once_on_every_page(client, staff):
    """The footer offers 大字模式 on every page; 我的 has it in its 显示 card instead of twice."""
    staff("liaison")
    for path in ("/admin/", "/admin/me", "/admin/audit"):
        answer = client.get(path, follow_redirects=True)
        assert answer.status_code == 200, path
        assert answer.get_data(as_text=True).count('data-testid="text-size"') == 1, path
