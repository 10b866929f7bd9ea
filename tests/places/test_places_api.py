"""The public station directory and the station / deputy pages (no login needed)."""
from __future__ import annotations

from datetime import date

import pytest

ROWS = [
    # region, station, kind, deputy, external id, levels, membership
    ("长沙市/岳麓区/望月湖街道", "长沙市岳麓区望月湖街道人大代表联络站", "中心站", "王明", "P1", "市,区", "驻站"),
    ("长沙市/岳麓区/望月湖街道/望月湖社区", "长沙市岳麓区望月湖社区人大代表联络站", "特色站", "李华", "P2", "区", "驻站"),
    ("长沙市/岳麓区/橘子洲街道", "长沙市岳麓区橘子洲街道人大代表联络站", "中心站", "王明", "P1", "市,区", "交叉进站"),
    ("长沙市/天心区/坡子街街道", "长沙市天心区坡子街街道人大代表联络站", "中心站", "钱进", "P3", "全国,省", "驻站"),
    ("长沙市/天心区/坡子街街道", "长沙市天心区坡子街_100%人大代表联络站", "特色站", "孙立", "P4", "乡", "驻站"),
]


@pytest.fixture
def directory(app):
    from liaison.core.db import db
    from liaison.places.importer import import_rows
    from liaison.places.models import Deputy, Region, Station

    rows = [{"_row": i + 2, "区域": r, "联络站": s, "站点类型": k, "地址": "服务中心一楼", "代表姓名": d,
             "代表编号": e, "代表层级": lv, "工作单位": "社区居委会", "职务": "主任", "进站方式": m}
            for i, (r, s, k, d, e, lv, m) in enumerate(ROWS)]
    with app.app_context():
        import_rows(rows)
        return {"station": {s.name: s.id for s in db.session.query(Station)},
                "deputy": {d.name: d.id for d in db.session.query(Deputy)},
                "region": {r.name: r.id for r in db.session.query(Region)}}


def test_directory_lists_every_station_with_region_path_and_code_token(client, directory):
    body = client.get("/api/v1/stations").get_json()
    assert body["total"] == 5 and body["page"] == 1 and body["per_page"] == 20
    first = body["items"][0]
    assert set(first) == {"id", "name", "kind", "address", "region", "code_token"}
    assert len(first["code_token"]) == 16
    assert client.get(f"/api/v1/codes/{first['code_token']}").get_json()["station"]["id"] == first["id"]
    paths = {i["name"]: i["region"]["path"] for i in body["items"]}
    assert paths["长沙市岳麓区望月湖社区人大代表联络站"] == "长沙市/岳麓区/望月湖街道/望月湖社区"


def test_directory_filters_by_region_subtree(client, directory):
    names = lambda r: sorted(i["name"] for i in r.get_json()["items"])  # noqa: E731
    r = client.get(f"/api/v1/stations?region_id={directory['region']['望月湖街道']}")
    assert names(r) == ["长沙市岳麓区望月湖社区人大代表联络站", "长沙市岳麓区望月湖街道人大代表联络站"]
    assert r.get_json()["total"] == 2
    r = client.get(f"/api/v1/stations?region_id={directory['region']['岳麓区']}")
    assert r.get_json()["total"] == 3
    assert client.get("/api/v1/stations?region_id=9999").status_code == 404


def test_directory_searches_by_name_with_wildcards_taken_literally(client, directory):
    r = client.get("/api/v1/stations", query_string={"q": "橘子洲"})
    assert [i["name"] for i in r.get_json()["items"]] == ["长沙市岳麓区橘子洲街道人大代表联络站"]
    r = client.get("/api/v1/stations", query_string={"q": "_100%"})
    assert [i["name"] for i in r.get_json()["items"]] == ["长沙市天心区坡子街_100%人大代表联络站"]
    assert client.get("/api/v1/stations", query_string={"q": "%"}).get_json()["total"] == 1


