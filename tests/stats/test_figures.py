"""How cases, months and presence are counted (pure, no database)."""
from datetime import date, datetime, timezone

from liaison.stats.figures import (CheckInFacts, OpinionFacts, ReceptionFacts, count_opinions,
                                   count_presence, local_date, median, month_bounds_utc, outcome,
                                   parse_month)

TODAY = date(2025, 6, 1)


def facts(state, close_reason=None, deadline=None, created=date(2025, 3, 1), answered=None,
          closed=None, rated=None, rating=None, changed=None, deputy_id=7):
    return OpinionFacts(1, deputy_id, state, close_reason, deadline, created, answered, closed, rated,
                        rating, changed or closed or answered or created)


def test_answered_by_the_deadline_is_in_time_on_the_answer_day():
    f = facts("closed", "satisfied", date(2025, 3, 20), answered=date(2025, 3, 20), closed=date(2025, 3, 25))
    assert outcome(f, TODAY) == ("in_time", date(2025, 3, 20))


def test_answered_after_the_deadline_is_late_from_the_day_after_it():
    f = facts("replied", deadline=date(2025, 3, 10), answered=date(2025, 4, 2))
    assert outcome(f, TODAY) == ("late", date(2025, 3, 11))


def test_open_past_its_deadline_is_late_and_within_it_is_pending():
    assert outcome(facts("assigned", deadline=date(2025, 5, 30)), TODAY) == ("late", date(2025, 5, 31))
    assert outcome(facts("assigned", deadline=date(2025, 6, 1)), TODAY) == ("pending", None)
    assert outcome(facts("accepted"), TODAY) == ("pending", None)


def test_closed_unresolved_never_counts_as_resolved_even_when_quick():
    for state, reason in (("declined", None), ("closed", "duplicate"), ("closed", "not_our_business"),
                          ("closed", "unresolvable")):
        f = facts(state, reason, date(2025, 3, 20), answered=date(2025, 3, 2), closed=date(2025, 3, 3))
        assert outcome(f, TODAY) == ("unresolved", date(2025, 3, 3))


def test_a_declined_case_without_closed_at_is_known_when_it_last_changed():
    f = facts("declined", changed=date(2025, 3, 4))
    assert outcome(f, TODAY) == ("unresolved", date(2025, 3, 4))


def test_months_are_china_calendar_months():
    start, end = month_bounds_utc(date(2025, 3, 1), date(2025, 3, 1))
    assert start == datetime(2025, 2, 28, 16, tzinfo=timezone.utc)
    assert end == datetime(2025, 3, 31, 16, tzinfo=timezone.utc)
    assert local_date(datetime(2025, 3, 31, 16, 30, tzinfo=timezone.utc)) == date(2025, 4, 1)
    assert parse_month("2025-03", TODAY) == date(2025, 3, 1)


def test_opinion_counters_land_in_the_month_each_thing_happened():
    rows = {}
    count_opinions(rows, [
        facts("rated", deadline=date(2025, 3, 5), created=date(2025, 2, 20), answered=date(2025, 2, 28),
              rated=date(2025, 3, 2), rating="unsatisfied"),
        facts("rated", deadline=date(2025, 3, 31), answered=date(2025, 3, 18), rated=date(2025, 3, 20),
              rating="basically_satisfied"),
    ], {date(2025, 2, 1), date(2025, 3, 1)}, TODAY, key=lambda f: f.deputy_id)
    feb, mar = rows[(7, date(2025, 2, 1))], rows[(7, date(2025, 3, 1))]
    assert (feb["opinions_in"], feb["answered"], feb["in_time"], feb["ratings"]) == (1, 1, 1, 0)
    assert (mar["opinions_in"], mar["answered"], mar["in_time"], mar["ratings"], mar["satisfied"]) == (1, 1, 1, 2, 1)


def test_presence_counts_days_receptions_and_residents_once():
    station_rows, deputy_rows = {}, {}
    march = {date(2025, 3, 1)}
    count_presence(station_rows, deputy_rows, [
        CheckInFacts(1, 7, date(2025, 3, 15), True, 50, True),
        CheckInFacts(1, 8, date(2025, 3, 15), True, 50, True),
        CheckInFacts(2, 7, date(2025, 3, 16), False, None, True),
        CheckInFacts(2, 7, date(2025, 4, 1), False, None, True),  # April: not counted in March
    ], [ReceptionFacts(50, 1, date(2025, 3, 15), 12), ReceptionFacts(51, 3, date(2025, 3, 5), 4)], march)
    m = date(2025, 3, 1)
    assert station_rows[(1, m)]["active_days"] == 1 and station_rows[(1, m)]["check_ins"] == 2
    assert station_rows[(1, m)]["receptions"] == 1 and station_rows[(1, m)]["residents"] == 12
    assert station_rows[(3, m)]["active_days"] == 1 and station_rows[(3, m)]["check_ins"] == 0
    assert station_rows[(2, m)]["check_ins_unplanned"] == 1
    d7 = deputy_rows[(7, m)]
    assert (d7["check_ins"], d7["check_ins_unplanned"], d7["active_days"], d7["receptions"], d7["residents"]) == (2, 1, 2, 1, 12)


def test_unverified_check_ins_count_for_nothing_until_confirmed():
    rows_s, rows_d = {}, {}
    m = date(2025, 3, 1)
    count_presence(rows_s, rows_d, [
        CheckInFacts(1, 7, date(2025, 3, 10), False, None, False),  # scanned from home: 待确认
        CheckInFacts(1, 7, date(2025, 3, 11), False, None, True),
        CheckInFacts(1, 8, date(2025, 3, 12), False, None, False),
    ], [], {m})
    assert (rows_s[(1, m)]["check_ins"], rows_s[(1, m)]["check_ins_unplanned"], rows_s[(1, m)]["active_days"]) == (1, 1, 1)
    assert (rows_d[(7, m)]["check_ins"], rows_d[(7, m)]["active_days"]) == (1, 1)
    assert (8, m) not in rows_d


def test_median():
    assert median([]) is None
    assert median([9.0, 8.0, 8.0]) == 8.0
    assert median([1.0, 2.0, 3.0, 10.0]) == 2.5
