"""A deputy's duty record (履职档案) and its exports, for 甲1 who sits in two stations."""
from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook


def test_duty_record_of_a_deputy_in_two_stations(client, region, office):
    r = client.get(f"/api/v1/stats/deputies/{region.a[0]}/duty-record?year=2025", headers=office)
    assert r.status_code == 200, r.get_json()
    rec = r.get_json()
    assert [s["membership"] for s in rec["deputy"]["stations"]] == ["home", "cross"]
    t = rec["totals"]
    assert {k: t[k] for k in ("check_ins", "check_ins_unplanned", "active_days", "receptions", "residents",
                              "summoned", "answered", "closed", "in_time", "late", "unresolved", "ratings",
                              "satisfied", "suggestions", "decided", "pending_now")} == {
        "check_ins": 2, "check_ins_unplanned": 1, "active_days": 2, "receptions": 1, "residents": 12,
        "summoned": 4, "answered": 3, "closed": 2, "in_time": 2, "late": 1, "unresolved": 1, "ratings": 2,
        "satisfied": 1, "suggestions": 0, "decided": 4, "pending_now": 0}
    assert t["in_time_share"] == 0.5
    assert t["satisfaction"] == 0.5
    assert t["median_response_days"] == 8.0  # 8, 9 and 8 days from submission to answer
    assert rec["points"]["total"] == 16.4  # 2×2 + 1×3 + 12×0.2 + 4×1 + 2×1 + 1×1
    feb, mar = rec["months"][1], rec["months"][2]
    assert (feb["opinions_in"], feb["in_time"], mar["opinions_in"], mar["check_ins"]) == (1, 1, 3, 2)
    assert [(c["date"], c["in_plan"], c["reception"], c["residents"]) for c in rec["check_ins"]] == [
        ("2025-03-15", True, True, 12), ("2025-03-16", False, False, 0)]


def test_check_in_just_after_midnight_counts_on_the_local_day(client, region, office):
    rec = client.get(f"/api/v1/stats/deputies/{region.a[2]}/duty-record?year=2025", headers=office).get_json()
    assert [(m["month"], m["check_ins"]) for m in rec["months"][2:4]] == [("2025-03", 1), ("2025-04", 1)]


def test_duty_points_weights_come_from_configuration(app, client, region, office):
    app.config["STATS_DUTY_POINTS"] = {"check_ins": 10, "suggestions": 50}
    rec = client.get(f"/api/v1/stats/deputies/{region.a[0]}/duty-record?year=2025", headers=office).get_json()
    assert rec["points"]["total"] == 20
    assert [i["key"] for i in rec["points"]["items"]] == ["check_ins", "suggestions"]


def test_duty_record_matches_the_summary_rows_the_league_uses(app, client, region, office):
    from datetime import date

    from liaison.core.db import db
    from liaison.stats.models import DeputyMonth
    from liaison.stats.refresh import refresh

    rec = client.get(f"/api/v1/stats/deputies/{region.a[0]}/duty-record?year=2025", headers=office).get_json()
    with app.app_context():
        refresh(date(2025, 1, 1), date(2025, 12, 1), date(2026, 1, 10))
        row = db.session.get(DeputyMonth, (region.a[0], date(2025, 3, 1)))
        assert {k: getattr(row, k) for k in ("check_ins", "receptions", "residents", "opinions_in", "in_time",
                                             "late", "unresolved", "ratings", "satisfied")} == \
            {k: rec["months"][2][k] for k in ("check_ins", "receptions", "residents", "opinions_in", "in_time",
                                             "late", "unresolved", "ratings", "satisfied")}


def test_who_may_read_a_duty_record(client, region, login):
    me = login("deputy-甲1")
    assert client.get(f"/api/v1/stats/deputies/{region.a[0]}/duty-record", headers=me).status_code == 200
    assert client.get(f"/api/v1/stats/deputies/{region.a[1]}/duty-record", headers=me).status_code == 403
    liaison = login("liaison-a")
    assert client.get(f"/api/v1/stats/deputies/{region.a[1]}/duty-record", headers=liaison).status_code == 200
    assert client.get(f"/api/v1/stats/deputies/{region.d[0]}/duty-record", headers=liaison).status_code == 403
    yi = login("office-yi")
    assert client.get(f"/api/v1/stats/deputies/{region.d[0]}/duty-record", headers=yi).status_code == 200
    assert client.get(f"/api/v1/stats/deputies/{region.a[0]}/duty-record", headers=yi).status_code == 403


