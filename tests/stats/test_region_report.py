"""The region report rebuilt from live data: every figure and flag of the small region.

What the opinions count as in March 2025 (see conftest):
O1 A/甲1 answered 3-10 before its 3-20 deadline, rated satisfied, closed -> in time;
O2 A/甲1 answered 3-12 after its 3-10 deadline -> late (known 3-11);
O3 A/甲1 declined -> closed unresolved; O4 A/甲2 still assigned, deadline 3-25 -> late;
O5 A/station, accepted without deadline -> pending (not counted);
O6 B/甲1 created and answered in February, rated unsatisfied on 3-2;
O7 B/乙2 closed as duplicate -> unresolved; O8 D/丁1 answered in time, rated basically satisfied.
"""
from __future__ import annotations

MARCH = "2025-03"  # the report month of the small region (conftest)

FIGURES = ("check_ins", "check_ins_unplanned", "active_days", "receptions", "residents", "opinions_in",
           "answered", "closed", "in_time", "late", "unresolved", "ratings", "satisfied")


def pick(row, keys=FIGURES):
    return {k: row[k] for k in keys}


def test_city_report_rebuilds_part_one_with_every_figure(client, region, office):
    r = client.get(f"/api/v1/stats/regions/{region.city}/report?month={MARCH}", headers=office)
    assert r.status_code == 200, r.get_json()
    data = r.get_json()
    t = data["totals"]
    assert (t["stations"], t["deputies"], t["memberships"], t["min_deputies"], t["max_deputies"]) == (4, 81, 82, 9, 51)
    assert t["flags"] == {"under_min": 1, "over_max": 1, "too_many_senior": 1, "too_many_prov_muni": 1,
                          "idle": 1, "invisible": 74}
    assert pick(t) == {"check_ins": 4, "check_ins_unplanned": 2, "active_days": 4, "receptions": 2,
                       "residents": 16, "opinions_in": 7, "answered": 3, "closed": 3, "in_time": 2,
                       "late": 2, "unresolved": 2, "ratings": 3, "satisfied": 2}
    assert t["satisfaction"] == 0.6667
    jia, yi = data["areas"]
    assert (jia["name"], jia["stations"], jia["central_stations"], jia["feature_stations"], jia["deputies"],
            jia["min_deputies"], jia["max_deputies"], jia["invisible_deputies"]) == ("甲区", 3, 2, 1, 71, 9, 51, 64)
    assert jia["flags"] == {"under_min": 1, "over_max": 1, "too_many_senior": 1, "too_many_prov_muni": 1, "idle": 1}
    assert jia["subdivisions"] == {"街道": 1, "镇": 1}
    assert pick(jia) == {"check_ins": 4, "check_ins_unplanned": 2, "active_days": 3, "receptions": 1,
                         "residents": 12, "opinions_in": 6, "answered": 2, "closed": 3, "in_time": 1,
                         "late": 2, "unresolved": 2, "ratings": 2, "satisfied": 1}
    assert (yi["stations"], yi["deputies"], yi["min_deputies"], yi["max_deputies"], yi["invisible_deputies"]) == (1, 10, 10, 10, 10)
    assert yi["flags"] == dict.fromkeys(jia["flags"], 0)
    assert (yi["active_days"], yi["receptions"], yi["residents"], yi["in_time"], yi["satisfaction"]) == (1, 1, 4, 1, 1.0)
    assert data["text"] == [
        "（一）甲区。辖区 1 个街道、1 个镇，共 3 个代表联络站（中心站 2 个、特色站等 1 个），驻站代表数中心站 9~51 人、特色站等 12 人，"
        "有 1 个联络站驻站代表在 10 人以下，1 个联络站驻站代表超过 50 人，1 个联络站县级以上职务代表超过 2 名，"
        "1 个联络站省市代表超过 5 名，1 个联络站本月无活动。",
        "（二）乙区。辖区 1 个街道，共 1 个代表联络站，驻站代表数为 10 人。",
    ]


def test_flag_lists_name_the_stations_and_the_invisible_deputies(client, region, office):
    data = client.get(f"/api/v1/stats/regions/{region.city}/report?month={MARCH}", headers=office).get_json()
    flags = data["flags"]
    assert [i["id"] for i in flags["under_min"]["items"]] == [region.A]
    assert [i["id"] for i in flags["over_max"]["items"]] == [region.C]
    assert [(i["id"], i["senior"]) for i in flags["too_many_senior"]["items"]] == [(region.A, 3)]
    assert [(i["id"], i["prov_muni"]) for i in flags["too_many_prov_muni"]["items"]] == [(region.B, 6)]
    assert [i["id"] for i in flags["idle"]["items"]] == [region.C]
    invisible = {i["id"] for i in flags["invisible"]["items"]}
    assert invisible == set(region.a[4:]) | set(region.b[1:]) | set(region.c[1:50]) | set(region.d)
    assert region.a[0] not in invisible  # 甲1 (two stations) received residents in March
    assert region.a[3] not in invisible  # 甲4 filed a suggestion in January
    assert region.c[50] not in invisible  # 丙51 joined on 1 March: not three months yet
    assert data["window"] == {"invisible_from": "2025-01", "to": "2025-03"}


