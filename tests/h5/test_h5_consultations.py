"""Consultations on the residents' H5 pages: the station page lists the open ones, the draft
shows article by article, a logged-in resident comments on one article or the whole."""
from __future__ import annotations

from datetime import timedelta

from page_helpers import csrf_of

DRAFT = "第一章 总则\n第一条 为了示范，制定本条例。\n第二条 本条例适用于本区。"


def _publish(app, phone, station_id) -> int:
    from liaison.core import clock

    office = app.test_client(use_cookies=False)
    token = office.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-office")}).get_json()["token"]
    r = office.post("/api/v1/consultations", headers={"Authorization": "Bearer " + token}, json={
        "title": "示范条例（草案）", "summary": "欢迎提出意见。", "text": DRAFT, "station_ids": [station_id],
        "closes_on": (clock.today() + timedelta(days=10)).isoformat()})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["consultation"]["id"]


def test_a_resident_reaches_the_draft_from_the_station_and_comments(app, client, resident, town, phone):
    cid = _publish(app, phone, town["station_id"])
    station = client.get(f"/s/{town['station_token']}").get_data(as_text=True)
    assert "立法意见征集" in station and f"/h5/consultations/{cid}" in station and "示范条例（草案）" in station
    page = client.get(f"/h5/consultations/{cid}").get_data(as_text=True)  # public, before any login
    assert "第一章 总则" in page and "第二条</strong> 本条例适用于本区。" in page and "登录后提交意见" in page
    assert "示范条例（草案）" in client.get("/h5/consultations").get_data(as_text=True)

    resident()
    page = client.get(f"/h5/consultations/{cid}").get_data(as_text=True)
    r = client.post(f"/h5/consultations/{cid}/comments", data={"csrf_token": csrf_of(page), "article": "1", "text": "好"})
    assert r.status_code == 422 and "请填写您的意见（至少 2 个字）" in r.get_data(as_text=True)
    assert 'value="1" selected' in r.get_data(as_text=True)  # the choice is kept
    r = client.post(f"/h5/consultations/{cid}/comments",
                    data={"csrf_token": csrf_of(page), "article": "1", "text": "建议写明立法依据。"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/h5/consultations/{cid}?sent=1#mine")
    client.post(f"/h5/consultations/{cid}/comments", data={"csrf_token": csrf_of(page), "article": "", "text": "整体赞成。"})
    page = client.get(f"/h5/consultations/{cid}?sent=1").get_data(as_text=True)
    assert "感谢您的意见" in page and "我提出的意见（2）" in page and "建议写明立法依据。" in page
    assert "已收到意见 2 条" in page


def test_commenting_needs_a_login_and_an_open_draft(app, client, town, phone):
    from liaison.core.db import db
    from liaison.consultations.models import Consultation, ConsultationComment
    from liaison.core import clock

    cid = _publish(app, phone, town["station_id"])
    page = client.get(f"/h5/consultations/{cid}").get_data(as_text=True)
    r = client.post(f"/h5/consultations/{cid}/comments", data={"csrf_token": csrf_of(page), "text": "匿名意见"})
    assert r.status_code == 200 and "打开微信" in r.get_data(as_text=True)  # how to log in, nothing stored
    with app.app_context():
        assert db.session.query(ConsultationComment).count() == 0
        db.session.get(Consultation, cid).closed_at = clock.now()
        db.session.commit()
    page = client.get(f"/h5/consultations/{cid}").get_data(as_text=True)
    assert "意见征集已结束" in page and "comment-form" not in page
