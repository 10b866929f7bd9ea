"""SQLite's writers queue at the gate (``core/sqlite_gate.py``) instead of sleeping in
SQLite's busy handler: a writer waits at the gate while another transaction writes and
passes as soon as it ends, in this process's threads and across processes.

A writer below runs with ``PRAGMA busy_timeout=0``: without the gate its write would
meet the other transaction's lock and fail at once with ``database is locked``."""
from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from liaison.core import sqlite_gate
from liaison.core.sqlite_gate import GatedConnection, gate_for, writes

SERVER = Path(__file__).resolve().parents[2] / "server"


def _connect(path: Path, busy_ms: int = 0) -> GatedConnection:
    conn = sqlite3.connect(str(path), factory=GatedConnection, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA busy_timeout={busy_ms}")
    return conn


@pytest.fixture()
def database(tmp_path) -> Path:
    path = tmp_path / "gate.db"
    conn = _connect(path)
    conn.execute("CREATE TABLE t (n INTEGER)")
    conn.close()
    return path


def _gate_is_free(path: Path) -> bool:
    """Whether another process could take the gate now (a descriptor of its own)."""
    fd = os.open(str(path) + sqlite_gate.SUFFIX, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # (closing drops a lock it took)
    return True


@pytest.mark.parametrize("sql, expected", [
    ("INSERT INTO t VALUES (1)", True),
    ("  update t set n = 2", True),
    ("DELETE FROM t", True),
    ("REPLACE INTO t VALUES (1)", True),
    ("CREATE TABLE u (a)", True),
    ("ALTER TABLE t ADD COLUMN b", True),
    ("DROP TABLE t", True),
    ("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", True),
    ("BEGIN IMMEDIATE", True),
    ("SELECT * FROM t", False),
    ("WITH x AS (SELECT 1) SELECT * FROM x", False),
    ("BEGIN", False),
    ("SAVEPOINT sa_savepoint_1", False),
    ("PRAGMA foreign_keys=ON", False),
    ("", False),
])
def test_the_statements_that_take_the_write_lock_take_the_gate(sql, expected):
    assert writes(sql) is expected


def test_a_second_writer_waits_at_the_gate_and_passes_when_the_first_commits(database):
    first, second = _connect(database), _connect(database)
    first.execute("INSERT INTO t VALUES (1)")  # holds SQLite's write lock and the gate
    assert first.in_transaction and not _gate_is_free(database)
    done = threading.Event()
    errors: list[BaseException] = []

    def write():
        try:
            second.execute("INSERT INTO t VALUES (2)")
            second.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    assert not done.wait(0.3)  # waiting at the gate, not failing in SQLite (busy_timeout=0)
    first.commit()
    assert done.wait(5)
    thread.join()
    assert errors == []
    assert sorted(n for (n,) in first.execute("SELECT n FROM t")) == [1, 2]
    assert _gate_is_free(database)


def test_a_writer_in_another_process_waits_at_the_gate(database):
    holder = _connect(database)
    holder.execute("INSERT INTO t VALUES (1)")
    script = (
        "import sqlite3, sys\n"
        "from liaison.core.sqlite_gate import GatedConnection\n"
        "c = sqlite3.connect(sys.argv[1], factory=GatedConnection)\n"
        "c.execute('PRAGMA busy_timeout=0')\n"
        "print('ready', flush=True)\n"
        "c.execute('INSERT INTO t VALUES (2)'); c.commit()\n"
        "print('wrote', flush=True)\n")
    child = subprocess.Popen([sys.executable, "-c", script, str(database)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=SERVER,
                             env={**os.environ, "PYTHONPATH": str(SERVER)})
    try:
        assert child.stdout.readline().strip() == "ready"
        with pytest.raises(subprocess.TimeoutExpired):
            child.wait(timeout=0.5)  # at the gate: without it, "database is locked" at once
        holder.commit()
        out, err = child.communicate(timeout=10)
    finally:
        child.kill()
    assert child.returncode == 0, err
    assert out.strip() == "wrote"
    assert sorted(n for (n,) in holder.execute("SELECT n FROM t")) == [1, 2]


def test_a_writer_that_cannot_pass_in_time_gets_sqlites_own_locked_error(database):
    holder = _connect(database)
    holder.execute("INSERT INTO t VALUES (1)")
    result: list[BaseException] = []
    thread = threading.Thread(target=lambda: _try_take(database, result))
    thread.start()
    thread.join(5)
    assert len(result) == 1 and isinstance(result[0], sqlite3.OperationalError)
    assert "database is locked" in str(result[0])
    holder.rollback()
    assert _gate_is_free(database)


def _try_take(database: Path, result: list) -> None:
    try:
        gate_for(str(database)).take(wait=0.05)
    except BaseException as exc:  # noqa: BLE001 - the test reads it
        result.append(exc)


def test_the_gate_is_given_back_however_the_write_ends(database):
    conn = _connect(database)
    conn.execute("SELECT n FROM t").fetchall()
    assert _gate_is_free(database)  # a read never takes it
    conn.execute("INSERT INTO t VALUES (1)")
    assert not _gate_is_free(database)
    conn.rollback()
    assert _gate_is_free(database)
    conn.isolation_level = None  # autocommit: the statement is its own transaction
    conn.execute("INSERT INTO t VALUES (2)")
    assert _gate_is_free(database)
    conn.isolation_level = ""
    conn.executemany("INSERT INTO t VALUES (?)", [(3,), (4,)])
    assert not _gate_is_free(database)
    conn.commit()
    assert _gate_is_free(database)
    cursor = conn.cursor()
    cursor.execute("UPDATE t SET n = n + 1")
    assert not _gate_is_free(database)
    conn.close()
    assert _gate_is_free(database)


def test_a_failed_first_write_outside_a_transaction_gives_the_gate_back(database):
    conn = _connect(database)
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("INSERT INTO missing VALUES (1)")
    assert not conn.in_transaction
    assert _gate_is_free(database)


def test_a_forked_process_has_a_gate_of_its_own(database):
    gate = gate_for(str(database))
    gate.take()
    gate.give()  # the parent's descriptor is open now, and inherited by the child
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: waits for the parent to hold the gate, then tries it
        try:
            os.read(go_r, 1)
            try:
                gate_for(str(database)).take(wait=0.2)
            except sqlite3.OperationalError:
                os._exit(0)  # the parent holds it: the child queued behind
            os._exit(1)  # it passed beside the parent: they shared one lock
        finally:
            os._exit(2)
    os.close(ready_r), os.close(ready_w)
    gate.take()
    try:
        os.write(go_w, b"x")
        _, status = os.waitpid(pid, 0)
    finally:
        gate.give()
    assert os.waitstatus_to_exitcode(status) == 0


def test_the_apps_sqlite_connections_pass_the_gate_and_postgresql_ones_do_not(app):
    from liaison.core.db import db

    with app.app_context():
        engine = db.engine
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            assert isinstance(raw.dbapi_connection, GatedConnection)
            assert raw.dbapi_connection.execute("PRAGMA busy_timeout").fetchone()[0] == \
                int(sqlite_gate.WAIT * 1000)
        else:  # PostgreSQL locks rows, not the database: no gate
            assert engine.dialect.name == "postgresql"
            assert not isinstance(raw.dbapi_connection, GatedConnection)
            assert "factory" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args", {})
    finally:
        raw.close()


@pytest.mark.parametrize("database, expected", [
    (":memory:", None), ("", None), (b":memory:", None),
    ("file:shared?mode=memory&cache=shared", None),
    ("file:/tmp/x.db?mode=rwc", "/tmp/x.db"), (b"/tmp/y.db", "/tmp/y.db"),
])
def test_only_a_database_file_has_a_gate(database, expected):
    assert sqlite_gate._file_of(database) == expected
