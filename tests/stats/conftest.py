"""A small region with known activity, built through the ORM and the reception operations.

测试市 ─ 甲区 ─ 一街道 ─ station A (central, 9 deputies, 3 senior officials)
       │       └ 一街道/青园社区 ─ station B (feature, 11 + a1 cross-station, 6 prov/muni)
       │     └ 二镇 ─ station C (central, 51 deputies, no activity in March)
       └ 乙区 ─ 三街道 ─ station D (central, 10 deputies, 2 senior, 5 prov/muni: all at the limits)

March 2025 is the report month (the invisible window is January–March 2025).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import factories
import pytest

from liaison.core.clock import CHINA

MARCH = "2025-03"


def local(y, m, d, hh=10, mm=0):
    """A China-time instant, stored as UTC."""
    return datetime(y, m, d, hh, mm, tzinfo=CHINA).astimezone(timezone.utc)


class Builder:
    """The report's world in its own words, on the shared factories (``tests/factories.py``)."""

    def __init__(self, db):
        self.session = db.session

    def region(self, name, level, parent=None):
        return factories.region(self.session, name, level, parent)

    def station(self, name, region, kind="central"):
        return factories.station(self.session, region, name, kind=kind, reception_plan={"monthly_days": [15]})

    def deputy(self, name, station, kind="home", levels=("county",), senior=False, started_on=None, user=False):
        person = factories.user(self.session, f"deputy-{name}", name) if user else None
        return factories.deputy(self.session, name, station, kind, person, levels, started_on,
                                is_senior_official=senior, is_official=senior)

    def member(self, deputy, station, kind="home", started_on=None):
        factories.membership(self.session, deputy, station, kind, started_on)

    def opinion(self, station, deputy, state, created, deadline=None, replied=None, closed=None,
                rated=None, rating=None, close_reason=""):
        last = max(t for t in (created, replied, closed, rated) if t is not None)
        return factories.opinion(self.session, station, deputy_id=deputy.id if deputy else None, state=state,
                                 close_reason=close_reason, deadline=deadline, created_at=created,
                                 replied_at=replied, closed_at=closed, rated_at=rated, rating=rating,
                                 updated_at=last)

    def code(self, station, token):
        factories.code(self.session, token, station=station)


