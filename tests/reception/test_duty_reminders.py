"""The day-before duty reminder reaches each deputy on the day's rota once, through the
outbox and the official account's template message (deputies need no per-message
subscription; they need to follow the account), and opens the mini-program's duty page.
Whether a deputy can get it is what GET /api/v1/notifications/official-account says."""
from __future__ import annotations

from datetime import datetime

import factories
import pytest
import requests

from liaison.core.clock import CHINA

pytestmark = pytest.mark.usefixtures("planning_2027")

TEMPLATE_SEND = "/cgi-bin/message/template/send"
PLAN = {"monthly_days": [15], "weekdays": [], "market_days": [], "start": "09:00", "end": "11:30",
        "capacity": 5, "per_day": 2}


def _oa_accounts(app, fake_wechat, stations):
    """王一 follows the official account, 王二 does not; both logged in there once."""
    from liaison.core.db import db
    from liaison.places.models import Deputy
    from liaison.users.models import User

    with app.app_context():
        for name, openid, follows in (("王一", "oa-w1", True), ("王二", "oa-w2", False)):
            deputy = db.session.get(Deputy, stations.deputies[name])
            db.session.get(User, deputy.user_id).oa_openid = openid
            requests.post(f"{fake_wechat}/_fake/users", json={"openid": openid, "follows_oa": follows},
                          timeout=5).raise_for_status()
        db.session.commit()


def _template_messages(fake_wechat) -> list[dict]:
    return requests.get(f"{fake_wechat}/_fake/messages", params={"path": TEMPLATE_SEND}, timeout=5).json()["messages"]


def _remind_and_deliver(app, hour: int) -> int:
    from liaison.notifications.jobs import deliver_pending
    from liaison.reception.jobs import send_reminders

    with app.app_context():
        written = send_reminders(datetime(2027, 1, 14, hour, 30, tzinfo=CHINA))
        deliver_pending()
    return written


def _statuses(app) -> list[tuple[str, str, str]]:
    from liaison.core.db import db
    from liaison.notifications.models import Notification
    from liaison.users.models import User

    with app.app_context():
        out = sorted((db.session.get(User, n.user_id).mp_openid, n.event, n.status)
                     for n in db.session.query(Notification))
        db.session.rollback()
    return out


def test_the_job_sends_each_deputy_on_duty_one_reminder_that_wechat_receives(
        app, client, stations, login, fake_wechat):
    _oa_accounts(app, fake_wechat, stations)
    staff = login("liaison-s")
    d = stations.deputies
    assert client.put(f"/api/v1/stations/{stations.s}/reception-plan", json={**PLAN, "rota": [d["王一"], d["王二"]]},
                      headers=staff).status_code == 200
    client.post(f"/api/v1/stations/{stations.s}/reception-days/generate", json={"year": 2027}, headers=staff)
    before = len(_template_messages(fake_wechat))

    assert _remind_and_deliver(app, 9) == 2
    sent = _template_messages(fake_wechat)[before:]
    assert [(m["touser"], m["template_id"]) for m in sent] == [("oa-w1", "tmpl-oa-reception")]
    reminder = sent[0]
    assert reminder["miniprogram"]["pagepath"] == "pages/duty/duty"  # opens 值班与履职
    assert reminder["url"].endswith(f"/h5/stations/{stations.s}")  # where WeChat cannot open it
    assert reminder["data"]["thing1"]["value"].startswith("接待区一街道")
    assert reminder["data"]["thing3"]["value"].startswith("您明天")
    # 王二 does not follow the account: WeChat refuses (43004), the in-app message stays.
    assert _statuses(app) == [("deputy-w1", "reception_reminder", "sent"),
                              ("deputy-w2", "reception_reminder", "skipped")]

    # The next hourly run sends nothing: each deputy is reminded once of the day.
    assert _remind_and_deliver(app, 10) == 0
    assert len(_template_messages(fake_wechat)) == before + 1

    # A deputy put on the rota after the reminders went out is reminded by the next run, once.
    from liaison.core.db import db
    from liaison.places.models import Station

    with app.app_context():
        person = factories.user(db.session, "deputy-w5", "王五", oa_openid="oa-w5")
        d["王五"] = factories.deputy(db.session, "王五", db.session.get(Station, stations.s), user=person).id
        db.session.commit()
    requests.post(f"{fake_wechat}/_fake/users", json={"openid": "oa-w5", "follows_oa": True},
                  timeout=5).raise_for_status()
    day = client.get(f"/api/v1/stations/{stations.s}/reception-days?from=2027-01-15&to=2027-01-15").get_json()["items"][0]
    r = client.patch(f"/api/v1/reception-days/{day['id']}", json={"deputy_ids": [d["王一"], d["王二"], d["王五"]]},
                     headers=staff)
    assert r.status_code == 200, r.get_json()
    assert _remind_and_deliver(app, 11) == 1
    assert [m["touser"] for m in _template_messages(fake_wechat)[before:]] == ["oa-w1", "oa-w5"]
    assert _remind_and_deliver(app, 12) == 0
    assert len(_template_messages(fake_wechat)) == before + 2


def test_the_official_account_status_says_whether_the_deputy_can_get_the_reminder(
        app, client, stations, login, fake_wechat):
    _oa_accounts(app, fake_wechat, stations)
    got = {who: client.get("/api/v1/notifications/official-account", headers=login(who)).get_json()
           for who in ("deputy-w1", "deputy-w2", "deputy-l4")}
    assert got["deputy-w1"] == {"linked": True, "follows": True, "name": "人大代表联络站", "qrcode_url": None}
    assert (got["deputy-w2"]["linked"], got["deputy-w2"]["follows"]) == (True, False)
    assert (got["deputy-l4"]["linked"], got["deputy-l4"]["follows"]) == (False, None)  # never in the account
    assert client.get("/api/v1/notifications/official-account").status_code == 401
