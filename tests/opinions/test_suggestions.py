"""Closed-session suggestions (闭会期间代表建议): the deputy's list with what became of each,
the outcome staff or the NPC office record (audited), and the deputy told of it through
the outbox: in-app, and the official account's template message WeChat received."""
from __future__ import annotations

from liaison.core.db import db

TITLE = "关于完善老旧小区照明设施的建议"


def _suggested(submit, act, world, title=TITLE, text="建议对老旧小区路灯统一排查更换。"):
    op = submit(deputy_id=world["deputy_id"]).get_json()["opinion"]
    assert act("demo-liaison", op["id"], "accept").status_code == 200
    r = act("demo-deputy", op["id"], "to_suggestion", title=title, text=text)
    assert r.status_code == 200, r.get_json()
    return op


def _list(client, who, openid, **query):
    r = client.get("/api/v1/suggestions", query_string=query, headers=who(openid))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_the_deputy_lists_their_suggestions_newest_first_with_the_opinion_they_came_from(
        client, submit, act, who, world):
    first = _suggested(submit, act, world)
    second = _suggested(submit, act, world, title="关于增设公交站点的建议", text="")
    mine = _list(client, who, "demo-deputy", mine="true")
    assert (mine["total"], mine["page"], mine["per_page"]) == (2, 1, 20)
    assert [s["title"] for s in mine["items"]] == ["关于增设公交站点的建议", TITLE]
    item = mine["items"][1]
    assert item["opinion"] == {"id": first["id"], "number": first["number"], "summary": first["text"][:40]}
    assert (item["state"], item["state_label"], item["outcome"]) == ("filed", "已提出，待答复", None)
    assert item["text"] == "建议对老旧小区路灯统一排查更换。"
    assert item["deputy"]["id"] == world["deputy_id"]
    assert mine["items"][0]["opinion"]["id"] == second["id"]
    paged = _list(client, who, "demo-deputy", mine="true", per_page=1, page=2)
    assert [s["title"] for s in paged["items"]] == [TITLE] and paged["total"] == 2
    # The station's staff see them too; nobody else does.
    assert _list(client, who, "demo-liaison")["total"] == 2
    assert _list(client, who, "demo-liaison", mine="true")["total"] == 0  # not a deputy
    for stranger in ("demo-resident", "other-deputy", "other-liaison", "other-office", "demo-unit"):
        assert _list(client, who, stranger)["items"] == [], stranger


def test_staff_record_the_outcome_the_deputy_reads_it_and_wechat_delivers_the_message(
        app, client, submit, act, who, world, phone):
    from liaison.audit.models import AuditEntry
    from liaison.notifications.jobs import deliver_pending
    from liaison.notifications.models import Message, Notification
    from liaison.users.demo import fake_wechat_setup
    import requests

    for user in fake_wechat_setup()[1]:  # the demo deputy follows the official account
        requests.post(f"{phone.base}/_fake/users", json=user, timeout=5).raise_for_status()
    op = _suggested(submit, act, world)
    sid = _list(client, who, "demo-deputy", mine="true")["items"][0]["id"]
    with app.app_context():
        before = db.session.query(Notification).count()
    r = client.post(f"/api/v1/suggestions/{sid}/outcome", headers=who("demo-liaison"),
                    json={"unit_name": " 岳麓区  住房和城乡建设局 ", "outcome": "已纳入明年老旧小区改造计划，统一更换路灯。"})
    assert r.status_code == 200, r.get_json()
    got = r.get_json()["suggestion"]
    assert got["state"] == "answered" and got["outcome"]["unit_name"] == "岳麓区 住房和城乡建设局"
    item = _list(client, who, "demo-deputy", mine="true")["items"][0]
    assert item["state_label"] == "已答复"
    assert item["outcome"]["text"] == "已纳入明年老旧小区改造计划，统一更换路灯。"
    with app.app_context():
        audit = db.session.query(AuditEntry).filter_by(action="suggestion.answered").one()
        assert (audit.entity_id, audit.station_id, audit.after["state"]) == (sid, world["station_id"], "answered")
        assert audit.before["state"] == "filed"
        told = db.session.query(Message).filter_by(event="suggestion_answered").one()
        assert told.title == "代表建议已有答复" and TITLE in told.body and op["number"] in told.body
        rows = db.session.query(Notification).filter_by(event="suggestion_answered").all()
        assert [(n.audience, n.template_id, n.status) for n in rows] == [("deputy", "tmpl-oa-progress", "pending")]
        assert db.session.query(Notification).count() == before + 1  # the deputy only
        deliver_pending()
        assert db.session.get(Notification, rows[0].id).status == "sent"
    sent = [m for m in phone.messages() if m.get("template_id") == "tmpl-oa-progress"]
    assert sent[-1]["touser"] == "oa-demo-deputy"
    assert sent[-1]["miniprogram"]["pagepath"] == "pages/suggestions/suggestions"
    assert sent[-1]["data"]["phrase3"]["value"] == "已答复"
    assert sent[-1]["url"].endswith(f"/admin/opinions/{op['id']}")
    # Recording again corrects it: audited and told again.
    r = client.post(f"/api/v1/suggestions/{sid}/outcome", headers=who("demo-office"),
                    json={"unit_name": "岳麓区城市管理和综合执法局", "outcome": "改由城管局负责更换。"})
    assert r.status_code == 200, r.get_json()
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(action="suggestion.answered").count() == 2
        assert db.session.query(Message).filter_by(event="suggestion_answered").count() == 2


def test_only_staff_of_the_station_or_the_office_over_it_record_and_empty_fields_are_refused(
        app, client, submit, act, who, world):
    from liaison.opinions.models import Suggestion

    _suggested(submit, act, world)
    sid = _list(client, who, "demo-deputy", mine="true")["items"][0]["id"]
    body = {"unit_name": "岳麓区住房和城乡建设局", "outcome": "已答复"}

    def post(openid, json=body):
        return client.post(f"/api/v1/suggestions/{sid}/outcome", headers=who(openid), json=json)

    r = post("demo-deputy")
    assert r.status_code == 403 and "工作人员" in r.get_json()["error"]["message"]
    for stranger in ("demo-resident", "other-liaison", "other-office", "other-deputy", "demo-unit"):
        assert post(stranger).status_code == 404, stranger
    r = post("demo-liaison", {"unit_name": " ", "outcome": ""})
    assert r.status_code == 422
    fields = r.get_json()["error"]["details"]["fields"]
    assert fields == {"unit_name": ["请填写答复这条建议的承办单位"], "outcome": ["请填写承办单位的答复或办理结果"]}
    assert post("demo-liaison", {"unit_name": "单" * 101, "outcome": "好"}).status_code == 422
    assert client.post("/api/v1/suggestions/999999/outcome", headers=who("demo-liaison"), json=body).status_code == 404
    with app.app_context():
        assert db.session.get(Suggestion, sid).state == "filed"  # nothing refused was kept
