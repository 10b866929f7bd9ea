"""Operations: /readyz, request ids that follow a request into its jobs, JSON logs, and
Prometheus metrics (one process, and added up across gunicorn workers)."""
from __future__ import annotations

import json
from pathlib import Path
import re
import subprocess
import sys
import time

import pytest
import requests
from ports import free_port
from processes import SERVER_DIR, app_env
from sqlalchemy import text


def _metric(body: str, name: str, **labels) -> float:
    """The value of one sample in Prometheus' text format (0 when absent)."""
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.compile(rf"^{re.escape(name)}(\{{[^}}]*\}})? ([0-9.e+-]+)$", re.M)
    total = 0.0
    for match in pattern.finditer(body):
        if all(f'{k}="{v}"' in (match.group(1) or "") for k, v in labels.items()) or not want:
            total += float(match.group(2))
    return total


def test_readyz_says_ready_only_when_the_schema_is_at_the_codes_migration_head(app, client):
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    checks = ready.get_json()["checks"]
    assert checks["migrations"]["current"] == checks["migrations"]["expected"]
    from liaison.core.db import db

    with app.app_context():
        head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        db.session.execute(text("UPDATE alembic_version SET version_num = 'older'"))
        db.session.commit()
    try:
        behind = client.get("/readyz")
        assert behind.status_code == 503
        assert behind.get_json()["checks"]["migrations"] == {"ok": False, "current": "older", "expected": head}
    finally:
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
            db.session.commit()


@pytest.mark.parametrize("given, kept", [("4f1c2a9e8b7d6c5a4f1c2a9e8b7d6c5a", True), ("bad id with spaces", False),
                                         ("", False)])
def test_every_answer_carries_a_request_id(client, given, kept):
    answer = client.get("/healthz", headers={"X-Request-Id": given} if given else {})
    rid = answer.headers["X-Request-Id"]
    assert (rid == given) is kept
    assert re.fullmatch(r"[A-Za-z0-9._-]{8,64}", rid)


def test_the_request_id_follows_the_request_into_its_job_and_the_workers_json_log(
        app, client, demo, login, base_config):
    from factories import demo_ids
    from liaison.core.db import db
    from liaison.core.extensions import get_queue

    with app.app_context():
        station_id = demo_ids(db.session)["station_id"]
    rid = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    headers = {**login("demo-resident"), "X-Request-Id": rid, "Idempotency-Key": "observability-1"}
    submitted = client.post("/api/v1/opinions", headers=headers, json={
        "station_id": station_id, "category": "housing",
        "text": "小区北门的路灯坏了两个星期，晚上出行很不安全，希望尽快修复。"})
    assert submitted.status_code == 201, submitted.get_json()
    with app.app_context():
        jobs = [get_queue().fetch_job(i) for i in get_queue().job_ids if i.startswith("notification-")]
    assert jobs and all(job.meta.get("request_id") == rid for job in jobs)  # the outbox's delivery
    done = subprocess.run([sys.executable, "-m", "flask", "worker", "--burst", "--log-level", "WARNING"],
                          cwd=SERVER_DIR, env=app_env(base_config, LOG_FORMAT="json"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    started = [line for line in lines if line["message"].startswith("job ") and "started" in line["message"]
               and line["job_id"].startswith("notification-")]  # not the summaries' recount the fixtures kicked
    assert started and {line["request_id"] for line in started} == {rid}, done.stderr[-3000:]
    assert all(line["job_id"] != "-" and line["level"] == "INFO" and "time" in line for line in started)


def test_metrics_count_requests_scans_and_read_the_outbox_and_queue(app, client, demo, login):
    before = client.get("/metrics").get_data(as_text=True)
    from liaison.codes.models import Code
    from liaison.core.db import db

    with app.app_context():
        token = db.session.query(Code).first().token
    for _ in range(3):
        assert client.get(f"/api/v1/codes/{token}").status_code == 200
    assert client.get("/api/v1/codes/no-such-token").status_code in (404, 410)
    after = client.get("/metrics")
    assert after.status_code == 200 and after.mimetype == "text/plain"
    body = after.get_data(as_text=True)
    assert _metric(body, "liaison_scans_total", result="ok") - _metric(before, "liaison_scans_total", result="ok") == 3
    assert (_metric(body, "liaison_http_requests_total", endpoint="codes.resolve_code", status="200")
            - _metric(before, "liaison_http_requests_total", endpoint="codes.resolve_code", status="200")) == 3
    assert _metric(body, "liaison_http_request_duration_seconds_count", endpoint="codes.resolve_code") >= 3
    assert "liaison_queue_jobs" in body and 'state="queued"' in body


def test_metrics_answer_loopback_or_the_token_and_nobody_else(make_app):
    app = make_app(METRICS_TOKEN="s3cret-token-for-prometheus")
    client = app.test_client()
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_overrides=outside).status_code == 404
    assert client.get("/metrics", environ_overrides=outside,
                      headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", environ_overrides=outside,
                      headers={"Authorization": "Bearer s3cret-token-for-prometheus"}).status_code == 200
    assert client.get("/metrics").status_code == 200  # loopback


def test_metrics_add_up_every_gunicorn_worker(app, demo, base_config, tmp_path):
    """Two gunicorn workers (deploy/gunicorn.conf.py's hooks, multiprocess mode): the scans
    counted by workers that have since been killed are still in the scrape a fresh worker
    answers, so a scrape never depends on which process counted what."""
    import os
    import signal

    from liaison.codes.models import Code
    from liaison.core.db import db

    with app.app_context():
        token = db.session.query(Code).first().token
    port = free_port()
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = app_env(base_config, PROMETHEUS_MULTIPROC_DIR=str(folder))
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(SERVER_DIR.parent / "deploy" / "gunicorn.conf.py"),
                               "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2", "wsgi:app"],
                              cwd=SERVER_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"

    def workers() -> set[int]:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        return {int(pid) for pid in children}

    def ready():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if len(workers()) == 2 and requests.get(base + "/readyz", timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError("gunicorn did not come up")

    try:
        ready()
        for _ in range(40):
            answer = requests.get(f"{base}/api/v1/codes/{token}", timeout=10, headers={"Connection": "close"})
            assert answer.status_code == 200
        body = requests.get(base + "/metrics", timeout=10).text
        assert _metric(body, "liaison_scans_total", result="ok") == 40
        counted_by = workers()
        for pid in counted_by:  # every process that counted is gone; gunicorn starts new ones
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while (workers() & counted_by or len(workers()) < 2) and time.monotonic() < deadline:
            time.sleep(0.2)
        ready()
        body = requests.get(base + "/metrics", timeout=10).text
        assert _metric(body, "liaison_scans_total", result="ok") == 40  # read from the dead workers' files
    finally:
        server.terminate()
        server.wait(timeout=30)
