"""The work queue and the opinion page: filters, search, counts, allowed buttons, actions."""
from __future__ import annotations

import re
from datetime import timedelta

from page_helpers import page_csrf

from liaison.core import clock

TEXTS = ["望月湖小区三栋楼道灯坏了，晚上老人上下楼很危险。",
         "学校门口早晚高峰拥堵，希望增设交通协管员。",
         "菜市场旁边的垃圾站气味很大，夏天尤其严重。"]


def _items(html: str) -> list[str]:
    return re.findall(r'data-number="([^"]+)"', html)


def _act(client, opinion_id, action, **fields):
    token = page_csrf(client, f"/admin/opinions/{opinion_id}")
    version = re.search(r'name="version" value="(\d+)"',
                        client.get(f"/admin/opinions/{opinion_id}").get_data(as_text=True))
    data = {"csrf_token": token, "action": action, **fields}
    if version:
        data["version"] = version.group(1)
    return client.post(f"/admin/opinions/{opinion_id}/act", data=data)


def test_queue_lists_the_station_opinions_with_counts(client, staff, opinion):
    made = [opinion(TEXTS[0]), opinion(TEXTS[1], category="traffic", resident="demo-resident2")]
    staff("liaison")
    html = client.get("/admin/queue").get_data(as_text=True)
    assert set(_items(html)) == {o["number"] for o in made}
    counts = html[html.index('data-testid="state-counts"'):html.index("</div>", html.index('data-testid="state-counts"'))]
    assert "全部 <b>2</b>" in counts and "已提交 <b>2</b>" in counts


def test_queue_filters_by_category_state_and_chinese_text(client, staff, opinion):
    a = opinion(TEXTS[0])
    b = opinion(TEXTS[1], category="traffic")
    staff("liaison")
    assert _act(client, a["id"], "accept").status_code == 302
    assert _items(client.get("/admin/queue?category=traffic").get_data(as_text=True)) == [b["number"]]
    assert _items(client.get("/admin/queue?state=accepted").get_data(as_text=True)) == [a["number"]]
    assert _items(client.get("/admin/queue?q=交通协管").get_data(as_text=True)) == [b["number"]]
    assert _items(client.get("/admin/queue?q=" + a["number"]).get_data(as_text=True)) == [a["number"]]
    assert _items(client.get("/admin/queue?q=不存在的内容").get_data(as_text=True)) == []


def test_queue_filters_by_deputy_and_date(client, staff, opinion, places):
    a = opinion(TEXTS[0], deputy_id=places["deputy_id"])
    opinion(TEXTS[1])
    staff("liaison")
    html = client.get(f"/admin/queue?deputy_id={places['deputy_id']}").get_data(as_text=True)
    assert _items(html) == [a["number"]]
    tomorrow = (clock.today() + timedelta(days=2)).isoformat()
    assert _items(client.get(f"/admin/queue?from={tomorrow}").get_data(as_text=True)) == []
    yesterday = (clock.today() - timedelta(days=2)).isoformat()
    assert len(_items(client.get(f"/admin/queue?from={yesterday}&to={tomorrow}").get_data(as_text=True))) == 2


def test_overdue_opinions_come_first_and_can_be_filtered(app, client, staff, opinion):
    from liaison.core.db import db
    from liaison.opinions.models import Opinion

    old, new = opinion(TEXTS[0]), opinion(TEXTS[1])
    staff("liaison")
    _act(client, old["id"], "accept")
    with app.app_context():  # the deadline passed: what the clock does, not a transition
        row = db.session.get(Opinion, old["id"])
        row.deadline = clock.today() - timedelta(days=3)
        db.session.commit()
    html = client.get("/admin/queue").get_data(as_text=True)
    assert _items(html)[0] == old["number"] and "已超期" in html
    assert _items(client.get("/admin/queue?overdue=1").get_data(as_text=True)) == [old["number"]]
    assert _items(client.get("/admin/queue?sort=newest").get_data(as_text=True))[0] == new["number"]


def test_other_station_staff_do_not_see_it_and_the_office_does(client, staff, opinion):
    op = opinion(TEXTS[0])
    staff("office")
    assert _items(client.get("/admin/queue").get_data(as_text=True)) == [op["number"]]
    client.post("/admin/logout", data={"csrf_token": page_csrf(client, "/admin/me")})
    staff("unit")  # a handling unit sees nothing until it is assigned
    assert _items(client.get("/admin/queue").get_data(as_text=True)) == []
    assert client.get(f"/admin/opinions/{op['id']}").status_code == 404


def test_only_allowed_actions_appear_as_buttons(client, staff, opinion):
    op = opinion(TEXTS[0])
    staff("liaison")
    html = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    buttons = set(re.findall(r'data-testid="action-([a-z_]+)"', html))
    assert {"accept", "decline", "urge", "note"} <= buttons
    assert not buttons & {"assign", "reply_directly", "close", "reopen", "rate"}
    _act(client, op["id"], "accept")
    buttons = set(re.findall(r'data-testid="action-([a-z_]+)"',
                             client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)))
    assert {"assign", "reply_directly", "decline"} <= buttons and "accept" not in buttons


def test_accept_assign_reply_and_timeline(client, staff, opinion, places):
    op = opinion(TEXTS[0])
    staff("liaison")
    unit = places["units"]["岳麓区住房和城乡建设局"]
    deadline = (clock.today() + timedelta(days=20)).isoformat()
    assert _act(client, op["id"], "accept", category="housing", note="已电话联系居民").status_code == 302
    r = _act(client, op["id"], "assign", unit_ids=str(unit), level="district", deadline=deadline)
    assert r.status_code == 302
    r = _act(client, op["id"], "reply_directly", text="已更换楼道灯，感谢反映。", method="phone")
    assert r.status_code == 302
    html = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    assert "已答复" in html and "已更换楼道灯" in html
    timeline = html[html.index('data-testid="timeline"'):]
    for label in ("受理", "交办", "代为答复", "提交"):
        assert label in timeline
    assert "承办单位：岳麓区住房和城乡建设局" in timeline and "事项层级：区（县）" in timeline
    assert "已电话联系居民" in timeline