def test_trend_gives_each_month_of_the_year_so_far(client, region, office):
    data = client.get(f"/api/v1/stats/regions/{region.city}/report?month={MARCH}", headers=office).get_json()
    jan, feb, mar = data["trend"]
    assert [m["month"] for m in data["trend"]] == ["2025-01", "2025-02", "2025-03"]
    assert pick(jan, ("check_ins", "active_days", "opinions_in", "answered", "closed", "in_time")) == \
        {"check_ins": 1, "active_days": 1, "opinions_in": 1, "answered": 1, "closed": 1, "in_time": 1}
    assert pick(feb, ("check_ins", "active_days", "opinions_in", "answered", "in_time", "ratings")) == \
        {"check_ins": 1, "active_days": 1, "opinions_in": 1, "answered": 1, "in_time": 1, "ratings": 0}
    assert pick(mar) == pick(data["totals"])


def test_stations_of_a_district_with_composition_and_flags(client, region, office):
    r = client.get(f"/api/v1/stats/regions/{region.jia}/stations?month={MARCH}", headers=office)
    rows = {s["id"]: s for s in r.get_json()["items"]}
    a, b, c = rows[region.A], rows[region.B], rows[region.C]
    assert (a["deputies"], a["home"], a["cross"], a["senior"], a["prov_muni"]) == (9, 9, 0, 3, 0)
    assert (b["deputies"], b["home"], b["cross"], b["prov_muni"]) == (12, 11, 1, 6)
    assert (c["deputies"], c["active_days"]) == (51, 0)
    assert a["flags"] == ["under_min", "too_many_senior"]
    assert b["flags"] == ["too_many_prov_muni"]
    assert c["flags"] == ["over_max", "idle"]
    assert pick(a) == {"check_ins": 3, "check_ins_unplanned": 1, "active_days": 2, "receptions": 1,
                       "residents": 12, "opinions_in": 5, "answered": 2, "closed": 2, "in_time": 1,
                       "late": 2, "unresolved": 1, "ratings": 1, "satisfied": 1}
    assert pick(b) == {"check_ins": 1, "check_ins_unplanned": 1, "active_days": 1, "receptions": 0,
                       "residents": 0, "opinions_in": 1, "answered": 0, "closed": 1, "in_time": 0,
                       "late": 0, "unresolved": 1, "ratings": 1, "satisfied": 0}
    idle = client.get(f"/api/v1/stats/regions/{region.jia}/stations?month={MARCH}&flag=idle", headers=office)
    assert [s["id"] for s in idle.get_json()["items"]] == [region.C]


def test_district_report_has_streets_as_areas(client, region, office):
    data = client.get(f"/api/v1/stats/regions/{region.jia}/report?month={MARCH}", headers=office).get_json()
    assert [(a["name"], a["stations"], a["deputies"], a["min_deputies"], a["max_deputies"]) for a in data["areas"]] == \
        [("一街道", 2, 20, 9, 12), ("二镇", 1, 51, 51, 51)]


def test_only_the_office_above_a_region_sees_its_report(client, region, login):
    yi_office = login("office-yi")
    assert client.get(f"/api/v1/stats/regions/{region.yi}/report?month={MARCH}", headers=yi_office).status_code == 200
    assert client.get(f"/api/v1/stats/regions/{region.jia}/report?month={MARCH}", headers=yi_office).status_code == 403
    assert client.get(f"/api/v1/stats/regions/{region.city}/report", headers=login("liaison-a")).status_code == 403
    assert client.get(f"/api/v1/stats/regions/{region.city}/report").status_code == 401
    assert client.get("/api/v1/stats/regions", headers=yi_office).get_json()["items"][0]["id"] == region.yi


def test_a_bad_month_is_a_validation_error(client, region, office):
    r = client.get(f"/api/v1/stats/regions/{region.city}/report?month=2025-13", headers=office)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "validation_error"


def test_a_month_outside_the_calendar_range_is_a_validation_error_not_a_500(app, client, region, office):
    """Found by scripts/fuzz_api.py: month=0000-01 matched YYYY-MM and date(0, 1, 1) was a 500."""
    from liaison.core.db import db
    from liaison.stats.models import StatsRefresh

    with app.app_context():
        refreshes = db.session.query(StatsRefresh).count()
    for month in ("0000-01", "9999-12", "1999-12"):
        for path in (f"report?month={month}", f"report.xlsx?month={month}", f"stations?month={month}",
                     f"league?from={month}", f"league?to={month}"):
            r = client.get(f"/api/v1/stats/regions/{region.city}/{path}", headers=office)
            assert r.status_code == 422, (path, r.status_code)
            assert r.get_json()["error"]["code"] == "validation_error"
        r = client.post(f"/api/v1/stats/regions/{region.city}/refresh?month={month}", headers=office)
        assert r.status_code == 422 and r.get_json()["error"]["code"] == "validation_error"
    with app.app_context():
        assert db.session.query(StatsRefresh).count() == refreshes
    assert client.get(f"/api/v1/stats/regions/{region.city}/report?month=2000-01", headers=office).status_code == 200
