"""The resident H5 pages in headless Chromium at 375×812.

A phone with WeChat's user agent scans the station code (the plain URL), summons
the deputy, authorises on the fake WeChat page, submits with a photo, and after the
liaison's answer rates it; a hostile text stays text; a phone browser outside
WeChat is told how to open the page in WeChat. Screenshots: test-artifacts/h5-*.png.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "admin"))
from page_helpers import WECHAT_UA, XSS_TEXT, seed_fake_accounts  # noqa: E402

pytestmark = pytest.mark.browser

TEXT = "望月湖小区北门的路灯坏了两个星期，晚上老人出门很不安全，希望尽快修好。"


@pytest.fixture
def town(app, demo, fake_wechat):
    from liaison.codes.models import Code
    from liaison.core.db import db
    from liaison.users.demo import DEMO_STATION
    from liaison.places.models import Station

    seed_fake_accounts(fake_wechat)
    with app.app_context():
        station = db.session.query(Station).filter_by(name=DEMO_STATION).one()
        token = db.session.query(Code).filter_by(kind="station", station_id=station.id, status="active").one().token
    return {"station_id": station.id, "token": token}


def _photo(tmp_path: Path) -> Path:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (640, 480), (90, 110, 130))
    ImageDraw.Draw(img).ellipse((260, 140, 380, 260), fill=(255, 240, 120))
    path = tmp_path / "路灯.jpg"
    img.save(path, "JPEG")
    return path


def _staff_answers(app, phone, opinion_id: int):
    """The liaison accepts and answers from the mini-program's API meanwhile."""
    client = app.test_client()
    token = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-liaison")})
    headers = {"Authorization": "Bearer " + token.get_json()["token"]}
    for action, fields in (("release_hold", {}),  # an H5 text is not checked by WeChat: staff review
                           ("accept", {}), ("reply_directly", {"text": "路灯已于今日修复，感谢您的反映。",
                                                               "method": "phone"})):
        r = client.post(f"/api/v1/opinions/{opinion_id}/transitions", json={"action": action, **fields},
                        headers=headers)
        assert r.status_code == 200, r.get_json()


