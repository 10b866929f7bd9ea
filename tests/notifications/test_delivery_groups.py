"""Several rows delivered at once (``delivery.deliver_many``): calls side by side, each
outcome recorded on its own row, claims and consents still exact."""
from datetime import timedelta

import requests

from liaison.opinions.context import Notify

from notification_fixtures import SEND, TEMPLATE_SEND

ACCEPT, PROGRESS = "tmpl-resident-accept", "tmpl-resident-progress"


def _now():
    from liaison.core import clock

    return clock.now()


def _staff_messages(make_opinion, emit, n):
    """``n`` opinions, each a template message to the liaison and the master (and a
    skipped one to the liaison without an official-account openid)."""
    for _ in range(n):
        emit(make_opinion(), [Notify("staff", "new_opinion")])


def _deliver_all(app, rows):
    from liaison.notifications import delivery

    ids = [r["id"] for r in rows()]
    with app.app_context():
        return delivery.deliver_many(ids, now=_now())


def test_a_group_makes_its_calls_side_by_side(app, world, make_opinion, emit, rows, phone,
                                              wechat_log):
    app.config["NOTIFICATION_SEND_WIDTH"] = 4
    _staff_messages(make_opinion, emit, 3)
    phone.fault(TEMPLATE_SEND, 6, delay=0.3)  # every call answers late
    statuses = _deliver_all(app, rows)
    assert sorted(statuses.values()) == ["sent"] * 6 + ["skipped"] * 3
    calls = wechat_log.calls(TEMPLATE_SEND)
    assert len(calls) == 6
    # the fake was answering another call of this worker when a later one arrived
    assert max(c["alongside"] for c in calls) >= 1
    assert [r["status"] for r in rows()].count("sent") == 6
    assert len({m["client_msg_id"] for m in wechat_log.messages(TEMPLATE_SEND)}) == 6


def test_width_one_sends_one_after_another(app, world, make_opinion, emit, rows, phone, wechat_log):
    app.config["NOTIFICATION_SEND_WIDTH"] = 1
    _staff_messages(make_opinion, emit, 2)
    phone.fault(TEMPLATE_SEND, 4, delay=0.1)
    statuses = _deliver_all(app, rows)
    assert sorted(statuses.values()) == ["sent"] * 4 + ["skipped"] * 2
    assert [c["alongside"] for c in wechat_log.calls(TEMPLATE_SEND)] == [0] * 4


def test_different_answers_in_one_group_each_land_on_their_row(app, world, make_opinion, emit,
                                                                rows, fake_wechat, grant,
                                                                wechat_log):
    app.config["NOTIFICATION_SEND_WIDTH"] = 8
    requests.post(f"{fake_wechat}/_fake/users",  # WeChat answers 43004 for the master
                  json={"openid": world.oa_openid["master"], "follows_oa": False}, timeout=5)
    grant("resident", ACCEPT)
    op = make_opinion(state="accepted")
    emit(op, [Notify("staff", "new_opinion")])
    emit(op, [Notify("resident", "accepted")])  # a subscribe message with its grant
    emit(make_opinion(state="assigned"), [Notify("resident", "assigned")])  # no grant
    statuses = _deliver_all(app, rows)
    by_user = {(r["user_id"], r["channel"]): (r["status"], r["last_error"], r["attempts"])
               for r in rows()}
    assert by_user[(world.users["liaison"], "template")] == ("sent", "", 1)
    master = by_user[(world.users["master"], "template")]
    assert master[0] == "skipped" and "43004" in master[1]
    assert by_user[(world.users["no_oa_liaison"], "template")][0] == "skipped"
    resident = sorted(r["status"] for r in rows() if r["user_id"] == world.users["resident"])
    assert resident == ["no_consent", "sent"]
    assert sorted(statuses.values()) == ["no_consent", "sent", "sent", "skipped", "skipped"]
    assert len(wechat_log.calls(SEND)) == 1  # the one without a grant was never sent
    assert len(wechat_log.calls(TEMPLATE_SEND)) == 2


