"""Delivery against the fake WeChat over real HTTP: consents, errors, retries, leases."""
from datetime import timedelta

import pytest
import requests

from liaison.opinions.context import Notify

from notification_fixtures import SEND, TEMPLATE_SEND
from notification_fixtures import deliver_until_done as _deliver_until_done

REPLY, ACCEPT, PROGRESS = "tmpl-resident-reply", "tmpl-resident-accept", "tmpl-resident-progress"


def _now():
    from liaison.core import clock

    return clock.now()


def _consent(app, user_id, template_id):
    from liaison.core.db import db
    from liaison.notifications.models import Consent

    with app.app_context():
        c = db.session.query(Consent).filter_by(user_id=user_id, template_id=template_id).one()
        out = (c.remaining, c.long_term)
        db.session.rollback()
        return out


def test_without_consent_nothing_is_sent_and_wechat_is_not_called(app, world, make_opinion, emit,
                                                                   rows, wechat_log):
    emit(make_opinion(state="accepted"), [Notify("resident", "accepted")])
    _deliver_until_done(app, _now())
    [row] = rows()
    assert row["status"] == "no_consent" and "订阅授权" in row["last_error"]
    assert wechat_log.calls(SEND) == []


def test_a_one_time_consent_buys_exactly_one_message(app, world, make_opinion, emit, rows, grant,
                                                     wechat_log):
    grant("resident", REPLY)
    op = make_opinion(state="replied")
    emit(op, [Notify("resident", "replied")])
    emit(op, [Notify("resident", "rate_request")])  # same template: no grant left for it
    _deliver_until_done(app, _now())
    assert [r["status"] for r in rows()] == ["sent", "no_consent"]
    [msg] = wechat_log.messages(SEND)
    assert msg["touser"] == world.openid["resident"] and msg["template_id"] == REPLY
    assert msg["page"] == f"pages/opinion/opinion?id={op}"  # a page of app.json
    assert msg["data"]["thing4"]["value"] == "请查看答复并评价办理结果"
    assert rows()[0]["wechat_msgid"] == str(msg["msgid"])
    assert _consent(app, world.users["resident"], REPLY) == (0, False)


def test_43101_marks_the_consent_used_up_and_is_not_retried(app, world, make_opinion, emit, rows,
                                                            wechat_log):
    from liaison.notifications import consents

    with app.app_context():  # we believe in a grant WeChat does not have
        consents.record(world.users["resident"], {ACCEPT: "accept"})
    emit(make_opinion(state="accepted"), [Notify("resident", "accepted")])
    end = _deliver_until_done(app, _now())
    _deliver_until_done(app, end + timedelta(days=1))
    [row] = rows()
    assert row["status"] == "no_consent" and "43101" in row["last_error"]
    assert row["attempts"] == 1 and len(wechat_log.calls(SEND)) == 1
    assert _consent(app, world.users["resident"], ACCEPT) == (0, False)


def test_a_long_term_consent_serves_every_message(app, world, make_opinion, emit, rows, grant,
                                                  wechat_log):
    # A long-term (长期订阅) template of its own: the console's kind for it is long-term too.
    app.config["NOTIFICATION_TEMPLATES"] = (
        '{"template_ids": {"tmpl-resident-progress": "tmpl-resident-progress-lt"},'
        ' "templates": {"resident_progress": {"kind": "long_term"}}}')
    grant("resident", "tmpl-resident-progress-lt", kind="long_term")
    op = make_opinion(state="assigned")
    for _ in range(3):
        emit(op, [Notify("resident", "assigned")])
    _deliver_until_done(app, _now())
    assert [r["status"] for r in rows()] == ["sent"] * 3
    assert len(wechat_log.messages(SEND)) == 3
    assert _consent(app, world.users["resident"], "tmpl-resident-progress-lt") == (0, True)


def test_staff_get_official_account_template_messages(app, world, make_opinion, emit, rows,
                                                      wechat_log):
    op = make_opinion()
    emit(op, [Notify("staff", "new_opinion")])
    _deliver_until_done(app, _now())
    status = {r["user_id"]: (r["status"], r["last_error"]) for r in rows()}
    assert status[world.users["liaison"]] == ("sent", "")
    assert status[world.users["master"]][0] == "sent"
    assert status[world.users["no_oa_liaison"]] == ("skipped", "收件人没有公众号 openid")
    msgs = wechat_log.messages(TEMPLATE_SEND)
    assert {m["touser"] for m in msgs} == {world.oa_openid["liaison"], world.oa_openid["master"]}
    assert msgs[0]["url"] == f"https://liaison.example.gov.cn/admin/opinions/{op}"


