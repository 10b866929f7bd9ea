"""What one submit costs the database: a bound on its statements, so a change that adds
round trips to the busiest write path shows here (``scripts/bench load`` measures time)."""
from __future__ import annotations

import uuid

from sqlalchemy import event

# auth 3, checks 5, reads ahead of the transaction 4 (mass check, recipients), the transaction 8
# (messages and outbox rows one INSERT each), mass recheck + answer 2 (the station and deputy
# names come from the rows the checks loaded)
MAX_STATEMENTS = 22


def test_a_submit_with_a_summoned_deputy_runs_a_bounded_number_of_statements(app, client, world, who):
    from liaison.core.db import db
    from liaison.opinions.models import Opinion

    headers = who("demo-resident")
    body = {"station_id": world["station_id"], "deputy_id": world["deputy_id"], "category": "housing",
            "text": "小区北门的路灯坏了两个星期，晚上出行很不安全，希望尽快修复。"}
    first = client.post("/api/v1/opinions", json=body, headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
    assert first.status_code == 201
    statements = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, params, context, executemany):
        statements.append(statement)

    def commit(conn):
        statements.append("COMMIT")

    event.listen(engine, "before_cursor_execute", count)
    event.listen(engine, "commit", commit)
    try:
        r = client.post("/api/v1/opinions", json={**body, "text": "楼道里的消防栓没有水，请尽快检查维修。"},
                        headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
    finally:
        event.remove(engine, "before_cursor_execute", count)
        event.remove(engine, "commit", commit)
    assert r.status_code == 201, r.get_json()
    opinion = r.get_json()["opinion"]
    assert opinion["deputy"]["id"] == world["deputy_id"]
    assert [e["action"] for e in opinion["events"]] == ["submit"]  # the answer is the row written
    listing = "\n".join(s.split("\n")[0][:120] for s in statements)
    # The write transaction, from the year's number (the first write) to its commit, holds
    # SQLite's write lock or PostgreSQL's number row: every read was done before it.
    first_write = next(i for i, s in enumerate(statements) if s.startswith("UPDATE opinion_counters"))
    transaction = statements[first_write:statements.index("COMMIT", first_write)]
    assert all(s.split()[0] in ("INSERT", "UPDATE") for s in transaction), listing
    assert len(transaction) <= 8, listing
    assert len([s for s in statements if s != "COMMIT"]) <= MAX_STATEMENTS, listing
    with app.app_context():
        assert db.session.get(Opinion, opinion["id"]).text == "楼道里的消防栓没有水，请尽快检查维修。"


def test_the_notifications_of_a_submit_are_queued_once_each(app, client, world, who):
    """One delivery job per outbox row, enqueued in one round trip; an id already queued
    is not queued again."""
    from liaison.core.extensions import get_queue
    from liaison.core.jobs import enqueue_many
    from liaison.notifications import jobs
    from liaison.notifications.models import Notification
    from liaison.core.db import db

    r = client.post("/api/v1/opinions", json={"station_id": world["station_id"], "deputy_id": world["deputy_id"],
                                              "text": "公交站台的雨棚破了，下雨天没法等车。"},
                    headers={**who("demo-resident"), "Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201
    with app.app_context():
        ids = [n.id for n in db.session.query(Notification).filter_by(opinion_id=r.get_json()["opinion"]["id"],
                                                                       status="pending")]
        assert ids
        queued = [j for j in get_queue().job_ids if j.startswith("notification-")]
        assert sorted(queued) == sorted(f"notification-{i}" for i in ids)
        assert enqueue_many(jobs.deliver_job, [((i,), f"notification-{i}") for i in ids]) == 0
        assert enqueue_many(jobs.deliver_job, [((ids[0],), f"notification-{ids[0]}"),
                                               ((10 ** 9,), "notification-1000000000")]) == 1
        assert len([j for j in get_queue().job_ids if j.startswith("notification-")]) == len(ids) + 1
