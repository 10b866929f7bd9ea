"""The staff admin pages in headless Chromium at 375×812.

Login through the fake WeChat's OAuth page, accept → assign → reply on one opinion,
a hostile opinion that stays text, a form without its CSRF token refused, the
spreadsheet import, and a region's posters generated with progress and the ZIP
downloaded. Screenshots go to test-artifacts/admin-*.png.
"""
from __future__ import annotations

import io
import re
import sys
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path

import factories
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "admin"))
from page_helpers import WECHAT_UA, XSS_TEXT, seed_fake_accounts  # noqa: E402

from liaison.core import clock  # noqa: E402

pytestmark = pytest.mark.browser

LAMP = "望月湖小区三栋楼道灯坏了两个星期，晚上老人上下楼很危险，希望尽快修好。"


def _jpeg(color=(30, 120, 200)) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (480, 360), color)
    ImageDraw.Draw(img).rectangle((160, 100, 320, 260), fill=(250, 220, 60))
    buf = io.BytesIO()
    img.save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def world(app, demo, phone, fake_wechat):
    """Demo data, the OAuth picker's people, and two opinions from a resident's phone."""
    from liaison.core.db import db
    from liaison.places.models import Region

    seed_fake_accounts(fake_wechat)
    client = app.test_client()
    token = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-resident")})
    headers = {"Authorization": "Bearer " + token.get_json()["token"]}
    with app.app_context():
        station_id = factories.demo_ids(db.session)["station_id"]
        community = db.session.query(Region).filter_by(name="望月湖社区").one()
    photo = client.post("/api/v1/uploads", headers=headers,
                        data={"file": (io.BytesIO(_jpeg()), "lamp.jpg")}, content_type="multipart/form-data")
    ids = {}
    for key, text, extra in (("hostile", XSS_TEXT, {}),
                             ("lamp", LAMP, {"photo_ids": [photo.get_json()["id"]], "contact_phone": "13800001234"})):
        r = client.post("/api/v1/opinions", headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                        json={"station_id": station_id, "category": "housing", "text": text, **extra})
        assert r.status_code == 201, r.get_json()
        ids[key] = r.get_json()["opinion"]["id"]
    return {"station_id": station_id, "community_id": community.id, **ids}


def _login(page, base: str, who: str, next_path: str = "/admin/"):
    page.goto(base + next_path)
    page.wait_for_url("**/admin/login**")
    page.get_by_test_id("wechat-login").click()
    page.get_by_text(who, exact=False).first.click()  # the person on WeChat's (fake) consent page
    page.wait_for_url(re.compile(r".*/admin/.*"))


def _act(page, action: str, fill=None):
    page.get_by_test_id(f"action-{action}").click()
    if fill:
        fill(page.locator(f'details[data-action="{action}"] form'))
    page.get_by_test_id(f"submit-{action}").click()
    page.wait_for_load_state("load")


def test_liaison_logs_in_and_accepts_assigns_replies(live_server, browser_page, world, screenshot):
    page = browser_page
    page.goto(live_server + "/admin/")
    page.wait_for_url("**/admin/login**")
    screenshot(page, "admin-login")
    page.get_by_test_id("wechat-login").click()
    page.get_by_text("联络员小陈").first.click()
    page.wait_for_url("**/admin/queue")
    assert page.get_by_test_id("queue-item").count() == 2
    assert "<script>alert(1)</script>" in page.get_by_test_id("queue-list").inner_text()
    screenshot(page, "admin-queue")

    page.locator(f'a[href="/admin/opinions/{world["lamp"]}"]').click()
    assert page.get_by_test_id("opinion-state").inner_text() == "已提交"
    assert page.get_by_test_id("photos").locator("img").evaluate("img => img.naturalWidth") > 0
    assert page.get_by_test_id("action-reply_directly").count() == 0  # not allowed before accepting
    _act(page, "accept", lambda form: form.locator('textarea[name="note"]').fill("已电话联系居民，次日上门查看"))
    assert page.get_by_test_id("opinion-state").inner_text() == "已受理"
    deadline = (clock.today() + timedelta(days=20)).isoformat()

    def assign(form):
        form.get_by_role("checkbox", name="岳麓区住房和城乡建设局").check()
        form.locator('select[name="level"]').select_option("district")
        form.locator('input[name="deadline"]').fill(deadline)

    _act(page, "assign", assign)
    assert page.get_by_test_id("opinion-state").inner_text() == "已交办"
    _act(page, "reply_directly", lambda form: (
        form.locator('textarea[name="text"]').fill("楼道灯已于今日更换，物业将每月巡查一次。"),
        form.locator('select[name="method"]').select_option("phone")))
    assert page.get_by_test_id("opinion-state").inner_text() == "已答复"
    assert "楼道灯已于今日更换" in page.get_by_test_id("reply-text").inner_text()
    timeline = page.get_by_test_id("timeline").inner_text()
    for label in ("受理", "交办", "代为答复", "承办单位：岳麓区住房和城乡建设局"):
        assert label in timeline
    screenshot(page, "admin-opinion")

    page.goto(f"{live_server}/admin/opinions/{world['hostile']}")
    assert page.get_by_test_id("opinion-text").inner_text().startswith("<script>alert(1)</script><img src=x")
    assert page.locator("img[src='x']").count() == 0
    screenshot(page, "admin-opinion-hostile")

    page.get_by_test_id("text-size").first.click()  # large-text mode for older staff
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.classList.contains('big')")
    page.goto(live_server + "/admin/queue")
    screenshot(page, "admin-queue-big")
    assert page.dialogs == [], page.dialogs
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors


