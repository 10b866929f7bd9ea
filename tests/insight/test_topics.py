"""Recurring topics of a region (民意研判): the API, the stored runs and their job, the
office's page, and the section in the region report and its Excel."""
from __future__ import annotations

from datetime import datetime, timezone
from io import BytesIO
from types import SimpleNamespace

import factories
import pytest

from liaison.core.clock import CHINA

MARCH = "2025-03"
LIGHTS = ["小区门口的路灯坏了好几个月，晚上出门黑漆漆的", "我们这条路的路灯晚上不亮，走夜路很危险",
          "路灯坏了没人修，晚上黑乎乎的，老人不敢出门", "巷子里的路灯一直不亮，晚上回家要摸黑"]
ELEVATOR = ["老旧小区加装电梯的补贴政策是什么，我们楼都签字同意了", "加装电梯的审批流程太复杂，跑了好几个部门",
            "我们六楼老人爬楼太难了，想申请加装电梯"]
PARKING = ["小区停车位太少了，晚上回来找不到地方停车", "小区停车位太少，晚上回来根本找不到地方停车",
           "我们小区停车位太少了，晚上回家找不到地方停车"]
LONE = ["孩子上小学的划片能不能调整一下", "社区图书室周末不开放，上班族没时间借书"]


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


@pytest.fixture
def world(app):
    """测试市 ─ 甲区 ─ 望岳街道 (station A), 临江街道 (station B); 乙区 (station C)."""
    from liaison.core.db import db

    with app.app_context():
        s = db.session
        city = factories.region(s, "测试市", "city")
        jia = factories.region(s, "甲区", "district", city)
        street_a = factories.region(s, "望岳街道", "street", jia)
        street_b = factories.region(s, "临江街道", "street", jia)
        yi = factories.region(s, "乙区", "district", city)
        a = factories.station(s, street_a, "测试市甲区望岳街道人大代表联络站")
        b = factories.station(s, street_b, "测试市甲区临江街道人大代表联络站")
        c = factories.station(s, yi, "测试市乙区人大代表联络站")
        factories.staff(s, factories.user(s, "office-jia"), "office", region_id=jia.id)
        factories.staff(s, factories.user(s, "office-yi"), "office", region_id=yi.id)
        factories.staff(s, factories.user(s, "liaison-a"), "liaison", station_id=a.id)
        ids = SimpleNamespace(jia=jia.id, yi=yi.id, a=a.id, b=b.id, c=c.id, lights=[], parking=[], lone=[])

        def opinion(station, text, when, **fields):
            return factories.opinion(s, station, text, created_at=when, **fields).id

        for n, t in enumerate(LIGHTS):
            ids.lights.append(opinion(a if n % 2 else b, "望岳街道" + t if n == 0 else t, local(2025, 3, 3 + n)))
        for n, t in enumerate(ELEVATOR):
            opinion(a, t, local(2025, 3, 10 + n))
        for n, t in enumerate(PARKING):
            ids.parking.append(opinion(a, t, local(2025, 3, 20 + n)))
        for n, t in enumerate(LONE):
            ids.lone.append(opinion(b, t, local(2025, 3, 25 + n)))
        ids.risky = opinion(a, "路灯坏了，晚上黑漆漆的，没人修", local(2025, 3, 28), sec_check="risky")
        ids.scrubbed = opinion(a, "路灯晚上不亮很危险", local(2025, 3, 29), scrubbed_at=local(2025, 3, 30))
        ids.april = opinion(a, "路灯坏了好几个月，晚上太黑", local(2025, 4, 1, 0))  # April in China
        ids.last_of_march = opinion(b, "我们这边路灯晚上也不亮，黑漆漆的", local(2025, 3, 31, 23))
        ids.lights.append(ids.last_of_march)
        for n in range(2):  # February: two about the lights, so that topic went up
            opinion(a, LIGHTS[n] + "，请尽快修", local(2025, 2, 5 + n))
        for t in LIGHTS[:3]:  # 乙区: another district's opinions never count in 甲区
            opinion(c, t, local(2025, 3, 15))
        s.commit()
    return ids


def _topics(client, login, region_id, query=f"from={MARCH}&to={MARCH}", who="office-jia"):
    return client.get(f"/api/v1/stats/regions/{region_id}/topics?{query}", headers=login(who))


