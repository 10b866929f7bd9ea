"""A real ``flask worker --burst`` killed mid-delivery, then a restarted one.

The worker (which runs its jobs in its own process, rq's SimpleWorker) is killed with
SIGKILL, with anything it started, like an OOM kill or a lost machine: nothing gets to
clean up.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from notification_fixtures import SEND, TEMPLATE_SEND, TOKEN
from processes import SERVER_DIR, app_env, descendants

from liaison.opinions.context import Notify

LEASE = 1.0
# A long-term subscribe template for residents (the console's kind for its own id is
# long-term too), so one consent serves every message of these tests.
LONG_TERM_TMPL = "tmpl-resident-progress-lt"
LONG_TERM = ('{"template_ids": {"tmpl-resident-progress": "%s"},'
             ' "templates": {"resident_progress": {"kind": "long_term"}}}' % LONG_TERM_TMPL)


def _env(base_config) -> dict:
    return app_env(base_config, WECHAT_TIMEOUT="10", NOTIFICATION_LEASE_SECONDS=str(LEASE),
                   NOTIFICATION_TEMPLATES=LONG_TERM)


def _start_worker(base_config, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "ab")
    return subprocess.Popen([sys.executable, "-m", "flask", "worker", "--burst"],
                            cwd=SERVER_DIR, env=_env(base_config), stdout=log, stderr=log,
                            start_new_session=True)


def _statuses(app) -> list[str]:
    from liaison.core.db import db
    from liaison.notifications.models import Notification

    with app.app_context():
        out = [n.status for n in db.session.query(Notification).order_by(Notification.id)]
        db.session.rollback()
        return out


def _wait_for(predicate, timeout: float, what: str, proc=None, log_path=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.05)
    detail = log_path.read_text(errors="replace")[-3000:] if log_path else ""
    raise AssertionError(f"timed out waiting for {what}\n{detail}")


def _kill_worker(proc: subprocess.Popen) -> None:
    """SIGKILL the worker and whatever it started at once, as an OOM kill or a lost machine would."""
    children = descendants(proc.pid)
    os.killpg(proc.pid, signal.SIGKILL)
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=10)


def _pending_deliveries(app, emit, make_opinion, rows, count=3, notify=Notify("resident", "assigned")):
    """``count`` opinions whose resident (long-term consent) hears of a change, or whose
    summoned deputy (official account) does with ``Notify("deputy", "state_changed")``."""
    from liaison.core.db import db
    from liaison.notifications import outbox

    for _ in range(count):
        emit(make_opinion(state="assigned"), [notify])
    with app.app_context():  # what an operation does after its commit: one rq job per row
        db.session.info[outbox.PENDING_IDS] = [r["id"] for r in rows()]
        assert outbox.kick() is True


def _kill_mid_delivery(app, base_config, tmp_path, phone, path: str) -> None:
    """Start a worker on the queued jobs and kill it while its call to ``path`` hangs.

    The fake takes the injected delay fault when the call arrives, so the fault leaving
    /_fake/faults means the worker is waiting on WeChat (a fixed sleep after the claim
    was too short on a loaded machine: the worker could be killed before it called)."""
    import requests

    log_path = tmp_path / "worker1.log"
    worker = _start_worker(base_config, log_path)
    try:
        _wait_for(lambda: "sending" in _statuses(app), 20, "a claimed row", worker, log_path)
        _wait_for(lambda: path not in requests.get(f"{phone.base}/_fake/faults", timeout=5).json()["faults"],
                  20, f"the worker's call to {path}", worker, log_path)
    finally:
        _kill_worker(worker)


def _restart_and_sweep(app, base_config, tmp_path):
    """A new worker after the lease: the periodic sweep it runs finds the abandoned row."""
    from liaison.core.jobs import enqueue
    from liaison.notifications import jobs

    time.sleep(LEASE + 0.2)
    with app.app_context():
        enqueue(jobs.sweep, job_id="periodic-test-sweep")
    proc = _start_worker(base_config, tmp_path / "worker2.log")
    assert proc.wait(timeout=60) == 0, (tmp_path / "worker2.log").read_text(errors="replace")


def _numbers(messages) -> list[str]:
    return sorted(m["data"]["character_string1"]["value"] for m in messages)


@pytest.fixture
def resident_long_term(app, grant):
    app.config["NOTIFICATION_TEMPLATES"] = LONG_TERM
    grant("resident", LONG_TERM_TMPL, kind="long_term")


def test_killed_before_wechat_got_the_call_a_restarted_worker_delivers_each_once(
        app, base_config, world, make_opinion, emit, resident_long_term, phone, wechat_log,
        redis_server, tmp_path, rows):
    for key in redis_server.keys("wechat:*"):
        redis_server.delete(key)  # no cached token: the first WeChat call is the token fetch
    _pending_deliveries(app, emit, make_opinion, rows)
    phone.fault(TOKEN, 1, delay=5)  # the worker claims a row, then hangs fetching a token
    _kill_mid_delivery(app, base_config, tmp_path, phone, TOKEN)
    assert sorted(_statuses(app)) == ["pending", "pending", "sending"]
    assert wechat_log.messages(SEND) == []

    _restart_and_sweep(app, base_config, tmp_path)
    assert _statuses(app) == ["sent"] * 3
    messages = wechat_log.messages(SEND)
    assert _numbers(messages) == [f"LL-2026-{i:06d}" for i in range(1, 4)]  # each exactly once
    assert sorted(r["attempts"] for r in rows()) == [1, 1, 2]  # the interrupted one, twice tried


def test_killed_after_wechat_accepted_the_in_flight_row_is_resent_the_documented_window(
        app, base_config, world, make_opinion, emit, resident_long_term, phone, wechat_log,
        tmp_path, rows):
    """At-least-once for the one row in flight: subscribe messages have no idempotency
    key, so a send WeChat accepted just before the kill cannot be told from one it never
    saw. Nothing is lost, and only that row can arrive twice (with one-time consents WeChat
    refuses the second copy unless the person granted another)."""
    from liaison.wechat.app import get_wechat

    with app.app_context():
        assert get_wechat().mp.access_token  # cached: the worker's first call is the send
    _pending_deliveries(app, emit, make_opinion, rows)
    phone.fault(SEND, 1, delay=2)  # the fake answers late, and still delivers
    _kill_mid_delivery(app, base_config, tmp_path, phone, SEND)
    in_flight = next(r for r in rows() if r["status"] == "sending")
    _wait_for(lambda: len(wechat_log.messages(SEND)) == 1, 10, "the late send to land")

    _restart_and_sweep(app, base_config, tmp_path)
    assert _statuses(app) == ["sent"] * 3
    numbers = _numbers(wechat_log.messages(SEND))
    assert sorted(set(numbers)) == [f"LL-2026-{i:06d}" for i in range(1, 4)]  # nothing lost
    twice = {n for n in numbers if numbers.count(n) > 1}
    assert len(numbers) == 4 and len(twice) == 1  # only the in-flight row, once more
    assert in_flight["opinion_id"] in {r["opinion_id"] for r in rows() if r["attempts"] == 2}


def test_a_template_message_accepted_just_before_the_kill_is_delivered_once(
        app, base_config, world, make_opinion, emit, phone, wechat_log, tmp_path, rows):
    """Template messages carry client_msg_id = the row id: the resend after the kill
    reaches WeChat with the same id, and WeChat delivers nothing more."""
    from liaison.wechat.app import get_wechat

    with app.app_context():
        assert get_wechat().oa.access_token  # cached: the worker's first call is the send
    _pending_deliveries(app, emit, make_opinion, rows, notify=Notify("deputy", "state_changed"))
    phone.fault(TEMPLATE_SEND, 1, delay=2)  # the fake answers late, and still delivers
    _kill_mid_delivery(app, base_config, tmp_path, phone, TEMPLATE_SEND)
    in_flight = next(r for r in rows() if r["status"] == "sending")
    _wait_for(lambda: len(wechat_log.messages(TEMPLATE_SEND)) == 1, 10, "the late send to land")

    _restart_and_sweep(app, base_config, tmp_path)
    assert _statuses(app) == ["sent"] * 3
    messages = wechat_log.messages(TEMPLATE_SEND)
    assert _numbers(messages) == [f"LL-2026-{i:06d}" for i in range(1, 4)]  # each exactly once
    assert sorted(m["client_msg_id"] for m in messages) == sorted(str(r["id"]) for r in rows())
    assert in_flight["id"] in {r["id"] for r in rows() if r["attempts"] == 2}  # sent twice, delivered once
    assert len(wechat_log.calls(TEMPLATE_SEND)) == 4
