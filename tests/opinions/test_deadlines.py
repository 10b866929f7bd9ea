"""Working-day deadlines on the real Chinese official calendar (chinesecalendar 1.11.0)."""
from datetime import date, timedelta

import pytest

from liaison.opinions.deadlines import (
    DEFAULT_DEADLINE_DAYS, add_working_days, calendar_knows, default_deadline, is_overdue,
    is_workday, near_deadline, working_days_between,
)


def test_national_day_2025_with_its_make_up_workdays():
    assert is_workday(date(2025, 9, 28))  # Sunday, make-up workday
    assert not any(is_workday(date(2025, 10, d)) for d in range(1, 9))  # 1–8 Oct off
    assert is_workday(date(2025, 10, 11))  # Saturday, make-up workday
    assert not is_workday(date(2025, 10, 12))


def test_spring_festival_2026_with_its_make_up_workdays():
    assert is_workday(date(2026, 2, 14))  # Saturday, make-up workday
    assert not any(is_workday(date(2026, 2, d)) for d in range(15, 24))  # 15–23 Feb off
    assert is_workday(date(2026, 2, 28))  # Saturday, make-up workday
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)


@pytest.mark.parametrize("start, n, expected", [
    (date(2025, 9, 26), 1, date(2025, 9, 28)),  # Friday -> the make-up Sunday
    (date(2025, 9, 30), 1, date(2025, 10, 9)),  # over the whole holiday
    (date(2025, 9, 30), 3, date(2025, 10, 11)),  # 9, 10, then the make-up Saturday
    (date(2025, 10, 9), -1, date(2025, 9, 30)),
    (date(2025, 10, 1), 0, date(2025, 10, 1)),
])
def test_add_working_days_skips_holidays_and_counts_make_up_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_working_days_between_is_the_inverse_of_add_working_days():
    starts = [date(2025, 9, 27), date(2025, 10, 1), date(2026, 2, 14), date(2026, 2, 20),
              date(2026, 12, 25)]
    for start in starts:
        for n in range(-25, 45, 3):
            assert working_days_between(start, add_working_days(start, n)) == n, (start, n)
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 10)) == 2
    assert working_days_between(date(2025, 10, 3), date(2025, 10, 3)) == 0


def test_default_deadlines_per_level_and_from_config():
    assert DEFAULT_DEADLINE_DAYS == {"town": 15, "district": 30, "city_and_above": 60}
    assigned = date(2025, 9, 26)
    assert default_deadline("town", assigned) == date(2025, 10, 23)
    assert working_days_between(assigned, default_deadline("district", assigned)) == 30
    assert working_days_between(assigned, default_deadline("city_and_above", assigned)) == 60
    assert default_deadline("town", assigned, {"town": 1}) == date(2025, 9, 28)
    assert default_deadline("district", assigned, {"town": 1}) == \
        default_deadline("district", assigned)
    with pytest.raises(ValueError):
        default_deadline("province", assigned)


def test_beyond_the_packages_years_monday_to_friday_minus_fixed_holidays():
    far = date(2099, 1, 1)
    assert not calendar_knows(far) and calendar_knows(date(2026, 12, 31))
    week = [far + timedelta(days=i) for i in range(1, 15)]
    assert [is_workday(d) for d in week] == [d.weekday() < 5 for d in week]
    assert not is_workday(date(2099, 10, 1)) and date(2099, 10, 1).weekday() < 5
    assert not is_workday(far) and far.weekday() < 5  # 元旦 on a Thursday


def test_a_2026_deadline_running_into_2027_uses_the_fallback():
    if calendar_knows(date(2027, 1, 1)):
        pytest.skip("the installed chinesecalendar already knows 2027")
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)  # 1 Jan is a Friday


def test_overdue_starts_the_day_after_the_deadline():
    deadline = date(2025, 10, 23)
    assert not is_overdue(deadline, deadline)
    assert is_overdue(deadline, deadline + timedelta(days=1))
    assert not is_overdue(None, deadline)


def test_near_deadline_counts_working_days_left():
    today = date(2025, 9, 30)
    deadline = date(2025, 10, 13)  # 9, 10, 11 (make-up), 13: four working days away
    assert not near_deadline(deadline, today)
    assert near_deadline(deadline, today, within_working_days=4)
    assert near_deadline(deadline, deadline)
    assert not near_deadline(deadline, deadline + timedelta(days=1))  # overdue, not near
    assert not near_deadline(None, today)
