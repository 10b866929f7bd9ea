"""Resident H5 pages: code landing, WeChat-only login, submit, my opinions, rating."""
from __future__ import annotations

import io
import re

from page_helpers import WECHAT_UA, XSS_TEXT, csrf_of, local, pick_on_fake

TEXT = "望月湖小区三栋楼道灯坏了两个星期，晚上老人上下楼很危险，希望尽快修好。"


def _jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(buf, "JPEG")
    return buf.getvalue()


def _submit(client, station_id, text=TEXT, **extra):
    form = client.get(f"/h5/submit?station_id={station_id}").get_data(as_text=True)
    data = {"csrf_token": csrf_of(form), "station_id": station_id, "text": text,
            "key": re.search(r'name="key" value="([^"]+)"', form).group(1), **extra}
    return client.post("/h5/submit", data=data, content_type="multipart/form-data")


def test_station_code_opens_the_station_page_without_login(client, town):
    r = client.get(f"/s/{town['station_token']}")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "望月湖街道人大代表联络站" in html and "王明" in html
    assert "请在微信中打开" in html  # outside WeChat: how to open it there
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]


def test_deputy_code_opens_the_deputy_page(client, town):
    html = client.get(f"/d/{town['deputy_token']}").get_data(as_text=True)
    assert "王明" in html and "点将" in html


def test_unknown_and_rotated_codes_explain_themselves(app, client, town):
    assert "没有找到这个二维码" in client.get("/s/abcdefghijklmnop").get_data(as_text=True)
    from liaison.codes.models import Code
    from liaison.codes.operations import rotate_code
    from liaison.core.db import db

    with app.app_context():
        code = db.session.query(Code).filter_by(token=town["station_token"]).one()
        new = rotate_code(code.id).token
    r = client.get(f"/s/{town['station_token']}")
    assert r.status_code == 410
    html = r.get_data(as_text=True)
    assert "此码已更换，请扫描新海报" in html and f"/s/{new}" in html


def test_submit_outside_wechat_shows_how_to_open_it_in_wechat(client, town):
    r = client.get(f"/h5/submit?station_id={town['station_id']}")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'data-testid="open-in-wechat"' in html and "扫一扫" in html


def test_submit_inside_wechat_goes_through_oauth_and_back(client, town):
    target = f"/h5/submit?station_id={town['station_id']}&deputy_id={town['deputy_id']}"
    r = client.get(target, headers={"User-Agent": WECHAT_UA})
    assert r.status_code == 302 and r.headers["Location"].startswith("/oauth/wechat")
    start = client.get(r.headers["Location"])
    back = client.get(local(pick_on_fake(start.headers["Location"], "oa-demo-resident")))
    assert back.headers["Location"] == target
    form = client.get(target).get_data(as_text=True)
    assert 'data-testid="submit-form"' in form
    assert re.search(rf'<option value="{town["deputy_id"]}" selected>王明', form)


def test_resident_submits_with_a_photo_and_sees_the_timeline(client, resident, town):
    resident()
    r = _submit(client, town["station_id"], deputy_id=str(town["deputy_id"]), category="urban",
                contact_phone="13800001234", photos=(io.BytesIO(_jpeg()), "灯.jpg"))
    assert r.status_code == 302, r.get_data(as_text=True)
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "提交成功" in html and TEXT in html and "待审核" in html and "点将 王明" in html  # see below
    photo = re.search(r'<img src="(/uploads/[^"]+)"', html).group(1).replace("&amp;", "&")
    img = client.get(photo)
    assert img.status_code == 200 and img.headers["Content-Type"] == "image/jpeg"
    assert img.headers["X-Content-Type-Options"] == "nosniff"
    listing = client.get("/h5/opinions").get_data(as_text=True)
    assert "共 1 条" in listing


def test_same_messages_as_the_api_on_bad_input(client, resident, town):
    resident()
    r = _submit(client, town["station_id"], text="太短")
    assert r.status_code == 422
    assert "请把问题写清楚一些（至少5个字）" in r.get_data(as_text=True)
    r = _submit(client, town["station_id"], contact_phone="12")
    assert "请填写正确的手机号或固定电话" in r.get_data(as_text=True)


def test_double_tap_submits_once(client, resident, town):
    resident()
    form = client.get(f"/h5/submit?station_id={town['station_id']}").get_data(as_text=True)
    data = {"csrf_token": csrf_of(form), "station_id": town["station_id"], "text": TEXT,
            "key": re.search(r'name="key" value="([^"]+)"', form).group(1)}
    first = client.post("/h5/submit", data=data)
    second = client.post("/h5/submit", data=data)
    assert first.headers["Location"] == second.headers["Location"]


def test_submit_without_csrf_is_refused(client, resident, town):
    resident()
    r = client.post("/h5/submit", data={"station_id": town["station_id"], "text": TEXT})
    assert r.status_code == 403 and "操作未执行" in r.get_data(as_text=True)
    assert "共 0 条" in client.get("/h5/opinions").get_data(as_text=True)


