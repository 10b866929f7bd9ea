"""Stations and deputies: edit, move, import, codes, reception plan, poster batches."""
from __future__ import annotations

import io
import re

from page_helpers import page_csrf


def _post(client, path, data, page=None, **kwargs):
    token = page_csrf(client, page or "/admin/me")
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["区域", "联络站", "站点类型", "地址", "代表姓名", "代表编号", "代表层级", "电话", "进站方式"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_station_staff_see_only_their_station(client, staff, places):
    staff("liaison")
    html = client.get("/admin/stations").get_data(as_text=True)
    assert "望月湖街道人大代表联络站" in html and "五里牌街道" not in html
    assert client.get(f"/admin/stations/{places['other_station_id']}").status_code == 404


def test_station_edit_saves_and_checks_the_phone(app, client, staff, places):
    staff("master")
    sid = places["station_id"]
    base = {"name": "长沙市岳麓区望月湖街道人大代表联络站", "kind": "central", "address": "望月湖街道综合楼二楼",
            "open_hours": "工作日 8:30-17:30", "master_name": "刘姐", "notice": "本月15日接待"}
    bad = _post(client, f"/admin/stations/{sid}", {**base, "phone": "12345"})
    assert "电话号码格式不正确" in client.get(bad.headers["Location"]).get_data(as_text=True)
    ok = _post(client, f"/admin/stations/{sid}", {**base, "phone": "0731-88886666"})
    html = client.get(ok.headers["Location"]).get_data(as_text=True)
    assert "联络站信息已保存" in html and "望月湖街道综合楼二楼" in html and "0731-88886666" in html


def test_deputy_moves_to_another_station_in_the_office_region(app, client, staff, places):
    from liaison.core.db import db
    from liaison.places.models import Station

    staff("office")
    with app.app_context():
        target = db.session.query(Station).filter(Station.name.like("%橘子洲街道人大代表联络站")).one().id
    r = _post(client, f"/admin/deputies/{places['deputy_id']}/move",
              {"from_station_id": places["station_id"], "to_station_id": target, "kind": "home"})
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "已调整到" in html
    memberships = html[html.index('data-testid="memberships"'):html.index('data-testid="move-form"')]
    assert "橘子洲街道" in memberships and "望月湖街道" not in memberships
    station_page = client.get(f"/admin/stations/{places['station_id']}").get_data(as_text=True)
    assert "王明" not in station_page[station_page.index('data-testid="deputy-list"'):]


def test_station_staff_cannot_move_a_deputy_outside_their_scope(client, staff, places):
    staff("liaison")
    r = _post(client, f"/admin/deputies/{places['deputy_id']}/move",
              {"to_station_id": places["other_station_id"], "kind": "cross"})
    assert r.status_code == 404


def test_office_imports_a_spreadsheet(app, client, staff, places):
    staff("office")
    data = _xlsx([["长沙市/岳麓区/望月湖街道/荣湾社区", "长沙市岳麓区望月湖街道荣湾社区人大代表联络站", "特色站",
                   "荣湾社区服务中心", "赵新华", "CS-NEW-1", "区", "13900001111", "驻站"]])
    r = client.post("/admin/import", data={"csrf_token": page_csrf(client, "/admin/import"),
                                           "file": (io.BytesIO(data), "名册.xlsx")},
                    content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "导入成功" in html and "联络站 1 个" in html
    assert "荣湾社区人大代表联络站" in client.get("/admin/stations?q=荣湾").get_data(as_text=True)


def test_import_lists_every_problem_and_writes_nothing(app, client, staff, places):
    staff("office")
    data = _xlsx([["长沙市/岳麓区/望月湖街道", "长沙市岳麓区望月湖街道新站", "中心站", "", "张三", "", "不知道", "", "驻站"],
                  ["长沙市/芙蓉区/五里牌街道", "芙蓉区某站", "中心站", "", "李四", "", "区", "", "驻站"]])
    r = client.post("/admin/import", data={"csrf_token": page_csrf(client, "/admin/import"),
                                           "file": (io.BytesIO(data), "bad.xlsx")},
                    content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "没有导入任何数据" in html
    assert "第3行" in html and "不在您负责的范围" in html
    assert "共 0 个联络站" in client.get("/admin/stations?q=新站").get_data(as_text=True)


def test_import_is_for_the_office_only(client, staff):
    staff("liaison")
    assert client.get("/admin/import").status_code == 403


def test_regenerating_the_station_code_replaces_the_token(client, staff, places):
    staff("liaison")
    page = client.get(f"/admin/stations/{places['station_id']}").get_data(as_text=True)
    old = re.search(r'data-testid="code-token">([^<]+)<', page).group(1)
    code_id = re.search(r"/admin/codes/(\d+)/rotate", page).group(1)
    r = _post(client, f"/admin/codes/{code_id}/rotate", {"back": f"/admin/stations/{places['station_id']}"})
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    new = re.search(r'data-testid="code-token">([^<]+)<', page).group(1)
    assert new != old and "已生成新码" in page
    assert client.get(f"/api/v1/codes/{old}").get_json()["error"]["code"] == "code_rotated"


def test_reception_plan_is_saved_and_described(client, staff, places):
    staff("liaison")
    sid = places["station_id"]
    r = _post(client, f"/admin/stations/{sid}/reception",
              {"monthly_days": "15", "weekdays": ["3"], "start": "09:00", "end": "11:30",
               "capacity": "8", "per_day": "1", "rota": [str(places["deputy_id"])]})
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "接待安排已保存" in html
    assert "15" in html and "周三" in html
    bad = _post(client, f"/admin/stations/{sid}/reception", {"start": "11:00", "end": "09:00"})
    assert "结束时间应晚于开始时间" in client.get(bad.headers["Location"]).get_data(as_text=True)


def test_office_starts_a_poster_batch_from_the_page(app, client, staff, places):
    staff("office")
    page = client.get(f"/admin/regions/{places['street_id']}/posters")
    assert page.status_code == 200 and "开始生成" in page.get_data(as_text=True)
    r = _post(client, f"/admin/regions/{places['street_id']}/posters", {"format": "pdf"},
              page=f"/admin/regions/{places['street_id']}/posters")
    assert r.status_code == 302 and "batch=" in r.headers["Location"]
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "已开始生成海报" in html and 'data-batch="' in html


def test_station_staff_cannot_open_region_posters(client, staff, places):
    staff("liaison")
    assert client.get(f"/admin/regions/{places['region_id']}/posters").status_code == 403


def test_reception_day_page_lists_who_booked_with_hostile_notes_escaped(app, client, staff, places, login):
    from liaison.core import clock

    # The page generates this year's days only: after the 15th of December there are
    # none left until the December job plans next year, so the test runs in November.
    clock.anchor("2026-11-20T10:00+08:00")
    staff("liaison")
    sid = places["station_id"]
    _post(client, f"/admin/stations/{sid}/reception",
          {"monthly_days": "15", "start": "09:00", "end": "11:30", "capacity": "8", "per_day": "1",
           "rota": [str(places["deputy_id"])], "generate": "1"})
    day = client.get(f"/api/v1/stations/{sid}/reception-days").get_json()["items"][0]
    booked = client.post("/api/v1/appointments", headers=login("demo-resident"),
                         json={"station_id": sid, "date": day["date"], "note": "<b>路灯</b>不亮"})
    assert booked.status_code == 201, booked.get_json()
    listing = client.get(f"/admin/stations/{sid}/reception").get_data(as_text=True)
    assert "已预约 1/8" in listing
    html = client.get(f"/admin/stations/{sid}/reception/{day['id']}").get_data(as_text=True)
    assert "居民张阿姨" in html and "想反映：&lt;b&gt;路灯&lt;/b&gt;不亮" in html
    assert client.get(f"/admin/stations/{places['other_station_id']}/reception/{day['id']}").status_code == 404


def test_deputy_photo_is_stored_at_card_size_without_exif_and_used_by_the_card(app, client, staff, places):
    from PIL import Image

    from liaison.codes.render import DEPUTY_PHOTO_PX
    from liaison.core.db import db
    from liaison.core.storage import get_storage
    from liaison.places.models import Deputy
    from liaison.places.photos import PHOTO_SIZE

    assert PHOTO_SIZE == DEPUTY_PHOTO_PX
    staff("liaison")
    did = places["deputy_id"]
    photo = Image.new("RGB", (1200, 1000), (180, 40, 40))
    exif = Image.Exif()
    exif[0x8825] = {2: (28.0, 12.0, 0.0)}  # GPSInfo: latitude
    buf = io.BytesIO()
    photo.save(buf, "JPEG", exif=exif)
    page = f"/admin/deputies/{did}"
    r = _post(client, f"{page}/photo", {"photo": (io.BytesIO(buf.getvalue()), "me.jpg")}, page=page,
              content_type="multipart/form-data")
    assert r.status_code == 302
    assert "照片已更新" in client.get(r.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        key = db.session.get(Deputy, did).photo_path
        stored = Image.open(io.BytesIO(get_storage().get(key)))
        assert stored.size == PHOTO_SIZE and not stored.getexif()
    served = client.get(f"/api/v1/deputies/{did}/photo")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    bad = _post(client, f"{page}/photo", {"photo": (io.BytesIO(b"not an image"), "x.jpg")}, page=page,
                content_type="multipart/form-data")
    assert "只能上传图片" in client.get(bad.headers["Location"]).get_data(as_text=True)


def test_a_plan_saved_in_late_december_also_makes_next_years_days(app, client, staff, places):
    """After 15 December this year has no plan day left; the December job plans next year
    only for stations not planned yet, so saving (with 生成) makes next year's days at once."""
    from liaison.core import clock

    clock.anchor("2026-12-20T10:00+08:00")
    staff("liaison")
    sid = places["station_id"]
    form = client.get(f"/admin/stations/{sid}/reception").get_data(as_text=True)
    assert "保存后按新安排生成2026年剩余和2027年的接待日" in form
    saved = _post(client, f"/admin/stations/{sid}/reception",
                  {"monthly_days": "15", "start": "09:00", "end": "11:30", "capacity": "8", "per_day": "1",
                   "rota": [str(places["deputy_id"])], "generate": "1"})
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "已生成2026年接待日 0 个、2027年接待日 12 个" in page
    days = client.get(f"/api/v1/stations/{sid}/reception-days").get_json()["items"]
    assert days and days[0]["date"] == "2027-01-15"


def test_a_plan_saved_in_november_makes_this_years_days_only(app, client, staff, places):
    from liaison.core import clock

    clock.anchor("2026-11-20T10:00+08:00")
    staff("liaison")
    sid = places["station_id"]
    saved = _post(client, f"/admin/stations/{sid}/reception",
                  {"monthly_days": "15", "start": "09:00", "end": "11:30", "capacity": "8", "per_day": "1",
                   "rota": [str(places["deputy_id"])], "generate": "1"})
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "已生成2026年接待日 1 个" in page and "2027年" not in page.split("已生成")[1][:30]
