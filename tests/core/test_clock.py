"""The one clock: China's date at the edges of a day and a year, set by the suite
(``--clock``), ticking on from there, shared with the processes a test starts, and
never settable outside the tests."""
from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import factories
import pytest

from liaison.core import clock

NEW_YEAR = "2027-01-01T00:30+08:00"  # 2026-12-31 16:30 UTC: already the new year in China
SERVER_DIR = Path(__import__("liaison").__file__).resolve().parents[1]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_china_has_its_new_year_while_utc_still_has_the_old_one():
    clock.anchor(NEW_YEAR)
    assert clock.now().tzinfo == timezone.utc and clock.now().year == 2026
    assert clock.today() == date(2027, 1, 1)
    assert clock.china_now().utcoffset() == timedelta(hours=8)
    clock.anchor("2026-12-31T23:59+08:00")
    assert clock.today() == date(2026, 12, 31)


def test_china_dates_and_day_starts_of_instants():
    assert clock.china_date(datetime(2026, 12, 31, 16, 0, tzinfo=timezone.utc)) == date(2027, 1, 1)
    assert clock.china_date(datetime(2026, 12, 31, 15, 59)) == date(2026, 12, 31)  # naive: UTC
    assert clock.china_date(_at("2026-12-31T23:59+08:00")) == date(2026, 12, 31)
    assert clock.china_date(None) is None
    assert clock.start_of_china_day(date(2027, 1, 1)) == datetime(2026, 12, 31, 16, tzinfo=timezone.utc)
    assert clock.start_of_china_month(date(2027, 3, 15)) == datetime(2027, 2, 28, 16, tzinfo=timezone.utc)
    assert clock.at_china_time(date(2027, 1, 15), time(9)) == datetime(2027, 1, 15, 1, tzinfo=timezone.utc)


def test_the_anchored_clock_ticks_on_from_its_instant():
    clock.anchor(NEW_YEAR)
    first = clock.now()
    assert timedelta(0) <= first - _at(NEW_YEAR) < timedelta(seconds=5)
    while clock.now() == first:  # advances like the real clock, not frozen
        pass
    assert clock.now() > first


def test_an_instant_without_an_offset_is_refused():
    with pytest.raises(ValueError):
        clock.anchor("2027-01-01T00:30")


def test_every_test_starts_at_the_suites_instant(request):
    instant = request.config.getoption("--clock")
    if instant is None:
        assert clock.environment() == {}  # the real time: children need nothing
    else:
        assert timedelta(0) <= clock.now() - _at(instant) < timedelta(seconds=30)


def test_a_process_the_suite_starts_shares_its_clock(tmp_path):
    clock.anchor(NEW_YEAR)
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(SERVER_DIR), "LIAISON_TESTING": "1",
           "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "test", **clock.environment()}
    script = ("from liaison import create_app; from liaison.core import clock; create_app(); "
              "print(clock.now().isoformat(), clock.today().isoformat())")
    done = subprocess.run([sys.executable, "-c", script], cwd=SERVER_DIR, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    seen, today = done.stdout.split()
    assert timedelta(0) <= datetime.fromisoformat(seen) - _at(NEW_YEAR) < timedelta(seconds=60)
    assert today == "2027-01-01"


def test_the_clock_cannot_be_set_outside_the_tests(base_config):
    from liaison import create_app
    from liaison.config import ConfigError, check_production

    for flags in ({"TESTING": False, "DEMO_MODE": False}, {"TESTING": False, "DEMO_MODE": True}):
        with pytest.raises(ConfigError, match="LIAISON_CLOCK"):
            create_app({**base_config, **flags, "CLOCK": NEW_YEAR})
    check_production({"TESTING": True, "CLOCK": NEW_YEAR})  # the suite's own processes


def test_building_an_app_in_the_suite_leaves_the_suites_clock_alone(base_config):
    from liaison import create_app

    clock.anchor(NEW_YEAR)
    create_app(dict(base_config))  # LIAISON_CLOCK anchors only the processes the suite starts
    assert timedelta(0) <= clock.now() - _at(NEW_YEAR) < timedelta(seconds=30)


def test_a_browser_login_holds_on_a_moved_clock_and_ends_by_it(app):
    from liaison.core.auth import session_fields, user_from_session
    from liaison.core.db import db

    clock.anchor(NEW_YEAR)
    with app.app_context():
        user = factories.user(db.session, "o-clock-test", "时钟")
        db.session.commit()
        data = session_fields(user)
        assert user_from_session(data, clock.timestamp()) == user
        lifetime = app.config["SESSION_TTL_SECONDS"]
        assert user_from_session(data, clock.timestamp() + lifetime + 60) is None
