"""Each region's monthly totals (``stats_region_totals``, the report's trend) follow every
change: after random committed changes and the recount they kick, every region's row
equals the sum, computed here from scratch, of the station rows under it."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest

from liaison.core.clock import CHINA


def _at(day: date, hh: int = 10) -> datetime:
    return datetime.combine(day, time(hh), CHINA)


def _from_scratch() -> dict[tuple[int, date], tuple[int, ...]]:
    """Every region's month: the station rows of the active stations of its subtree, summed."""
    from liaison.core.db import db
    from liaison.places.models import Region, Station
    from liaison.stats.figures import MONTH_FIELDS
    from liaison.stats.models import StationMonth

    paths = {r.id: r.path for r in db.session.query(Region)}
    station_path = {s.id: paths[s.region_id] for s in db.session.query(Station) if s.active}
    out: dict[tuple[int, date], list[int]] = {}
    for row in db.session.query(StationMonth):
        if row.station_id not in station_path:
            continue
        for region_id, path in paths.items():
            if station_path[row.station_id].startswith(path):
                acc = out.setdefault((region_id, row.month), [0] * len(MONTH_FIELDS))
                for i, f in enumerate(MONTH_FIELDS):
                    acc[i] += getattr(row, f)
    return {k: tuple(v) for k, v in out.items() if any(v)}


def _stored() -> dict[tuple[int, date], tuple[int, ...]]:
    from liaison.core.db import db
    from liaison.stats.figures import MONTH_FIELDS
    from liaison.stats.models import RegionTotal

    return {(r.region_id, r.month): tuple(getattr(r, f) for f in MONTH_FIELDS)
            for r in db.session.query(RegionTotal)}


def _random_changes(db, region, today: date, rng: random.Random, n: int) -> list[str]:
    """``n`` random changes of every kind that moves a station's counters, one commit each."""
    from liaison.opinions.models import Opinion
    from liaison.places.models import Region, Station
    from liaison.reception.models import CheckIn, ReceptionRecord
    from liaison.stats.figures import add_months

    this = today.replace(day=1)
    months = [add_months(this, -2), add_months(this, -1), this]
    stations = [region.A, region.B, region.C, region.D]
    people = {region.A: region.a, region.B: region.b, region.C: region.c, region.D: region.d}
    streets = [r.id for r in db.session.query(Region).filter(Region.level.in_(("street", "community")))]
    done = []
    for i in range(n):
        kind = rng.choice(("check_in", "check_in", "opinion", "opinion", "reply", "reception", "delete",
                           "move", "deactivate"))
        sid = rng.choice(stations)
        month = rng.choice(months)
        day = min(month + timedelta(days=rng.randint(0, 27)), today)
        if kind == "check_in":
            deputy = rng.choice(people[sid])
            if db.session.query(CheckIn).filter_by(deputy_id=deputy, station_id=sid, day=day).first():
                continue
            db.session.add(CheckIn(deputy_id=deputy, station_id=sid, at=_at(day), day=day, in_plan=False,
                                   source="staff", verified=True))
        elif kind == "opinion":
            db.session.add(Opinion(number=f"T-RT{i:03d}", station_id=sid, deputy_id=rng.choice(people[sid]),
                                   text="随机", original_text="随机", state="submitted",
                                   deadline=day + timedelta(days=rng.randint(1, 20)), created_at=_at(day),
                                   updated_at=_at(day)))
        elif kind == "reply":
            o = db.session.query(Opinion).filter(Opinion.state == "submitted").order_by(Opinion.id).first()
            if o is None:
                continue
            when = max(o.created_at, _at(day))
            o.state, o.replied_at, o.updated_at = "replied", when, when
        elif kind == "reception":
            db.session.add(ReceptionRecord(station_id=sid, date=day, residents=rng.randint(1, 20),
                                           opinions_registered=0, deputy_ids=[], note="", in_plan=False))
        elif kind == "delete":
            c = db.session.query(CheckIn).filter(CheckIn.station_id == sid).order_by(CheckIn.id.desc()).first()
            if c is None:
                continue
            db.session.delete(c)
        elif kind == "move":  # the station moves to another street (or community)
            station = db.session.get(Station, sid)
            station.region_id = rng.choice([r for r in streets if r != station.region_id])
        else:  # deactivated, or active again
            station = db.session.get(Station, sid)
            station.active = not station.active
        db.session.commit()
        done.append(kind)
    return done


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_random_changes_every_region_total_equals_a_sum_from_scratch(app, region, run_jobs, seed):
    from liaison.core import clock
    from liaison.core.db import db
    from liaison.stats.figures import add_months
    from liaison.stats.refresh import refresh

    today = clock.today()
    with app.app_context():
        first = add_months(today.replace(day=1), -2)
        refresh(first, today, today)  # the months built, as a report read them
        built = _stored()
        assert built == _from_scratch()
        kinds = _random_changes(db, region, today, random.Random(seed), 40)
        assert {"move", "deactivate"} & set(kinds)
    run_jobs()
    with app.app_context():
        recounted = _stored()
        assert recounted != built  # the changes moved something
        assert recounted == _from_scratch()
        refresh(first, today, today)  # a whole rebuild gives the same rows
        assert _stored() == recounted


