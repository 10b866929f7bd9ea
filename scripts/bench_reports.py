#!/usr/bin/env python
"""Time the region reports cold and warm, and deputies' duty records, on a generated data set.

    scripts/gen_province.py [--sqlite]                 # once: ≈10,000 stations (province)
    scripts/gen_province.py --shape city [--sqlite]    # once: one city of ≈550 stations
    scripts/bench reports [--data province|city|all] [--db postgres|sqlite|all] [--repeat 5]

Requests go through the Flask app in-process (test client, Bearer token of the NPC
office over the whole data set). First a series of changes is committed (check-ins
and new opinions, one commit each, as residents and deputies make them) and the
recount job that each commit kicks is run (``stats.drain``, timed). Then a fresh app
(new connections, nothing cached in the process) reads each report once — **cold**,
the first report of the month — and again ``--repeat`` times — **warm**. Budget:
1 s on PostgreSQL, 2 s on SQLite. The whole rebuild of this month and last (the
daily roll) is timed last, for reference. ``all`` (the default) runs every data set
and database found, one after the other. A data set made by an older version is
migrated first (``flask db upgrade``: new summary tables are filled from the old).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_province import app_for, app_for_sqlite, start_postgres  # noqa: E402

BUDGET = {"postgres": 1.0, "sqlite": 2.0}


def line(label: str, times: list[float], budget: float | None) -> str:
    p50, worst = statistics.median(times), max(times)
    verdict = "" if budget is None else ("  OK" if worst <= budget else f"  超出 {budget:g} 秒")
    return f"{label:<40} p50 {p50 * 1000:7.0f} ms   max {worst * 1000:7.0f} ms   n={len(times)}{verdict}"


def make_changes(app, n: int, rng: random.Random) -> int:
    """``n`` check-ins today and ``n // 2`` new opinions, each committed on its own."""
    from sqlalchemy import func, select

    from liaison.core import clock
    from liaison.core.db import db
    from liaison.opinions.models import Opinion
    from liaison.places.models import Membership
    from liaison.reception.models import CheckIn

    made = 0
    with app.app_context():
        now, today = clock.now(), clock.today()
        top = db.session.scalar(select(func.max(Membership.id)))
        stamp = f"{time.time_ns() % 10 ** 9:09d}"
        for i in range(n):
            seat = db.session.get(Membership, rng.randint(1, top))
            if seat is None or db.session.execute(select(CheckIn.id).where(
                    CheckIn.deputy_id == seat.deputy_id, CheckIn.station_id == seat.station_id,
                    CheckIn.day == today)).first():
                continue
            db.session.add(CheckIn(deputy_id=seat.deputy_id, station_id=seat.station_id, at=now, day=today,
                                   in_plan=False, source="staff", verified=True))
            db.session.commit()
            made += 1
            if i % 2 == 0:
                db.session.add(Opinion(number=f"B{stamp}{i:05d}"[:20], station_id=seat.station_id,
                                       deputy_id=seat.deputy_id, text="基准测试意见", original_text="基准测试意见",
                                       state="submitted", deadline=today + timedelta(days=15),
                                       created_at=now, updated_at=now))
                db.session.commit()
                made += 1
    return made