def test_someone_not_following_the_account_is_skipped_with_the_reason(app, world, make_opinion,
                                                                       emit, rows, fake_wechat):
    requests.post(f"{fake_wechat}/_fake/users",
                  json={"openid": world.oa_openid["unit"], "follows_oa": False}, timeout=5)
    emit(make_opinion(state="assigned", units=[world.unit]), [Notify("units", "assigned")])
    _deliver_until_done(app, _now())
    [row] = rows()
    assert row["status"] == "skipped" and "43004" in row["last_error"] and row["attempts"] == 1


def test_a_rejected_field_fails_at_once_naming_the_key(app, world, make_opinion, emit, rows, grant,
                                                       fake_wechat):
    keys = ["character_string1", "thing2", "phrase3", "time4", "thing9"]
    requests.post(f"{fake_wechat}/_fake/templates", json={"templates": {ACCEPT: keys}}, timeout=5)
    grant("resident", ACCEPT)
    emit(make_opinion(state="accepted"), [Notify("resident", "accepted")])
    _deliver_until_done(app, _now())
    [row] = rows()
    assert row["status"] == "failed" and row["attempts"] == 1
    assert "thing9" in row["last_error"] and "47003" in row["last_error"]


@pytest.mark.parametrize("fault", [{"status": 503}, {"errcode": 45009}, {"errcode": -1}],
                         ids=["http503", "quota45009", "system-1"])
def test_with_the_next_5_sends_failing_every_message_still_arrives_once(
        app, world, make_opinion, emit, rows, grant, phone, wechat_log, fault):
    for user, tmpl in (("resident", ACCEPT), ("resident", PROGRESS), ("resident2", ACCEPT)):
        grant(user, tmpl)
    emit(make_opinion(state="accepted"), [Notify("resident", "accepted")])
    emit(make_opinion(state="assigned"), [Notify("resident", "assigned")])
    emit(make_opinion(state="accepted", submitter="resident2"), [Notify("resident", "accepted")])
    phone.fault(SEND, 5, **fault)
    start = _now()
    with app.app_context():
        from liaison.notifications.jobs import deliver_pending

        first = deliver_pending(now=start)
    assert first == {"pending": 3}  # all three failed once and wait for their backoff
    assert {r["next_attempt_at"] > start for r in rows()} == {True}
    _deliver_until_done(app, start + timedelta(hours=1))
    assert [r["status"] for r in rows()] == ["sent"] * 3
    assert sum(r["attempts"] for r in rows()) == 3 + 5
    sent = [(m["touser"], m["template_id"]) for m in wechat_log.messages(SEND)]
    assert sorted(sent) == sorted([(world.openid["resident"], ACCEPT),
                                   (world.openid["resident"], PROGRESS),
                                   (world.openid["resident2"], ACCEPT)])
    assert sum(c["fault"] for c in wechat_log.calls(SEND)) == 5


def test_backoff_doubles_and_a_row_that_keeps_failing_ends_failed(app, world, make_opinion, emit,
                                                                   rows, grant, phone):
    from liaison.notifications.jobs import deliver_pending

    app.config.update(NOTIFICATION_MAX_ATTEMPTS=3, NOTIFICATION_BACKOFF_SECONDS=10)
    grant("resident", ACCEPT)
    emit(make_opinion(state="accepted"), [Notify("resident", "accepted")])
    phone.fault(SEND, 10, status=502)
    now = _now()
    with app.app_context():
        deliver_pending(now=now)
        assert rows()[0]["next_attempt_at"] == now + timedelta(seconds=10)
        assert deliver_pending(now=now + timedelta(seconds=9)) == {}  # not due yet
        deliver_pending(now=now + timedelta(seconds=10))
        assert rows()[0]["next_attempt_at"] == now + timedelta(seconds=30)
        deliver_pending(now=now + timedelta(seconds=30))
    [row] = rows()
    assert row["status"] == "failed" and row["attempts"] == 3
    assert "重试3次仍失败" in row["last_error"] and "HTTP 502" in row["last_error"]