def test_directory_is_paged(client, directory):
    pages = [client.get(f"/api/v1/stations?per_page=2&page={p}").get_json() for p in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    assert len({i["id"] for p in pages for i in p["items"]}) == 5
    assert client.get("/api/v1/stations?per_page=500").status_code == 422
    assert client.get("/api/v1/stations?page=0").get_json()["error"]["code"] == "validation_error"


def test_closed_stations_leave_the_directory(app, client, directory):
    from liaison.core.db import db
    from liaison.places.models import Station

    station_id = directory["station"]["长沙市岳麓区橘子洲街道人大代表联络站"]
    with app.app_context():
        db.session.get(Station, station_id).active = False
        db.session.commit()
    assert client.get("/api/v1/stations").get_json()["total"] == 4
    assert client.get(f"/api/v1/stations/{station_id}").status_code == 404


def test_station_page_has_deputies_plan_and_notice(app, client, directory):
    from liaison.core.db import db
    from liaison.places.models import Station
    from liaison.reception.operations import generate_year

    station_id = directory["station"]["长沙市天心区坡子街街道人大代表联络站"]
    with app.app_context():
        station = db.session.get(Station, station_id)
        station.reception_plan = {"weekdays": [2], "start": "14:30", "end": "17:00"}
        station.open_hours, station.notice = "工作日 9:00-17:00", "每周二下午代表轮值接待。"
        db.session.commit()
    station = client.get(f"/api/v1/stations/{station_id}").get_json()["station"]
    assert station["reception_plan"] == "每周二 14:30-17:00"
    assert station["open_hours"] == "工作日 9:00-17:00" and station["notice"] == "每周二下午代表轮值接待。"
    assert station["next_reception_days"] == []  # the plan alone offers no date that cannot be booked
    with app.app_context():
        generate_year(db.session.get(Station, station_id), 2099, date(2098, 12, 1))
    days = client.get(f"/api/v1/stations/{station_id}").get_json()["station"]["next_reception_days"]
    assert [(d["date"], d["start"], d["end"], d["slots_left"]) for d in days] == [
        ("2099-01-06", "14:30", "17:00", 10), ("2099-01-13", "14:30", "17:00", 10), ("2099-01-20", "14:30", "17:00", 10)]
    (qian,) = station["deputies"]
    assert qian["levels"] == ["national", "provincial"]
    assert qian["level_labels"] == ["全国人大代表", "省人大代表"]
    assert client.get("/api/v1/stations/9999").get_json()["error"]["code"] == "station_not_found"


def test_deputy_page_lists_home_and_cross_stations(client, directory):
    deputy = client.get(f"/api/v1/deputies/{directory['deputy']['王明']}").get_json()["deputy"]
    assert deputy["work_unit"] == "社区居委会" and deputy["post"] == "主任"
    assert [(s["name"], s["membership"]) for s in deputy["stations"]] == [
        ("长沙市岳麓区望月湖街道人大代表联络站", "home"), ("长沙市岳麓区橘子洲街道人大代表联络站", "cross")]
    assert deputy["photo_url"] is None
    assert client.get("/api/v1/deputies/9999").status_code == 404


def test_deputy_photo_is_served_when_there_is_one(app, client, directory):
    from liaison.core.db import db
    from liaison.core.storage import get_storage
    from liaison.places.models import Deputy

    deputy_id = directory["deputy"]["李华"]
    assert client.get(f"/api/v1/deputies/{deputy_id}/photo").status_code == 404
    with app.app_context():
        get_storage().put(f"deputies/{deputy_id}.png", b"\x89PNG\r\n\x1a\nfake")
        db.session.get(Deputy, deputy_id).photo_path = f"deputies/{deputy_id}.png"
        db.session.commit()
    deputy = client.get(f"/api/v1/deputies/{deputy_id}").get_json()["deputy"]
    assert deputy["photo_url"] == f"/api/v1/deputies/{deputy_id}/photo"
    r = client.get(deputy["photo_url"])
    assert r.status_code == 200 and r.mimetype == "image/png" and r.data.startswith(b"\x89PNG")


def test_a_region_id_too_large_for_the_database_is_422(client, directory):
    """Found by scripts/fuzz_api.py: ?region_id=442304457603244897809203200 was a 500."""
    for region_id in (442304457603244897809203200, 2**31):
        r = client.get(f"/api/v1/stations?region_id={region_id}")
        assert r.status_code == 422, region_id
        body = r.get_json()["error"]
        assert body["code"] == "validation_error" and "region_id" in body["details"]["fields"]
