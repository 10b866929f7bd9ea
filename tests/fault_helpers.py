"""Helpers for the fault tests: wait for the fake WeChat to be inside a call, and drop the
app's database connections from the server side (PostgreSQL)."""
from __future__ import annotations

import threading
import time

import pytest
import requests

SQLITE_SKIP = "SQLite has no server connection to drop: the file is opened in-process"


def wait(predicate, what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def fault_taken(fake_base: str, path: str) -> bool:
    """Whether the fake took its pending fault on ``path`` (the caller is inside that call)."""
    return path not in requests.get(f"{fake_base}/_fake/faults", timeout=5).json()["faults"]


def when_called(fake_base: str, path: str, then) -> threading.Thread:
    """A started thread that runs ``then`` as soon as the fake took its fault on ``path``."""
    def watch():
        wait(lambda: fault_taken(fake_base, path), f"a call to {path}", timeout=20)
        then()

    thread = threading.Thread(target=watch, name="fault-watch")
    thread.start()
    return thread


def require_postgres(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip(SQLITE_SKIP)


def terminate_app_connections(database_url: str) -> int:
    """pg_terminate_backend every other connection to the app's database, from a second
    connection; returns how many were terminated."""
    import psycopg

    plain = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain, autocommit=True) as conn:
        return len(conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall())
