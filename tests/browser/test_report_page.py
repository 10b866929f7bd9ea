"""The NPC office's report pages in headless Chromium: charts drawn, table equal to the API.

The app runs in a real HTTP server (werkzeug, in a thread) with the demo login on;
screenshots at 375×812 go to test-artifacts/ (git-ignored).
"""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import pytest

from liaison.core.clock import CHINA

pytestmark = pytest.mark.browser

MONTH = date(2026, 10, 1)  # a fixed, complete month: the suite never reads the wall clock
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def served(app):
    """The app behind a real HTTP server on a free port; yields its base URL."""
    from werkzeug.serving import make_server

    app.config["DEMO_MODE"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def activity(app):
    """The demo data set plus one past month's receptions and opinions in 岳麓区.

    The month is fixed (October 2026) and every time inside it, so the test passes at
    any date and hour: the pages are asked for that month and year explicitly.
    """
    from sqlalchemy import select

    from liaison.core.db import db
    from liaison.opinions.models import Opinion
    from liaison.users.demo import load_demo
    from liaison.places.models import Deputy, Membership, Region, Station
    from liaison.reception.attendance import record_reception
    from liaison.users.models import User

    with app.app_context():
        load_demo()
        first = MONTH
        now = datetime(first.year, first.month, 20, 12, 0, tzinfo=CHINA).astimezone(timezone.utc)
        yuelu = db.session.execute(select(Region).where(Region.name == "岳麓区")).scalar_one()
        stations = list(db.session.execute(select(Station).join(Region, Region.id == Station.region_id).where(
            Region.path.like(yuelu.path + "%")).order_by(Station.id)).scalars())
        staff = db.session.execute(select(User).where(User.mp_openid == "demo-liaison")).scalar_one()
        for i, station in enumerate(stations):
            members = list(db.session.execute(select(Membership.deputy_id).where(
                Membership.station_id == station.id).order_by(Membership.id)).scalars())
            if i != 1:  # the second station stays idle this month
                record_reception(station, staff, {"date": first, "residents": 6 + i, "opinions_registered": 2,
                                                  "deputy_ids": members[:3]}, now)
            for k in range(3 + i):
                created = now - timedelta(days=k % 2, hours=k + 1)
                replied = created + timedelta(hours=5) if k % 3 == 0 else None
                db.session.add(Opinion(number=f"B-{station.id}-{k}", station_id=station.id, deputy_id=members[k % 4],
                                       text="楼道灯坏了", original_text="楼道灯坏了",
                                       state="replied" if replied else "accepted", created_at=created,
                                       replied_at=replied, updated_at=replied or created,
                                       deadline=first + timedelta(days=40)))
        db.session.commit()
        deputy = db.session.execute(select(Deputy).where(Deputy.external_id == "CS-WANGMING")).scalar_one()
        return {"region": yuelu.id, "deputy": deputy.id, "month": first.strftime("%Y-%m"), "year": first.year}


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, locale="zh-CN")
        yield context.new_page()
        browser.close()


def test_region_report_draws_its_charts_and_its_table_matches_the_api(served, activity, page):
    ARTIFACTS.mkdir(exist_ok=True)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    target = f"/reports/regions/{activity['region']}?month={activity['month']}"
    page.goto(f"{served}/auth/demo-login?openid=demo-office&next={quote(target)}")
    assert page.url.endswith(target)
    for chart in ("chart-stations", "chart-deputies", "chart-trend"):
        page.wait_for_selector(f"#{chart} canvas", timeout=10_000)
        box = page.locator(f"#{chart} canvas").first.bounding_box()
        assert box["width"] > 300 and box["height"] > 200, chart
    api = page.evaluate(f"fetch('/api/v1/stats/regions/{activity['region']}/report?month={activity['month']}')"
                        ".then(r => r.json())")
    rows = page.eval_on_selector_all("#areas-table tbody tr", """rows => rows.map(r => ({
        id: Number(r.dataset.areaId),
        cells: Object.fromEntries([...r.querySelectorAll('td[data-key]')].map(td => [td.dataset.key, td.textContent.trim()]))
    }))""")
    assert [r["id"] for r in rows] == [a["id"] for a in api["areas"]] and len(rows) == 3
    for row, area in zip(rows, api["areas"]):
        for key, text in row["cells"].items():
            if key == "satisfaction":
                expected = "—" if area[key] is None else f"{area[key] * 100:.1f}%"
            elif key.startswith("flags."):
                expected = str(area["flags"][key[6:]])
            else:
                expected = "" if area[key] is None else str(area[key])
            assert text == expected, (area["name"], key)
    totals = api["totals"]
    assert page.text_content('[data-key="stations"]').strip() == str(totals["stations"])
    assert page.text_content('.kpi [data-key="idle"]').strip() == str(totals["flags"]["idle"]) == "1"
    assert totals["receptions"] == 3 and totals["opinions_in"] == 3 + 4 + 5 + 6
    assert page.locator("#part-one p.text").count() == 3
    page.screenshot(path=str(ARTIFACTS / "report-region-375.png"))
    page.screenshot(path=str(ARTIFACTS / "report-region-375-full.png"), full_page=True)
    assert not errors, errors


def test_league_and_duty_record_pages(served, activity, page):
    ARTIFACTS.mkdir(exist_ok=True)
    league = f"/reports/regions/{activity['region']}/league?from={activity['month']}&to={activity['month']}"
    page.goto(f"{served}/auth/demo-login?openid=demo-office&next={quote(league)}")
    assert "95% 置信区间的下限（威尔逊方法）" in page.text_content("#formula")
    assert page.locator("#too-few li").count() > 0  # one month of demo data: nobody has 10 cases yet
    page.screenshot(path=str(ARTIFACTS / "report-league-375.png"), full_page=True)
    page.goto(f"{served}/reports/deputies/{activity['deputy']}?year={activity['year']}")
    page.wait_for_selector("#chart-months canvas", timeout=10_000)
    assert page.text_content('[data-key="receptions"]').strip() == "1"
    page.screenshot(path=str(ARTIFACTS / "report-deputy-375.png"), full_page=True)


def test_report_page_asks_for_login(served, page):
    page.goto(f"{served}/reports/")
    assert "请先登录" in page.content()
