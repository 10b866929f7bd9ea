"""Submits taken as intakes while a web process is busy (``opinions/intake.py``): the
request stores the body and answers 202; a worker registers it exactly as the request
would have; nothing is lost or made twice when the job is lost, a worker dies midway or
a request is retried, and only the submitter sees the intake."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from opinion_helpers import parallel

from liaison.core import clock
from liaison.core.db import db
from liaison.notifications.models import Notification
from liaison.opinions import intake
from liaison.opinions.models import IdempotencyRecord, Opinion, OpinionIntake
from liaison.users.models import User

TEXT = "小区北门的路灯坏了两个星期，晚上出行很不安全，希望尽快修复。"


@pytest.fixture
def busy(app):
    """Every API submit is taken as an intake, as in a process already registering one."""
    app.config["OPINION_INLINE_PER_SECOND"] = 0


def _post(client, headers, body, key=None):
    return client.post("/api/v1/opinions", json=body,
                       headers={**headers, "Idempotency-Key": key or str(uuid.uuid4())})


def _body(world, **fields):
    return {"station_id": world["station_id"], "category": "housing", "text": TEXT, **fields}


def _register_all(app):
    with app.app_context():
        return intake.drain()


def test_a_busy_process_answers_202_and_a_worker_registers_the_opinion(app, client, who, world, busy):
    me = who("demo-resident")
    r = _post(client, me, _body(world, deputy_id=world["deputy_id"]))
    assert r.status_code == 202, r.get_json()
    taken = r.get_json()["intake"]
    assert taken["status"] == "pending" and taken["opinion_id"] is None and taken["error"] is None
    with app.app_context():
        assert db.session.query(Opinion).count() == 0  # nothing registered in the request
    seen = client.get(f"/api/v1/opinion-intakes/{taken['id']}", headers=me).get_json()["intake"]
    assert seen["status"] == "pending"

    assert _register_all(app) == {"registered": 1}

    seen = client.get(f"/api/v1/opinion-intakes/{taken['id']}", headers=me).get_json()["intake"]
    assert seen["status"] == "registered" and seen["opinion_id"]
    opinion = client.get(f"/api/v1/opinions/{seen['opinion_id']}", headers=me).get_json()["opinion"]
    assert opinion["text"] == TEXT and opinion["number"].endswith("000001")
    assert opinion["deputy"]["id"] == world["deputy_id"]
    with app.app_context():
        row = db.session.get(OpinionIntake, taken["id"])
        assert row.payload is None and row.done_at is not None  # the body lives on the opinion alone
        # the summoned deputy is told, as after a submit registered in the request
        assert db.session.query(Notification).filter_by(opinion_id=seen["opinion_id"]).count() >= 1
    assert _register_all(app) == {}  # nothing left: a second run makes nothing


def test_the_mini_program_visit_recorded_by_the_request_reaches_the_content_check(app, client, who, world, busy):
    """WeChat checks a text against an openid active in the mini-program: the worker has
    no request, so the intake carries that the writer was there."""
    r = _post(client, who("demo-resident"), _body(world))
    _register_all(app)
    with app.app_context():
        row = db.session.get(OpinionIntake, r.get_json()["intake"]["id"])
        opinion = db.session.get(Opinion, row.opinion_id)
        assert opinion.sec_check == "pass" and opinion.sec_trace_id  # checked by msgSecCheck
        assert db.session.get(User, opinion.submitter_id).mp_active_at is not None


def test_a_retry_with_the_same_key_gets_the_same_intake_and_one_opinion(app, client, who, world, busy):
    me = who("demo-resident")
    first = _post(client, me, _body(world), key="tap-1").get_json()["intake"]
    again = _post(client, me, _body(world), key="tap-1")
    assert again.status_code == 202 and again.get_json()["intake"]["id"] == first["id"]
    _register_all(app)
    after = _post(client, me, _body(world), key="tap-1").get_json()["intake"]
    assert after["status"] == "registered" and after["id"] == first["id"]
    app.config["OPINION_INLINE_PER_SECOND"] = 1_000_000  # the next retry finds the process quiet
    inline = _post(client, me, _body(world), key="tap-1")
    assert inline.status_code == 200 and inline.get_json()["opinion"]["id"] == after["opinion_id"]
    with app.app_context():
        assert db.session.query(Opinion).count() == 1
        assert db.session.query(OpinionIntake).count() == 1


def test_mistakes_that_need_no_database_are_answered_at_once_and_take_no_slot(app, client, who, world, busy):
    app.config["RATE_LIMIT_OPINIONS_PER_HOUR"] = 1
    me = who("demo-resident")
    short = _post(client, me, _body(world, text="短"))
    assert short.status_code == 422 and "text" in short.get_json()["error"]["details"]["fields"]
    phone = _post(client, me, _body(world, contact_phone="12345"))
    assert phone.status_code == 422 and "contact_phone" in phone.get_json()["error"]["details"]["fields"]
    category = _post(client, me, _body(world, category="no-such"))
    assert category.status_code == 422 and "category" in category.get_json()["error"]["details"]["fields"]
    with app.app_context():
        assert db.session.query(OpinionIntake).count() == 0
    assert _post(client, me, _body(world)).status_code == 202  # the one slot is still there
    refused = _post(client, me, _body(world))
    assert refused.status_code == 429 and "每小时最多提交1条意见" in refused.get_json()["error"]["message"]


def test_a_refusal_found_by_the_worker_is_shown_on_the_intake_and_gives_the_slot_back(app, client, who, world, busy):
    app.config["RATE_LIMIT_OPINIONS_PER_HOUR"] = 1
    me = who("demo-resident")
    # the deputy does not sit at this station: only the database knows
    r = _post(client, me, _body(world, deputy_id=world["other_deputy_id"]))
    assert r.status_code == 202
    assert _register_all(app) == {"refused": 1}
    seen = client.get(f"/api/v1/opinion-intakes/{r.get_json()['intake']['id']}", headers=me).get_json()["intake"]
    assert seen["status"] == "refused" and seen["opinion_id"] is None
    assert seen["error"]["code"] == "validation_error"
    assert seen["error"]["details"]["fields"]["deputy_id"] == ["该代表不在此联络站，请重新选择"]
    with app.app_context():
        assert db.session.query(Opinion).count() == 0
        assert db.session.get(OpinionIntake, seen["id"]).payload is None
    assert _post(client, me, _body(world)).status_code == 202  # the refused one gave its slot back
    assert _register_all(app) == {"registered": 1}


def test_an_intake_is_its_submitters_alone(app, client, who, world, busy):
    r = _post(client, who("demo-resident"), _body(world))
    path = f"/api/v1/opinion-intakes/{r.get_json()['intake']['id']}"
    for other in ("resident-2", "demo-liaison", "demo-office", "demo-deputy"):
        got = client.get(path, headers=who(other))
        assert got.status_code == 404 and got.get_json()["error"]["code"] == "not_found", other
    assert client.get(path).status_code == 401
    assert client.get("/api/v1/opinion-intakes/999999", headers=who("demo-resident")).status_code == 404


def test_a_lost_job_and_a_registration_that_died_midway_are_registered_once_by_the_sweep(
        app, client, who, world, busy):
    me = who("demo-resident")
    lost = _post(client, me, _body(world)).get_json()["intake"]["id"]
    died = _post(client, me, _body(world, text=TEXT + "（第二条）")).get_json()["intake"]["id"]
    now = clock.now()
    with app.app_context():
        # a worker claimed ``died`` and was killed before its transaction committed
        row = db.session.get(OpinionIntake, died)
        row.claimed_until, row.attempts = now + intake.LEASE, 1
        db.session.commit()
        assert intake.sweep(now) == {}  # too fresh to be lost, and the claim still holds
        assert intake.sweep(now + intake.SWEEP_AFTER + timedelta(seconds=1)) == {"registered": 1}
        later = now + intake.LEASE + timedelta(seconds=1)
        assert intake.due_ids(later) == [died]
    with app.app_context():
        assert intake.sweep(later) == {"registered": 1}
        assert intake.sweep(later) == {}
        rows = {i.id: i for i in db.session.query(OpinionIntake)}
        assert {rows[lost].status, rows[died].status} == {"registered"}
        assert rows[died].attempts == 2
        assert db.session.query(Opinion).count() == 2
        # each opinion carries its intake's key, so a registration run again finds it
        keys = {r.key for r in db.session.query(IdempotencyRecord)}
        assert len(keys) == 2


def test_an_intake_that_keeps_failing_is_refused_visibly_after_its_attempts(app, client, who, world, busy):
    me = who("demo-resident")
    taken = _post(client, me, _body(world)).get_json()["intake"]["id"]
    with app.app_context():
        row = db.session.get(OpinionIntake, taken)
        row.attempts = intake.MAX_ATTEMPTS
        db.session.commit()
        assert intake.register(taken) == "failed"
    seen = client.get(f"/api/v1/opinion-intakes/{taken}", headers=me).get_json()["intake"]
    assert seen["status"] == "refused" and seen["error"]["code"] == "intake_failed"
    assert "请重新提交" in seen["error"]["message"]


@pytest.fixture
def default_rate(app):
    """The deployed default (5 a second per process), counted from now."""
    app.config["OPINION_INLINE_PER_SECOND"] = 5
    intake.reset_gate()


def test_twenty_parallel_submits_with_one_key_make_one_opinion_whichever_way_each_went(app, who, world,
                                                                                      default_rate):
    """The default: the first five of the second registered in their requests, the rest taken."""
    me = who("demo-resident")

    def post(i):
        return app.test_client().post("/api/v1/opinions", json=_body(world),
                                      headers={**me, "Idempotency-Key": "one-key"})

    results = parallel(20, post)
    assert {r.status_code for r in results} <= {200, 201, 202}, [r.get_json() for r in results]
    _register_all(app)
    with app.app_context():
        assert db.session.query(Opinion).count() == 1
        assert db.session.query(OpinionIntake).filter(OpinionIntake.status != "registered").count() == 0
        opinion_id = db.session.query(Opinion.id).scalar()
        assert {i.opinion_id for i in db.session.query(OpinionIntake)} <= {opinion_id}


def test_parallel_submits_mix_both_ways_and_all_are_registered_with_numbers_in_a_row(app, who, world,
                                                                                    default_rate):
    app.config["RATE_LIMIT_OPINIONS_PER_HOUR"] = 100
    me = who("demo-resident")

    def post(i):
        return app.test_client().post("/api/v1/opinions", json=_body(world, text=f"第{i}条：{TEXT}"),
                                      headers={**me, "Idempotency-Key": f"k-{i}"})

    results = parallel(12, post)
    codes = [r.status_code for r in results]
    assert sorted(codes) == [201] * 5 + [202] * 7, codes
    _register_all(app)
    with app.app_context():
        numbers = sorted(o.number[-6:] for o in db.session.query(Opinion))
        assert numbers == [f"{i:06d}" for i in range(1, 13)]


def test_a_submit_is_registered_in_its_request_until_a_busy_second_and_again_after_a_calm_hold(app):
    intake.reset_gate()
    with app.app_context():
        app.config["OPINION_INLINE_PER_SECOND"] = 3
        assert [intake.registers_inline(100.0 + i / 10) for i in range(5)] == [True, True, True, False, False]
        # The second before 101.15 holds three (100.2 to 100.4): busy still, the hold starts anew.
        assert intake.registers_inline(101.15) is False
        assert intake.registers_inline(105.0) is False  # one submit in its second: the rush holds on
        assert intake.registers_inline(101.15 + intake.RUSH_HOLD - 0.01) is False
        # RUSH_HOLD after the last busy second: registered in its request again.
        assert intake.registers_inline(101.15 + intake.RUSH_HOLD) is True
        # A busy second again starts another hold.
        t = 200.0
        assert [intake.registers_inline(t + i / 10) for i in range(4)] == [True, True, True, False]
        assert intake.registers_inline(t + 0.3 + intake.RUSH_HOLD - 0.1) is False
        app.config["OPINION_INLINE_PER_SECOND"] = 0
        intake.reset_gate()
        assert intake.registers_inline(500.0) is False
    intake.reset_gate()


def test_a_blocked_account_or_address_is_refused_with_its_reason_and_nothing_is_stored(app, client, who, world, busy):
    from liaison.opinions.models import Block

    app.config["RATE_LIMIT_OPINIONS_PER_HOUR"] = 1
    me = who("demo-resident")
    with app.app_context():
        user_id = db.session.query(User.id).filter_by(mp_openid="demo-resident").scalar()
        db.session.add(Block(kind="user", value=str(user_id), reason="多次发布广告"))
        db.session.add(Block(kind="ip", value="10.9.9.9", reason="批量刷单"))
        db.session.commit()
    r = _post(client, me, _body(world))
    assert r.status_code == 403 and "多次发布广告" in r.get_json()["error"]["message"]
    other = client.post("/api/v1/opinions", json=_body(world), environ_base={"REMOTE_ADDR": "10.9.9.9"},
                        headers={**who("resident-2"), "Idempotency-Key": "from-a-blocked-ip"})
    assert other.status_code == 403 and "批量刷单" in other.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.query(OpinionIntake).count() == 0
        db.session.query(Block).delete()
        db.session.commit()
    assert _post(client, me, _body(world)).status_code == 202  # the refusal gave the hour's one slot back


def test_a_retry_after_the_hour_filled_still_gets_its_intake(app, client, who, world, busy):
    app.config["RATE_LIMIT_OPINIONS_PER_HOUR"] = 1
    me = who("demo-resident")
    first = _post(client, me, _body(world), key="the-one").get_json()["intake"]
    assert _post(client, me, _body(world)).status_code == 429  # the hour is full
    again = _post(client, me, _body(world), key="the-one")
    assert again.status_code == 202 and again.get_json()["intake"]["id"] == first["id"]


def test_while_a_rush_lasts_the_worker_registers_at_its_pace_and_at_full_speed_after(app, client, who, world, busy):
    """Intakes taken in the last second beyond the pace make a rush: the drain waits
    1/pace between registrations; once the counter of the last second is low, it does not."""
    from liaison.core.extensions import get_redis

    app.config["OPINION_RUSH_REGISTRATIONS_PER_SECOND"] = 4
    me = who("demo-resident")
    for i in range(3):
        assert _post(client, me, _body(world, text=f"第{i}条：{TEXT}")).status_code == 202
    with app.app_context():
        redis = get_redis()
        second = int(clock.timestamp())
        assert int(redis.get(intake.TAKEN_KEY.format(second)) or 0) + int(
            redis.get(intake.TAKEN_KEY.format(second - 1)) or 0) == 3  # each intake counted in its second
        redis.set(intake.TAKEN_KEY.format(int(clock.timestamp()) - 1), 50)  # a rush in the last second
        redis.set(intake.TAKEN_KEY.format(int(clock.timestamp())), 50)
        slept = []
        assert intake.in_rush() is True
        assert intake.drain(sleep=slept.append) == {"registered": 3}
        assert slept == [0.25, 0.25, 0.25]
    for i in range(2):
        _post(client, me, _body(world, text=f"再一条{i}：{TEXT}"))
    with app.app_context():
        for key in redis.keys("liaison:opinion-intakes:taken:*"):
            redis.set(key, 3)  # the rush has eased: fewer than the pace
        assert intake.in_rush() is False
        slept = []
        assert intake.drain(sleep=slept.append) == {"registered": 2}
        assert slept == []


def test_a_drain_that_spends_its_budget_leaves_the_rest_to_the_next_job(app, client, who, world, busy):
    me = who("demo-resident")
    for i in range(2):
        _post(client, me, _body(world, text=f"第{i}条：{TEXT}"))
    with app.app_context():
        assert intake.drain(budget=-1) == {"left": 1}  # spent before the first: nothing taken
        assert intake.drain() == {"registered": 2}


def test_the_first_intake_of_a_rush_queues_one_drain_job_and_the_job_registers_them(app, client, who, world, busy):
    from rq import Queue

    from liaison.core.extensions import get_queue, get_redis

    me = who("demo-resident")
    for i in range(3):
        _post(client, me, _body(world, text=f"第{i}条：{TEXT}"))
    with app.app_context():
        queue: Queue = get_queue()
        drains = [job for job in queue.jobs if job.func_name.endswith("intake.drain_job")]
        assert len(drains) == 1  # one kick for the three: the key stays set until the job starts
        assert get_redis().exists(intake.KICK_KEY)
        assert drains[0].perform() == {"registered": 3}  # the job as a worker runs it
        assert not get_redis().exists(intake.KICK_KEY)  # the next intake asks again
    _post(client, me, _body(world, text=f"又一条：{TEXT}"))
    with app.app_context():
        assert len([j for j in get_queue().jobs if j.func_name.endswith("intake.drain_job")]) == 2