def test_a_refused_access_token_is_refreshed_and_the_send_retried_once(
        app, world, make_opinion, emit, rows, grant, phone, wechat_log):
    grant("resident", ACCEPT)
    emit(make_opinion(state="accepted"), [Notify("resident", "accepted")])
    phone.fault(SEND, 1, errcode=40001)
    _deliver_until_done(app, _now())
    [row] = rows()
    assert row["status"] == "sent" and row["attempts"] == 1
    assert [c["errcode"] for c in wechat_log.calls(SEND)] == [40001, 0]
    assert len(wechat_log.messages(SEND)) == 1


def test_an_expired_claim_is_taken_over_and_sent_once(app, world, make_opinion, emit, rows, grant,
                                                      wechat_log):
    from liaison.notifications import delivery

    app.config["NOTIFICATION_LEASE_SECONDS"] = 60
    grant("resident", ACCEPT)
    emit(make_opinion(state="accepted"), [Notify("resident", "accepted")])
    nid = rows()[0]["id"]
    now = _now()
    with app.app_context():
        assert delivery.claim(nid, now) == 1  # a worker claims it, then dies
        assert delivery.claim(nid, now) is None  # nobody else gets it meanwhile
        assert delivery.deliver(nid, now=now + timedelta(seconds=59)) is None
        assert delivery.deliver(nid, now=now + timedelta(seconds=61)) == "sent"
        assert delivery.deliver(nid, now=now + timedelta(seconds=999)) is None  # done is done
    [row] = rows()
    assert row["attempts"] == 2 and row["status"] == "sent"
    assert len(wechat_log.messages(SEND)) == 1


def test_kick_enqueues_jobs_that_a_worker_runs(app, world, make_opinion, emit, rows, grant,
                                               wechat_log):
    from rq import SimpleWorker

    from liaison.core.extensions import get_queue
    from liaison.notifications import outbox

    grant("resident", ACCEPT)
    emit(make_opinion(state="accepted"), [Notify("resident", "accepted")])
    with app.app_context():
        from liaison.core.db import db
        from liaison.opinions.models import Opinion

        opinion = db.session.scalars(db.select(Opinion)).first()
        outbox.emit(opinion, [Notify("staff", "new_opinion")], event_id="k1", actor_user_id=None)
        db.session.commit()
        assert outbox.kick() is True
        queue = get_queue()
        deliveries = [j for j in queue.job_ids if j.startswith("notification-")]
        assert len(deliveries) == 3  # the liaison, the master, the one without OA
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    staff_rows = [r for r in rows() if r["audience"] == "staff"]
    assert sorted(r["status"] for r in staff_rows) == ["sent", "sent", "skipped"]


def test_kick_with_redis_down_only_logs_and_the_sweep_delivers(app, base_config, world,
                                                               make_opinion, emit, rows, grant):
    from liaison import create_app
    from liaison.core.db import db
    from liaison.notifications import outbox

    grant("resident", ACCEPT)
    broken = create_app(dict(base_config, REDIS_URL="unix:///nonexistent/redis.sock"))
    op = make_opinion(state="accepted")
    with broken.app_context():
        from liaison.opinions.models import Opinion

        outbox.emit(db.session.get(Opinion, op), [Notify("resident", "accepted")],
                    event_id="r1", actor_user_id=None)
        db.session.commit()
        assert outbox.kick() is False  # logged, never raised: the change is committed
        db.session.remove()
    assert rows()[0]["status"] == "pending"
    _deliver_until_done(app, _now())
    assert rows()[0]["status"] == "sent"


def test_a_batch_stops_starting_rows_when_its_time_budget_is_spent(app, world, make_opinion, emit,
                                                                   rows, wechat_log):
    from liaison.notifications.jobs import deliver_pending

    emit(make_opinion(), [Notify("staff", "new_opinion")])
    with app.app_context():
        assert deliver_pending(budget_seconds=-1) == {}
    assert {r["status"] for r in rows()} == {"pending"} and wechat_log.calls(TEMPLATE_SEND) == []
