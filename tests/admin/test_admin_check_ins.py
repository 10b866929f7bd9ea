"""The station page: its point (纬度/经度) for verified check-ins, and staff confirming
the check-ins that could not be verified."""
from __future__ import annotations

from page_helpers import page_csrf

BASE = {"name": "长沙市岳麓区望月湖街道人大代表联络站", "kind": "central", "address": "望月湖街道综合楼二楼",
        "open_hours": "工作日 8:30-17:30", "master_name": "刘姐", "phone": "0731-88886666", "notice": ""}


def _post(client, path, data):
    return client.post(path, data={"csrf_token": page_csrf(client, "/admin/me"), **data})


def _point(app, station_id):
    from liaison.core.db import db
    from liaison.places.models import Station

    with app.app_context():
        st = db.session.get(Station, station_id)
        return st.latitude, st.longitude


def test_station_edit_saves_checks_and_clears_the_point(app, client, staff, places):
    staff("master")
    sid = places["station_id"]
    url = f"/admin/stations/{sid}"
    ok = _post(client, url, {**BASE, "latitude": "28.1970", "longitude": "112.9541"})
    html = client.get(ok.headers["Location"]).get_data(as_text=True)
    assert "联络站信息已保存" in html and "位置：纬度 28.197，经度 112.9541" in html
    assert 'name="latitude" class="weui-input boxed" value="28.197"' in html
    assert _point(app, sid) == (28.197, 112.9541)
    bad = _post(client, url, {**BASE, "latitude": "28.1970", "longitude": "东经112度"})
    assert "经度“东经112度”不是数字" in client.get(bad.headers["Location"]).get_data(as_text=True)
    swapped = _post(client, url, {**BASE, "latitude": "112.9541", "longitude": "28.1970"})
    assert "是否填反了" in client.get(swapped.headers["Location"]).get_data(as_text=True)
    assert _point(app, sid) == (28.197, 112.9541)  # refused edits change nothing
    _post(client, url, BASE)  # a form without the fields keeps the point
    assert _point(app, sid) == (28.197, 112.9541)
    cleared = _post(client, url, {**BASE, "latitude": "", "longitude": ""})
    assert "未登记位置" in client.get(cleared.headers["Location"]).get_data(as_text=True)
    assert _point(app, sid) == (None, None)


def _deputy_checks_in(app, phone, places, **position):
    from liaison.admin.station_views import active_code

    with app.app_context():
        token = active_code("station", places["station_id"]).token
    deputy_phone = app.test_client()
    login = deputy_phone.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-deputy")}).get_json()
    r = deputy_phone.post("/api/v1/check-ins", json={"token": token, **position},
                          headers={"Authorization": f"Bearer {login['token']}"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["check_in"]


def test_staff_see_unverified_check_ins_on_the_station_page_and_confirm_them(app, client, phone, staff, places):
    c = _deputy_checks_in(app, phone, places)  # location refused on the phone
    assert c["verified"] is False
    staff("liaison")
    page = client.get(f"/admin/stations/{places['station_id']}").get_data(as_text=True)
    assert "进站签到待确认（1）" in page and "王明" in page and "未获取到手机位置，已记录，待工作人员确认" in page
    assert f'action="/admin/check-ins/{c["id"]}/confirm"' in page
    r = _post(client, f"/admin/check-ins/{c['id']}/confirm", {})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/admin/stations/{places['station_id']}#check-ins")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "已确认，这次进站计入履职积分" in page and "没有待确认的进站签到" in page
    assert "最近已核验的进站" in page and "工作人员已确认" in page


def test_a_check_in_near_the_demo_station_needs_no_confirmation(app, client, phone, staff, places):
    from liaison.users.demo import DEMO_STATION_POINT

    c = _deputy_checks_in(app, phone, places, latitude=float(DEMO_STATION_POINT[0]),
                          longitude=float(DEMO_STATION_POINT[1]))
    assert c["verified"] is True and c["distance_m"] == 0
    staff("liaison")
    page = client.get(f"/admin/stations/{places['station_id']}").get_data(as_text=True)
    assert "进站签到待确认（0）" in page and "定位核验通过" in page


def test_only_staff_over_the_station_may_confirm(app, client, phone, staff, places):
    from liaison.core.db import db
    from liaison.reception.models import CheckIn

    c = _deputy_checks_in(app, phone, places)
    staff("unit")  # a handling unit: no station of theirs
    r = _post(client, f"/admin/check-ins/{c['id']}/confirm", {})
    assert r.status_code == 404
    assert _post(client, "/admin/check-ins/999999/confirm", {}).status_code == 404
    with app.app_context():
        assert db.session.get(CheckIn, c["id"]).verified is False
    staff("office")  # the district's NPC office may
    assert _post(client, f"/admin/check-ins/{c['id']}/confirm", {}).status_code == 302
    with app.app_context():
        assert db.session.get(CheckIn, c["id"]).verified is True
