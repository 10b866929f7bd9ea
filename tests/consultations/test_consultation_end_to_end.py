"""A consultation end to end (issue 17, Done means): publish, comment on an article and on
the whole, a deputy's comment, hide one, close, export; the export's counts match."""
from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook

from consultation_helpers import DRAFT


def _messages(app, openid, event):
    from liaison.core.db import db
    from liaison.notifications.models import Message
    from liaison.users.models import User

    with app.app_context():
        user = db.session.query(User).filter_by(mp_openid=openid).one()
        return [(m.title, m.body) for m in db.session.query(Message).filter_by(user_id=user.id, event=event)]


def _outbox(app, openid, event):
    from liaison.core.db import db
    from liaison.notifications.models import Notification
    from liaison.users.models import User

    with app.app_context():
        user = db.session.query(User).filter_by(mp_openid=openid).one()
        return [(n.channel, n.template_id, n.page) for n in
                db.session.query(Notification).filter_by(user_id=user.id, event=event)
                .order_by(Notification.id)]


def publish(client, headers, world, **extra):
    from liaison.core import clock

    body = {"title": "岳麓区文明行为促进条例（草案）", "summary": "请对草案提出意见。", "text": DRAFT,
            "closes_on": (clock.today() + timedelta(days=30)).isoformat(), "station_ids": [world.s], **extra}
    return client.post("/api/v1/consultations", json=body, headers=headers)


