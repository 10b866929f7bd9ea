"""Every job the worker runs has an app context of its own.

``flask worker`` runs its jobs one after the other in its own process (rq's
SimpleWorker, see ``cli.py``), inside the command's app context: a job must not see the
session, ``g`` or anything else the job before it left there."""
from __future__ import annotations

from liaison.core.jobs import with_app


@with_app
def leave_traces() -> dict:
    from flask import g

    from liaison.core.db import db

    seen = {"g": getattr(g, "job_trace", None), "session": db.session.info.get("job_trace")}
    g.job_trace = "left by a job"
    db.session.info["job_trace"] = "left by a job"
    return seen


def test_a_job_does_not_see_what_the_job_before_it_left(app, redis_server):
    from flask import g
    from rq import SimpleWorker

    from liaison.core.extensions import get_queue

    with app.app_context():
        queue = get_queue()
        jobs = [queue.enqueue(leave_traces) for _ in range(3)]
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert getattr(g, "job_trace", None) is None  # nor the worker's own context
    results = []
    for job in jobs:
        job.refresh()
        assert job.is_finished, job.exc_info
        results.append(job.return_value())
    assert results == [{"g": None, "session": None}] * 3
