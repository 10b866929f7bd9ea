"""Duty records are reached by clicking (league table, deputy pages), and the report
charts' legends fit a 360 px phone. A fixed past month (October 2026): the suite never
reads the wall clock."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from liaison.core.clock import CHINA

pytestmark = pytest.mark.browser

MONTH = date(2026, 10, 1)


@pytest.fixture
def served(app, live_server):
    app.config["DEMO_MODE"] = True
    return live_server


@pytest.fixture
def cases(app):
    """The demo places plus twelve answered, in-time cases summoning 王明 in October 2026."""
    from sqlalchemy import select

    from liaison.core.db import db
    from liaison.opinions.models import Opinion
    from liaison.users.demo import DEMO_STATION, load_demo
    from liaison.places.models import Deputy, Region, Station

    with app.app_context():
        load_demo()
        station = db.session.execute(select(Station).where(Station.name == DEMO_STATION)).scalar_one()
        deputy = db.session.execute(select(Deputy).where(Deputy.external_id == "CS-WANGMING")).scalar_one()
        for k in range(12):
            created = datetime(2026, 10, 3 + k, 9, 0, tzinfo=CHINA).astimezone(timezone.utc)
            replied = created + timedelta(days=2)
            db.session.add(Opinion(number=f"L-{k}", station_id=station.id, deputy_id=deputy.id,
                                   text=f"第{k}号意见", original_text=f"第{k}号意见", state="replied",
                                   created_at=created, replied_at=replied, updated_at=replied,
                                   deadline=date(2026, 11, 30)))
        db.session.commit()
        region = db.session.execute(select(Region).where(Region.name == "岳麓区")).scalar_one()
        return {"region": region.id, "deputy": deputy.id, "name": deputy.name}


def test_a_click_on_a_name_in_the_league_table_opens_that_deputys_duty_record(served, cases, browser_page):
    page = browser_page
    league = f"/reports/regions/{cases['region']}/league?from=2026-10&to=2026-10"
    page.goto(f"{served}/auth/demo-login?openid=demo-office&next={quote(league)}")
    row = page.locator(f'#ranked tr[data-id="{cases["deputy"]}"]')
    assert row.locator("td").first.text_content() == "1"
    row.locator('[data-testid="league-name"]').click()
    page.wait_for_url(f"**/reports/deputies/{cases['deputy']}?year=2026")
    assert page.text_content("h1").strip() == f"{cases['name']} 2026 年度履职档案"
    assert page.text_content('[data-key="summoned"]').strip() == "12"
    assert not page.console_errors


def test_the_deputys_own_page_and_the_admin_deputy_page_link_the_duty_record(served, cases, new_page):
    page = new_page()
    page.goto(f"{served}/auth/demo-login?openid=demo-deputy&next=/admin/me")
    identity = page.locator('[data-testid="deputy-identity"]')
    assert page.text_content('[data-testid="deputy-name"]') == cases["name"]
    assert "望月湖街道人大代表联络站" in identity.text_content() and "驻站" in identity.text_content()
    page.click('[data-testid="duty-record-link"]')
    page.wait_for_url(f"**/reports/deputies/{cases['deputy']}")
    assert cases["name"] in page.text_content("h1")

    office = new_page()
    office.goto(f"{served}/auth/demo-login?openid=demo-office&next=/admin/deputies/{cases['deputy']}")
    office.click('[data-testid="duty-record-link"]')
    office.wait_for_url(f"**/reports/deputies/{cases['deputy']}")
    assert "履职档案" in office.text_content("h1")


LEGEND_FITS = """id => {
    const chart = echarts.getInstanceByDom(document.getElementById(id));
    const names = new Set((chart.getOption().legend || []).flatMap(l => (l.data || [])
        .map(d => typeof d === 'string' ? d : d.name)).concat(chart.getOption().series.map(s => s.name)));
    const width = chart.getWidth();
    const out = [];
    chart.getZr().storage.getDisplayList().forEach(el => {
        if (!el.style || !names.has(el.style.text)) return;
        const r = el.getBoundingRect().clone();
        r.applyTransform(el.getComputedTransform());
        out.push({text: el.style.text, left: r.x, right: r.x + r.width, width});
    });
    return out;
}"""


def test_report_chart_legends_fit_a_360_px_phone(served, cases, new_page, screenshot):
    page = new_page(viewport={"width": 360, "height": 780})
    report = f"/reports/regions/{cases['region']}?month=2026-10"
    page.goto(f"{served}/auth/demo-login?openid=demo-office&next={quote(report)}")
    expected = {"chart-stations": {"中心站", "特色站等"},
                "chart-trend": {"活动天数", "接待次数", "收到意见", "办结", "超期"}}
    for chart, names in expected.items():
        page.wait_for_selector(f"#{chart} canvas")
        items = page.evaluate(LEGEND_FITS, chart)
        assert {i["text"] for i in items} >= names, (chart, items)
        for item in items:
            assert item["left"] >= 0 and item["right"] <= item["width"], (chart, item)
    screenshot(page, "report-region-360")
    page.goto(f"{served}/reports/deputies/{cases['deputy']}?year=2026")
    page.wait_for_selector("#chart-months canvas")
    screenshot(page, "report-deputy-360")
    items = page.evaluate(LEGEND_FITS, "chart-months")
    assert {i["text"] for i in items} >= {"进站", "接待", "被点将", "按期答复"}
    assert all(i["left"] >= 0 and i["right"] <= i["width"] for i in items), items
    assert not page.console_errors
