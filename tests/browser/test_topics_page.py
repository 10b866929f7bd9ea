"""The office's topics page (民意研判) in Chromium: the chart draws one bar pair per topic,
its tooltip names the topic with both periods' counts, and nothing breaks the CSP."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import quote

import factories
import pytest

from liaison.core.clock import CHINA

pytestmark = pytest.mark.browser

LIGHTS = ["小区门口的路灯坏了好几个月，晚上出门黑漆漆的", "我们这条路的路灯晚上不亮，走夜路很危险",
          "路灯坏了没人修，晚上黑乎乎的，老人不敢出门", "巷子里的路灯一直不亮，晚上回家要摸黑"]
ELEVATOR = ["老旧小区加装电梯的补贴政策是什么，我们楼都签字同意了", "加装电梯的审批流程太复杂，跑了好几个部门",
            "我们六楼老人爬楼太难了，想申请加装电梯"]


@pytest.fixture
def district(app):
    from liaison.core.db import db

    app.config["DEMO_MODE"] = True
    with app.app_context():
        s = db.session
        top = factories.region(s, "测试区", "district")
        station = factories.station(s, factories.region(s, "望岳街道", "street", top), "测试区望岳街道人大代表联络站")
        for n, text in enumerate(LIGHTS + ELEVATOR):
            factories.opinion(s, station, text, created_at=datetime(2025, 3, 2 + n, 10, tzinfo=CHINA).astimezone(timezone.utc))
        factories.opinion(s, station, LIGHTS[0], created_at=datetime(2025, 2, 3, 10, tzinfo=CHINA).astimezone(timezone.utc))
        factories.staff(s, factories.user(s, "demo-office-topics", "工委"), "office", region_id=top.id)
        s.commit()
        return top.id


def test_the_chart_shows_each_topic_against_the_previous_period(live_server, district, browser_page):
    page = browser_page
    target = f"/reports/regions/{district}/topics?from=2025-03&to=2025-03"
    page.goto(f"{live_server}/auth/demo-login?openid=demo-office-topics&next={quote(target)}")
    assert page.url.endswith(target)
    page.wait_for_selector("#chart-topics canvas", timeout=10_000)
    box = page.locator("#chart-topics canvas").first.bounding_box()
    assert box["width"] > 300 and box["height"] >= 220
    option = page.evaluate("""() => {
        const o = echarts.getInstanceByDom(document.getElementById('chart-topics')).getOption();
        return {labels: o.yAxis[0].data, now: o.series[0].data, before: o.series[1].data}; }""")
    assert len(option["labels"]) == 2 and any("路灯" in label for label in option["labels"])
    lights = next(i for i, label in enumerate(option["labels"]) if "路灯" in label)
    assert (option["now"][lights], option["before"][lights]) == (4, 1)
    page.evaluate("""i => echarts.getInstanceByDom(document.getElementById('chart-topics'))
        .dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: i})""", lights)
    page.wait_for_function("() => document.querySelector('#chart-topics').textContent.includes('上一时段 1 条')")
    assert page.locator('[data-testid="topic"]').count() == 2
    others = [e for e in page.console_errors if not e.startswith("Applying inline style violates")]
    assert page.dialogs == [] and others == []
