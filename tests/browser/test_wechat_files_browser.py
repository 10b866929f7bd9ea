"""The city office puts WeChat's verification file in place from a phone (Chromium 375×812)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "admin"))
from page_helpers import seed_fake_accounts  # noqa: E402

pytestmark = pytest.mark.browser

QR_FILE = "i7948FzJJ6.txt"
CONTENT = "3f9c1d0b7a2e4c5d8e6f1a2b3c4d5e6f"


@pytest.fixture
def city_office(app, demo, fake_wechat):
    """路人甲 on the fake's consent page, made NPC office of 长沙市 (the top-level region)."""
    from liaison.core.db import db
    from liaison.places.models import Region
    from liaison.users.models import StaffRole, User

    seed_fake_accounts(fake_wechat)
    with app.app_context():
        root = db.session.query(Region).filter(Region.parent_id.is_(None)).one()
        user = User(unionid="u-stranger", oa_openid="oa-stranger", nickname="路人甲")
        db.session.add(user)
        db.session.flush()
        db.session.add(StaffRole(user_id=user.id, role="office", region_id=root.id))
        db.session.commit()


def test_city_office_uploads_the_file_wechat_then_reads(live_server, browser_page, city_office,
                                                        verify_files, screenshot, tmp_path):
    page = browser_page
    page.goto(live_server + "/admin/me")
    page.wait_for_url("**/admin/login**")
    page.get_by_test_id("wechat-login").click()
    page.get_by_text("路人甲").first.click()
    page.wait_for_url(re.compile(r".*/admin/me$"))
    page.get_by_test_id("wechat-files-link").click()
    (tmp_path / QR_FILE).write_text(CONTENT)
    page.get_by_test_id("verify-file").set_input_files(str(tmp_path / QR_FILE))
    page.get_by_test_id("verify-submit").click()
    page.wait_for_load_state("load")
    assert f"已上传 {QR_FILE}" in page.content()
    assert page.get_by_test_id("verify-item").count() == 1
    screenshot(page, "admin-wechat-files")
    for prefix in ("/s/", "/d/"):
        answer = page.request.get(live_server + prefix + QR_FILE)
        assert answer.status == 200 and answer.text() == CONTENT
    page.get_by_test_id("verify-delete").click()
    page.wait_for_load_state("load")
    assert page.get_by_test_id("verify-item").count() == 0
    assert page.request.get(live_server + "/s/" + QR_FILE).status == 404
    assert page.dialogs == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors
