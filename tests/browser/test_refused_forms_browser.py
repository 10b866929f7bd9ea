"""Refused forms at 375×812 in headless Chromium: the message shows where the person
tapped, the form stays open and filled in; the resident's page shows the
说明（群众可见） staff wrote and none of their internal notes.

Screenshots: test-artifacts/refused-*.png.
"""
from __future__ import annotations

import re
import sys
from datetime import date, timedelta
from pathlib import Path

import factories
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "admin"))
from page_helpers import WECHAT_UA, seed_fake_accounts, submit_opinion  # noqa: E402

pytestmark = pytest.mark.browser

TEXT = "望月湖小区北门的路灯坏了两个星期，晚上老人出门很不安全，希望尽快修好。"
VIEWPORT_HEIGHT = 812
INTERNAL = ("内部：居民是老党员，注意回访", "内部：请王科长牵头", "内部：已电话催办王科长",
            "内部：分管领导口头同意", "内部：复核发现未到现场查看")
ASSIGN_PUBLIC = "已交岳麓区住建局办理，请您耐心等待。"


class Api:
    """The mini-program's API as the demo people use it meanwhile."""

    def __init__(self, app, phone):
        self.client, self.phone, self.headers = app.test_client(), phone, {}

    def act(self, who: str, opinion_id: int, action: str, **fields):
        if who not in self.headers:
            token = self.client.post("/api/v1/auth/wechat", json={"code": self.phone.login_code(who)})
            self.headers[who] = {"Authorization": "Bearer " + token.get_json()["token"]}
        r = self.client.post(f"/api/v1/opinions/{opinion_id}/transitions", json={"action": action, **fields},
                             headers=self.headers[who])
        assert r.status_code == 200, (action, r.get_json())
        return r.get_json()["opinion"]

    def get(self, who: str, opinion_id: int) -> str:
        return self.client.get(f"/api/v1/opinions/{opinion_id}", headers=self.headers[who]).get_data(as_text=True)


@pytest.fixture
def world(app, demo, phone, fake_wechat):
    from liaison.core.db import db

    seed_fake_accounts(fake_wechat)
    with app.app_context():
        ids = factories.demo_ids(db.session)
    return {"station_id": ids["station_id"], "unit_id": ids["units"]["岳麓区住房和城乡建设局"], "api": Api(app, phone)}


def _in_viewport(locator) -> None:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    assert 0 <= box["y"] and box["y"] + box["height"] <= VIEWPORT_HEIGHT, box


def _extension_asked(world, phone, app) -> int:
    api = world["api"]
    token = api.client.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-resident")})
    op = submit_opinion(api.client, {"Authorization": "Bearer " + token.get_json()["token"]},
                        world["station_id"], TEXT)
    api.act("demo-liaison", op["id"], "accept")
    deadline = api.act("demo-liaison", op["id"], "assign", unit_ids=[world["unit_id"]], level="district")["deadline"]
    later = (date.fromisoformat(deadline) + timedelta(days=20)).isoformat()
    api.act("demo-unit", op["id"], "request_extension", deadline=later, reason="需协调供电公司更换线路")
    return op["id"]


def test_a_refused_reject_extension_shows_its_message_beside_the_open_filled_form(
        app, phone, live_server, browser_page, world, screenshot):
    opinion_id = _extension_asked(world, phone, app)
    page = browser_page
    page.goto(f"{live_server}/admin/opinions/{opinion_id}")
    page.wait_for_url("**/admin/login**")
    page.get_by_test_id("wechat-login").click()
    page.get_by_text("联络员小陈").first.click()
    page.wait_for_url(re.compile(rf".*/admin/opinions/{opinion_id}$"))
    page.get_by_test_id("action-reject_extension").click()
    form = page.locator('details[data-action="reject_extension"] form')
    assert "（必填）" in form.locator("label", has=page.locator('textarea[name="reason"]')).inner_text()
    form.locator('textarea[name="note"]').fill("已电话告知承办单位")
    form.locator('textarea[name="reason"]').fill("   ")  # the browser's required lets it through; blank to the server
    page.get_by_test_id("submit-reject_extension").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("#act-reject_extension")
    error = page.get_by_test_id("form-error-reject_extension")
    assert error.inner_text() == "请填写不同意的原因"
    _in_viewport(error)
    assert page.evaluate("window.scrollY") > 0  # the page opened at the form, not at its top
    details = page.locator('details[data-action="reject_extension"]')
    assert details.evaluate("el => el.open")
    assert details.locator('textarea[name="note"]').input_value() == "已电话告知承办单位"
    _in_viewport(details.locator('textarea[name="reason"]'))
    screenshot(page, "refused-admin-reject-extension", full_page=False)
    assert page.dialogs == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors


