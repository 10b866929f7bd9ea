"""A resident comments on a draft's article on the H5 consultation page in headless
Chromium at 375×812 and sees it under 我提出的意见. Screenshot: test-artifacts/h5-consultation.png."""
from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "admin"))
from page_helpers import WECHAT_UA, seed_fake_accounts  # noqa: E402

pytestmark = pytest.mark.browser

DRAFT = "第一章 总则\n第一条 为了示范，制定本条例。\n第二条 本条例适用于本区。"
COMMENT = "建议在第一条写明立法依据的具体法律名称。"


@pytest.fixture
def draft(app, demo, fake_wechat, phone):
    from liaison.codes.models import Code
    from liaison.core import clock
    from liaison.core.db import db
    from liaison.places.models import Station
    from liaison.users.demo import DEMO_STATION

    seed_fake_accounts(fake_wechat)
    with app.app_context():
        station = db.session.query(Station).filter_by(name=DEMO_STATION).one()
        token = db.session.query(Code).filter_by(kind="station", station_id=station.id, status="active").one().token
        station_id = station.id
    office = app.test_client(use_cookies=False)
    bearer = office.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-office")}).get_json()["token"]
    r = office.post("/api/v1/consultations", headers={"Authorization": "Bearer " + bearer}, json={
        "title": "示范条例（草案）", "summary": "欢迎提出意见。", "text": DRAFT, "station_ids": [station_id],
        "closes_on": (clock.today() + timedelta(days=10)).isoformat()})
    assert r.status_code == 201, r.get_json()
    return {"token": token, "id": r.get_json()["consultation"]["id"]}


def test_resident_comments_on_an_article_and_sees_it_as_theirs(live_server, new_page, draft, screenshot):
    page = new_page(user_agent=WECHAT_UA)
    page.goto(f"{live_server}/s/{draft['token']}")  # the resident logs in through WeChat's (fake) page
    page.get_by_test_id("station-deputies").locator("a[data-testid=summon]").first.click()
    page.get_by_text("居民张阿姨").first.click()
    page.wait_for_url("**/h5/submit**")

    page.goto(f"{live_server}/h5/consultations/{draft['id']}")
    assert page.viewport_size["width"] == 375
    assert page.get_by_test_id("my-comments").count() == 0
    form = page.get_by_test_id("comment-form")
    form.locator('select[name="article"]').select_option("1")
    form.locator('textarea[name="text"]').fill(COMMENT)
    form.get_by_role("button", name="提交意见").click()
    page.wait_for_url(f"**/h5/consultations/{draft['id']}?sent=1*")
    assert "我提出的意见（1）" in page.locator("#mine").inner_text()
    mine = page.get_by_test_id("my-comments")
    assert COMMENT in mine.inner_text() and "第一条" in mine.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
    screenshot(page, "h5-consultation")
