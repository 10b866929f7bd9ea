"""The station's reception pages: recording a reception (接待登记) with the day's
check-ins, and generating a year's reception days from the plan with a button."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

from page_helpers import page_csrf

DAY = "2025-03-15"  # a past reception, recorded after the fact


def _post(client, path, data):
    return client.post(path, data={"csrf_token": page_csrf(client, "/admin/me"), **data})


def _scan(app, station_id, deputy_id, verified=False):
    """The deputy's scan that morning, sent from far away (unverified) unless ``verified``."""
    from liaison.core.db import db
    from liaison.reception.models import CheckIn

    with app.app_context():
        row = CheckIn(deputy_id=deputy_id, station_id=station_id, day=date(2025, 3, 15), source="scan",
                      at=datetime(2025, 3, 15, 1, 5, tzinfo=timezone.utc), in_plan=False, verified=verified,
                      unverified_reason=None if verified else "far", distance_m=None if verified else 3200)
        db.session.add(row)
        db.session.commit()
        return row.id


def test_staff_record_a_reception_and_naming_a_deputy_confirms_the_scan(app, client, staff, places):
    from liaison.core.db import db
    from liaison.reception.models import CheckIn, ReceptionRecord

    sid, wang = places["station_id"], places["deputy_id"]
    scan = _scan(app, sid, wang)
    staff("liaison")
    url = f"/admin/stations/{sid}/reception/records"
    page = client.get(f"{url}?date={DAY}").get_data(as_text=True)
    assert "王明" in page and "待确认" in page and "距联络站约3.2公里" in page
    assert re.search(rf'name="deputy_ids" value="{wang}" checked', page)  # the scanned deputy is pre-ticked
    r = _post(client, url, {"date": DAY, "residents": "12", "opinions_registered": "3", "deputy_ids": [str(wang)],
                            "note": "群众反映停车难"})
    assert r.status_code == 302
    shown = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "已登记3月15日的接待：群众 12 人，登记意见 3 件，到场代表：王明" in shown
    assert 'data-testid="recorded"' in shown and 'data-testid="record-form"' not in shown
    with app.app_context():
        (record,) = db.session.query(ReceptionRecord).all()
        assert (record.station_id, record.date, record.residents, record.opinions_registered, record.deputy_ids,
                record.note) == (sid, date(2025, 3, 15), 12, 3, [wang], "群众反映停车难")
        row = db.session.get(CheckIn, scan)
        assert row.verified and row.reception_record_id == record.id and row.confirmed_by_id is not None
        assert db.session.query(CheckIn).count() == 1  # the scan is linked, not doubled
    again = _post(client, url, {"date": DAY, "residents": "1"})
    assert "这一天的接待记录已经登记过了" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_a_deputy_named_without_a_scan_gets_a_check_in_recorded_by_staff(app, client, staff, places):
    from liaison.core.db import db
    from liaison.reception.models import CheckIn

    sid, wang = places["station_id"], places["deputy_id"]
    staff("master")
    r = _post(client, f"/admin/stations/{sid}/reception/records", {"date": DAY, "residents": "4",
                                                                  "deputy_ids": [str(wang)]})
    assert "到场代表：王明" in client.get(r.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        (row,) = db.session.query(CheckIn).all()
        assert (row.deputy_id, row.source, row.verified) == (wang, "staff", True)


def test_the_record_form_refuses_what_it_cannot_record(app, client, staff, places):
    from liaison.core.db import db
    from liaison.reception.models import ReceptionRecord

    sid = places["station_id"]
    staff("liaison")
    url = f"/admin/stations/{sid}/reception/records"
    for data, message in (({"date": "2099-01-01"}, "还没到这一天"),
                          ({"date": DAY, "residents": "-3"}, "应为 0 或正整数"),
                          ({"date": "昨天"}, "请填写接待日期"),
                          ({"date": DAY, "deputy_ids": ["999999"]}, "到场代表必须是本站的代表")):
        r = _post(client, url, data)
        assert message in client.get(r.headers["Location"]).get_data(as_text=True), data
    with app.app_context():
        assert db.session.query(ReceptionRecord).count() == 0


def test_people_who_do_not_run_the_station_get_404(app, client, staff, places):
    from liaison.core.db import db
    from liaison.reception.models import ReceptionRecord

    url = f"/admin/stations/{places['station_id']}/reception/records"
    staff("unit")
    assert client.get(url).status_code == 404
    assert _post(client, url, {"date": DAY, "residents": "5"}).status_code == 404
    staff("liaison")
    assert client.get(f"/admin/stations/{places['other_station_id']}/reception/records").status_code == 404
    with app.app_context():
        assert db.session.query(ReceptionRecord).count() == 0


def test_the_button_makes_next_years_days_from_the_plan_once(app, client, staff, places):
    from liaison.core.db import db
    from liaison.reception.models import ReceptionDay

    sid = places["station_id"]
    staff("liaison")
    page = client.get(f"/admin/stations/{sid}/reception").get_data(as_text=True)
    next_year = int(re.search(r'name="year" value="(\d{4})">\s*<button[^>]*generate-next-year', page).group(1))
    url = f"/admin/stations/{sid}/reception/year"
    first = client.get(_post(client, url, {"year": str(next_year)}).headers["Location"]).get_data(as_text=True)
    assert f"已生成{next_year}年接待日 12 个" in first  # the demo plan: every 15th
    second = client.get(_post(client, url, {"year": str(next_year)}).headers["Location"]).get_data(as_text=True)
    assert f"已生成{next_year}年接待日 0 个，已有的 12 个保留不变" in second
    with app.app_context():
        days = db.session.query(ReceptionDay).filter(ReceptionDay.station_id == sid,
                                                     ReceptionDay.date >= date(next_year, 1, 1)).all()
        assert len(days) == 12 and {d.date.day for d in days} == {15}
    refused = _post(client, url, {"year": "2000"})
    assert "只能生成" in client.get(refused.headers["Location"]).get_data(as_text=True)
