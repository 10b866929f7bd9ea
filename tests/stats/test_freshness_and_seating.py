"""Reports say how old their figures are and can be rebuilt on demand; deputies are
judged invisible (隐身) only for periods they sat through; the area sentence gives
the deputies' range per kind of station."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import factories

from liaison.core.clock import CHINA

MARCH = "2025-03"  # the report month of the small region (conftest)


def local(y, m, d, hh=10):
    return datetime(y, m, d, hh, tzinfo=CHINA).astimezone(timezone.utc)


def _session(app, client, openid):
    from liaison.core.auth import session_fields
    from liaison.core.db import db
    from liaison.users.models import User

    with app.app_context():
        fields = session_fields(db.session.query(User).filter_by(mp_openid=openid).one())
    with client.session_transaction() as s:
        s.update(fields)


def _refreshed_at(app, region_id, month):
    from liaison.core.db import db
    from liaison.stats.models import StatsRefresh

    with app.app_context():
        return db.session.get(StatsRefresh, (month, region_id)).refreshed_at.astimezone(CHINA)


def test_the_report_says_when_its_figures_were_rebuilt(app, client, region, office):
    data = client.get(f"/api/v1/stats/regions/{region.city}/report?month={MARCH}", headers=office).get_json()
    moment = _refreshed_at(app, region.city, date(2025, 3, 1))
    assert data["refreshed_at"] == moment.isoformat(timespec="seconds")
    assert data["as_of"].startswith("数据截至 ") and data["as_of"].endswith(f"{moment:%H:%M}")
    _session(app, client, "office-city")
    html = client.get(f"/reports/regions/{region.city}?month={MARCH}").get_data(as_text=True)
    shown = re.search(r'data-testid="as-of">([^<]+)<', html).group(1)
    assert shown == data["as_of"]
    league = client.get(f"/api/v1/stats/regions/{region.city}/league?from=2025-01&to={MARCH}", headers=office)
    assert league.get_json()["as_of"] == data["as_of"]


def test_as_of_names_the_day_when_it_was_not_today():
    from liaison.stats.refresh import as_of_text

    moment = datetime(2025, 3, 31, 16, 5, tzinfo=timezone.utc)  # 1 April 00:05 in China
    assert as_of_text(moment, date(2025, 4, 1)) == "数据截至 00:05"
    assert as_of_text(moment, date(2025, 4, 2)) == "数据截至 4月1日 00:05"
    assert as_of_text(moment, date(2026, 1, 5)) == "数据截至 2025年4月1日 00:05"
    assert as_of_text(None, date(2025, 4, 1)) == ""


def test_a_new_opinion_counts_at_once_and_the_refresh_button_rebuilds(app, client, region, office):
    from liaison.core.db import db
    from liaison.opinions.models import Opinion
    from liaison.stats.models import StatsRefresh

    url = f"/api/v1/stats/regions/{region.city}/report?month={MARCH}"
    before = client.get(url, headers=office).get_json()["totals"]["opinions_in"]
    with app.app_context():
        db.session.add(Opinion(number="T-LATE", station_id=region.A, text="迟到的意见", original_text="迟到的意见",
                               state="submitted", created_at=local(2025, 3, 30), updated_at=local(2025, 3, 30)))
        db.session.commit()
        stamp = db.session.get(StatsRefresh, (date(2025, 3, 1), region.city)).refreshed_at
    assert client.get(url, headers=office).get_json()["totals"]["opinions_in"] == before + 1  # recounted at once
    _session(app, client, "office-city")
    page = client.get(f"/reports/regions/{region.city}?month={MARCH}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post(f"/reports/regions/{region.city}/refresh", data={"csrf_token": token, "month": MARCH})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/reports/regions/{region.city}?month={MARCH}")
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert re.search(r'data-key="opinions_in">(\d+)<', html).group(1) == str(before + 1)
    assert _refreshed_at(app, region.city, date(2025, 3, 1)) >= stamp
    api = client.post(f"/api/v1/stats/regions/{region.city}/refresh?month={MARCH}", headers=office).get_json()
    assert api["as_of"].startswith("数据截至 ") and api["refreshed_at"]


def test_only_the_office_over_the_region_may_refresh_from_the_page(app, client, region):
    _session(app, client, "office-yi")
    page = client.get(f"/reports/regions/{region.yi}?month={MARCH}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post(f"/reports/regions/{region.jia}/refresh", data={"csrf_token": token, "month": MARCH})
    assert r.status_code == 403
    assert client.post(f"/reports/regions/{region.yi}/refresh",
                       data={"csrf_token": token, "month": "2025-13"}).status_code == 400


def test_the_area_rows_give_the_deputies_range_per_kind_of_station(client, region, office):
    data = client.get(f"/api/v1/stats/regions/{region.city}/report?month={MARCH}", headers=office).get_json()
    jia, yi = data["areas"]
    assert jia["deputies_by_kind"] == {"central": {"min": 9, "max": 51}, "feature": {"min": 12, "max": 12}}
    assert yi["deputies_by_kind"] == {"central": {"min": 10, "max": 10}, "feature": None}
    assert "驻站代表数中心站 9~51 人、特色站等 12 人" in data["text"][0]


def _roster(app, today, early=None):
    """A new district imported on ``today``: one station, twelve deputies; ``early`` names
    a deputy whose row gives an earlier 进站日期. Returns (district id, office headers maker)."""
    from liaison.core.db import db
    from liaison.places.importer import import_rows
    from liaison.places.models import Region

    rows = [{"_row": i + 2, "区域": "导入市/新区/新街道", "联络站": "导入市新区新街道人大代表联络站",
             "代表姓名": f"新{i}", "代表编号": f"N-{i}", "代表层级": "区",
             "进站日期": early[1] if early and early[0] == i else ""} for i in range(12)]
    with app.app_context():
        import_rows(rows, today=today)
        district = db.session.query(Region).filter_by(name="新区").one()
        factories.staff(db.session, factories.user(db.session, "office-new", "新区人大工委"), "office",
                        region_id=district.id)
        db.session.commit()
        return district.id


def _invisible(client, headers, region_id, month):
    data = client.get(f"/api/v1/stats/regions/{region_id}/report?month={month}", headers=headers).get_json()
    return data["totals"]["flags"]["invisible"], {i["name"] for i in data["flags"]["invisible"]["items"]}


def test_after_importing_a_roster_no_deputy_is_invisible_that_month(app, client, login):
    district = _roster(app, date(2025, 3, 10))
    office = login("office-new")
    assert _invisible(client, office, district, "2025-03") == (0, set())
    assert _invisible(client, office, district, "2025-05")[0] == 0  # the window (March–May) began before the seats
    count, names = _invisible(client, office, district, "2025-06")  # April–June sat through, nothing done
    assert count == 12 and len(names) == 12


def test_a_roster_row_with_an_earlier_start_date_is_judged_from_that_date(app, client, login):
    district = _roster(app, date(2025, 3, 10), early=(0, "2024-06-01"))
    assert _invisible(client, login("office-new"), district, "2025-03") == (1, {"新0"})


def test_a_deputy_who_moved_station_inside_the_window_is_judged_as_seated_throughout():
    from liaison.stats.seats import Seat, month_seats

    window, as_of = date(2025, 1, 1), date(2025, 3, 31)
    seats = [Seat(1, 10, "home", None, date(2025, 2, 9), False, False),   # left station 10 ...
             Seat(1, 11, "home", date(2025, 2, 10), None, False, False),  # ... for station 11
             Seat(2, 11, "home", date(2025, 2, 10), None, False, False),  # new in February
             Seat(3, 11, "home", date(2025, 1, 1), None, False, False),   # seated on the window's first day
             Seat(4, 11, "home", None, None, False, False)]               # seated, but active
    regions = {10: ((100,), 100), 11: ((100,), 100)}
    ms = month_seats(seats, as_of, window, {4}, regions)
    assert ms.invisible == {1, 3}
    assert ms.compositions[11].deputies == 4 and 10 not in ms.compositions  # station 10's seat ended