def test_a_consultation_from_publishing_to_the_export(app, client, world, as_, pdf_text):
    office = as_("office-d")
    r = publish(client, office, world)
    assert r.status_code == 201, r.get_json()
    c = r.get_json()["consultation"]
    cid = c["id"]
    assert c["state"] == "open" and c["stations"] == [{"id": world.s, "name": "一街道人大代表联络站"}]
    assert [(a["number"], a["label"], a["chapter"]) for a in c["articles"]] == [
        (1, "第一条", "第一章 总则"), (2, "第二条", "第一章 总则"),
        (3, "第三条", "第二章 文明行为规范"), (4, "第四条", "第二章 文明行为规范")]
    assert c["articles"][2]["text"].endswith("（二）依次排队，相互礼让。")
    assert c["preamble"] == "长沙市岳麓区文明行为促进条例（草案征求意见稿）"

    # The deputy seated at the targeted station is told through the outbox (official account);
    # the deputy of another district's station is not.
    assert _messages(app, "deputy-w", "consultation_opened")[0][0] == "岳麓区文明行为促进条例（草案）"
    assert _outbox(app, "deputy-w", "consultation_opened") == [
        ("template", "tmpl-oa-consultation", f"/h5/consultations/{cid}")]
    assert _messages(app, "deputy-x", "consultation_opened") == []

    # Residents reach it from the station: the open consultations of station S.
    listed = client.get(f"/api/v1/consultations?station_id={world.s}").get_json()["items"]
    assert [x["id"] for x in listed] == [cid]
    assert client.get(f"/api/v1/consultations?station_id={world.x}").get_json()["items"] == []

    a, b, deputy = as_("res-a"), as_("res-b"), as_("deputy-w")
    said = [
        (a, {"article": 2, "text": "建议明确适用范围是否包括景区。"}),
        (a, {"article": None, "text": "整体很好，建议增加对志愿服务的激励。"}),
        (b, {"article": 2, "text": "第二条应写明居民小区也适用。"}),
        (b, {"article": 3, "text": "小区里有人聚众赌博，应当写进来"}),  # WeChat: risky
        (deputy, {"article": 1, "text": "建议在第一条中写明立法依据的具体法律。"}),
    ]
    ids = []
    for who, body in said:
        r = client.post(f"/api/v1/consultations/{cid}/comments", json=body, headers=who)
        assert r.status_code == 201, r.get_json()
        ids.append(r.get_json()["comment"])
    assert ids[4]["as_deputy"] is True and ids[4]["author"] == "代表 王代表"
    assert ids[0]["as_deputy"] is False and ids[0]["author"] == "群众"
    assert ids[3]["hidden"] is True  # the content check hid it at once
    r = client.post(f"/api/v1/consultations/{cid}/comments", json={"article": 9, "text": "没有这一条"}, headers=a)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "article_not_found"

    # Staff moderate: hide one with a reason; the text is kept, the author is told.
    r = client.post(f"/api/v1/consultations/{cid}/comments/{ids[0]['id']}/hide", json={"reason": "与条文无关"},
                    headers=as_("res-b"))
    assert r.status_code == 403
    r = client.post(f"/api/v1/consultations/{cid}/comments/{ids[0]['id']}/hide", json={"reason": "与条文无关"},
                    headers=office)
    assert r.status_code == 200 and r.get_json()["comment"]["hidden_reason"] == "与条文无关"
    assert r.get_json()["comment"]["text"] == "建议明确适用范围是否包括景区。"
    [(title, body)] = _messages(app, "res-a", "consultation_comment_hidden")
    assert title == "您的意见已被隐藏" and "原因：与条文无关" in body
    assert _outbox(app, "res-a", "consultation_comment_hidden") == [
        ("subscribe", "tmpl-resident-consultation", f"pages/consultation/consultation?id={cid}")]
    mine = client.get(f"/api/v1/consultations/{cid}", headers=a).get_json()["consultation"]["mine"]
    assert [(m["hidden"], m["hidden_reason"]) for m in mine] == [(True, "与条文无关"), (False, "")]

    # Before the closing there is no export; the office closes it; nobody comments any more.
    assert client.get(f"/api/v1/consultations/{cid}/comments.xlsx", headers=office).status_code == 409
    r = client.post(f"/api/v1/consultations/{cid}/close", headers=office)
    assert r.status_code == 200 and r.get_json()["consultation"]["state"] == "closed"
    r = client.post(f"/api/v1/consultations/{cid}/comments", json={"article": None, "text": "晚了吗？"}, headers=a)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "consultation_not_open"

    # The export: grouped by article, counts and comments; hidden ones counted apart.
    r = client.get(f"/api/v1/consultations/{cid}/comments.xlsx", headers=office)
    assert r.status_code == 200
    wb = load_workbook(BytesIO(r.data))
    head = list(wb["汇总"].iter_rows(min_row=3, max_row=3, values_only=True))[0]
    assert head[:10] == ("收到意见", 5, "汇总意见", 3, "未汇总（已隐藏）", 2, "其中代表意见", 1, "参与人数", 3)
    per_article = {row[0]: row[2:5] for row in wb["汇总"].iter_rows(min_row=6, values_only=True)}
    assert per_article == {"草案整体": (1, 0, 0), "第一条": (1, 1, 0), "第二条": (1, 0, 1),
                           "第三条": (0, 0, 1), "第四条": (0, 0, 0)}
    detail = list(wb["意见明细"].iter_rows(min_row=2, values_only=True))
    assert [(row[1], row[3], row[4]) for row in detail] == [
        ("草案整体", "群众", "整体很好，建议增加对志愿服务的激励。"),
        ("第一条", "代表 王代表", "建议在第一条中写明立法依据的具体法律。"),
        ("第二条", "群众", "第二条应写明居民小区也适用。")]
    assert sum(per_article[k][0] for k in per_article) == len(detail) == head[3]

    r = client.get(f"/api/v1/consultations/{cid}/comments.pdf", headers=office)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = "".join(pdf_text(r.data).split())
    assert "收到意见5条" in text and "未汇总2条（已隐藏）" in text and "其中代表意见1条" in text
    assert "第二条应写明居民小区也适用。" in text and "景区" not in text and "赌博" not in text

    # What became of it: published by the office, every commenter told, everyone sees it.
    r = client.post(f"/api/v1/consultations/{cid}/outcome", json={"text": "采纳了关于居民小区适用的建议。"},
                    headers=office)
    assert r.status_code == 200
    for openid in ("res-a", "res-b", "deputy-w"):
        assert _messages(app, openid, "consultation_outcome") == [
            ("意见采纳情况已公布", "您参与的《岳麓区文明行为促进条例（草案）》意见征集已公布意见采纳情况，感谢您的参与。")]
    assert _outbox(app, "deputy-w", "consultation_outcome") == [
        ("template", "tmpl-oa-consultation", f"/h5/consultations/{cid}")]
    shown = client.get(f"/api/v1/consultations/{cid}").get_json()["consultation"]
    assert shown["outcome"]["text"] == "采纳了关于居民小区适用的建议。" and shown["state"] == "closed"
    assert "comments" not in shown  # the comments themselves are for the office
    assert [x["id"] for x in client.get("/api/v1/consultations?state=closed").get_json()["items"]] == [cid]


