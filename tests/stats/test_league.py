"""The responsiveness league table: Wilson lower bound, too few to rank, unresolved never resolved."""
from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

from openpyxl import load_workbook


def add_cases(app, station_id, deputy_id, in_time=0, late=0, unresolved=0, start=0):
    """Opinions created in March 2025 with known outcomes."""
    from liaison.core.clock import CHINA as china
    from liaison.core.db import db
    from liaison.opinions.models import Opinion

    with app.app_context():
        n = start
        for kind, count in (("in_time", in_time), ("late", late), ("unresolved", unresolved)):
            for _ in range(count):
                n += 1
                created = datetime(2025, 3, 2, 10, tzinfo=china)
                replied = datetime(2025, 3, 9 if kind == "in_time" else 20, 10, tzinfo=china)
                db.session.add(Opinion(
                    number=f"L-{deputy_id}-{n}", station_id=station_id, deputy_id=deputy_id, text="x",
                    original_text="x", state="declined" if kind == "unresolved" else "replied",
                    deadline=date(2025, 3, 15), created_at=created,
                    replied_at=None if kind == "unresolved" else replied,
                    closed_at=created if kind == "unresolved" else None,
                    updated_at=replied))
        db.session.commit()


def test_deputies_rank_by_lower_bound_and_small_numbers_are_not_ranked(app, client, region, login):
    d = region.d
    add_cases(app, region.D, d[2], in_time=10)               # 丁3: 10 of 10 -> 0.7225
    add_cases(app, region.D, d[3], in_time=27, late=3)       # 丁4: 27 of 30 -> 0.7438
    add_cases(app, region.D, d[4], in_time=9)                # 丁5: 9 of 9, too few
    add_cases(app, region.D, d[5], in_time=2, unresolved=10)  # 丁6: declined cases are never resolved
    r = client.get(f"/api/v1/stats/regions/{region.yi}/league?kind=deputy&from=2025-01&to=2025-03",
                   headers=login("office-yi"))
    assert r.status_code == 200, r.get_json()
    table = r.get_json()
    assert [(x["id"], x["rank"], x["cases"], x["successes"], x["trials"]) for x in table["ranked"]] == [
        (d[3], 1, 30, 27, 30), (d[2], 2, 10, 10, 10), (d[5], 3, 12, 2, 12)]
    assert [x["lower_bound"] for x in table["ranked"]][:2] == [0.7438, 0.7225]
    too_few = {x["id"]: x["cases"] for x in table["too_few"]}
    assert too_few[d[4]] == 9 and too_few[d[0]] == 1 and table["too_few_total"] == 7
    assert "95% 置信区间的下限（威尔逊方法）" in table["formula"] and "少于 10 件" in table["formula"]


def test_stations_league_counts_every_opinion_of_the_station(app, client, region, office):
    add_cases(app, region.D, region.d[2], in_time=9)
    table = client.get(f"/api/v1/stats/regions/{region.city}/league?kind=station&from=2025-03&to=2025-03",
                       headers=office).get_json()
    assert [(x["id"], x["cases"], x["successes"], x["trials"]) for x in table["ranked"]] == [(region.D, 10, 11, 11)]
    assert {x["id"]: x["cases"] for x in table["too_few"]} == {region.A: 4, region.B: 1, region.C: 0}


def test_station_months_for_its_staff(client, region, login):
    r = client.get(f"/api/v1/stats/stations/{region.A}/months?year=2025", headers=login("liaison-a"))
    assert r.status_code == 200
    months = r.get_json()["items"]
    assert (months[2]["active_days"], months[2]["receptions"], months[2]["opinions_in"], months[3]["check_ins"]) == (2, 1, 5, 1)
    assert client.get(f"/api/v1/stats/stations/{region.D}/months", headers=login("liaison-a")).status_code == 403


def test_region_report_as_excel(client, region, office):
    r = client.get(f"/api/v1/stats/regions/{region.city}/report.xlsx?month=2025-03", headers=office)
    assert r.status_code == 200
    wb = load_workbook(BytesIO(r.data))
    assert wb.sheetnames == ["概况", "各区域", "联络站", "问题清单", "隐身代表", "月度趋势", "民意研判", "分办建议"]
    areas = list(wb["各区域"].iter_rows(values_only=True))
    assert areas[0][:7] == ("区域", "联络站", "中心站", "特色站等", "进站代表", "最少", "最多")
    assert areas[1][:7] == ("甲区", 3, 2, 1, 71, 9, 51)
    assert areas[2][:7] == ("乙区", 1, 1, 0, 10, 10, 10)
    assert wb["隐身代表"].max_row == 75  # header + 74
    assert wb["联络站"].max_row == 5
