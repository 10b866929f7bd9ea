"""Names on the report page are text: a region or station called ``<img onerror=…>`` shows
as those characters in the charts' tooltips and the lists, and no script runs."""
from __future__ import annotations

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

IMG = "<img src=x onerror=alert(1)>"
BOLD = "<b>粗体</b>区"
CHARTS = ("chart-stations", "chart-deputies", "chart-trend")


@pytest.fixture
def hostile_region(app):
    """测试区 with streets ``<img …>`` and ``<b>粗体</b>区``, a station named ``<img …>站``
    in each (three deputies), and a demo office login."""
    from liaison.core.db import db
    from liaison.places.models import Deputy, Membership, Region, Station
    from liaison.users.models import StaffRole, User

    app.config["DEMO_MODE"] = True
    with app.app_context():
        top = Region(name="测试区", level="district", path="/")
        db.session.add(top)
        db.session.flush()
        top.path = f"/{top.id}/"
        for i, name in enumerate((IMG, BOLD)):
            street = Region(name=name, level="street", parent_id=top.id, path="")
            db.session.add(street)
            db.session.flush()
            street.path = f"{top.path}{street.id}/"
            station = Station(name=f"{name}站", region_id=street.id, reception_plan={})
            db.session.add(station)
            db.session.flush()
            for k in range(3 + i):
                deputy = Deputy(name=f"{IMG}{i}{k}", levels=["county"])
                db.session.add(deputy)
                db.session.flush()
                db.session.add(Membership(deputy_id=deputy.id, station_id=station.id))
        office = User(mp_openid="demo-office-escape", nickname="工委")
        db.session.add(office)
        db.session.flush()
        db.session.add(StaffRole(user_id=office.id, role="office", region_id=top.id))
        db.session.commit()
        return top.id


def show_tip(page, chart: str) -> str:
    """Open the tooltip of the chart's first category, as a hover does; return its text."""
    page.evaluate("""id => echarts.getInstanceByDom(document.getElementById(id))
        .dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0})""", chart)
    handle = page.wait_for_function("""id => [...document.querySelectorAll('#' + id + ' div')]
        .find(d => getComputedStyle(d).zIndex === '9999999' && d.style.display !== 'none'
                   && d.textContent.trim())""", arg=chart)
    return handle.evaluate("d => d.textContent")


def test_region_and_station_names_in_tooltips_and_lists_are_shown_as_text(live_server, hostile_region,
                                                                          browser_page):
    page = browser_page
    target = f"/reports/regions/{hostile_region}?month=2025-03"
    page.goto(f"{live_server}/auth/demo-login?openid=demo-office-escape&next={quote(target)}")
    assert page.url.endswith(target)
    for chart in CHARTS:
        page.wait_for_selector(f"#{chart} canvas")
    tips = {chart: show_tip(page, chart) for chart in CHARTS}
    assert IMG in tips["chart-deputies"] and "3~3 人" in tips["chart-deputies"]
    assert IMG in tips["chart-stations"]
    page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('chart-deputies'))
        .dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 1})""")
    page.wait_for_function("t => document.querySelector('#chart-deputies').textContent.includes(t)", arg=BOLD)
    assert page.locator("main img, main b:has-text('粗体')").count() == 0  # no markup from a name anywhere
    listed = page.eval_on_selector_all('[data-flag="under_min"] li', "items => items.map(i => i.textContent)")
    assert sorted(t.split("：")[0] for t in listed) == sorted([f"{IMG}站", f"{BOLD}站"])
    page.wait_for_load_state("networkidle")  # an <img src=x> would have failed to load by now
    # ECharts colours its tooltip markers with inline style attributes, which the pages' CSP
    # (style-src 'self') refuses and reports; any other report (a refused inline handler, a
    # failed image) would come from a name.
    others = [e for e in page.console_errors if not e.startswith("Applying inline style violates")]
    assert page.dialogs == [] and others == []
