"""The periodic rebuild, the CLI commands, and the reports noticing fresh activity."""
from __future__ import annotations

from datetime import date


def test_refresh_recent_rebuilds_this_month_and_last(app, region):
    from liaison.core.db import db
    from liaison.stats.jobs import refresh_recent
    from liaison.stats.models import StationMonth, StatsRefresh

    with app.app_context():
        result = refresh_recent()
        assert result["stations"] == 8  # 4 stations × 2 months, composition rows even without activity
        months = {r.month for r in db.session.query(StatsRefresh)}
        assert len(months) == 2 and all(m.day == 1 for m in months)
        assert db.session.query(StationMonth).filter(StationMonth.month.in_(months)).count() == 8


def test_flask_stats_refresh_for_a_region(runner, region):
    r = runner.invoke(args=["stats", "refresh", "--from", "2025-01", "--to", "2025-03", "--region", str(region.jia)])
    assert r.exit_code == 0, r.output
    assert "已重算 2025-01 至 2025-03：联络站 9 行" in r.output


def test_flask_reception_plan_generates_every_station(app, runner, region):
    from liaison.core.db import db
    from liaison.reception.models import ReceptionDay

    r = runner.invoke(args=["reception", "plan", "--year", "2030"])
    assert r.exit_code == 0, r.output
    assert r.output.strip() == "已生成 48 个接待日"  # 4 stations × 12 months (the 15th)
    with app.app_context():
        assert db.session.query(ReceptionDay).filter(ReceptionDay.date >= date(2030, 1, 1)).count() == 48


def test_a_reception_recorded_later_shows_in_a_fresh_report_at_once(client, region, office, login):
    url = f"/api/v1/stats/regions/{region.city}/report?month=2025-03"
    before = client.get(url, headers=office).get_json()["totals"]
    r = client.post(f"/api/v1/stations/{region.C}/reception-records",
                    json={"date": "2025-03-28", "residents": 9, "deputy_ids": [region.c[5]]}, headers=office)
    assert r.status_code == 201, r.get_json()
    after = client.get(url, headers=office).get_json()
    assert after["totals"]["receptions"] == before["receptions"] + 1
    assert after["totals"]["residents"] == before["residents"] + 9
    assert after["totals"]["flags"]["idle"] == before["flags"]["idle"] - 1  # C is no longer idle