def test_decline_needs_reason_and_channel(client, staff, opinion):
    op = opinion(TEXTS[2])
    staff("liaison")
    r = _act(client, op["id"], "decline", reason="")
    assert r.status_code == 422  # the page again, the decline form open with the message
    page = r.get_data(as_text=True)
    assert 'data-testid="form-error-decline"' in page and "请填写不予受理的原因" in page
    r = _act(client, op["id"], "decline", reason="属于诉讼程序中的案件", channel="litigation")
    html = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    assert "不予受理" in html and "建议反映渠道：诉讼" in html


def test_a_stale_page_gets_a_conflict_message(client, staff, opinion):
    op = opinion(TEXTS[0])
    staff("liaison")
    token = page_csrf(client, f"/admin/opinions/{op['id']}")
    html = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    _act(client, op["id"], "accept")  # someone else acted meanwhile
    r = client.post(f"/admin/opinions/{op['id']}/act",
                    data={"csrf_token": token, "action": "decline", "version": version,
                          "reason": "重复", "channel": "other"})
    assert r.status_code == 409
    assert "刚刚被他人处理过" in r.get_data(as_text=True)


def test_a_deputy_sees_the_opinion_that_summoned_them_and_can_make_it_a_suggestion(client, staff, opinion, places):
    mine = opinion(TEXTS[0], deputy_id=places["deputy_id"])
    staff("liaison")
    _act(client, mine["id"], "accept")
    client.post("/admin/logout", data={"csrf_token": page_csrf(client, "/admin/me")})
    staff("deputy")
    html = client.get("/admin/queue").get_data(as_text=True)
    assert mine["number"] in _items(html)
    page = client.get(f"/admin/opinions/{mine['id']}").get_data(as_text=True)
    buttons = set(re.findall(r'data-testid="action-([a-z_]+)"', page))
    assert {"note", "urge", "to_suggestion"} <= buttons
    assert not buttons & {"accept", "assign", "reply_directly", "close"}
    r = _act(client, mine["id"], "to_suggestion", title="关于老旧小区路灯维护的建议", text="建议建立路灯巡查机制。")
    assert r.status_code == 302
    page = client.get(f"/admin/opinions/{mine['id']}").get_data(as_text=True)
    assert "转为闭会期间代表建议" in page
    stations = client.get("/admin/stations").get_data(as_text=True)
    assert "望月湖街道人大代表联络站" not in stations  # no station management for deputies
    assert client.get(f"/admin/stations/{places['station_id']}").status_code == 404


def test_internal_notes_and_the_hold_reason_stay_with_staff(client, staff, opinion, places):
    op = opinion(TEXTS[0], deputy_id=places["deputy_id"], anonymous=True, contact_phone="13800001234")
    unit = places["units"]["岳麓区住房和城乡建设局"]
    staff("liaison")
    _act(client, op["id"], "hold", hold_reason="manual", note="先核实是否重复投诉")
    page = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    assert "人工暂缓" in page and "先核实是否重复投诉" in page and "13800001234" in page
    for action, fields in (("release_hold", {}), ("accept", {}),
                           ("assign", {"unit_ids": str(unit), "level": "district", "note": "交办说明：请现场查看"}),
                           ("urge", {"method": "phone", "note": "已电话催办住建局王科长。"})):
        assert _act(client, op["id"], action, **fields).status_code == 302
    seen = {}
    for who in ("deputy", "unit"):
        client.post("/admin/logout", data={"csrf_token": page_csrf(client, "/admin/me")})
        staff(who)
        html = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
        seen[who] = html[html.index('data-testid="timeline"'):]
        assert "转入审核" in seen[who] and "督办" in seen[who], who
        for secret in ("人工暂缓", "先核实是否重复投诉", "王科长", "13800001234", "138****1234", "居民张阿姨"):
            assert secret not in html, (who, secret)
    assert "交办说明：请现场查看" in seen["unit"]  # the unit's instruction
    assert "交办说明：请现场查看" not in seen["deputy"]


def test_out_of_range_filters_are_a_chinese_400_not_a_500(client, staff, opinion):
    """Reported: /admin/queue?from=9999-12-31&to=9999-12-31 was a 500 (the day after 9999-12-31)."""
    made = opinion(TEXTS[0])
    staff("liaison")
    for query, message in (("from=9999-12-31&to=9999-12-31", "日期应在 2000 年至 2099 年之间"),
                           ("to=9999-12-31", "日期应在 2000 年至 2099 年之间"),
                           ("from=0001-01-01", "日期应在 2000 年至 2099 年之间"),
                           ("from=2026-13-01", "日期格式应为 YYYY-MM-DD"),
                           ("to=abc", "日期格式应为 YYYY-MM-DD"),
                           ("deputy_id=99999999999999999999", "筛选条件不正确"),
                           ("station_id=2147483648", "筛选条件不正确")):
        r = client.get(f"/admin/queue?{query}")
        assert r.status_code == 400, (query, r.status_code)
        assert message in r.get_data(as_text=True), query
    html = client.get("/admin/queue?from=2000-01-01&to=2099-12-31").get_data(as_text=True)
    assert _items(html) == [made["number"]]
