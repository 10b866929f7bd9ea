"""SQLite's writers queue at one gate instead of polling the database's lock.

SQLite lets one connection write at a time. A writer that finds the lock taken waits in
SQLite's busy handler, which sleeps between tries for 1, 2, 5, 10, 15, 20, 25, 25, 25,
50, 50 and then 100 ms: a writer that has waited a while sleeps on long after the lock
is free. Under a scan rush every web thread, the worker's registrations and the stats
drain write, and each waiter's sleeps added up to 100 ms to its wait after the writer
before it had finished.

The gate hands the write lock over as soon as it is free. A connection of the app's
engine takes it before its first write of a transaction (the statement that makes
SQLite take its write lock: ``INSERT``, ``UPDATE``, ``DELETE``, DDL …) and gives it
back when the transaction ends (commit, rollback, close; at once after a statement run
in autocommit). In the process a ``threading.Lock`` queues the threads, which wake when
it is released; across processes (gunicorn's workers, rq's workers, the scheduler)
the thread holding it takes an exclusive ``flock`` on ``<database>-writer`` beside the
database file, tried every 0.2–1 ms. Readers never wait: WAL lets them read beside the
writer.

A writer that cannot pass in ``WAIT`` seconds (``busy_timeout``'s 5 s) gets SQLite's
own ``database is locked``, as it would have without the gate. Writers outside the app
(the ``sqlite3`` shell, a script with its own engine) do not take the gate; SQLite's
busy handler still orders them against the app's writers. PostgreSQL locks rows, not
the database, and has no gate.

The lock file is never the database file itself: closing any descriptor of a file drops
the POSIX locks SQLite holds on it in this process.
"""
from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import threading
import time

WAIT = 5.0  # seconds, as ``PRAGMA busy_timeout=5000``
SUFFIX = "-writer"

_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER",
                     "VACUUM", "REINDEX", "ANALYZE"})
_WITH_WRITE = re.compile(r"\b(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
_LOCKING_BEGIN = re.compile(r"^\s*BEGIN\s+(IMMEDIATE|EXCLUSIVE)\b", re.IGNORECASE)


def writes(sql: str) -> bool:
    """Whether ``sql`` makes SQLite take its write lock (a read-only ``WITH`` does not)."""
    head = sql.lstrip()[:8].split(None, 1)
    if not head:
        return False
    word = head[0].upper()
    if word in _WRITES:
        return True
    if word == "WITH":
        return bool(_WITH_WRITE.search(sql))
    return word == "BEGIN" and bool(_LOCKING_BEGIN.match(sql))


class Gate:
    """One database file's gate in this process (see the module's docstring)."""

    def __init__(self, path: str):
        self.path = path + SUFFIX
        self._threads = threading.Lock()
        self._fd: int | None = None

    def take(self, wait: float = WAIT) -> None:
        deadline = time.monotonic() + wait
        if not self._threads.acquire(timeout=wait):
            raise sqlite3.OperationalError("database is locked")
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            pause = 0.0002
            while True:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    pass
                if time.monotonic() >= deadline:
                    raise sqlite3.OperationalError("database is locked")
                time.sleep(pause)
                pause = min(pause * 2, 0.001)
        except BaseException:
            self._threads.release()
            raise

    def give(self) -> None:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()


_gates: dict[tuple[int, str], Gate] = {}
_gates_lock = threading.Lock()


def gate_for(path: str) -> Gate:
    """This process's gate for the database file ``path`` (a forked child makes its own:
    the parent's lock and descriptor may have been held by a thread the child lacks)."""
    key = (os.getpid(), path)
    found = _gates.get(key)
    if found is None:
        with _gates_lock:
            found = _gates.setdefault(key, Gate(path))
    return found


def _file_of(database) -> str | None:
    """The database file's absolute path; None for an in-memory database."""
    name = os.fsdecode(os.fspath(database))
    if name in ("", ":memory:") or "mode=memory" in name:
        return None
    if name.startswith("file:"):
        name = name[5:].split("?", 1)[0]
    return os.path.abspath(name)


class GatedCursor(sqlite3.Cursor):
    def execute(self, sql, parameters=()):
        with self.connection._gated(sql):
            return super().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters):
        with self.connection._gated(sql):
            return super().executemany(sql, seq_of_parameters)

    def executescript(self, sql_script):
        with self.connection._gated("CREATE"):  # a script may write anything
            return super().executescript(sql_script)


class _Pass:
    """The context of one statement: takes the gate before a first write, gives it back
    after a statement that left no transaction open."""

    __slots__ = ("conn",)

    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        return None

    def __exit__(self, *_exc):
        conn = self.conn
        if conn._held is not None and not conn.in_transaction:
            conn._give()
        return False


class GatedConnection(sqlite3.Connection):
    """A ``sqlite3`` connection whose writes pass the gate (``connect_args`` factory)."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._file = _file_of(database)
        self._held: Gate | None = None
        self._pass = _Pass(self)  # stateless: one per connection serves every statement

    def _gated(self, sql: str) -> _Pass:
        if self._held is None and self._file is not None and writes(sql):
            gate = gate_for(self._file)
            gate.take()
            self._held = gate
        return self._pass

    def _give(self) -> None:
        gate, self._held = self._held, None
        if gate is not None:
            gate.give()

    def cursor(self, factory=None):
        return super().cursor(factory or GatedCursor)

    # The connection's shortcuts make a plain cursor of their own: route them through ours.
    def execute(self, sql, parameters=()):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters):
        return self.cursor().executemany(sql, seq_of_parameters)

    def executescript(self, sql_script):
        return self.cursor().executescript(sql_script)

    def commit(self):
        try:
            super().commit()
        finally:
            if not self.in_transaction:
                self._give()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._give()

    def close(self):
        try:
            super().close()
        finally:
            self._give()