def test_topics_of_a_month_with_label_size_stations_trend_and_examples(client, login, world):
    r = _topics(client, login, world.jia)
    assert r.status_code == 200, r.get_json()
    data = r.get_json()
    assert (data["from"], data["to"]) == (MARCH, MARCH)
    assert data["opinions"] == 13  # 5 lights, 3 elevator, 3 parking, 2 lone; not risky, scrubbed, April, 乙区
    by_label = {t["label"]: t for t in data["topics"]}
    lights = next(t for t in data["topics"] if "路灯" in t["label"])
    assert sorted(lights["opinion_ids"]) == sorted(world.lights)
    assert lights["size"] == 5 and "路灯" in lights["keywords"]
    assert {s["id"]: s["count"] for s in lights["stations"]} == {world.a: 2, world.b: 3}
    assert lights["stations"][0]["name"] == "测试市甲区临江街道人大代表联络站"  # most opinions first
    assert lights["trend"] == {"previous": 2, "change": 3, "direction": "up"}
    assert len(lights["examples"]) == 3
    assert {"id", "number", "summary", "station"} <= set(lights["examples"][0])
    assert lights["examples"][0]["id"] == lights["opinion_ids"][0]
    parking = next(t for t in data["topics"] if "停车" in t["label"])
    assert sorted(parking["opinion_ids"]) == sorted(world.parking)  # near-identical texts: one topic
    assert parking["trend"]["direction"] == "new"
    assert any("电梯" in label for label in by_label)
    placed = {i for t in data["topics"] for i in t["opinion_ids"]}
    assert not placed & set(world.lone) and data["unclustered"] == 2
    assert not placed & {world.risky, world.scrubbed, world.april}
    assert "望岳" not in lights["keywords"]  # place names are not what a topic is about
    assert [t["size"] for t in data["topics"]] == sorted((t["size"] for t in data["topics"]), reverse=True)


def test_a_period_is_stored_once_and_answered_from_the_store(app, client, login, world):
    from liaison.core.db import db
    from liaison.insight.models import Topic, TopicRun

    first = _topics(client, login, world.jia).get_json()
    again = _topics(client, login, world.jia).get_json()
    assert first == again
    with app.app_context():
        assert db.session.query(TopicRun).count() == 1
        assert db.session.query(Topic).count() == len(first["topics"])
    other = _topics(client, login, world.jia, "from=2025-02&to=2025-03").get_json()
    assert other["opinions"] == 15 and (other["from"], other["to"]) == ("2025-02", MARCH)
    with app.app_context():
        assert db.session.query(TopicRun).count() == 2


def test_the_periodic_job_recomputes_recent_periods(app, client, login, world):
    from liaison.core import clock
    from liaison.core.db import db
    from liaison.insight import jobs
    from liaison.insight.models import TopicRun
    from liaison.places.models import Station

    this_month = clock.today().strftime("%Y-%m")
    before = _topics(client, login, world.jia, f"from={this_month}&to={this_month}").get_json()
    assert before["topics"] == []
    with app.app_context():
        station = db.session.get(Station, world.a)
        for t in LIGHTS[:3]:
            factories.opinion(db.session, station, t, created_at=clock.now())
        db.session.commit()
    # Stored: the same answer until the job runs.
    assert _topics(client, login, world.jia, f"from={this_month}&to={this_month}").get_json()["topics"] == []
    with app.app_context():
        done = jobs.recompute()
        db.session.commit()
        periods = {(r.region_id, r.first_month.strftime("%Y-%m"), r.last_month.strftime("%Y-%m"))
                   for r in db.session.query(TopicRun)}
    assert done["periods"] == 3  # the stored one, and the default period of each office
    assert any(region == world.yi and last == this_month for region, _, last in periods)
    after = _topics(client, login, world.jia, f"from={this_month}&to={this_month}").get_json()
    assert [t["size"] for t in after["topics"]] == [3]
    from liaison.core.jobs import PERIODIC

    assert dict(PERIODIC)["liaison.insight.jobs.recompute_topics"] == 3600


