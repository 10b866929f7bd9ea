"""The year's reception plan (年度接待计划) as an Excel sheet staff can print or post."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import select

from ..core.db import db
from ..core.spreadsheet import xlsx_file
from ..places.schedule import WEEKDAY_LABELS, describe
from .models import ReceptionDay
from .serialize import days

STATUS_LABELS = {"planned": "计划", "held": "已举行", "cancelled": "已取消"}


def year_plan_xlsx(station, year: int) -> BytesIO:
    rows = list(db.session.execute(select(ReceptionDay).where(
        ReceptionDay.station_id == station.id, ReceptionDay.date >= date(year, 1, 1),
        ReceptionDay.date <= date(year, 12, 31)).order_by(ReceptionDay.date)).scalars())
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年接待计划"
    ws.append([f"{station.name} {year} 年度接待计划"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["接待安排：" + ("；".join(describe(station.reception_plan)) or "未设置")])
    ws.append([])
    ws.append(["序号", "日期", "星期", "时间", "值班代表", "可预约", "已预约", "状态", "备注"])
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for i, d in enumerate(days(rows), start=1):
        day = date.fromisoformat(d["date"])
        ws.append([i, day, "周" + WEEKDAY_LABELS[day.isoweekday()], f"{d['start']}-{d['end']}",
                   "、".join(x["name"] for x in d["deputies"]), d["capacity"], d["booked"],
                   STATUS_LABELS.get(d["status"], d["status"]), d["note"]])
        ws.cell(row=ws.max_row, column=2).number_format = "yyyy-mm-dd"
    for column, width in zip("ABCDEFGHI", (6, 12, 6, 13, 30, 8, 8, 8, 30)):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=5):
        row[4].alignment = Alignment(wrap_text=True)
    return xlsx_file(wb)