@pytest.fixture
def region(app):
    """Build the region; returns a namespace of ids."""
    from liaison.core.db import db
    from liaison.opinions.models import Suggestion
    from liaison.reception.attendance import check_in, record_reception
    from liaison.reception.models import CheckIn, ReceptionDay
    from liaison.users.models import User

    with app.app_context():
        b = Builder(db)
        city = b.region("测试市", "city")
        jia = b.region("甲区", "district", city)
        yi = b.region("乙区", "district", city)
        s1 = b.region("一街道", "street", jia)
        s1c = b.region("青园社区", "community", s1)
        s2 = b.region("二镇", "street", jia)
        s3 = b.region("三街道", "street", yi)
        A = b.station("测试市甲区一街道人大代表联络站", s1)
        B = b.station("测试市甲区一街道青园社区人大代表联络站", s1c, "feature")
        C = b.station("测试市甲区二镇人大代表联络站", s2)
        D = b.station("测试市乙区三街道人大代表联络站", s3)
        a = [b.deputy(f"甲{i}", A, senior=i <= 3, user=i in (1, 3)) for i in range(1, 10)]
        bs = [b.deputy(f"乙{i}", B, levels=("municipal", "county") if i <= 5 else
                       ("national", "provincial") if i == 6 else ("county",)) for i in range(1, 12)]
        b.member(a[0], B, "cross")  # 甲1 sits in A (home) and B (cross-station)
        cs = [b.deputy(f"丙{i}", C, started_on=date(2025, 3, 1) if i == 51 else None) for i in range(1, 52)]
        ds = [b.deputy(f"丁{i}", D, senior=i <= 2, levels=("provincial",) if i <= 5 else
                       ("national",) if i == 6 else ("township",)) for i in range(1, 11)]
        A.latitude, A.longitude = 28.1955, 112.9430  # check-ins below are sent from the station
        B.latitude, B.longitude = 28.2012, 112.9388
        b.code(A, "tokenA")
        b.code(B, "tokenB")
        db.session.add(ReceptionDay(station_id=A.id, date=date(2025, 3, 15)))
        factories.staff(db.session, factories.user(db.session, "office-city", "市人大工委"), "office", region_id=city.id)
        factories.staff(db.session, factories.user(db.session, "office-yi", "乙区人大工委"), "office", region_id=yi.id)
        liaison = factories.staff(db.session, factories.user(db.session, "liaison-a", "A站联络员"), "liaison",
                                  station_id=A.id)
        db.session.add(Suggestion(deputy_id=a[3].id, title="建议", created_at=local(2025, 1, 20)))
        # Opinions (see test_region_report for what each one counts as)
        b.opinion(A, a[0], "closed", local(2025, 3, 2), date(2025, 3, 20), local(2025, 3, 10), local(2025, 3, 13),
                  local(2025, 3, 12), "satisfied", "satisfied")                                     # O1 in time
        b.opinion(A, a[0], "replied", local(2025, 3, 3), date(2025, 3, 10), local(2025, 3, 12))     # O2 late
        b.opinion(A, a[0], "declined", local(2025, 3, 4), closed=local(2025, 3, 5))                 # O3 unresolved
        b.opinion(A, a[1], "assigned", local(2025, 3, 5), date(2025, 3, 25))                        # O4 overdue
        b.opinion(A, None, "accepted", local(2025, 3, 6))                                           # O5 pending
        b.opinion(B, a[0], "rated", local(2025, 2, 20), date(2025, 3, 5), local(2025, 2, 28),
                  rated=local(2025, 3, 2), rating="unsatisfied")                                    # O6 Feb, rated Mar
        b.opinion(B, bs[1], "closed", local(2025, 3, 10), closed=local(2025, 3, 11), close_reason="duplicate")  # O7
        b.opinion(D, ds[0], "rated", local(2025, 3, 10), date(2025, 3, 31), local(2025, 3, 18),
                  rated=local(2025, 3, 20), rating="basically_satisfied")                           # O8
        b.opinion(C, cs[1], "closed", local(2025, 1, 10), date(2025, 1, 31), local(2025, 1, 15),
                  local(2025, 1, 20), close_reason="resolved")                                      # O9 January
        db.session.commit()
        user_a1 = db.session.get(User, a[0].user_id)
        user_a3 = db.session.get(User, a[2].user_id)
        # Presence: scans and reception records through the operations
        at_a, at_b = (28.1957, 112.9433), (28.2010, 112.9390)      # tens of metres from the stations
        check_in(user_a1, "tokenA", local(2025, 3, 15, 9, 5), at_a)  # planned day, later linked to the record
        record_reception(A, liaison, {"date": date(2025, 3, 15), "residents": 12, "opinions_registered": 3,
                                      "deputy_ids": [a[0].id, a[1].id]}, local(2025, 3, 15, 12))
        check_in(user_a1, "tokenB", local(2025, 3, 16, 15), at_b)  # cross-station, not a reception day
        check_in(user_a3, "tokenA", local(2025, 3, 20, 23, 30), at_a)  # late evening: still 20 March
        check_in(user_a3, "tokenA", local(2025, 4, 1, 0, 30), at_a)    # just after midnight: April
        db.session.add(CheckIn(deputy_id=bs[0].id, station_id=B.id, at=local(2025, 1, 8), day=date(2025, 1, 8),
                               in_plan=False, source="staff", verified=True))
        db.session.add(CheckIn(deputy_id=cs[0].id, station_id=C.id, at=local(2025, 2, 10), day=date(2025, 2, 10),
                               in_plan=False, source="staff", verified=True))
        db.session.commit()
        record_reception(D, liaison, {"date": date(2025, 3, 5), "residents": 4}, local(2025, 3, 5, 12))

        class NS:
            pass

        ns = NS()
        ns.user_a1, ns.user_a3 = user_a1.id, user_a3.id
        ns.city, ns.jia, ns.yi = city.id, jia.id, yi.id
        ns.A, ns.B, ns.C, ns.D = A.id, B.id, C.id, D.id
        ns.a = [d.id for d in a]
        ns.b = [d.id for d in bs]
        ns.c = [d.id for d in cs]
        ns.d = [d.id for d in ds]
        return ns


@pytest.fixture
def office(login, region):
    return login("office-city")


@pytest.fixture
def run_jobs(app):
    """Run what is queued with a real rq worker (burst), as the deployed worker would."""
    def run() -> list[str]:
        from rq import SimpleWorker

        from liaison.core.extensions import get_queue

        with app.app_context():
            queue = get_queue()
            ids = list(queue.job_ids)
            SimpleWorker([queue], connection=queue.connection).work(burst=True)
        return ids
    return run
