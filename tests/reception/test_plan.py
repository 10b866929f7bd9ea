"""The reception plan: checking it, the year's dates, the rota, reminder timing (pure)."""
from datetime import date, datetime

import pytest

from liaison.core.clock import CHINA
from liaison.reception.plan import (PlanError, assign_rota, normalize_plan, reminder_due,
                                    reminder_texts, year_dates)


def test_monthly_day_gives_twelve_days_and_the_31st_falls_on_month_end():
    assert len(year_dates({"monthly_days": [15]}, 2027)) == 12
    days = year_dates({"monthly_days": [31]}, 2027)
    assert date(2027, 2, 28) in days and date(2027, 4, 30) in days and len(days) == 12


def test_weekly_and_market_days():
    wednesdays = year_dates({"weekdays": [3]}, 2027)
    assert len(wednesdays) == 52 and all(d.isoweekday() == 3 for d in wednesdays)
    market = year_dates({"market_days": [3, 6, 9]}, 2027)  # 逢三、六、九
    assert [d.day for d in market if d.month == 1] == [3, 6, 9, 13, 16, 19, 23, 26, 29]


def test_rota_takes_turns_in_order():
    dates = [date(2027, m, 15) for m in (1, 2, 3)]
    assert assign_rota(dates, [11, 12, 13], 2) == {
        dates[0]: [11, 12], dates[1]: [13, 11], dates[2]: [12, 13]}
    assert assign_rota(dates, [], 2) == {d: [] for d in dates}
    assert assign_rota(dates[:1], [11], 3) == {dates[0]: [11]}


def test_plan_is_checked_field_by_field():
    plan = normalize_plan({"monthly_days": [15, 15], "weekdays": [], "start": "08:30", "end": "11:00",
                           "rota": [3, 2, 3], "per_day": 2}, {2, 3})
    assert plan == {"monthly_days": [15], "weekdays": [], "market_days": [], "start": "08:30",
                    "end": "11:00", "capacity": 10, "rota": [3, 2], "per_day": 2}
    for bad, field in (({"monthly_days": [32]}, "monthly_days"), ({"weekdays": [0]}, "weekdays"),
                       ({"start": "9:00"}, "start"), ({"start": "11:00", "end": "10:00"}, "end"),
                       ({"rota": [99]}, "rota"), ({"per_day": 0}, "per_day")):
        with pytest.raises(PlanError) as err:
            normalize_plan(bad, {2, 3})
        assert err.value.field == field


def test_reminders_go_out_the_day_before_from_the_configured_hour():
    day = date(2027, 3, 15)
    assert not reminder_due(day, datetime(2027, 3, 14, 8, 59, tzinfo=CHINA), 9)
    assert reminder_due(day, datetime(2027, 3, 14, 9, 0, tzinfo=CHINA), 9)
    assert not reminder_due(day, datetime(2027, 3, 15, 10, 0, tzinfo=CHINA), 9)


def test_reminder_texts_name_the_day_time_and_deputies():
    texts = reminder_texts("望月湖街道人大代表联络站", date(2027, 3, 15), "09:00", "11:30", ["王明", "李华"])
    assert texts["deputy"][1] == "您明天（3月15日（周一） 9:00-11:30）在望月湖街道人大代表联络站值班接待群众，请按时进站，并扫描站码签到。"
    assert "值班代表：王明、李华" in texts["booked"][1] and "值班代表：王明、李华" in texts["follower"][1]
