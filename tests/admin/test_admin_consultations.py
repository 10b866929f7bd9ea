"""The NPC office's consultation pages: list, publish with a preview of the recognised
articles (pasted or uploaded), the comments per article, hide, close, export, outcome."""
from __future__ import annotations

import io
from datetime import timedelta

from page_helpers import page_csrf

DRAFT = "示范条例（草案）\n第一章 总则\n第一条 为了示范，制定本条例。\n第二条 本条例适用于本区。"


def _post(client, path, data, **kwargs):
    return client.post(path, data={"csrf_token": page_csrf(client, "/admin/me"), **data}, **kwargs)


def _flash(client):
    with client.session_transaction() as session:
        return session.pop("_flashes", [])


def test_the_office_publishes_moderates_closes_and_exports_on_the_pages(app, client, staff, places, login):
    from liaison.core import clock

    staff("office")
    assert "还没有发布意见征集" in client.get("/admin/consultations").get_data(as_text=True)
    # Preview an uploaded text file: its articles are recognised, the text is put in the form.
    r = _post(client, "/admin/consultations/new", {"action": "preview", "title": "示范条例（草案）",
                                                  "file": (io.BytesIO(DRAFT.encode("gbk")), "草案.txt")},
              content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "识别出 2 条" in html and "第二条</strong> 本条例适用于本区。" in html
    assert "第一条 为了示范，制定本条例。</textarea>" not in html and "为了示范，制定本条例。" in html
    r = _post(client, "/admin/consultations/new", {"action": "publish", "title": "示范条例（草案）", "text": DRAFT})
    assert r.status_code == 422 and "请选择截止日期" in r.get_data(as_text=True)
    closes = (clock.today() + timedelta(days=10)).isoformat()
    r = _post(client, "/admin/consultations/new", {"action": "publish", "title": "示范条例（草案）", "text": DRAFT,
                                                  "closes_on": closes, "station_ids": str(places["station_id"])})
    assert r.status_code == 302, r.get_data(as_text=True)
    page = r.headers["Location"]
    cid = int(page.rstrip("/").rsplit("/", 1)[1])

    resident = app.test_client(use_cookies=False)
    headers = login("demo-resident")
    for article, text in ((1, "建议写明立法依据。"), (None, "整体赞成。")):
        r = resident.post(f"/api/v1/consultations/{cid}/comments", json={"article": article, "text": text},
                          headers=headers)
        assert r.status_code == 201, r.get_json()
    comment_id = r.get_json()["comment"]["id"]
    html = client.get(page).get_data(as_text=True)
    assert "对草案整体的意见（1）" in html and "第一章 总则 · 第一条（意见 1 条）" in html
    assert "建议写明立法依据。" in html and "收到意见 2 条" in html

    r = _post(client, f"{page}/comments/{comment_id}/hide", {"reason": ""})
    assert ("error", "请填写隐藏的原因") in _flash(client)
    _post(client, f"{page}/comments/{comment_id}/hide", {"reason": "与条文无关"})
    assert ("success", "已隐藏，提出人会收到通知") in _flash(client)
    html = client.get(page).get_data(as_text=True)
    assert "已隐藏：与条文无关" in html and "已隐藏 1 条" in html and "导出意见汇总" not in html

    _post(client, f"{page}/close", {})
    html = client.get(page).get_data(as_text=True)
    assert "已结束" in html and f"/api/v1/consultations/{cid}/comments.xlsx" in html
    r = client.get(f"/api/v1/consultations/{cid}/comments.xlsx")  # the page's link, with the session
    assert r.status_code == 200 and r.data[:2] == b"PK"
    _post(client, f"{page}/outcome", {"text": "采纳了关于立法依据的建议。"})
    assert ("success", "已公布意见采纳情况，提出意见的人会收到通知") in _flash(client)
    listed = client.get("/admin/consultations").get_data(as_text=True)
    assert "示范条例（草案）" in listed and "已公布采纳情况" in listed


def test_staff_without_an_office_get_no_consultation_pages(client, staff, places):
    staff("liaison")
    r = client.get("/admin/consultations")
    assert r.status_code == 403 and "只有人大工委可以发布和管理意见征集" in r.get_data(as_text=True)
    assert "意见征集</a>" not in client.get("/admin/me").get_data(as_text=True)