def test_the_resident_sees_a_refused_rating_beside_the_form_and_only_the_public_notes(
        app, live_server, new_page, world, screenshot):
    page = new_page(user_agent=WECHAT_UA)
    page.goto(f"{live_server}/h5/submit?station_id={world['station_id']}")
    page.get_by_text("居民张阿姨").first.click()  # WeChat's (fake) authorisation page
    page.wait_for_url("**/h5/submit**")
    page.get_by_test_id("text").fill(TEXT)
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/h5/opinions/*")
    opinion_id = int(page.url.split("#")[0].rsplit("/", 1)[1])

    api = world["api"]
    accept_public = "已受理，会尽快安排维修。"
    api.act("demo-liaison", opinion_id, "release_hold")  # an H5 text waits for staff review
    api.act("demo-liaison", opinion_id, "accept", public_note=accept_public, note=INTERNAL[0])
    deadline = api.act("demo-liaison", opinion_id, "assign", unit_ids=[world["unit_id"]], level="district",
                       public_note=ASSIGN_PUBLIC, note=INTERNAL[1])["deadline"]
    api.act("demo-liaison", opinion_id, "urge", method="phone", note=INTERNAL[2])
    later = (date.fromisoformat(deadline) + timedelta(days=20)).isoformat()
    api.act("demo-unit", opinion_id, "request_extension", deadline=later, reason="需协调供电公司")
    api.act("demo-liaison", opinion_id, "approve_extension", note=INTERNAL[3])
    api.act("demo-liaison", opinion_id, "reply_directly", text="路灯已于今日修复。", method="phone")

    page.reload()
    form = page.get_by_test_id("rate-form")
    assert page.get_by_test_id("comment-optional").is_visible()
    page.get_by_test_id("rating-unsatisfied").check()
    assert page.get_by_test_id("comment-required").is_visible()  # 必填 as soon as 不满意 is chosen
    assert not page.get_by_test_id("comment-optional").is_visible()
    page.get_by_test_id("rate-submit").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("#rate")
    error = page.get_by_test_id("rate-error")
    assert error.inner_text() == "请说明不满意的原因，便于复核"
    _in_viewport(error)
    assert page.get_by_test_id("rating-unsatisfied").is_checked()
    assert page.get_by_test_id("comment-required").is_visible()
    assert "必填" in form.locator("label.field").inner_text()
    screenshot(page, "refused-h5-rating", full_page=False)

    page.get_by_test_id("rate-comment").fill("北门那盏还是不亮")
    page.get_by_test_id("rate-submit").click()
    page.wait_for_load_state("load")
    assert page.get_by_test_id("opinion-state").inner_text() == "复核中"
    api.act("demo-liaison", opinion_id, "reopen", reason=INTERNAL[4])
    page.reload()
    timeline = page.get_by_test_id("timeline").inner_text()
    for label in ("重办", "同意延期", "督办", "交办", "受理"):
        assert label in timeline
    assert ASSIGN_PUBLIC in timeline and accept_public in timeline
    body = page.content()
    for secret in INTERNAL:
        assert secret not in body, secret
    answer = api.get("demo-liaison", opinion_id)  # staff read them all
    assert all(secret in answer for secret in INTERNAL)
    screenshot(page, "refused-h5-timeline")
    assert page.dialogs == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors
