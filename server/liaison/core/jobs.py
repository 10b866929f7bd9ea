"""Background jobs (rq) and the periodic-job loop.

Jobs take ids and reload; they are safe to run twice. Every periodic job is listed
once in ``PERIODIC`` with a fixed name, and the loop takes a Redis lock per tick, so
any number of workers or restarts never run a tick twice.
"""
from __future__ import annotations

import importlib
import logging
import threading
from functools import wraps

from flask import current_app, has_app_context

from . import clock

log = logging.getLogger(__name__)

# (dotted path of a function callable without arguments, interval in seconds)
PERIODIC: list[tuple[str, int]] = [
    ("liaison.notifications.jobs.sweep", 30),
    ("liaison.opinions.intake.sweep_job", 15),  # backstop: each intake's own job registers it at once
    ("liaison.codes.scans.flush_scans", 15),
    ("liaison.opinions.jobs.scan_deadlines", 3600),
    ("liaison.opinions.jobs.sweep_content_checks", 600),
    ("liaison.opinions.jobs.scrub_expired", 24 * 3600),
    ("liaison.opinions.jobs.delete_unattached_uploads", 3600),
    ("liaison.opinions.followup.follow_up_replies", 3600),
    ("liaison.reception.jobs.send_reminders", 3600),
    ("liaison.reception.jobs.plan_next_year", 24 * 3600),  # acts in December only
    ("liaison.consultations.jobs.notify_opened", 3600),
    ("liaison.consultations.jobs.recheck_comments", 600),
    ("liaison.stats.jobs.drain_job", 60),  # backstop: the kick after each commit drains at once
    ("liaison.stats.jobs.roll", 600),  # once a China day
    ("liaison.insight.jobs.recompute_topics", 3600),  # this month's and the stored recent periods' topics
    ("liaison.insight.routing.train_all", 24 * 3600),  # suggested routing learns the day's decisions
]

_worker_app = None


def with_app(fn):
    """Run a job inside an app context (creating the app once per worker process)."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        from rq import get_current_job

        from .observability import enter_job, leave_job

        job = get_current_job()
        if job is None:  # called directly (tests, CLI): nothing to carry
            return _in_app(fn, args, kwargs)
        tokens = enter_job(job)  # its log lines carry the enqueuing request's id
        log.info("job %s.%s started", fn.__module__, fn.__name__)
        try:
            return _in_app(fn, args, kwargs, fresh=True)
        finally:
            leave_job(tokens)

    return wrapper


def _in_app(fn, args, kwargs, fresh: bool = False):
    """``fn`` inside an app context (the caller's, or the worker's app, made once) as one
    unit of work: it commits at its end and leaves nothing when it fails.

    ``fresh`` (a job run by the worker): a context of its own, even inside the worker's
    (``flask worker`` runs in one): the worker runs its jobs one after the other in its
    own process, and no job may see the session, ``g`` or the viewer the one before it
    left."""
    from .transaction import unit_of_work

    global _worker_app
    if has_app_context():
        if fresh:
            with current_app._get_current_object().app_context(), unit_of_work():
                return fn(*args, **kwargs)
        with unit_of_work():
            return fn(*args, **kwargs)
    if _worker_app is None:
        from .. import create_app

        _worker_app = create_app()
    with _worker_app.app_context(), unit_of_work():
        return fn(*args, **kwargs)


def enqueue(func, *args, job_id: str | None = None, **kwargs):
    """Put a job on the queue (deduplicated when ``job_id`` is given)."""
    from .extensions import get_queue

    queue = get_queue()
    if job_id is not None:
        from rq.job import Job
        from rq.exceptions import NoSuchJobError

        try:
            existing = Job.fetch(job_id, connection=queue.connection)
            if existing.get_status(refresh=True) in ACTIVE_STATES:
                return existing
        except NoSuchJobError:
            pass
    from .observability import job_meta

    return queue.enqueue(func, *args, job_id=job_id, meta={**job_meta(), **kwargs.pop("meta", {})}, **kwargs)


ACTIVE_STATES = ("queued", "started", "deferred", "scheduled")


def enqueue_many(func, calls: list[tuple[tuple, str]]) -> int:
    """Enqueue ``func(*args)`` for each ``(args, job_id)`` in two Redis round trips (one
    read of those ids, one pipeline), deduplicated as ``enqueue`` does: an id already
    queued or running is not queued again. :return: how many were enqueued."""
    from rq import Queue
    from rq.job import Job

    from .extensions import get_queue
    from .observability import job_meta

    queue = get_queue()
    if not queue.is_async:  # the CLI runs jobs in place: one by one
        for args, job_id in calls:
            enqueue(func, *args, job_id=job_id)
        return len(calls)
    ids = [job_id for _, job_id in calls]
    busy = {job.id for job in Job.fetch_many(ids, connection=queue.connection)
            if job is not None and job.get_status(refresh=False) in ACTIVE_STATES}
    meta = job_meta()
    datas = [Queue.prepare_data(func, args, job_id=job_id, meta=dict(meta))
             for args, job_id in calls if job_id not in busy]
    if datas:
        queue.enqueue_many(datas)
    return len(datas)


def _resolve(path: str):
    """The job function at ``path``; a wrong path raises (a broken entry is never skipped)."""
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def run_periodic_once(now: float | None = None) -> list[str]:
    """Enqueue every periodic job whose interval has passed; returns what was enqueued."""
    from .extensions import get_redis

    redis = get_redis()
    now = now or clock.timestamp()
    started = []
    for path, interval in PERIODIC:
        func = _resolve(path)
        tick = int(now // interval)
        if redis.set(f"liaison:periodic:{path}:{tick}", "1", nx=True, ex=interval * 2):
            enqueue(func, job_id=f"periodic-{path.replace('.', '_')}-{tick}")
            started.append(path)
    return started


def periodic_loop(app, every: float = 5.0, stop: threading.Event | None = None) -> None:
    """Enqueue due periodic jobs every ``every`` seconds until ``stop`` is set. Any number
    of loops may run (in workers or ``flask scheduler``): the per-tick lock lets one win."""
    stop = stop or threading.Event()
    with app.app_context():
        while not stop.is_set():
            try:
                run_periodic_once()
            except Exception:  # keep the loop alive; the next tick retries
                log.exception("periodic loop")
            stop.wait(every)


def start_periodic_thread(app, every: float = 5.0) -> threading.Thread:
    thread = threading.Thread(target=periodic_loop, args=(app, every), name="liaison-periodic", daemon=True)
    thread.start()
    return thread
