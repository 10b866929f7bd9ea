"""Admin forms refused with a redirect (admin/common.py ``failed``): the session carries
the refused form (the path it was posted to, what was typed, the message) to the page
the redirect opens, which renders it once for the page script; never the CSRF token,
a password or a token, and never more than a cookie can hold."""
from __future__ import annotations

import io
import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from page_helpers import page_csrf

ADMIN = Path(__file__).resolve().parents[2] / "server" / "liaison" / "admin"
BLOB = re.compile(r"<div hidden id=\"refused-form\" data-refused='([^']*)'></div>")


def _refuse(client, path: str, data: dict, page: str, **kwargs) -> dict:
    """POST a form that is refused; returns the refused form the page renders."""
    r = client.post(path, data={"csrf_token": page_csrf(client, "/admin/me"), **data}, **kwargs)
    assert r.status_code == 302, r.get_data(as_text=True)
    assert urlsplit(r.headers["Location"]).path == page
    with client.session_transaction() as sess:
        stored = sess["refused_form"]
    assert stored["action"] == path and stored["page"] == page
    assert "csrf_token" not in stored["values"]
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    blobs = [unescape(b) for b in BLOB.findall(html)]
    assert len(blobs) == 1, "the page renders the refused form once"
    shown = json.loads(blobs[0])
    assert shown["message"] == stored["message"] and shown["message"] in html  # the flash stays too
    again = client.get(r.headers["Location"]).get_data(as_text=True)
    assert not BLOB.search(again), "shown once: a reload is a fresh page"
    return shown


def test_every_refusing_admin_view_goes_through_failed():
    """No admin view flashes an error and redirects on its own (which would lose the form)."""
    for module in ADMIN.glob("*.py"):
        if module.name == "common.py":
            continue
        source = module.read_text(encoding="utf-8")
        assert not re.search(r"flash\([^)]*[\"']error[\"']", source), module.name


def test_a_refused_station_edit_is_carried_with_what_was_typed(client, staff, places):
    staff("master")
    sid = places["station_id"]
    shown = _refuse(client, f"/admin/stations/{sid}",
                    {"name": "望月湖联络站", "kind": "central", "address": "综合楼二楼", "phone": "12345"},
                    f"/admin/stations/{sid}")
    assert shown["action"] == f"/admin/stations/{sid}"
    assert "电话" in shown["message"]
    assert shown["values"] == {"name": ["望月湖联络站"], "kind": ["central"], "address": ["综合楼二楼"],
                               "phone": ["12345"]}


def test_refused_deputy_forms_are_carried_to_the_deputy_page(client, staff, places):
    staff("master")
    did = places["deputy_id"]
    page = f"/admin/deputies/{did}"
    shown = _refuse(client, f"{page}/move", {"from_station_id": "", "kind": "cross"}, page)
    assert shown["message"] == "请选择要调入的联络站"
    assert shown["values"] == {"from_station_id": [""], "kind": ["cross"]}
    shown = _refuse(client, page, {"name": "王明", "levels": ["district", "city"], "phone": "12345"}, page)
    assert shown["values"]["levels"] == ["district", "city"]
    shown = _refuse(client, f"{page}/photo", {}, page)
    assert shown["message"] == "请先选择一张照片"
    shown = _refuse(client, f"{page}/leave", {}, page)
    assert shown["message"] == "请选择联络站"


def test_refused_reception_forms_are_carried_to_their_pages(client, staff, places):
    staff("master")
    sid = places["station_id"]
    shown = _refuse(client, f"/admin/stations/{sid}/reception/year", {"year": "1999"},
                    f"/admin/stations/{sid}/reception")
    assert shown["values"] == {"year": ["1999"]} and "接待日" in shown["message"]
    records = f"/admin/stations/{sid}/reception/records"
    shown = _refuse(client, records, {"date": "2026-12-15", "residents": "-3", "opinions_registered": "2",
                                      "note": "群众反映路灯问题"}, records)
    assert shown["values"]["note"] == ["群众反映路灯问题"] and shown["values"]["residents"] == ["-3"]


