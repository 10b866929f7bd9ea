"""Real threads against a live HTTP server (SQLite or PostgreSQL, ``--db``): many staff
acting on one opinion at once end in one valid history, the losers answered 409; one
Idempotency-Key sent twenty times at once makes one opinion. A writer that finds the
database busy is answered 409 or waits, never 500."""
from __future__ import annotations

import uuid

import requests
from opinion_helpers import parallel

from liaison.core.db import db
from liaison.opinions import workflow
from liaison.opinions.models import IdempotencyRecord, Opinion, OpinionEvent

STAFF = ("demo-liaison", "demo-master", "demo-office")


def _actions(world) -> list[dict]:
    """Fifty bodies: accept, assign, reply and urge, interleaved."""
    kinds = [
        {"action": "accept"},
        {"action": "assign", "unit_ids": [world["unit_id"]], "level": "district"},
        {"action": "reply_directly", "text": "经核实，路灯已于本周修复，感谢您的反映。", "method": "wechat"},
        {"action": "urge", "method": "phone"},
    ]
    return [kinds[i % len(kinds)] for i in range(50)]


def _check_history(events: list[OpinionEvent]) -> None:
    """Each event follows the previous one and is a transition the state machine allows."""
    state = None
    for e in events:
        t = workflow.TRANSITIONS[e.action]
        assert e.from_state == state, (e.action, e.from_state, state)
        assert state in t.from_states, (e.action, state)
        if t.to_states:
            assert e.to_state in t.to_states, (e.action, e.to_state)
        else:
            assert e.to_state == state, (e.action, e.to_state, state)
        state = e.to_state


def test_fifty_threads_acting_on_one_opinion_end_in_one_valid_history(
        app, live_server, world, submit, who):
    op_id = submit().get_json()["opinion"]["id"]
    heads = [who(o) for o in STAFF]
    bodies = _actions(world)

    def act(i):
        return requests.post(f"{live_server}/api/v1/opinions/{op_id}/transitions",
                             json=bodies[i], headers=heads[i % len(heads)], timeout=60)

    answers = parallel(50, act)
    codes = [r.status_code for r in answers]
    assert set(codes) <= {200, 409}, [(r.status_code, r.text[:200]) for r in answers if r.status_code not in (200, 409)]
    for r in answers:
        if r.status_code == 409:
            err = r.json()["error"]
            assert err["code"] in ("conflict", "invalid_transition") and err["message"]
    won = [bodies[i]["action"] for i, r in enumerate(answers) if r.status_code == 200]
    assert won and won.count("accept") <= 1  # (urges may win every race before an accept)
    with app.app_context():
        events = db.session.query(OpinionEvent).filter_by(opinion_id=op_id).order_by(OpinionEvent.id).all()
        _check_history(events)
        assert sorted(e.action for e in events[1:]) == sorted(won)  # one event per winner
        opinion = db.session.get(Opinion, op_id)
        assert opinion.state == events[-1].to_state
        assert opinion.version == len(events)


def test_twenty_identical_submits_with_one_key_make_one_opinion(app, live_server, world, who, inline_only):
    """Every one registered in its request: one 201, nineteen 200 with the same opinion."""
    headers = {**who("demo-resident"), "Idempotency-Key": str(uuid.uuid4())}
    answers = parallel(20, lambda _: _post_twin(live_server, world, headers))
    assert sorted(r.status_code for r in answers) == [200] * 19 + [201], [r.text[:200] for r in answers]
    assert len({r.json()["opinion"]["id"] for r in answers}) == 1
    with app.app_context():
        assert db.session.query(Opinion).count() == 1
        assert db.session.query(IdempotencyRecord).count() == 1


def test_twenty_identical_submits_one_key_in_a_rush_make_one_intake_and_one_opinion(app, live_server, world,
                                                                                        who):
    """The deployed default: the first five of the second registered in their requests,
    the twins after them taken as intakes; whichever way each went, one opinion and at
    most one intake."""
    from liaison.opinions import intake
    from liaison.opinions.models import OpinionIntake

    app.config["OPINION_INLINE_PER_SECOND"] = 5
    intake.reset_gate()

    headers = {**who("demo-resident"), "Idempotency-Key": str(uuid.uuid4())}
    answers = parallel(20, lambda _: _post_twin(live_server, world, headers))
    assert {r.status_code for r in answers} <= {200, 201, 202}, [r.text[:200] for r in answers]
    assert len({r.json()["intake"]["id"] for r in answers if r.status_code == 202}) <= 1
    with app.app_context():
        intake.drain()
        assert db.session.query(Opinion).count() == 1
        opinion_id = db.session.query(Opinion.id).scalar()
        assert {r.json()["opinion"]["id"] for r in answers if r.status_code != 202} <= {opinion_id}
        assert {(i.status, i.opinion_id) for i in db.session.query(OpinionIntake)} <= {("registered", opinion_id)}


def _post_twin(live_server, world, headers):
    body = {"station_id": world["station_id"], "category": "traffic",
            "text": "公交站台的雨棚破了，下雨天没法等车，希望尽快修好。"}
    return requests.post(f"{live_server}/api/v1/opinions", json=body, headers=headers, timeout=60)
