"""Real processes SIGKILLed while scan counts move from Redis to the database
(``codes.scans``): a flush killed before its commit, one killed after its commit but
before it cleared Redis, and a web process killed in the middle of a scan rush.
Every count is in ``code_scans`` once: none lost, none doubled.

The kill points are made certain with real locks, not timing: the test holds the
database's write lock (SQLite ``BEGIN IMMEDIATE``; PostgreSQL ``LOCK TABLE``) so the
flush waits inside its transaction, and pauses Redis' writes (``CLIENT PAUSE WRITE``)
so a flush that committed waits on its last Redis call.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import date

import pytest
from fault_helpers import wait
from ports import free_port
from processes import SERVER_DIR, app_env

import factories

DAY = date(2026, 12, 1)
FLUSH = "from liaison.codes.scans import flush_scans; print(flush_scans(), flush=True)"
LOCK_SECONDS = "2"  # the killed flush's lock expires this soon (SCAN_FLUSH_LOCK_SECONDS)


@pytest.fixture
def tokens(app):
    """Forty codes of one station."""
    from liaison.core.db import db

    with app.app_context():
        region = factories.region(db.session, "测试市", "city")
        station = factories.station(db.session, region, "测试市人大代表联络站")
        made = [factories.code(db.session, f"killedflush{i:05d}", station=station).token for i in range(40)]
        db.session.commit()
    return made


def _scan(app, tokens, rounds: int) -> int:
    """Count ``rounds`` scans of every token into Redis (as the scan route does)."""
    from liaison.codes import scans

    with app.app_context():
        for r in range(rounds):
            for token in tokens:
                scans.record_scan(token, DAY)
    return rounds * len(tokens)


def _total(app) -> int:
    from sqlalchemy import func

    from liaison.codes.models import CodeScan
    from liaison.core.db import db

    with app.app_context():
        return db.session.query(func.coalesce(func.sum(CodeScan.count), 0)).scalar()


def _flusher(base_config) -> subprocess.Popen:
    """``flush_scans`` in a process of its own (the worker's job, its own app)."""
    return subprocess.Popen([sys.executable, "-c", FLUSH], env=app_env(base_config, SCAN_FLUSH_LOCK_SECONDS=LOCK_SECONDS), cwd=str(SERVER_DIR),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@contextmanager
def _database_locked(database_url: str, workdir):
    """Hold the lock a flush's insert into ``code_scans`` waits for, until the block ends."""
    if database_url.startswith("postgresql"):
        import psycopg

        conn = psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://", 1))
        conn.execute("LOCK TABLE code_scans IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            conn.rollback()
            conn.close()
    else:
        import sqlite3

        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")  # the write lock (the flush waits out busy_timeout)
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()


def _clients(redis_server) -> set[str]:
    return {c["id"] for c in redis_server.client_list()}


def _read_its_batch(redis_server, known: set[str]) -> bool:
    """Whether a new Redis client's last command was the flush's HGETALL of its batch
    (after it, the flush talks to the database only, until it clears the batch)."""
    return any(c.get("cmd") == "hgetall" and c["id"] not in known for c in redis_server.client_list())


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    proc.stderr.close()


def _flush_in_a_new_process(base_config, redis_server) -> int:
    """A new flush once the killed one's lock has expired (it held it when it died)."""
    from liaison.codes import scans

    wait(lambda: not redis_server.exists(scans.LOCK), "the killed flush's lock to expire", timeout=30)
    done = subprocess.run([sys.executable, "-c", FLUSH], env=app_env(base_config, SCAN_FLUSH_LOCK_SECONDS=LOCK_SECONDS), cwd=str(SERVER_DIR),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.split()[-1])


def test_a_flush_process_killed_inside_its_transaction_loses_nothing(app, tokens, base_config, workdir,
                                                                     redis_server):
    from liaison.codes import scans

    sent = _scan(app, tokens, 3)
    with _database_locked(base_config["SQLALCHEMY_DATABASE_URI"], workdir):
        known = _clients(redis_server)
        proc = _flusher(base_config)
        # It moved the counts aside (RENAME), read them, and waits inside its transaction.
        wait(lambda: redis_server.exists(scans.PROCESSING), "the flush to take its batch", timeout=60)
        wait(lambda: _read_its_batch(redis_server, known), "the flush to read its batch", timeout=60)
        more = _scan(app, tokens, 1)  # scans go on meanwhile, into a new pending hash
        _kill(proc)
    assert redis_server.exists(scans.LOCK)  # it died holding the flush lock
    assert _total(app) == 0  # nothing of the killed transaction was kept
    assert redis_server.exists(scans.PROCESSING)
    assert _flush_in_a_new_process(base_config, redis_server) == sent + more  # the left batch, then the new scans
    assert _total(app) == sent + more
    assert not redis_server.exists(scans.PROCESSING) and not redis_server.exists(scans.PENDING)
    assert _flush_in_a_new_process(base_config, redis_server) == 0
    assert _total(app) == sent + more


def test_a_flush_process_killed_after_its_commit_adds_nothing_twice(app, tokens, base_config, workdir,
                                                                    redis_server):
    from liaison.codes import scans
    from liaison.codes.models import CodeScanFlush
    from liaison.core.db import db

    sent = _scan(app, tokens, 2)
    paused = False
    try:
        with _database_locked(base_config["SQLALCHEMY_DATABASE_URI"], workdir):
            known = _clients(redis_server)
            proc = _flusher(base_config)
            wait(lambda: redis_server.exists(scans.PROCESSING), "the flush to take its batch", timeout=60)
            wait(lambda: _read_its_batch(redis_server, known), "the flush to read its batch", timeout=60)
            batch = redis_server.get(scans.BATCH).decode()
            redis_server.client_pause(30_000, all=False)  # its next call, clearing Redis, will wait
            paused = True
        # The lock is released: the flush commits, then waits on Redis to clear its batch.

        def committed():
            with app.app_context():
                found = db.session.get(CodeScanFlush, batch) is not None
                db.session.rollback()
                return found

        wait(committed, "the flush to commit", timeout=60)
        _kill(proc)  # its DEL never ran: a killed client's waiting command is dropped
    finally:
        if paused:
            redis_server.client_unpause()
    assert _total(app) == sent
    assert redis_server.exists(scans.PROCESSING)  # the killed flush never cleared it
    assert _flush_in_a_new_process(base_config, redis_server) == 0  # its batch id is written: only cleared
    assert not redis_server.exists(scans.PROCESSING)
    assert _total(app) == sent


def test_a_web_process_killed_during_a_scan_rush_loses_no_answered_scan(app, tokens, base_config, workdir):
    """Each answered scan was counted in Redis before it was answered; the killed
    process's unanswered ones may count or not, never twice."""
    from liaison.codes.scans import flush_once

    port = free_port()
    env = app_env(base_config, FLASK_RUN_PORT=str(port))
    web = subprocess.Popen([sys.executable, "-m", "flask", "run", "--no-reload", "--with-threads",
                            "--port", str(port)], env=env, cwd=str(SERVER_DIR),
                           stdout=subprocess.DEVNULL, stderr=open(workdir / "web-kill.log", "w"))
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return urllib.request.urlopen(f"{base}/api/v1/codes/{tokens[0]}", timeout=5).status == 200
        except (urllib.error.URLError, ConnectionError):
            return False

    try:
        try:
            wait(up, "the web process", timeout=60)
        except AssertionError:
            raise AssertionError((workdir / "web-kill.log").read_text()[-3000:]) from None
        answered, sent, lock = [1], [1], threading.Lock()  # the probe that found it up

        def rush(worker: int):
            for i in range(400):
                with lock:
                    sent[0] += 1
                try:
                    r = urllib.request.urlopen(f"{base}/api/v1/codes/{tokens[(worker + i) % len(tokens)]}",
                                               timeout=5)
                    if r.status == 200:
                        with lock:
                            answered[0] += 1
                except (urllib.error.URLError, ConnectionError, OSError):
                    return  # the process is gone (this scan may have counted or not)

        threads = [threading.Thread(target=rush, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        wait(lambda: answered[0] >= 200, "the rush to be under way", timeout=60)
        web.send_signal(signal.SIGKILL)
        web.wait(timeout=10)
        for t in threads:
            t.join(timeout=30)
    finally:
        if web.poll() is None:
            web.kill()
            web.wait(timeout=10)
    with app.app_context():
        flush_once()
        flush_once()
    total = _total(app)
    assert answered[0] <= total <= sent[0]
    assert answered[0] < 1 + 4 * 400  # killed in the middle of the rush, not after it
