"""The city office's page for WeChat's domain verification files: upload, list, delete."""
from __future__ import annotations

import io

import pytest
from page_helpers import oauth_login, post_form

QR_FILE = "i7948FzJJ6.txt"
CONTENT = b"3f9c1d0b7a2e4c5d8e6f1a2b3c4d5e6f"
PAGE = "/admin/wechat-files"


@pytest.fixture
def city_office(app, client, places):
    """Log in as 路人甲 made NPC office of 长沙市, the demo's only top-level region."""
    from liaison.core.db import db
    from liaison.places.models import Region
    from liaison.users.models import StaffRole, User

    with app.app_context():
        [root] = db.session.query(Region).filter(Region.parent_id.is_(None)).all()
        user = User(unionid="u-stranger", oa_openid="oa-stranger", nickname="路人甲")
        db.session.add(user)
        db.session.flush()
        db.session.add(StaffRole(user_id=user.id, role="office", region_id=root.id))
        db.session.commit()
    assert oauth_login(client, "oa-stranger", PAGE).status_code == 302


def upload(client, name: str, data: bytes = CONTENT):
    return post_form(client, PAGE, {"file": (io.BytesIO(data), name)}, csrf_from=PAGE)


def test_city_office_uploads_lists_and_deletes_a_verification_file(client, city_office, verify_files):
    assert "还没有校验文件" in client.get(PAGE).get_data(as_text=True)
    r = upload(client, QR_FILE)
    assert r.status_code == 302
    assert client.get(f"/s/{QR_FILE}").data == CONTENT
    page = client.get(PAGE).get_data(as_text=True)
    assert QR_FILE in page and "扫普通链接二维码" in page and f"https://liaison.example.gov.cn/d/{QR_FILE}" in page
    assert post_form(client, f"{PAGE}/{QR_FILE}/delete", {}, csrf_from=PAGE).status_code == 302
    assert client.get(f"/s/{QR_FILE}").status_code == 404
    after = client.get(PAGE).get_data(as_text=True)
    assert f"已删除 {QR_FILE}" in after and 'data-testid="verify-item"' not in after


def test_me_page_links_the_city_office_to_the_files(client, city_office):
    assert 'data-testid="wechat-files-link"' in client.get("/admin/me").get_data(as_text=True)


@pytest.mark.parametrize("name", ["notes.txt", "i7948FzJJ6 (1).txt", "MP_verify_abc.html"])
def test_file_renamed_or_not_from_wechat_is_refused(client, city_office, verify_files, name):
    r = upload(client, name)
    assert r.status_code == 302
    page = client.get(PAGE).get_data(as_text=True)
    assert "文件名不是微信校验文件的格式" in page and 'data-testid="verify-item"' not in page


def test_oversized_file_is_refused(client, city_office, verify_files):
    upload(client, QR_FILE, b"x" * 5000)
    assert "文件太大" in client.get(PAGE).get_data(as_text=True)
    assert client.get(f"/s/{QR_FILE}").status_code == 404


def test_files_in_the_server_dir_are_listed_but_not_deletable_here(client, city_office, verify_files):
    (verify_files / "MP_verify_Ab12Cd34.txt").write_bytes(b"Ab12Cd34")
    page = client.get(PAGE).get_data(as_text=True)
    assert "MP_verify_Ab12Cd34.txt" in page and "服务器目录中的文件" in page and "公众号网页授权域名" in page
    assert 'data-testid="verify-delete"' not in page
    post_form(client, f"{PAGE}/MP_verify_Ab12Cd34.txt/delete", {}, csrf_from=PAGE)
    assert client.get("/MP_verify_Ab12Cd34.txt").data == b"Ab12Cd34"


@pytest.mark.parametrize("who", ["office", "master", "liaison"])
def test_district_office_and_station_staff_cannot_manage_the_files(client, staff, verify_files, who):
    staff(who)
    assert client.get(PAGE).status_code == 403
    assert 'data-testid="wechat-files-link"' not in client.get("/admin/me").get_data(as_text=True)
    r = post_form(client, PAGE, {"file": (io.BytesIO(CONTENT), QR_FILE)})
    assert r.status_code == 403
    assert client.get(f"/s/{QR_FILE}").status_code == 404


def test_upload_without_the_csrf_token_is_refused(client, city_office, verify_files):
    r = client.post(PAGE, data={"file": (io.BytesIO(CONTENT), QR_FILE)})
    assert r.status_code in (400, 403)
    assert client.get(f"/s/{QR_FILE}").status_code == 404