def test_form_without_csrf_token_is_refused_in_the_browser(live_server, browser_page, world):
    page = browser_page
    _login(page, live_server, "联络员小陈")
    page.goto(f"{live_server}/admin/opinions/{world['lamp']}")
    page.get_by_test_id("action-accept").click()
    page.locator('details[data-action="accept"] input[name="csrf_token"]').evaluate("el => el.remove()")
    page.get_by_test_id("submit-accept").click()
    page.wait_for_load_state("load")
    assert "操作未执行" in page.content()
    page.goto(f"{live_server}/admin/opinions/{world['lamp']}")
    assert page.get_by_test_id("opinion-state").inner_text() == "已提交"


def _roster(tmp_path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["区域", "联络站", "站点类型", "地址", "代表姓名", "代表编号", "代表层级", "职务代表", "电话", "进站方式"])
    ws.append(["长沙市/岳麓区/望月湖街道/荣湾社区", "长沙市岳麓区望月湖街道荣湾社区人大代表联络站", "特色站",
               "荣湾社区服务中心一楼", "赵新华", "CS-RW-001", "区", "否", "13900001111", "驻站"])
    ws.append(["长沙市/岳麓区/望月湖街道/荣湾社区", "长沙市岳麓区望月湖街道荣湾社区人大代表联络站", "特色站",
               "荣湾社区服务中心一楼", "钱秀兰", "CS-RW-002", "市,区", "是", "13900002222", "驻站"])
    path = tmp_path / "荣湾社区名册.xlsx"
    wb.save(path)
    return path


def test_office_imports_a_roster_and_downloads_the_region_posters(
        live_server, browser_page, world, screenshot, rq_worker, tmp_path):
    page = browser_page
    _login(page, live_server, "区人大工委老周", "/admin/stations")
    page.get_by_test_id("go-import").click()
    page.get_by_test_id("import-file").set_input_files(str(_roster(tmp_path)))
    page.get_by_test_id("import-submit").click()
    result = page.get_by_test_id("import-result")
    assert "联络站 1 个" in result.inner_text() and "代表 2 名" in result.inner_text()
    screenshot(page, "admin-import")

    page.goto(f"{live_server}/admin/stations/{world['station_id']}")
    assert page.locator(".code-card__qr").evaluate("img => img.naturalWidth") > 0
    screenshot(page, "admin-station")
    page.get_by_test_id("deputy-list").get_by_text("王明").click()
    assert page.get_by_test_id("deputy-name").inner_text() == "王明"
    screenshot(page, "admin-deputy")
    page.goto(f"{live_server}/admin/stations/{world['station_id']}")
    page.get_by_test_id("edit-reception").click()
    form = page.get_by_test_id("reception-form")
    form.locator('input[name="monthly_days"]').fill("15")
    form.get_by_label("周三").check()
    form.get_by_test_id("reception-save").click()
    page.wait_for_load_state("load")
    assert "接待安排已保存" in page.content()
    assert "周三" in " ".join(page.get_by_test_id("plan-line").all_inner_texts())
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 375)
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, wide  # the year buttons fit the phone
    screenshot(page, "admin-reception")
    page.get_by_test_id("record-reception").first.click()
    page.get_by_test_id("residents").fill("6")
    page.get_by_test_id("record-save").click()
    page.wait_for_load_state("load")
    assert "群众 6 人" in page.get_by_test_id("recorded").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "admin-reception-record")

    page.goto(f"{live_server}/admin/regions/{world['community_id']}/posters")
    page.get_by_test_id("batch-start").click()
    link = page.get_by_test_id("batch-zip")
    link.wait_for(state="visible", timeout=120000)
    assert "已完成" in page.get_by_test_id("batch-progress").inner_text()
    batches = page.get_by_test_id("batch-list")  # the list follows the finished batch
    assert "还没有生成过" not in batches.inner_text() and batches.locator("a[download]").count() == 1
    screenshot(page, "admin-posters")
    with page.expect_download() as download:
        link.click()
    data = Path(download.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert zf.testzip() is None and any(n.endswith(".pdf") for n in names)
    assert rq_worker == []
    assert page.dialogs == []


def test_master_invites_a_liaison_who_accepts_inside_wechat(live_server, new_page, world, screenshot):
    master = new_page()
    _login(master, live_server, "站长刘姐", "/admin/invites")
    master.locator('select[name="role"]').select_option("liaison")
    master.get_by_role("button", name="生成邀请").click()
    code = master.get_by_test_id("invite-code").inner_text()
    screenshot(master, "admin-invites")

    invitee = new_page(user_agent=WECHAT_UA)
    invitee.goto(f"{live_server}/admin/invite/{code}")
    assert "联络员" in invitee.get_by_test_id("invite-what").inner_text()
    screenshot(invitee, "admin-invite")
    invitee.get_by_test_id("accept-invite").click()  # the form continues to WeChat's page (CSP form-action)
    invitee.get_by_text("新来的小王").first.click()
    invitee.wait_for_url("**/admin/queue")
    assert "已接受邀请" in invitee.content()
    assert not [e for e in invitee.console_errors if "Content Security Policy" in e], invitee.console_errors
