"""An NPC office's import reaches only its own region; a roster number names one person.

Reproductions from the field: 岳麓区's office imported a row naming 天心区's
坡子街 station (its address was overwritten, a deputy added), and a row with another
district's roster number and any name took that deputy over. Both now refuse the
whole file, list the rows in Chinese and change nothing.
"""
from __future__ import annotations

import io

from page_helpers import page_csrf
from sqlalchemy import select

from liaison.core.db import db

HEADER = ["区域", "联络站", "站点类型", "地址", "代表姓名", "代表编号", "代表层级", "电话", "进站方式"]
POZIJIE = "长沙市天心区坡子街街道人大代表联络站"


def _xlsx(rows):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(HEADER)
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _import(client, rows):
    r = client.post("/admin/import", data={"csrf_token": page_csrf(client, "/admin/import"),
                                           "file": (io.BytesIO(_xlsx(rows)), "名册.xlsx")},
                    content_type="multipart/form-data")
    return r.status_code, r.get_data(as_text=True)


def _snapshot(app):
    from liaison.places.models import Deputy, Membership, Station

    with app.app_context():
        station = db.session.scalar(select(Station).where(Station.name == POZIJIE))
        deputy = db.session.scalar(select(Deputy).join(Membership, Membership.deputy_id == Deputy.id)
                                   .where(Membership.station_id == station.id).order_by(Deputy.id))
        members = sorted(db.session.scalars(select(Membership.deputy_id).where(
            Membership.station_id == station.id)))
        return {"address": station.address, "members": members, "deputy_id": deputy.id,
                "external_id": deputy.external_id, "deputy": (deputy.name, list(deputy.levels), deputy.work_unit,
                                                             deputy.post, deputy.phone)}


def _deputy_row(app, deputy_id):
    from liaison.places.models import Deputy

    with app.app_context():
        d = db.session.get(Deputy, deputy_id)
        return (d.name, list(d.levels), d.work_unit, d.post, d.phone)


def test_office_cannot_import_into_another_districts_station(app, client, staff, places):
    before = _snapshot(app)
    staff("office")  # 岳麓区
    status, html = _import(client, [["长沙市/天心区/坡子街街道", POZIJIE, "中心站", "岳麓区随便写的地址",
                                     "新来的", "X-1", "区", "13900009999", "驻站"]])
    assert status == 422 and "没有导入任何数据" in html
    assert "第2行" in html and "不在您负责的范围" in html
    assert _snapshot(app) == before


def test_station_name_of_another_district_under_ones_own_region_is_refused(app, client, staff, places):
    before = _snapshot(app)
    staff("office")
    status, html = _import(client, [["长沙市/岳麓区/望月湖街道", POZIJIE, "中心站", "改写的地址", "", "", "", "", ""]])
    assert status == 422 and "已有同名联络站" in html and "长沙市/天心区/坡子街街道" in html
    assert _snapshot(app) == before


def test_another_districts_roster_number_cannot_take_that_deputy_over(app, client, staff, places):
    before = _snapshot(app)
    staff("office")
    ours = "长沙市岳麓区望月湖街道人大代表联络站"
    number = before["external_id"]
    # the right name (a guess from the sequential numbers) and a wrong one: both refused
    status, html = _import(client, [
        ["长沙市/岳麓区/望月湖街道", ours, "中心站", "", before["deputy"][0], number, "全国", "13900000000", "驻站"],
        ["长沙市/岳麓区/望月湖街道", ours, "中心站", "", "随便一个名字", number, "全国", "13900000000", "驻站"]])
    assert status == 422
    assert "第2行" in html and "属于您负责范围以外的代表" in html
    assert "第3行" in html and "与本行姓名“随便一个名字”不符" in html
    assert _deputy_row(app, before["deputy_id"]) == before["deputy"]
    from liaison.places.models import Membership

    with app.app_context():
        seats = db.session.scalars(select(Membership.station_id).where(
            Membership.deputy_id == before["deputy_id"])).all()
        assert places["station_id"] not in seats


def test_own_deputy_by_roster_number_is_updated_by_the_office(app, client, staff, places):
    staff("office")
    ours = "长沙市岳麓区望月湖街道人大代表联络站"
    status, html = _import(client, [["长沙市/岳麓区/望月湖街道", ours, "中心站", "", "王明", "CS-WANGMING", "市,区",
                                     "13911112222", "驻站"]])
    assert status == 200 and "导入成功" in html, html
    assert _deputy_row(app, places["deputy_id"])[4] == "13911112222"


def test_the_operator_cli_keeps_full_reach_but_not_a_wrong_name(app, runner, places, tmp_path):
    before = _snapshot(app)
    path = tmp_path / "roster.xlsx"
    path.write_bytes(_xlsx([["长沙市/天心区/坡子街街道", POZIJIE, "中心站", "坡子街1号", before["deputy"][0],
                             before["external_id"], "市", "", "驻站"]]))
    result = runner.invoke(args=["import", "places", str(path)])
    assert result.exit_code == 0, result.output
    assert _snapshot(app)["address"] == "坡子街1号"
    path.write_bytes(_xlsx([["长沙市/天心区/坡子街街道", POZIJIE, "中心站", "", "别人", before["external_id"],
                             "市", "", "驻站"]]))
    result = runner.invoke(args=["import", "places", str(path)])
    assert result.exit_code == 1 and "不符" in result.output


def test_the_api_import_has_the_same_reach_as_the_page(app, client, login, places):
    before = _snapshot(app)
    headers = login("demo-office")
    r = client.post("/api/v1/imports", headers=headers, content_type="multipart/form-data",
                    data={"file": (io.BytesIO(_xlsx([["长沙市/天心区/坡子街街道", POZIJIE, "中心站", "改写", "", "", "",
                                                      "", ""]])), "名册.xlsx")})
    body = r.get_json()
    assert r.status_code == 422 and body["error"]["code"] == "import_failed"
    assert any("不在您负责的范围" in line for line in body["error"]["details"]["rows"])
    assert _snapshot(app) == before
    ok = client.post("/api/v1/imports", headers=headers, content_type="multipart/form-data",
                     data={"file": (io.BytesIO(_xlsx([["长沙市/岳麓区/望月湖街道/新社区", "长沙市岳麓区望月湖街道新社区人大代表联络站",
                                                       "特色站", "", "", "", "", "", ""]])), "名册.xlsx")})
    assert ok.status_code == 200 and ok.get_json()["stations"] == 1
    liaison = login("demo-liaison")
    assert client.post("/api/v1/imports", headers=liaison, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(b"x"), "a.csv")}).status_code == 403