def test_refused_invitation_and_code_forms_are_carried_back(client, staff, places):
    staff("master")
    shown = _refuse(client, "/admin/invites", {"role": "nonsense", "station_id": str(places["station_id"])},
                    "/admin/invites")
    assert shown["values"]["role"] == ["nonsense"]
    back = f"/admin/stations/{places['station_id']}"
    shown = _refuse(client, "/admin/codes/999999/rotate", {"back": back}, back)
    assert shown["message"] == "没有找到这个码" and shown["values"] == {"back": [back]}


def test_refused_unit_and_poster_forms_are_carried_back(client, staff, places):
    staff("office")
    shown = _refuse(client, "/admin/units", {"name": "", "level": "district", "region_id": str(places["region_id"]),
                                              "contact": "王科长 0731-88886666"}, "/admin/units")
    assert shown["values"]["contact"] == ["王科长 0731-88886666"]
    rid = places["region_id"]
    shown = _refuse(client, f"/admin/regions/{rid}/posters", {"format": "gif"}, f"/admin/regions/{rid}/posters")
    assert shown["message"] == "请选择海报格式"


def test_a_refused_invitation_code_lookup_is_carried_to_the_login_page(client):
    r = client.post("/admin/invite", data={"csrf_token": page_csrf(client), "code": "  "})
    assert urlsplit(r.headers["Location"]).path == "/admin/login"
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert json.loads(unescape(BLOB.search(html).group(1))) == {"action": "/admin/invite", "message": "请输入邀请码",
                                                      "values": {"code": ["  "]}}
    assert re.search(r'<input[^>]*name="code"[^>]*required', html) and "邀请码<em class=\"req\">（必填）" in html


def test_a_refused_attachment_upload_is_carried_to_the_opinion(client, staff, opinion):
    op = opinion()
    staff("liaison")
    page = f"/admin/opinions/{op['id']}"
    shown = _refuse(client, f"{page}/attachments", {}, page)
    assert shown["message"] == "请先选择一张图片或一个 PDF 文件"


def test_secrets_tokens_and_files_are_never_kept(client, staff, places):
    staff("master")
    sid = places["station_id"]
    data = {"name": "望月湖联络站", "phone": "12345", "password": "hunter2", "new_password": "hunter3",
            "access_token": "tok-1", "client_secret": "s3cret", "photo": (io.BytesIO(b"\x89PNG..."), "a.png")}
    r = client.post(f"/admin/stations/{sid}", content_type="multipart/form-data",
                    data={"csrf_token": page_csrf(client, "/admin/me"), **data})
    assert r.status_code == 302
    with client.session_transaction() as sess:
        values = sess["refused_form"]["values"]
    assert values == {"name": ["望月湖联络站"], "phone": ["12345"]}


def test_a_long_refused_form_keeps_the_session_cookie_small(client, staff, places):
    staff("master")
    sid = places["station_id"]
    notice = "本站每月十五日接待群众，" * 160  # 1,920 characters, ~11 KB as JSON escapes
    r = client.post(f"/admin/stations/{sid}", data={"csrf_token": page_csrf(client, "/admin/me"),
                                                     "name": "望月湖联络站", "phone": "12345", "notice": notice})
    cookie = r.headers.get("Set-Cookie", "")
    assert "session=" in cookie and len(cookie) < 4000, len(cookie)
    with client.session_transaction() as sess:
        values = sess["refused_form"]["values"]
    assert values["name"] == ["望月湖联络站"] and "notice" not in values  # shown as stored instead


@pytest.mark.parametrize("elsewhere", ["/admin/me", "/admin/stations"])
def test_the_refused_form_is_not_shown_on_another_page(client, staff, places, elsewhere):
    staff("master")
    sid = places["station_id"]
    client.post(f"/admin/stations/{sid}", data={"csrf_token": page_csrf(client, "/admin/me"),
                                                "name": "望月湖联络站", "phone": "12345"})
    assert not BLOB.search(client.get(elsewhere).get_data(as_text=True))
    assert not BLOB.search(client.get(f"/admin/stations/{sid}").get_data(as_text=True))


def test_hostile_typed_values_stay_inert_on_the_page(client, staff, places):
    staff("master")
    sid = places["station_id"]
    hostile = "'><script>alert(1)</script><img src=x onerror=alert(2)>"
    r = client.post(f"/admin/stations/{sid}", data={"csrf_token": page_csrf(client, "/admin/me"),
                                                     "name": hostile, "phone": "12345"})
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert json.loads(unescape(BLOB.search(html).group(1)))["values"]["name"] == [hostile]