def test_the_march_run_stays_as_computed(app, world):
    """A period that ended before last month is not recomputed by the job."""
    from liaison.core.db import db
    from liaison.insight import jobs, topics
    from liaison.places.models import Region

    with app.app_context():
        region = db.session.get(Region, world.jia)
        run = topics.compute(region, topics.date(2025, 3, 1), topics.date(2025, 3, 1))
        db.session.commit()
        computed_at = run.computed_at
        jobs.recompute()
        db.session.commit()
        db.session.refresh(run)
        assert run.computed_at == computed_at


def test_only_the_office_above_the_region_reads_its_topics(client, login, world):
    assert _topics(client, login, world.jia, who="office-yi").status_code == 403
    assert _topics(client, login, world.jia, who="liaison-a").status_code == 403
    assert client.get(f"/api/v1/stats/regions/{world.jia}/topics").status_code == 401
    assert client.get("/api/v1/stats/regions/999999/topics", headers=login("office-jia")).status_code == 404
    yi = _topics(client, login, world.yi, who="office-yi").get_json()
    assert yi["opinions"] == 3 and len(yi["topics"]) == 1


@pytest.mark.parametrize("query, message", [
    ("from=2025-13&to=2025-13", "月份格式应为 YYYY-MM"),
    ("from=2025-3", "月份格式应为 YYYY-MM"),
    ("from=1999-01", "月份格式应为 YYYY-MM"),
    ("from=2025-04&to=2025-03", "起始月份不能晚于结束月份"),
    ("from=2020-01&to=2025-03", "时间跨度不能超过 24 个月"),
])
def test_bad_months_are_a_chinese_422(client, login, world, query, message):
    r = _topics(client, login, world.jia, query)
    assert r.status_code == 422, r.get_json()
    assert message in str(r.get_json()["error"])


def test_the_default_period_is_the_last_three_months(client, login, world):
    from liaison.core import clock
    from liaison.stats.figures import add_months

    data = _topics(client, login, world.jia, "").get_json()
    month = clock.today().replace(day=1)
    assert (data["from"], data["to"]) == (add_months(month, -2).strftime("%Y-%m"), month.strftime("%Y-%m"))


def test_the_office_page_lists_topics_with_a_chart_and_links(app, client, world):
    _session(app, client, "office-jia")
    r = client.get(f"/reports/regions/{world.jia}/topics?from={MARCH}&to={MARCH}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert 'id="chart-topics"' in html and "/reports/insight-static/topics.js" in html and "<script>" not in html
    assert html.count('data-testid="topic"') == 3
    assert "↑ 上期 2" in html and "新出现" in html
    for opinion_id in world.lights:
        assert f"/admin/opinions/{opinion_id}" in html
    assert f"/admin/stations/{world.a}" in html
    assert client.get("/reports/insight-static/topics.js").status_code == 200
    bad = client.get(f"/reports/regions/{world.jia}/topics?from=2025-13")
    assert bad.status_code == 400 and "月份格式应为 YYYY-MM" in bad.get_data(as_text=True)
    late = client.get(f"/reports/regions/{world.jia}/topics?from=2025-04&to=2025-03")
    assert late.status_code == 400 and "起始月份不能晚于结束月份" in late.get_data(as_text=True)
    _session(app, client, "office-yi")
    assert client.get(f"/reports/regions/{world.jia}/topics").status_code == 403


def test_the_region_report_has_a_topics_section_and_sheet(app, client, login, world):
    from openpyxl import load_workbook

    _session(app, client, "office-jia")
    html = client.get(f"/reports/regions/{world.jia}?month={MARCH}").get_data(as_text=True)
    assert 'data-testid="section-topics"' in html and "民意研判" in html
    assert f"/reports/regions/{world.jia}/topics?from=2025-01&amp;to={MARCH}" in html  # the quarter up to it
    assert "13 条意见中，11 条归入 3 个反复出现的话题" in html
    r = client.get(f"/api/v1/stats/regions/{world.jia}/report.xlsx?month={MARCH}", headers=login("office-jia"))
    assert r.status_code == 200
    sheet = load_workbook(BytesIO(r.data))["民意研判"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("话题", "意见数", "与上月相比")
    sizes = sorted((row[1] for row in rows[1:4]), reverse=True)
    assert sizes == [5, 3, 3]
    lights = next(row for row in rows[1:4] if "路灯" in row[0])
    assert lights[2] == "↑ 上期 2" and "测试市甲区临江街道人大代表联络站（3）" in lights[4]
