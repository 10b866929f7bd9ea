"""Booking a reception day from the H5 station page: the days offered are the
advertised ones, and the booking is the API's (same checks, same messages)."""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

from page_helpers import WECHAT_UA, csrf_of


def _days_of_2099(app, station_id, capacity=None):
    """The demo plan (every 15th) generated for a far year: true at any date."""
    from liaison.core.db import db
    from liaison.places.models import Station
    from liaison.reception.models import ReceptionDay
    from liaison.reception.operations import generate_year

    with app.app_context():
        generate_year(db.session.get(Station, station_id), 2099, date(2098, 12, 1))
        if capacity is not None:
            for day in db.session.query(ReceptionDay).filter_by(station_id=station_id):
                day.capacity = capacity
            db.session.commit()


def _book(client, station_id, day: str, note: str = ""):
    form = client.get(f"/h5/stations/{station_id}/book?date={day}").get_data(as_text=True)
    return client.post(f"/h5/stations/{station_id}/book",
                       data={"csrf_token": csrf_of(form), "date": day, "note": note})


def test_the_station_page_offers_the_advertised_days_and_booking_one_works(app, client, town, resident):
    _days_of_2099(app, town["station_id"])
    page = client.get(f"/h5/stations/{town['station_id']}").get_data(as_text=True)
    assert 'data-date="2099-01-15"' in page and f"/h5/stations/{town['station_id']}/book?date=2099-01-15" in page
    resident()
    form = client.get(f"/h5/stations/{town['station_id']}/book?date=2099-01-15").get_data(as_text=True)
    assert 'value="2099-01-15" checked' in form
    r = _book(client, town["station_id"], "2099-01-15", "想问问小区加装电梯的事")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/h5/stations/{town['station_id']}")
    shown = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "预约成功：1月15日（周四） 9:00-11:30" in shown, shown[shown.find("<main"):shown.find("<main") + 600]
    mine = client.get(f"/h5/stations/{town['station_id']}/book").get_data(as_text=True)
    assert "您已预约" in mine and 'value="2099-02-15" checked' in mine  # the next free day is offered
    from liaison.core.db import db
    from liaison.reception.models import Appointment

    with app.app_context():
        (booking,) = db.session.query(Appointment).all()
        assert (booking.state, booking.note) == ("booked", "想问问小区加装电梯的事")


def test_a_refused_booking_says_why_on_the_form(app, client, town, resident):
    _days_of_2099(app, town["station_id"])
    resident()
    assert _book(client, town["station_id"], "2099-01-15").status_code == 302
    again = _book(client, town["station_id"], "2099-01-15")
    assert again.status_code == 409 and "您已经预约了这个接待日" in again.get_data(as_text=True)
    none = _book(client, town["station_id"], "2099-01-16")
    assert none.status_code == 404 and "这一天不是该联络站的接待日" in none.get_data(as_text=True)
    bad = _book(client, town["station_id"], "明天")
    assert bad.status_code == 422 and "请选择一个接待日" in bad.get_data(as_text=True)


def test_a_full_day_is_not_offered(app, client, town, resident):
    _days_of_2099(app, town["station_id"], capacity=0)
    page = client.get(f"/h5/stations/{town['station_id']}").get_data(as_text=True)
    assert "近期接待日" not in page
    resident()
    assert "近期没有可以预约的接待日" in client.get(f"/h5/stations/{town['station_id']}/book").get_data(as_text=True)


def test_booking_needs_a_wechat_login_first(client, town):
    r = client.get(f"/h5/stations/{town['station_id']}/book?date=2099-01-15", headers={"User-Agent": WECHAT_UA})
    assert r.status_code == 302
    target = parse_qs(urlsplit(r.headers["Location"]).query)["next"][0]
    assert target == f"/h5/stations/{town['station_id']}/book?date=2099-01-15"  # back to the chosen day


def test_a_refused_booking_keeps_the_note_and_says_the_day_is_required(app, client, town, resident):
    _days_of_2099(app, town["station_id"])
    resident()
    bad = _book(client, town["station_id"], "明天", "想问问小区加装电梯的事")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'data-testid="book-error">请选择一个接待日</div>' in html
    assert ">想问问小区加装电梯的事</textarea>" in html
    assert "选择接待日<em class=\"req\">（必填）</em>" in html
    assert re.search(r'name="date" value="2099-01-15"[^>]* required', html)
