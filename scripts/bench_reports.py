#!/usr/bin/env python
"""Time the region report and deputies' duty records on the generated province.

    scripts/gen_province.py            # once: ≈100k deputies, ≈10k stations, 1M opinions
    scripts/bench reports [--repeat 5]

Requests go through the Flask app in-process (test client, Bearer token of the
province's NPC office), against the embedded PostgreSQL the generator filled. The
summary rows of this month and last are rebuilt first, as the periodic job
(``stats.jobs.refresh_recent``) keeps them; that rebuild is timed separately, and so
is a report whose month has gone stale (rebuilt on the way). Budget: 1 s.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_province import app_for, start_postgres  # noqa: E402

BUDGET = 1.0


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        out.append(time.perf_counter() - began)
    return out


def line(label: str, times: list[float], budget: float | None = BUDGET) -> str:
    p50, worst = statistics.median(times), max(times)
    verdict = "" if budget is None else ("  OK" if worst <= budget else "  超出 1 秒")
    return f"{label:<44} p50 {p50 * 1000:7.0f} ms   max {worst * 1000:7.0f} ms   n={len(times)}{verdict}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default="/tmp/liaison-province", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--deputies", type=int, default=20, help="random deputies whose records are timed")
    args = ap.parse_args()
    meta_path = args.dir / "province.json"
    if not meta_path.exists():
        print(f"没有找到 {meta_path}：请先运行 scripts/gen_province.py --dir {args.dir}", file=sys.stderr)
        return 2
    meta = json.loads(meta_path.read_text())
    server = start_postgres(args.dir)
    app = app_for(server.get_uri("province"), args.dir)
    with app.app_context():
        from liaison.core import clock
        from liaison.core.auth import issue_token
        from liaison.core.db import db
        from liaison.stats.figures import add_months
        from liaison.stats.models import StatsRefresh
        from liaison.stats.refresh import refresh
        from liaison.users.models import User

        today = clock.today()
        month = today.replace(day=1)
        headers = {"Authorization": f"Bearer {issue_token(db.session.get(User, 1))}"}
        client = app.test_client()
        results, ok = [], True
        print(f"数据：{meta['stations']} 个联络站，{meta['deputies']} 位代表，{meta['opinions']} 条意见，"
              f"{meta['events']} 条意见事件，{meta['check_ins']} 次进站，{meta['reception_records']} 次接待")
        began = time.perf_counter()
        refresh(add_months(month, -1), month, today)
        results.append(line("汇总表：重算本月和上月（全省，定时任务）", [time.perf_counter() - began], None))

        def get(url):
            r = client.get(url, headers=headers)
            assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[:300])
            return r

        last_month = add_months(month, -1).strftime("%Y-%m")
        for label, url in (
                ("区域报告：全省，本月", f"/api/v1/stats/regions/1/report?month={month:%Y-%m}"),
                ("区域报告：全省，上月", f"/api/v1/stats/regions/1/report?month={last_month}"),
                ("区域报告：一个市（长沙市），上月", f"/api/v1/stats/regions/2/report?month={last_month}"),
                ("区域报告：一个区县，上月", f"/api/v1/stats/regions/3/report?month={last_month}")):
            get(url)  # warm the connection pool and the caches once
            times = timed(lambda: get(url), args.repeat)
            ok &= max(times) <= BUDGET
            results.append(line(label, times))
        rng = random.Random(7)
        sample = [meta["sample_deputy"]] + rng.sample(range(1, meta["deputies"] + 1), args.deputies)
        get(f"/api/v1/stats/deputies/{sample[0]}/duty-record?year={today.year}")
        busiest = timed(lambda: get(f"/api/v1/stats/deputies/{sample[0]}/duty-record?year={today.year}"), args.repeat)
        ok &= max(busiest) <= BUDGET
        results.append(line(f"履职档案：被点将最多的代表（#{sample[0]}）", busiest))
        many = [timed(lambda d=d: get(f"/api/v1/stats/deputies/{d}/duty-record?year={today.year}"), 1)[0]
                for d in sample[1:]]
        ok &= max(many) <= BUDGET
        results.append(line(f"履职档案：随机 {args.deputies} 位代表", many))
        league = timed(lambda: get(f"/api/v1/stats/regions/2/league?kind=deputy&from={today.year}-01"), 2)
        results.append(line("响应度排行：长沙市全部代表，今年（参考）", league, None))
        db.session.query(StatsRefresh).filter(StatsRefresh.month == month).delete()
        db.session.commit()
        stale = timed(lambda: get(f"/api/v1/stats/regions/3/report?month={month:%Y-%m}"), 1)
        results.append(line("区域报告：一个区县，本月汇总已过期（先重算）", stale, None))
        refresh(month, month, today)
    print("\n".join(results))
    print("全部在 1 秒以内" if ok else "有项目超过 1 秒")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