def run(args, data: str, db_name: str, server) -> tuple[list[str], bool]:
    """One data set on one database: the lines to print and whether all stayed in budget."""
    meta = json.loads((args.dir / f"{data}.json").read_text())
    sqlite_path = args.dir / f"{data}.db"
    budget = BUDGET[db_name]

    def new_app():
        if db_name == "sqlite":
            return app_for_sqlite(sqlite_path, args.dir)
        return app_for(server.get_uri(data), args.dir)

    rng = random.Random(7)
    results, ok = [f"数据（{data}，{db_name}）：{meta['stations']} 个联络站，{meta['deputies']} 位代表，"
                   f"{meta['opinions']} 条意见，{meta['check_ins']} 次进站，{meta['reception_records']} 次接待"], True
    app = new_app()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()  # a data set made by an older version: its new tables filled from the old
    made = make_changes(app, args.changes, random.Random())  # other seats each run: a check-in is once a day
    with app.app_context():
        from liaison.stats.drain import drain

        began = time.perf_counter()
        done = drain()
        results.append(line(f"增量重算：{made} 次变动后（作业，{done['months']} 个月）",
                            [time.perf_counter() - began], None))
    app = new_app()  # cold: a new app, new connections
    with app.app_context():
        from liaison.core import clock
        from liaison.core.auth import issue_token
        from liaison.core.db import db
        from liaison.stats.figures import add_months
        from liaison.users.models import User

        today = clock.today()
        month = today.replace(day=1)
        headers = {"Authorization": f"Bearer {issue_token(db.session.get(User, 1))}"}
        client = app.test_client()

        def get(url):
            r = client.get(url, headers=headers)
            assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[:300])
            return r

        def timed(url, n=1):
            out = []
            for _ in range(n):
                began = time.perf_counter()
                get(url)
                out.append(time.perf_counter() - began)
            return out

        last = add_months(month, -1)
        top = "全省" if data == "province" else f"全市（{meta['stations']}站）"
        whole = 1 if data == "province" else 2
        reports = [(f"区域报告：{top}，本月", f"/api/v1/stats/regions/{whole}/report?month={month:%Y-%m}"),
                   (f"区域报告：{top}，上月", f"/api/v1/stats/regions/{whole}/report?month={last:%Y-%m}")]
        if data == "province":
            reports.append(("区域报告：一个市（长沙市），本月", f"/api/v1/stats/regions/2/report?month={month:%Y-%m}"))
        reports.append(("区域报告：一个区县，本月", f"/api/v1/stats/regions/3/report?month={month:%Y-%m}"))
        for label, url in reports:
            cold = timed(url)
            warm = timed(url, args.repeat)
            ok &= max(cold + warm) <= budget
            results.append(line(label + "（冷）", cold, budget))
            results.append(line(label + "（热）", warm, budget))
        sample = [meta["sample_deputy"]] + rng.sample(range(1, meta["deputies"] + 1), args.deputies)
        record = f"/api/v1/stats/deputies/{{}}/duty-record?year={today.year}"
        busiest = timed(record.format(sample[0]), args.repeat)
        ok &= max(busiest) <= budget
        results.append(line(f"履职档案：被点将最多的代表（#{sample[0]}）", busiest, budget))
        many = [timed(record.format(d))[0] for d in sample[1:]]
        ok &= max(many) <= budget
        results.append(line(f"履职档案：随机 {args.deputies} 位代表", many, budget))
        if not args.skip_roll:
            from liaison.stats.jobs import refresh_recent

            began = time.perf_counter()
            refresh_recent()
            results.append(line("整体重算本月和上月（每日一次，参考）",
                                [time.perf_counter() - began], None))
        db.session.remove()
        db.engine.dispose()
    results.append(f"全部在 {budget:g} 秒以内" if ok else f"有项目超过 {budget:g} 秒")
    return results, ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default="/tmp/liaison-province", type=Path)
    ap.add_argument("--data", choices=("province", "city", "all"), default="all")
    ap.add_argument("--db", choices=("postgres", "sqlite", "all"), default="all")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--changes", type=int, default=40, help="check-ins committed before the cold read")
    ap.add_argument("--deputies", type=int, default=20, help="random deputies whose records are timed")
    ap.add_argument("--skip-roll", action="store_true", help="leave out the whole rebuild timed for reference")
    args = ap.parse_args()
    datas = ("city", "province") if args.data == "all" else (args.data,)
    dbs = ("postgres", "sqlite") if args.db == "all" else (args.db,)
    runs = []
    for data in datas:
        flag = "" if data == "province" else " --shape city"
        for db_name in dbs:
            if not (args.dir / f"{data}.json").exists() or (db_name == "sqlite" and not (args.dir / f"{data}.db").exists()):
                if args.data != "all" and args.db != "all":
                    print(f"没有找到数据：请先运行 scripts/gen_province.py --dir {args.dir}{flag}"
                          f"{' --sqlite' if db_name == 'sqlite' else ''}", file=sys.stderr)
                    return 2
                print(f"跳过（{data}，{db_name}）：没有数据，scripts/gen_province.py --dir {args.dir}{flag}"
                      f"{' --sqlite' if db_name == 'sqlite' else ''}", file=sys.stderr)
                continue
            runs.append((data, db_name))
    if not runs:
        print(f"没有找到数据：请先运行 scripts/gen_province.py --dir {args.dir} --sqlite", file=sys.stderr)
        return 2
    server = start_postgres(args.dir) if any(d == "postgres" for _, d in runs) else None
    ok = True
    for data, db_name in runs:
        lines, good = run(args, data, db_name, server)
        ok &= good
        print("\n".join(lines), flush=True)
        print()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
