"""The summary rows follow each change: a commit marks what it makes stale, a job
recounts just that, and the result equals a whole rebuild from live data."""
from __future__ import annotations

import ast
from datetime import date, datetime, time, timedelta
from pathlib import Path

from liaison.core.clock import CHINA


def _at(day: date, hh: int = 10) -> datetime:
    return datetime.combine(day, time(hh), CHINA)


def _snapshot():
    from liaison.core.db import db
    from liaison.stats.models import DeputyMonth, InvisibleDeputy, RegionMonth, RegionTotal, StationMonth

    out = {}
    for model in (StationMonth, DeputyMonth, RegionMonth, RegionTotal, InvisibleDeputy):
        cols = [c.name for c in model.__table__.columns]
        out[model.__tablename__] = sorted(tuple(getattr(r, c) for c in cols) for r in db.session.query(model))
    return out


def _changes(db, region, today: date):
    """A series of committed changes of every kind that counts, in this month and the two before."""
    from liaison.opinions.models import Opinion, Suggestion
    from liaison.places.models import Deputy, Membership
    from liaison.reception.models import CheckIn, ReceptionRecord
    from liaison.stats.figures import add_months

    this = today.replace(day=1)
    last, before = add_months(this, -1), add_months(this, -2)
    early = before + timedelta(days=9)  # the 10th, two months ago
    mid = last + timedelta(days=9)
    # presence: check-ins in three months (two deputies become visible), one unverified then confirmed
    db.session.add_all([CheckIn(deputy_id=region.b[2], station_id=region.B, at=_at(early), day=early,
                                in_plan=False, source="staff", verified=True),
                        CheckIn(deputy_id=region.c[3], station_id=region.C, at=_at(this), day=this,
                                in_plan=False, source="staff", verified=True)])
    db.session.commit()
    pending = CheckIn(deputy_id=region.a[4], station_id=region.A, at=_at(mid), day=mid, in_plan=False,
                      source="scan", verified=False)
    db.session.add(pending)
    db.session.commit()
    pending.verified = True
    db.session.commit()
    # a reception record with a deputy present; then its residents corrected
    record = ReceptionRecord(station_id=region.D, date=mid, residents=6, opinions_registered=1,
                             deputy_ids=[region.d[3]], note="", in_plan=False)
    db.session.add(record)
    db.session.flush()
    db.session.add(CheckIn(deputy_id=region.d[3], station_id=region.D, at=_at(mid), day=mid, in_plan=False,
                           source="staff", reception_record_id=record.id, verified=True))
    db.session.commit()
    record.residents = 9
    db.session.commit()
    # opinions: submitted, answered late, rated; one moved to another station and deputy
    o = Opinion(number="T-INC1", station_id=region.A, deputy_id=region.a[0], text="增量", original_text="增量",
                state="submitted", deadline=mid + timedelta(days=2), created_at=_at(mid), updated_at=_at(mid))
    moved = Opinion(number="T-INC2", station_id=region.B, deputy_id=region.b[0], text="转站", original_text="转站",
                    state="submitted", deadline=before + timedelta(days=20), created_at=_at(early),
                    updated_at=_at(early))
    db.session.add_all([o, moved])
    db.session.commit()
    o.state, o.replied_at = "replied", _at(mid + timedelta(days=5))
    db.session.commit()
    o.state, o.rated_at, o.rating = "rated", _at(this), "satisfied"
    moved.station_id, moved.deputy_id = region.C, region.c[0]
    db.session.commit()
    db.session.add(Suggestion(deputy_id=region.c[2], title="建议", created_at=_at(this)))
    # seats: a new cross-station seat, one ended, a deputy leaving, one becoming a provincial deputy
    db.session.add(Membership(deputy_id=region.a[1], station_id=region.C, kind="cross", started_on=last))
    ended = db.session.query(Membership).filter_by(deputy_id=region.d[4], station_id=region.D).one()
    ended.ended_on = mid
    db.session.get(Deputy, region.c[5]).active = False
    db.session.get(Deputy, region.a[6]).levels = ["provincial"]
    db.session.commit()
    # and a check-in deleted
    db.session.delete(db.session.query(CheckIn).filter_by(deputy_id=region.b[2], day=early).one())
    db.session.commit()
    return before, this


def test_after_a_series_of_changes_the_recounted_rows_equal_a_whole_rebuild(app, region, run_jobs):
    from liaison.core import clock
    from liaison.core.db import db
    from liaison.stats.figures import add_months
    from liaison.stats.models import StatsDirty
    from liaison.stats.refresh import refresh

    today = clock.today()
    with app.app_context():
        first = add_months(today.replace(day=1), -2)
        refresh(first, today, today)  # the months as a report read them before the changes
        built = _snapshot()
        first, last = _changes(db, region, today)
        assert db.session.query(StatsDirty).count() > 0
    jobs = run_jobs()
    assert any(j.startswith("stats-drain-") for j in jobs)  # a commit kicked the recount
    with app.app_context():
        assert db.session.query(StatsDirty).count() == 0
        recounted = _snapshot()
        refresh(first, last, today)
        rebuilt = _snapshot()
    assert recounted != built  # the changes moved something
    assert recounted == rebuilt


def test_a_report_read_recounts_what_is_still_marked(app, client, region, office):
    """Without a worker (Redis down, queue backlog) the read catches up on the marks."""
    from liaison.core.db import db
    from liaison.reception.models import CheckIn
    from liaison.stats.models import StatsDirty

    url = f"/api/v1/stats/regions/{region.city}/report?month=2025-03"
    before = client.get(url, headers=office).get_json()["totals"]["check_ins"]
    with app.app_context():
        db.session.add(CheckIn(deputy_id=region.d[6], station_id=region.D, at=_at(date(2025, 3, 8)),
                               day=date(2025, 3, 8), in_plan=False, source="staff", verified=True))
        db.session.commit()
        assert db.session.query(StatsDirty).count() == 2  # station D and deputy 丁7, March
    assert client.get(url, headers=office).get_json()["totals"]["check_ins"] == before + 1
    with app.app_context():
        assert db.session.query(StatsDirty).count() == 0


def test_a_rolled_back_change_leaves_no_mark(app, region):
    from liaison.core.db import db
    from liaison.reception.models import CheckIn
    from liaison.stats.models import StatsDirty

    with app.app_context():
        mark = ("deputy", region.d[6], date(2025, 3, 1))
        assert db.session.get(StatsDirty, mark) is None
        db.session.add(CheckIn(deputy_id=region.d[6], station_id=region.D, at=_at(date(2025, 3, 8)),
                               day=date(2025, 3, 8), in_plan=False, source="staff", verified=True))
        db.session.flush()
        assert db.session.get(StatsDirty, mark) is not None
        db.session.rollback()
        assert db.session.get(StatsDirty, mark) is None


def test_the_reception_package_does_not_import_stats():
    root = Path(__file__).resolve().parents[2] / "server" / "liaison" / "reception"
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert "stats" not in (node.module or "").split("."), (path.name, node.module)
