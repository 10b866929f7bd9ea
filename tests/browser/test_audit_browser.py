"""The audit log page on a 375 px phone: an office edits a station, then reads the
change in its log without sideways scrolling. Screenshot: test-artifacts/admin-audit.png."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "admin"))
from page_helpers import seed_fake_accounts  # noqa: E402

pytestmark = pytest.mark.browser


def test_the_office_reads_a_station_edit_in_its_log_on_a_phone(app, demo, fake_wechat, live_server, new_page,
                                                                 screenshot):
    from liaison.core.db import db
    from liaison.users.demo import DEMO_STATION
    from liaison.places.models import Station

    seed_fake_accounts(fake_wechat)
    with app.app_context():
        station_id = db.session.query(Station).filter_by(name=DEMO_STATION).one().id
    page = new_page()
    page.goto(f"{live_server}/admin/stations/{station_id}")
    page.get_by_test_id("wechat-login").click()
    page.get_by_text("区人大工委老周").first.click()
    page.wait_for_url(re.compile(rf".*/admin/stations/{station_id}$"))
    page.get_by_text("编辑联络站信息").click()
    page.locator('input[name="address"]').fill("望月湖街道综合服务中心三楼东侧会议室（新址）")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("联络站信息已保存").wait_for()
    page.goto(f"{live_server}/admin/me")
    page.get_by_test_id("audit-link").click()
    page.wait_for_url("**/admin/audit")
    first = page.locator(".audit__row").first
    assert "修改联络站" in first.inner_text() and "（新址）" in first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not [e for e in page.console_errors if "Failed to load resource" not in e], page.console_errors  # favicon
    screenshot(page, "admin-audit")