def test_resident_scans_summons_submits_and_rates(app, phone, live_server, new_page, town, screenshot, tmp_path):
    page = new_page(user_agent=WECHAT_UA)
    page.goto(f"{live_server}/s/{town['token']}")
    assert "望月湖街道人大代表联络站" in page.title()
    assert page.get_by_test_id("wechat-hint").count() == 0  # inside WeChat: no how-to banner
    screenshot(page, "h5-station")

    page.get_by_test_id("station-deputies").locator("a[data-testid=summon]").first.click()
    page.get_by_text("居民张阿姨").first.click()  # WeChat's (fake) authorisation page
    page.wait_for_url("**/h5/submit**")
    assert page.get_by_test_id("deputy-select").locator("option:checked").inner_text().startswith("王明")
    page.get_by_test_id("text").fill(TEXT)
    page.locator('select[name="category"]').select_option("urban")
    page.get_by_test_id("photos").set_input_files(str(_photo(tmp_path)))
    assert page.locator(".file-picker__name").inner_text() == "路灯.jpg"
    screenshot(page, "h5-submit")
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/h5/opinions/*")
    assert "提交成功" in page.content()
    assert page.get_by_test_id("opinion-state").inner_text() == "待审核"
    assert page.locator(".photos img").evaluate("img => img.naturalWidth") > 0
    screenshot(page, "h5-opinion")

    opinion_id = int(page.url.rsplit("/", 1)[1])
    _staff_answers(app, phone, opinion_id)
    page.reload()
    assert "路灯已于今日修复" in page.get_by_test_id("reply-text").inner_text()
    page.get_by_test_id("rating-satisfied").check()
    page.locator('textarea[name="comment"]').fill("修得很快，谢谢！")
    screenshot(page, "h5-rate")
    page.get_by_test_id("rate-submit").click()
    page.wait_for_load_state("load")
    assert "我的评价：满意" in page.get_by_test_id("rating").inner_text()
    assert page.get_by_test_id("rate-form").count() == 0
    assert "评价" in page.get_by_test_id("timeline").inner_text()
    screenshot(page, "h5-rated")

    page.get_by_test_id("my-opinions").click()
    assert "共 1 条" in page.content()
    screenshot(page, "h5-my-opinions")
    assert page.dialogs == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors


def test_hostile_text_submitted_from_the_form_stays_text(live_server, new_page, town, screenshot):
    page = new_page(user_agent=WECHAT_UA)
    page.goto(f"{live_server}/h5/submit?station_id={town['station_id']}")
    page.get_by_text("居民李师傅").first.click()
    page.wait_for_url("**/h5/submit**")
    page.get_by_test_id("text").fill(XSS_TEXT)
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/h5/opinions/*")
    assert page.get_by_test_id("opinion-text").inner_text().startswith("<script>alert(1)</script>")
    assert page.locator("img[src='x']").count() == 0
    page.get_by_test_id("my-opinions").click()
    screenshot(page, "h5-hostile-list")
    assert page.dialogs == [], page.dialogs


def test_outside_wechat_the_page_says_how_to_open_it_in_wechat(live_server, browser_page, town, screenshot):
    page = browser_page
    page.goto(f"{live_server}/s/{town['token']}")
    assert "请在微信中打开" in page.get_by_test_id("wechat-hint").inner_text()
    page.get_by_test_id("submit-to-station").click()
    assert page.get_by_test_id("open-in-wechat").is_visible()
    assert "扫一扫" in page.get_by_test_id("open-in-wechat").inner_text()
    screenshot(page, "h5-open-in-wechat")


def test_messages_page_lists_marks_read_and_asks_to_follow_the_account(
        app, phone, live_server, new_page, town, screenshot, fake_wechat):
    import requests

    requests.post(f"{fake_wechat}/_fake/users", json={"openid": "oa-demo-resident2", "follows_oa": False},
                  timeout=5).raise_for_status()
    page = new_page(user_agent=WECHAT_UA)
    page.goto(f"{live_server}/h5/submit?station_id={town['station_id']}")
    page.get_by_text("居民李师傅").first.click()
    page.wait_for_url("**/h5/submit**")
    page.get_by_test_id("text").fill(TEXT)
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/h5/opinions/*")
    opinion_id = int(page.url.rsplit("/", 1)[1])
    _staff_answers(app, phone, opinion_id)
    page.get_by_test_id("my-messages").click()
    page.wait_for_url("**/h5/messages")
    assert "关注“人大代表联络站”公众号" in page.get_by_test_id("follow-prompt").inner_text()
    assert page.get_by_test_id("message").count() == 2 and "2 条未读" in page.content()
    screenshot(page, "h5-messages")
    page.get_by_test_id("message").first.locator("button").click()
    page.wait_for_url(f"**/h5/opinions/{opinion_id}")
    page.get_by_test_id("my-messages").click()
    assert "1 条未读" in page.content()
    assert page.dialogs == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors


def test_resident_books_the_first_advertised_reception_day(app, live_server, new_page, town, screenshot):
    from datetime import date

    from liaison.core.db import db
    from liaison.places.models import Station
    from liaison.reception.models import Appointment
    from liaison.reception.operations import generate_year

    with app.app_context():  # the demo plan (every 15th) in a far year: true at any date
        generate_year(db.session.get(Station, town["station_id"]), 2099, date(2098, 12, 1))
    page = new_page(user_agent=WECHAT_UA)
    page.goto(f"{live_server}/s/{town['token']}")
    first = page.get_by_test_id("reception-day").first
    assert first.get_attribute("data-date") == "2099-01-15"
    assert "剩余 10 个名额" in first.inner_text()
    screenshot(page, "h5-station-reception-days")
    first.get_by_test_id("book").click()
    page.get_by_text("居民张阿姨").first.click()  # WeChat's (fake) authorisation page
    page.wait_for_url("**/book?date=2099-01-15")
    assert page.get_by_test_id("book-date").first.is_checked()
    page.get_by_test_id("book-note").fill("想反映小区停车难的问题")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
    screenshot(page, "h5-book")
    page.get_by_test_id("book-submit").click()
    page.wait_for_url(f"**/h5/stations/{town['station_id']}")
    assert "预约成功：1月15日（周四）" in page.locator(".flash-success").inner_text()
    screenshot(page, "h5-booked")
    with app.app_context():
        (booking,) = db.session.query(Appointment).all()
        assert (booking.state, booking.note) == ("booked", "想反映小区停车难的问题")
    assert page.dialogs == []
    assert not [e for e in page.console_errors if "404" not in e], page.console_errors  # (the browser's /favicon.ico)