def test_one_grant_for_two_messages_in_one_group_sends_one(app, world, make_opinion, emit, rows,
                                                            grant, wechat_log):
    app.config["NOTIFICATION_SEND_WIDTH"] = 8
    grant("resident", ACCEPT)  # one one-time grant ...
    grant("resident", PROGRESS, times=2)  # ... and two of another template
    for state, event in (("accepted", "accepted"), ("accepted", "accepted"),
                         ("assigned", "assigned"), ("assigned", "assigned"),
                         ("assigned", "assigned")):
        emit(make_opinion(state=state), [Notify("resident", event)])
    _deliver_all(app, rows)
    got = sorted((r["template_id"], r["status"]) for r in rows())
    assert got == [(ACCEPT, "no_consent"), (ACCEPT, "sent"),
                   (PROGRESS, "no_consent"), (PROGRESS, "sent"), (PROGRESS, "sent")]
    assert len(wechat_log.messages(SEND)) == 3  # WeChat was asked only what the grants allow


def test_rows_another_worker_holds_or_finished_are_left_alone(app, world, make_opinion, emit,
                                                              rows, wechat_log):
    from liaison.notifications import delivery

    _staff_messages(make_opinion, emit, 2)
    ids = [r["id"] for r in rows() if r["status"] == "pending"]
    now = _now()
    with app.app_context():
        held = delivery.claim(ids[0], now)  # another worker holds this one
        assert held == 1
        first = delivery.deliver_many(ids, now=now)
        assert ids[0] not in first and len(first) == len(ids) - 1
        assert delivery.deliver_many(ids, now=now + timedelta(seconds=1)) == {}  # done is done
    assert {r["id"]: r["status"] for r in rows()}[ids[0]] == "sending"
    sent_ids = {m["client_msg_id"] for m in wechat_log.messages(TEMPLATE_SEND)}
    assert str(ids[0]) not in sent_ids


def test_a_failing_call_is_retried_alone_while_the_others_are_sent(app, world, make_opinion, emit,
                                                                    rows, phone, wechat_log):
    app.config["NOTIFICATION_SEND_WIDTH"] = 8
    _staff_messages(make_opinion, emit, 2)
    phone.fault(TEMPLATE_SEND, 1, errcode=45009)  # one of the side-by-side calls
    statuses = _deliver_all(app, rows)
    assert sorted(statuses.values()) == ["pending", "sent", "sent", "sent", "skipped", "skipped"]
    [again] = rows(status="pending")
    assert "45009" in again["last_error"] and again["next_attempt_at"] is not None
    assert len(wechat_log.messages(TEMPLATE_SEND)) == 3


def test_one_persons_messages_arrive_in_the_order_they_were_written(app, world, make_opinion,
                                                                     emit, rows, grant, phone,
                                                                     wechat_log):
    app.config["NOTIFICATION_SEND_WIDTH"] = 8
    app.config["NOTIFICATION_TEMPLATES"] = (
        '{"template_ids": {"tmpl-resident-progress": "tmpl-resident-progress-lt"},'
        ' "templates": {"resident_progress": {"kind": "long_term"}}}')
    grant("resident", "tmpl-resident-progress-lt", kind="long_term")
    opinions = [make_opinion(state="assigned") for _ in range(3)]
    for op in opinions:
        emit(op, [Notify("resident", "assigned")])
    _staff_messages(make_opinion, emit, 1)  # others' messages in the same group
    phone.fault(SEND, 1, delay=0.3)  # the resident's first message answers late
    _deliver_all(app, rows)
    pages = [m["page"] for m in wechat_log.messages(SEND)]
    assert pages == [f"pages/opinion/opinion?id={op}" for op in opinions]
    assert [c["alongside"] for c in wechat_log.calls(SEND)] == [0, 0, 0]
    assert len(wechat_log.messages(TEMPLATE_SEND)) == 2