def test_a_station_moved_out_leaves_its_old_regions_totals(app, region, run_jobs):
    """The street and district a station left lose its figures; the new ones gain them."""
    from liaison.core import clock
    from liaison.core.db import db
    from liaison.places.models import Region, Station
    from liaison.stats.figures import add_months
    from liaison.stats.models import RegionTotal
    from liaison.stats.refresh import refresh
    from liaison.reception.models import CheckIn

    today = clock.today()
    this = today.replace(day=1)
    with app.app_context():
        refresh(add_months(this, -1), today, today)
        db.session.add(CheckIn(deputy_id=region.d[0], station_id=region.D, at=_at(this), day=this,
                               in_plan=False, source="staff", verified=True))
        db.session.commit()
    run_jobs()

    def check_ins(region_id):
        row = db.session.get(RegionTotal, (region_id, this))
        return row.check_ins if row else 0

    with app.app_context():
        assert check_ins(region.yi) == 1 and check_ins(region.jia) == 0
        second_street = db.session.query(Region).filter_by(name="二镇").one().id
        db.session.get(Station, region.D).region_id = second_street  # 乙区 → 甲区
        db.session.commit()
    run_jobs()
    with app.app_context():
        assert check_ins(region.yi) == 0
        assert check_ins(region.jia) == 1 and check_ins(second_street) == 1 and check_ins(region.city) == 1


def test_the_report_trend_reads_the_totals(app, client, region, office):
    """The year's trend in the report equals the months' station rows summed."""
    from liaison.core.db import db
    from liaison.stats.models import StationMonth

    report = client.get(f"/api/v1/stats/regions/{region.city}/report?month=2025-03", headers=office).get_json()
    with app.app_context():
        by_month = {}
        for row in db.session.query(StationMonth).filter(StationMonth.month <= date(2025, 3, 1),
                                                         StationMonth.month >= date(2025, 1, 1)):
            by_month[row.month.strftime("%Y-%m")] = by_month.get(row.month.strftime("%Y-%m"), 0) + row.check_ins
    trend = {m["month"]: m["check_ins"] for m in report["trend"]}
    assert trend == {"2025-01": by_month.get("2025-01", 0), "2025-02": by_month.get("2025-02", 0),
                     "2025-03": by_month.get("2025-03", 0)}
    assert trend["2025-03"] == report["totals"]["check_ins"] > 0


def test_a_whole_rebuild_with_a_deactivated_station_that_had_activity(app, region):
    """The daily roll rebuilds every station's month; a station deactivated this month
    keeps its counters with nobody seated, and leaves the regions' totals."""
    from liaison.core import clock
    from liaison.core.db import db
    from liaison.places.models import Station
    from liaison.reception.models import CheckIn
    from liaison.stats.models import RegionTotal, StationMonth
    from liaison.stats.refresh import refresh

    today = clock.today()
    this = today.replace(day=1)
    with app.app_context():
        db.session.add(CheckIn(deputy_id=region.a[0], station_id=region.A, at=_at(this), day=this,
                               in_plan=False, source="staff", verified=True))
        db.session.get(Station, region.A).active = False
        db.session.commit()
        refresh(this, today, today)
        row = db.session.get(StationMonth, (region.A, this))
        assert (row.check_ins, row.deputies, row.invisible) == (1, 0, 0)
        assert db.session.get(RegionTotal, (region.city, this)) is None
        assert _stored() == _from_scratch()


def test_the_migration_fills_the_totals_from_the_station_rows_already_built(base_config, tmp_path):
    """An existing database gets its regions' totals from its station rows (a fresh file)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from liaison import create_app
    from liaison.core.db import db

    app = create_app({**base_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with app.app_context():
        upgrade(revision="d7e1a9c3b201")  # the schema before the totals
        fields = ("check_ins", "check_ins_unplanned", "active_days", "receptions", "residents", "opinions_in",
                  "answered", "closed", "in_time", "late", "unresolved", "ratings", "satisfied", "suggestions")
        db.session.execute(text("INSERT INTO regions (id, name, level, parent_id, path) VALUES "
                                "(1, '市', 'city', NULL, '/1/'), (2, '甲区', 'district', 1, '/1/2/'), "
                                "(3, '乙区', 'district', 1, '/1/3/')"))
        for sid, region, active in ((1, 2, 1), (2, 2, 1), (3, 3, 1), (4, 3, 0)):
            db.session.execute(text(
                "INSERT INTO stations (id, region_id, name, kind, address, open_hours, master_name, phone, "
                "reception_plan, notice, active, created_at) VALUES (:id, :r, :n, 'central', '', '', '', '', "
                "'{}', '', :a, '2026-01-01 00:00:00')"), {"id": sid, "r": region, "n": f"站{sid}", "a": active})
        composition = "deputies, home, \"cross\", senior, prov_muni, invisible"
        for sid, month, check_ins in ((1, "2026-11-01", 2), (2, "2026-11-01", 3), (3, "2026-11-01", 5),
                                      (4, "2026-11-01", 7), (1, "2026-12-01", 1)):
            db.session.execute(text(
                f"INSERT INTO stats_station_months (station_id, month, {composition}, {', '.join(fields)}) "
                f"VALUES (:s, :m, 0, 0, 0, 0, 0, 0, :c, {', '.join(['0'] * (len(fields) - 1))})"),
                {"s": sid, "m": month, "c": check_ins})
        db.session.commit()
        upgrade()
        got = {(r, str(m)): c for r, m, c in db.session.execute(
            text("SELECT region_id, month, check_ins FROM stats_region_totals"))}
        db.session.remove()
        db.engine.dispose()
    # station 4 is deactivated: not counted
    assert got == {(1, "2026-11-01"): 10, (2, "2026-11-01"): 5, (3, "2026-11-01"): 5,
                   (1, "2026-12-01"): 1, (2, "2026-12-01"): 1}