def test_hostile_text_is_shown_as_text(client, resident, town):
    resident()
    r = _submit(client, town["station_id"], text=XSS_TEXT)
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_resident_rates_the_reply(app, client, resident, town, phone):
    resident()
    r = _submit(client, town["station_id"])
    opinion_id = int(r.headers["Location"].rsplit("/", 1)[1])
    staff = app.test_client()  # the liaison works from the mini-program's API meanwhile
    login = staff.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-liaison")})
    headers = {"Authorization": "Bearer " + login.get_json()["token"]}
    for action, fields in (("release_hold", {}), ("accept", {}),  # H5 text: staff review first
                           ("reply_directly", {"text": "楼道灯已经更换。", "method": "phone"})):
        res = staff.post(f"/api/v1/opinions/{opinion_id}/transitions", json={"action": action, **fields},
                         headers=headers)
        assert res.status_code == 200, res.get_json()
    page = client.get(f"/h5/opinions/{opinion_id}").get_data(as_text=True)
    assert "楼道灯已经更换" in page and 'data-testid="rate-form"' in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    r = client.post(f"/h5/opinions/{opinion_id}/rate",
                    data={"csrf_token": csrf_of(page), "rating": "satisfied", "comment": "很及时", "version": version})
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "感谢您的评价" in page and "我的评价：满意" in page and "rate-form" not in page


def test_someone_elses_opinion_is_not_found(client, resident, town):
    resident()
    r = _submit(client, town["station_id"])
    opinion_id = int(r.headers["Location"].rsplit("/", 1)[1])
    client.post("/auth/logout", data={"csrf_token": csrf_of(client.get("/h5/").get_data(as_text=True))})
    resident("oa-demo-resident2")
    page = client.get(f"/h5/opinions/{opinion_id}")
    assert page.status_code == 404 and "不存在或您无权查看" in page.get_data(as_text=True)


def test_timeline_shows_the_steps_but_not_what_staff_typed(app, client, resident, town, phone):
    from liaison.core.db import db
    from liaison.places.models import HandlingUnit

    resident()
    r = _submit(client, town["station_id"])
    opinion_id = int(r.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        unit_id = db.session.query(HandlingUnit).filter_by(name="岳麓区住房和城乡建设局").one().id
    staff = app.test_client()
    login = staff.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-liaison")})
    headers = {"Authorization": "Bearer " + login.get_json()["token"]}
    for action, fields in (("release_hold", {"note": "审核备注：已核实"}),  # H5 texts wait for staff review
                           ("accept", {"note": "受理备注：转住建条线"}),
                           ("assign", {"unit_ids": [unit_id], "level": "district", "note": "交办说明：请现场查看"}),
                           ("urge", {"method": "phone", "note": "已电话催办住建局王科长。"}),
                           ("note", {"note": "内部备注：居民情绪激动"})):
        res = staff.post(f"/api/v1/opinions/{opinion_id}/transitions", json={"action": action, **fields},
                         headers=headers)
        assert res.status_code == 200, res.get_json()
    page = client.get(f"/h5/opinions/{opinion_id}").get_data(as_text=True)
    timeline = page[page.index('data-testid="timeline"'):]
    steps = re.findall(r"<b>([^<]+)</b>", timeline)
    assert steps[:3] == ["督办", "交办", "受理"] and steps[-1] == "提交", steps
    for typed in ("已核实", "转住建条线", "请现场查看", "王科长", "居民情绪激动"):
        assert typed not in page


def test_ids_too_large_for_a_row_find_nothing_instead_of_a_500(client, resident, town):
    resident()
    r = client.get("/h5/submit?station_id=99999999999999999999")
    assert r.status_code == 404 and "没有找到这个联络站" in r.get_data(as_text=True)
    r = client.get(f"/h5/submit?station_id={town['station_id']}&deputy_id=99999999999999999999")
    assert r.status_code == 200


def test_h5_submission_cannot_be_checked_by_wechat_and_goes_to_staff_review(app, client, resident,
                                                                           town, fake_wechat):
    """msgSecCheck and mediaCheckAsync need a mini-program openid; the H5 login gives an
    official-account one only, so the opinion waits for staff, saying why."""
    import requests

    from liaison.core.db import db
    from liaison.opinions.models import Opinion

    resident()
    r = _submit(client, town["station_id"], photos=(io.BytesIO(_jpeg()), "灯.jpg"))
    assert r.status_code == 302
    checks = requests.get(f"{fake_wechat}/_fake/calls", timeout=5).json()["calls"]
    assert not [c for c in checks if c["path"] in ("/wxa/msg_sec_check", "/wxa/media_check_async")]
    with app.app_context():
        op = db.session.query(Opinion).one()
        assert (op.state, op.hold_reason, op.sec_check, op.source) == ("on_hold", "unchecked_web", "manual", "h5")
        assert [p.sec_check for p in op.photos] == ["manual"]
    assert "待审核" in client.get(r.headers["Location"]).get_data(as_text=True)
