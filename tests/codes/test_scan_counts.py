"""Scan counts go to Redis at once and to ``code_scans`` in batches (codes.scans):
concurrent scans all count, and a flush that dies half-way loses or doubles nothing."""
from __future__ import annotations

import threading
from datetime import date

from codes_helpers import WANGYUEHU, token_of


def _counts(app, code_id):
    from liaison.codes.models import CodeScan
    from liaison.core.db import db

    with app.app_context():
        return {s.day: s.count for s in db.session.query(CodeScan).filter_by(code_id=code_id)}


def _code_id(app, token):
    from liaison.codes.models import Code
    from liaison.core.db import db

    with app.app_context():
        return db.session.query(Code.id).filter_by(token=token).scalar()


def test_fifty_concurrent_scans_of_one_code_count_fifty(app, places):
    from liaison.codes.scans import flush_scans
    from liaison.core import clock

    token = token_of(app, "station", places["station"][WANGYUEHU])
    statuses, start = [], threading.Barrier(50)

    def scan():
        client = app.test_client()
        start.wait()
        statuses.append(client.get(f"/api/v1/codes/{token}").status_code)

    threads = [threading.Thread(target=scan) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 50
    code_id = _code_id(app, token)
    assert _counts(app, code_id) == {}  # not written by the scans themselves
    with app.app_context():
        assert flush_scans() == 50
        today = clock.today()
    assert _counts(app, code_id) == {today: 50}


def test_a_flush_killed_before_its_commit_is_applied_by_the_next_run(app, places):
    from liaison.codes import scans
    from liaison.core.extensions import get_redis

    token = token_of(app, "station", places["station"][WANGYUEHU])
    code_id = _code_id(app, token)
    day = date(2026, 12, 20)
    with app.app_context():
        for _ in range(7):
            scans.record_scan(token, day)
        redis = get_redis()
        assert scans._take_batch(redis)  # the worker moved the hash aside, then died
        scans.record_scan(token, day)  # scans go on into a new pending hash meanwhile
        assert redis.exists(scans.PROCESSING) and redis.hget(scans.PENDING, f"{token}:{day}") == b"1"
        assert scans.flush_scans() == 8
        assert not redis.exists(scans.PROCESSING) and not redis.exists(scans.PENDING)
        assert scans.flush_scans() == 0
    assert _counts(app, code_id) == {day: 8}


def test_a_flush_killed_after_its_commit_adds_nothing_twice(app, places):
    from liaison.codes import scans
    from liaison.codes.models import CodeScanFlush
    from liaison.core.db import db
    from liaison.core.extensions import get_redis

    token = token_of(app, "station", places["station"][WANGYUEHU])
    code_id = _code_id(app, token)
    day = date(2026, 12, 21)
    with app.app_context():
        for _ in range(5):
            scans.record_scan(token, day)
        redis = get_redis()
        batch = scans._take_batch(redis)
        scans.add_counts(scans._parse(redis.hgetall(scans.PROCESSING)))
        db.session.add(CodeScanFlush(id=batch))
        db.session.commit()  # ... and the worker died before deleting the hash
        assert scans.flush_scans() == 0
        assert not redis.exists(scans.PROCESSING)
    assert _counts(app, code_id) == {day: 5}


def test_scans_of_unknown_tokens_count_nowhere(app, client, places):
    from liaison.codes.models import CodeScan
    from liaison.codes.scans import flush_scans
    from liaison.core.db import db

    assert client.get("/api/v1/codes/AAAAAAAAAAAAAAAA").status_code == 404
    with app.app_context():
        assert flush_scans() == 0
        assert db.session.query(CodeScan).count() == 0


def test_the_periodic_job_moves_the_counts(app):
    from liaison.core.jobs import PERIODIC

    assert ("liaison.codes.scans.flush_scans", 15) in PERIODIC
