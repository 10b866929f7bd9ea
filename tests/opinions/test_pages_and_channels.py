"""Channels against the strict fake WeChat: a deputy's 点将 through the official account,
a template send retried after a timeout arrives once (client_msg_id), and a tap that
would mix one-time and long-term templates is refused by WeChat but never made by us."""
import time
import uuid

import requests
from wechat_checks import pages_not_found, tap_through

TEMPLATE_SEND = "/cgi-bin/message/template/send"
TEXT = "望月湖小区北门两盏路灯坏了两周，晚上老人出行容易摔倒，请尽快修复。"


def _deliver(app, now=None):
    from liaison.notifications.jobs import deliver_pending

    with app.app_context():
        return deliver_pending(now=now)


def _submit(client, who, world, openid="demo-resident", deputy=True):
    r = client.post("/api/v1/opinions", headers={**who(openid), "Idempotency-Key": str(uuid.uuid4())},
                    json={"station_id": world["station_id"], "category": "urban", "text": TEXT,
                          "deputy_id": world["deputy_id"] if deputy else None})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["opinion"]["id"]


def _rows(app, **where):
    from liaison.core.db import db
    from liaison.notifications.models import Notification

    with app.app_context():
        q = db.session.query(Notification).filter_by(**where).order_by(Notification.id)
        out = [{c.name: getattr(n, c.name) for c in Notification.__table__.columns} for n in q]
        db.session.rollback()
        return out


def _follow(fake_wechat):
    from liaison.users.demo import fake_wechat_setup

    for user in fake_wechat_setup()[1]:
        requests.post(f"{fake_wechat}/_fake/users", json=user, timeout=5).raise_for_status()


def test_a_summoned_deputy_gets_the_official_account_message_without_subscribing(
        app, client, who, phone, fake_wechat, world):
    _follow(fake_wechat)
    op_id = _submit(client, who, world)
    _deliver(app)
    [summon] = [m for m in phone.messages() if m["touser"] == "oa-demo-deputy"]
    assert summon["template_id"] == "tmpl-oa-deputy-summon"
    assert summon["url"] == f"https://liaison.example.gov.cn/admin/opinions/{op_id}"
    # On the phone the tap opens the mini-program's page for deputies (config/pages.js).
    assert summon["miniprogram"] == {"appid": app.config["WECHAT_APPID"],
                                     "pagepath": f"pages/deputy-opinion/deputy-opinion?id={op_id}"}
    assert summon["client_msg_id"] == str(_rows(app, audience="deputy")[0]["id"])
    assert pages_not_found(app, phone.messages()) == []
    # The deputy opens it: the admin page of that opinion, logged in through the account.
    assert app.url_map.bind("localhost").match(f"/admin/opinions/{op_id}")[0] == "admin.opinion"


def test_a_deputy_who_does_not_follow_the_account_is_skipped_and_keeps_the_in_app_message(
        app, client, who, phone, fake_wechat, world):
    requests.post(f"{fake_wechat}/_fake/users", json={"openid": "oa-demo-deputy", "follows_oa": False},
                  timeout=5).raise_for_status()
    op_id = _submit(client, who, world)
    _deliver(app)
    [row] = _rows(app, audience="deputy")
    assert row["status"] == "skipped" and "43004" in row["last_error"]
    inbox = client.get("/api/v1/messages", headers=who("demo-deputy")).get_json()["items"]
    assert [m["opinion_id"] for m in inbox] == [op_id]


def test_a_template_send_retried_after_a_timeout_is_delivered_once(app, client, who, phone, fake_wechat, world):
    from datetime import timedelta

    from liaison.core import clock

    _follow(fake_wechat)
    _submit(client, who, world, deputy=False)  # two to-dos: the liaison and the station master
    # WeChat takes longer than WECHAT_TIMEOUT (2 s here) but accepts the message.
    phone.fault(TEMPLATE_SEND, 1, delay=3)
    start = clock.now()
    _deliver(app, now=start)
    first = _rows(app, audience="staff")
    assert sorted(r["status"] for r in first) == ["pending", "sent"]
    for _ in range(100):  # the late answer lands on the fake's side meanwhile (bounded wait)
        if any(c["fault"] for c in requests.get(f"{fake_wechat}/_fake/calls",
                                                params={"path": TEMPLATE_SEND}, timeout=5).json()["calls"]):
            break
        time.sleep(0.05)
    _deliver(app, now=start + timedelta(minutes=1))  # the retry, well inside WeChat's 10 minutes
    rows = _rows(app, audience="staff")
    assert [r["status"] for r in rows] == ["sent", "sent"]
    calls = requests.get(f"{fake_wechat}/_fake/calls", params={"path": TEMPLATE_SEND}, timeout=5).json()["calls"]
    assert len(calls) == 3  # two rows, one of them sent twice
    messages = [m for m in phone.messages() if m["path"] == TEMPLATE_SEND]
    assert sorted(m["client_msg_id"] for m in messages) == sorted(str(r["id"]) for r in rows)
    assert len(messages) == 2  # the retry was accepted, not delivered again
    retried = next(r for r in rows if r["attempts"] == 2)
    assert retried["wechat_msgid"] == str(next(m["msgid"] for m in messages
                                               if m["client_msg_id"] == str(retried["id"])))


def test_a_mixed_kind_tap_is_refused_by_wechat_and_our_taps_never_mix(app, client, who, phone, fake_wechat, world):
    from liaison.notifications import settings
    from liaison.notifications.templates import console_kinds

    app.config["NOTIFICATION_TEMPLATES"] = '{"templates": {"resident_accept": {"kind": "long_term"}}}'
    with app.app_context():
        kinds = console_kinds(settings.templates_config())
    requests.post(f"{fake_wechat}/_fake/templates", json={"kinds": kinds}, timeout=5).raise_for_status()
    mixed = phone.tap("demo-resident", ["tmpl-resident-reply", "tmpl-resident-accept"])
    assert mixed.status_code == 400 and mixed.json()["errCode"] == 20002
    assert requests.get(f"{fake_wechat}/_fake/grants", timeout=5).json()["grants"] == []

    groups = tap_through(client, phone, who, "demo-resident", "progress")
    assert groups == [["tmpl-resident-reply", "tmpl-resident-progress"], ["tmpl-resident-accept"]]
    op_id = _submit(client, who, world, deputy=False)
    r = client.post(f"/api/v1/opinions/{op_id}/transitions", headers=who("demo-liaison"),
                    json={"action": "accept"})
    assert r.status_code == 200, r.get_json()
    _deliver(app)
    [accepted] = _rows(app, audience="resident")
    assert (accepted["template_id"], accepted["status"]) == ("tmpl-resident-accept", "sent")
