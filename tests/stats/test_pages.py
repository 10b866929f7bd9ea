"""The report pages render the same numbers as the API (server side; Chromium in tests/browser)."""
from __future__ import annotations

import re

MARCH = "2025-03"


def _session(app, client, openid):
    from liaison.core.auth import session_fields
    from liaison.core.db import db
    from liaison.users.models import User

    with app.app_context():
        fields = session_fields(db.session.query(User).filter_by(mp_openid=openid).one())
    with client.session_transaction() as s:
        s.update(fields)


def _cell(html: str, area_id: int, key: str) -> str:
    row = re.search(rf'<tr data-area-id="{area_id}">(.*?)</tr>', html, re.S).group(1)
    return re.search(rf'data-key="{re.escape(key)}"[^>]*>([^<]*)<', row).group(1).strip()


def test_region_page_shows_the_report(app, client, region):
    _session(app, client, "office-city")
    r = client.get(f"/reports/regions/{region.city}?month={MARCH}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    for chart in ("chart-stations", "chart-deputies", "chart-trend"):
        assert f'id="{chart}"' in html
    assert "/static/vendor/echarts.min.js" in html and "<script>" not in html  # no inline code (CSP)
    assert (_cell(html, region.jia, "stations"), _cell(html, region.jia, "deputies"),
            _cell(html, region.jia, "flags.idle"), _cell(html, region.yi, "satisfaction")) == ("3", "71", "1", "100.0%")
    assert "（一）甲区。辖区 1 个街道、1 个镇" in html


def test_league_page_states_its_formula(app, client, region):
    _session(app, client, "office-city")
    html = client.get(f"/reports/regions/{region.city}/league?from=2025-01&to=2025-03").get_data(as_text=True)
    assert "95% 置信区间的下限（威尔逊方法）" in html and "件数太少，暂不排名（81）" in html


def test_deputy_page_for_the_deputy(app, client, region):
    _session(app, client, "deputy-甲1")
    html = client.get(f"/reports/deputies/{region.a[0]}?year=2025").get_data(as_text=True)
    assert re.search(r'data-key="points">16.4<', html)
    assert client.get(f"/reports/deputies/{region.a[1]}?year=2025").status_code == 403


def test_pages_need_a_login_and_the_right_office(app, client, region):
    assert client.get("/reports/").status_code == 401
    _session(app, client, "office-yi")
    r = client.get("/reports/")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/reports/regions/{region.yi}")
    assert client.get(f"/reports/regions/{region.jia}").status_code == 403


def test_static_assets_are_served_locally(client):
    assert client.get("/static/vendor/echarts.min.js").status_code == 200
    assert client.get("/reports/static/region.js").status_code == 200
    assert client.get("/reports/static/report.css").status_code == 200


def test_out_of_range_years_and_months_are_a_chinese_400_not_a_500(app, client, region):
    """Reported: /reports/deputies/<id>?year=99999 was a 500 (date(99999, 1, 1))."""
    _session(app, client, "office-city")
    for year in ("99999", "9999", "1999", "0", "-1", "abc", "2025.5"):
        r = client.get(f"/reports/deputies/{region.a[0]}?year={year}")
        assert r.status_code == 400 and "年份应在 2000 至 2100 年之间" in r.get_data(as_text=True), year
    assert client.get(f"/reports/deputies/{region.a[0]}?year=2100").status_code == 200
    assert client.get(f"/reports/deputies/{region.a[0]}?year=").status_code == 200  # this year
    for month in ("9999-12", "0000-01", "99999-01", "2025-13", "2025-3", "abc"):
        for path in (f"regions/{region.city}?month={month}", f"regions/{region.city}/league?from={month}",
                     f"regions/{region.city}/league?to={month}"):
            r = client.get(f"/reports/{path}")
            assert r.status_code == 400, (path, r.status_code)
            assert "月份格式应为 YYYY-MM（2000 至 2099 年）" in r.get_data(as_text=True)
    r = client.get(f"/reports/regions/{region.city}/league?from=2025-03&to=2025-01")
    assert r.status_code == 400 and "起始月份不能晚于结束月份" in r.get_data(as_text=True)
    assert client.get(f"/reports/regions/{region.city}?month=2099-12").status_code == 200
    assert client.get(f"/reports/regions/{region.city}/league?from=2000-01&to=2099-12").status_code == 200


def test_a_bad_value_is_not_explained_before_the_login(client, region):
    assert client.get(f"/reports/deputies/{region.a[0]}?year=99999").status_code == 401