def test_only_the_office_over_the_targets_publishes_and_runs_it(app, client, world, as_):
    office, other = as_("office-d"), as_("office-o")
    r = publish(client, office, world, station_ids=[world.x])
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "target_outside"
    assert publish(client, other, world, region_id=world.district).status_code == 403
    assert publish(client, as_("liaison-s"), world).status_code == 403
    assert publish(client, as_("res-a"), world).status_code == 403
    r = publish(client, office, world, station_ids=[], region_ids=[world.district])
    assert r.status_code == 201
    c = r.get_json()["consultation"]
    assert {s["id"] for s in c["stations"]} == {world.s, world.t}
    for path in ("comments.xlsx", "comments.pdf"):
        assert client.get(f"/api/v1/consultations/{c['id']}/{path}", headers=other).status_code == 403
        assert client.get(f"/api/v1/consultations/{c['id']}/{path}").status_code == 401
    assert client.post(f"/api/v1/consultations/{c['id']}/close", headers=other).status_code == 403
    assert client.post(f"/api/v1/consultations/{c['id']}/comments", json={"text": "匿名意见"}).status_code == 401


def test_a_later_opening_tells_the_deputies_on_its_first_day_once(app, client, world, as_):
    from liaison.consultations.jobs import notify_opened
    from liaison.core import clock

    start = clock.today() + timedelta(days=3)
    r = publish(client, as_("office-d"), world, opens_on=start.isoformat())
    assert r.status_code == 201 and r.get_json()["consultation"]["state"] == "scheduled"
    cid = r.get_json()["consultation"]["id"]
    assert client.get(f"/api/v1/consultations/{cid}").status_code == 404  # not open yet
    assert client.get(f"/api/v1/consultations/{cid}", headers=as_("office-d")).status_code == 200
    r = client.post(f"/api/v1/consultations/{cid}/comments", json={"text": "提前提意见"}, headers=as_("res-a"))
    assert r.status_code == 404
    with app.app_context():
        assert notify_opened() == 0
    assert _messages(app, "deputy-w", "consultation_opened") == []
    clock.anchor(clock.start_of_china_day(start) + timedelta(hours=9))
    with app.app_context():
        assert notify_opened() == 1
        assert notify_opened() == 0
    assert len(_messages(app, "deputy-w", "consultation_opened")) == 1
    assert client.get(f"/api/v1/consultations/{cid}").get_json()["consultation"]["state"] == "open"


def test_a_comment_wechat_could_not_check_is_checked_again_by_the_sweep(app, client, world, as_, phone):
    from liaison.consultations.jobs import recheck_comments

    cid = publish(client, as_("office-d"), world).get_json()["consultation"]["id"]
    resident = as_("res-a")
    said = []
    for text in ("建议增加宣传。", "小区里有人聚众赌博"):
        phone.fault("/wxa/msg_sec_check", 1, status=503)  # WeChat unreachable when it is written
        r = client.post(f"/api/v1/consultations/{cid}/comments", json={"text": text}, headers=resident)
        assert r.status_code == 201 and r.get_json()["comment"]["hidden"] is False
        said.append(r.get_json()["comment"]["id"])
    staff = client.get(f"/api/v1/consultations/{cid}", headers=as_("office-d")).get_json()["consultation"]
    assert [c["sec_check"] for c in staff["comments"]] == ["pending", "pending"]
    with app.app_context():
        assert recheck_comments() == {"pass": 1, "risky": 1}
        assert recheck_comments() == {}
    staff = client.get(f"/api/v1/consultations/{cid}", headers=as_("office-d")).get_json()["consultation"]
    assert [(c["sec_check"], c["hidden"]) for c in staff["comments"]] == [("pass", False), ("risky", True)]
    assert staff["counts"]["hidden"] == 1