def test_yearly_sheet_as_excel_and_pdf(client, region, office):
    r = client.get(f"/api/v1/stats/deputies/{region.a[0]}/duty-record.xlsx?year=2025", headers=office)
    assert r.status_code == 200
    wb = load_workbook(BytesIO(r.data))
    lines = {row[0]: row[1] for row in wb["履职档案"].iter_rows(values_only=True) if row and row[0]}
    assert lines["进站履职（次）"] == "2" and lines["接待群众（人次）"] == "12" and lines["履职积分"] == "16.4"
    assert lines["按期答复率"] == "50.0%" and lines["响应时间中位数"] == "8 天"
    assert [r[0] for r in wb["进站记录"].iter_rows(min_row=2, values_only=True)] == ["2025-03-15", "2025-03-16"]
    pdf = client.get(f"/api/v1/stats/deputies/{region.a[0]}/duty-record.pdf?year=2025", headers=office)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and len(pdf.data) > 10_000


def test_duty_points_count_only_verified_check_ins_and_list_the_rest_as_pending(app, client, region, office, login, run_jobs):
    from datetime import date, datetime

    from liaison.core.clock import CHINA as china
    from liaison.core.db import db
    from liaison.reception.attendance import check_in
    from liaison.stats.models import DeputyMonth
    from liaison.users.models import User

    url = f"/api/v1/stats/deputies/{region.a[2]}/duty-record?year=2025"
    before = client.get(url, headers=office).get_json()
    with app.app_context():
        user = db.session.get(User, region.user_a3)
        far, _ = check_in(user, "tokenA", datetime(2025, 3, 25, 10, tzinfo=china),
                          (28.1955 + 0.045, 112.9430))  # 5 km north of station A
        bare, _ = check_in(user, "tokenA", datetime(2025, 3, 26, 10, tzinfo=china))  # location refused
        far_id = far.id
        assert (far.verified, bare.verified) == (False, False)
    rec = client.get(url, headers=office).get_json()
    assert (rec["totals"]["check_ins"], rec["totals"]["active_days"]) == \
        (before["totals"]["check_ins"], before["totals"]["active_days"])
    assert rec["totals"]["check_ins_pending"] == 2 and rec["points"]["total"] == before["points"]["total"]
    assert [(c["date"], c["pending"], c["status"]) for c in rec["check_ins"] if c["pending"]] == [
        ("2025-03-25", True, "待确认（距联络站约5.0公里）"), ("2025-03-26", True, "待确认（未获取到手机位置）")]
    page = client.get(f"/reports/deputies/{region.a[2]}?year=2025", headers=office).get_data(as_text=True)
    assert "另有 <span data-key=\"check_ins_pending\">2</span> 次待确认" in page

    confirmed = client.post(f"/api/v1/check-ins/{far_id}/confirm", headers=login("liaison-a"))
    assert confirmed.status_code == 200, confirmed.get_json()
    rec = client.get(url, headers=office).get_json()
    assert rec["totals"]["check_ins"] == before["totals"]["check_ins"] + 1
    assert rec["totals"]["check_ins_pending"] == 1
    assert rec["points"]["total"] == before["points"]["total"] + 2  # one more check-in at 2 points
    assert [c["status"] for c in rec["check_ins"] if c["date"] == "2025-03-25"] == ["工作人员已确认"]
    assert any(j.startswith("stats-drain-") for j in run_jobs())  # the commit kicked the recount
    with app.app_context():  # the summary row the league and region reports read was recounted too
        assert db.session.get(DeputyMonth, (region.a[2], date(2025, 3, 1))).check_ins == rec["months"][2]["check_ins"]
