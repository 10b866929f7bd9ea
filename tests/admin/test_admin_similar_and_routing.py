"""The opinion page for staff: similar earlier cases with their answers and a one-tap
duplicate, and the accept / assign forms with the suggested category and unit
pre-selected, with the reason."""
from __future__ import annotations

import re
from datetime import timedelta

import factories
from page_helpers import page_csrf
from sqlalchemy import select

from liaison.core import clock
from liaison.core.db import db

LIGHTS = "小区北门的路灯坏了两个星期，晚上出行很不安全，希望尽快修复。"
ANSWER = "已安排城管局路灯所于本周内更换灯具，修复后请您监督。"
TRAINING = [("urban", "岳麓区城市管理和综合执法局", t) for t in (
    "桐梓坡路有好几盏路灯不亮，夜里骑车看不清路面。", "望岳路人行道的路灯一闪一闪的，请派人检修路灯。",
    "枫林一路辅道路灯全黑，老人晚上散步摔了跤。", "我们巷子里没有路灯，建议加装几盏路灯。",
    "咸嘉湖路公园旁的路灯灯罩掉了，灯泡裸露很危险。", "学校后门那段路灯坏了一个月，孩子回家很黑。")] + [
    ("social", "岳麓区民政局", t) for t in (
        "老年食堂饭菜涨价，希望给高龄老人更多补贴。", "独居老人多，希望社区定期上门探访老人。",
        "高龄津贴申请手续太复杂，老人跑了好几趟。", "社区养老服务中心名额太少，老人排不上队。",
        "养老院收费太高，普通退休老人住不起。", "老年助餐点离家太远，腿脚不便的老人去不了。")]


def _seed(app, places):
    from liaison.opinions.models import Assignment, OpinionEvent
    from liaison.places.models import HandlingUnit, Station

    with app.app_context():
        here = db.session.get(Station, places["station_id"])
        before = clock.now() - timedelta(days=60)
        answered = factories.opinion(db.session, here, LIGHTS, state="replied", reply_text=ANSWER,
                                     replied_at=before + timedelta(days=2), created_at=before)
        units = {}
        for n, (category, unit_name, body) in enumerate(TRAINING):
            if unit_name not in units:
                unit = db.session.scalars(select(HandlingUnit).where(HandlingUnit.name == unit_name)).first()
                if unit is None:
                    unit = HandlingUnit(name=unit_name, level="district", region_id=places["region_id"])
                    db.session.add(unit)
                    db.session.flush()
                units[unit_name] = unit.id
            o = factories.opinion(db.session, here, body, state="assigned", category=category,
                                  created_at=before + timedelta(hours=n + 1))
            db.session.add(OpinionEvent(opinion_id=o.id, action="accept", from_state="submitted", to_state="accepted",
                                        actor_role="liaison", payload={}, at=o.created_at))
            db.session.add(Assignment(opinion_id=o.id, unit_id=units[unit_name], role="lead", status="accepted"))
        db.session.commit()
        number = answered.number
    result = app.test_cli_runner().invoke(args=["routing", "train"])
    assert result.exit_code == 0 and "分类：12 件" in result.output, result.output
    return answered.id, number, units


def _post(client, opinion_id, **fields):
    html = client.get(f"/admin/opinions/{opinion_id}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    data = {"csrf_token": page_csrf(client, f"/admin/opinions/{opinion_id}"), "version": version, **fields}
    return client.post(f"/admin/opinions/{opinion_id}/act", data=data)


def test_staff_see_similar_cases_and_link_a_duplicate_in_one_tap(app, client, staff, opinion, places):
    answered, number, _units = _seed(app, places)
    op = opinion("北门路灯坏了两个星期，晚上出行很不安全，希望尽快修好。")
    staff("liaison")
    html = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    block = html[html.index('data-testid="similar-cases"'):html.index('data-testid="actions"')]
    assert number in block and ANSWER in block and f'data-testid="duplicate-of-{answered}"' in block
    r = _post(client, op["id"], action="mark_duplicate", duplicate_of=str(answered))
    assert r.status_code == 302, r.get_data(as_text=True)
    html = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    assert "合并重复件" in html and ANSWER in html and "duplicate-of-" not in html  # closed: no more taps


def test_the_accept_and_assign_forms_preselect_the_suggestion_with_its_reason(app, client, staff, opinion, places):
    _answered, _number, units = _seed(app, places)
    op = opinion("我家楼下路灯不亮好几天了，晚上走路看不见。")
    staff("liaison")
    html = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    accept = html[html.index('data-action="accept"'):]
    accept = accept[:accept.index("</details>")]
    assert '<option value="urban" selected>' in accept
    assert re.search(r'data-testid="hint-accept-category">建议分类：城市管理（把握 \d+%，依据：[^<]*路灯', accept), accept
    assert _post(client, op["id"], action="accept", category="urban").status_code == 302
    html = client.get(f"/admin/opinions/{op['id']}?unit_level=all").get_data(as_text=True)
    assign = html[html.index('data-action="assign"'):]
    assign = assign[:assign.index("</details>")]
    unit = units["岳麓区城市管理和综合执法局"]
    assert f'value="{unit}" checked' in assign
    assert "建议主办单位：岳麓区城市管理和综合执法局" in assign
