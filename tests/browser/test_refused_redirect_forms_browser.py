"""Admin forms refused with a redirect, at 375×812 in headless Chromium: the message
shows beside the form in the viewport (not only at the top of the page), the form is
open and keeps what was typed, and its required fields say 必填.

Screenshots: test-artifacts/refused-redirect-*.png.
"""
from __future__ import annotations

import re

import factories
import pytest

pytestmark = pytest.mark.browser

VIEWPORT_HEIGHT = 812


@pytest.fixture
def world(app, demo, fake_wechat):
    import sys
    from pathlib import Path

    from liaison.core.db import db

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "admin"))
    from page_helpers import seed_fake_accounts

    seed_fake_accounts(fake_wechat)
    with app.app_context():
        return {"station_id": factories.demo_ids(db.session)["station_id"]}


def _log_in(page, live_server, path: str, who: str) -> None:
    page.goto(f"{live_server}{path}")
    page.wait_for_url("**/admin/login**")
    page.get_by_test_id("wechat-login").click()
    page.get_by_text(who).first.click()
    page.wait_for_url(re.compile(rf".*{re.escape(path)}$"))


def _beside(page, form) -> str:
    """The message is inside the form, on screen, and no longer only at the page's top."""
    error = form.get_by_test_id("refused-form-error")
    assert error.get_attribute("role") == "alert"
    box = error.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= VIEWPORT_HEIGHT, box
    assert page.locator(".flash-error").count() == 0  # not printed twice
    return error.inner_text()


def test_a_refused_station_edit_reopens_filled_in_with_the_message_beside_it(
        live_server, new_page, world, screenshot):
    page = new_page()
    path = f"/admin/stations/{world['station_id']}"
    _log_in(page, live_server, path, "站长刘姐")
    page.locator("details#edit > summary").click()
    form = page.locator("details#edit form")
    assert "（必填）" in form.locator("label", has=page.locator('input[name="name"]')).inner_text()
    form.locator('input[name="name"]').fill("望月湖街道人大代表联络站（新址）")
    form.locator('input[name="address"]').fill("望月湖街道综合楼三楼")
    form.locator('input[name="phone"]').fill("12345")
    form.locator('button[type="submit"]').click()
    page.wait_for_load_state("load")
    assert "电话" in _beside(page, form)
    assert page.locator("details#edit").evaluate("el => el.open")
    assert form.locator('input[name="name"]').input_value() == "望月湖街道人大代表联络站（新址）"
    assert form.locator('input[name="address"]').input_value() == "望月湖街道综合楼三楼"
    assert form.locator('input[name="phone"]').input_value() == "12345"
    screenshot(page, "refused-redirect-station-edit", full_page=False)
    assert page.dialogs == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors


def test_a_refused_reception_record_keeps_the_note_and_the_counts(live_server, new_page, world, screenshot):
    page = new_page()
    path = f"/admin/stations/{world['station_id']}/reception/records"
    _log_in(page, live_server, path, "站长刘姐")
    form = page.get_by_test_id("record-form")
    form.get_by_test_id("residents").fill("三")
    form.get_by_test_id("opinions-registered").fill("2")
    form.locator('textarea[name="note"]').fill("群众集中反映北门路灯问题")
    page.get_by_test_id("record-save").click()
    page.wait_for_load_state("load")
    assert _beside(page, form) == "接待群众人数、登记意见件数应为 0 或正整数"
    assert form.get_by_test_id("residents").input_value() == "三"
    assert form.get_by_test_id("opinions-registered").input_value() == "2"
    assert form.locator('textarea[name="note"]').input_value() == "群众集中反映北门路灯问题"
    screenshot(page, "refused-redirect-reception-record", full_page=False)
    assert page.dialogs == []


def test_a_refused_new_handling_unit_opens_its_folded_form_again(live_server, new_page, world, screenshot):
    page = new_page()
    _log_in(page, live_server, "/admin/units", "区人大工委老周")
    details = page.locator("details#new")
    if not details.evaluate("el => el.open"):
        details.locator("summary").click()
    form = page.get_by_test_id("unit-new")
    assert "（必填）" in form.locator("label", has=page.locator('input[name="name"]')).inner_text()
    form.locator('input[name="name"]').fill("岳麓区住房和城乡建设局")
    form.locator('select[name="level"]').select_option("district")
    form.locator('input[name="contact"]').fill("王科长 0731-88886666")
    form.locator('button[type="submit"]').click()
    page.wait_for_load_state("load")
    assert "已有同名的承办单位" in _beside(page, form)
    assert details.evaluate("el => el.open")
    assert form.locator('input[name="name"]').input_value() == "岳麓区住房和城乡建设局"
    assert form.locator('input[name="contact"]').input_value() == "王科长 0731-88886666"
    screenshot(page, "refused-redirect-unit-new", full_page=False)
    assert page.dialogs == []


def test_without_javascript_the_refusal_stays_at_the_top_of_the_page(live_server, new_page, world):
    page = new_page(java_script_enabled=False)
    path = f"/admin/stations/{world['station_id']}/reception/records"
    page.goto(f"{live_server}/admin/login?next={path}")
    page.get_by_test_id("wechat-login").click()
    page.get_by_text("站长刘姐").first.click()
    page.wait_for_url(re.compile(rf".*{re.escape(path)}$"))
    page.get_by_test_id("residents").fill("-1")
    page.get_by_test_id("record-save").click()
    page.wait_for_load_state("load")
    assert page.locator(".flash-error").inner_text() == "接待群众人数、登记意见件数应为 0 或正整数"
