"""A liaison office's paper: the case ledger (意见台账, Excel) and the 交办单 of one case (PDF).

- The ledger holds the cases the work queue lists under the same filters
  (``opinions.filters``), every page of them, oldest first as a ledger is kept, one row
  per case: number, dates, station, summoned deputy, category, the text, who and how to
  reach them, state, level, units (主办/协办) and deadline, the reply and the rating.
  Phone numbers follow the API's rule (``serialize``): in full for the station's own
  staff, masked for the NPC office; an anonymous resident stays 匿名 in the file.
- The 交办单 is the form that goes with a case to its units: number, date of
  assignment, station, the case, each unit with its role and deadline, the station's
  instruction, and lines to sign (交办人, 承办单位签收).

Both are for staff (liaison, station master, NPC office) who see the case; the routes
say so. Files are written through ``core.spreadsheet`` and ``core.pdfdoc``.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy import select

from ..core import clock
from ..core.db import db
from ..core.errors import ApiError
from ..core.pdfdoc import Document
from ..core.spreadsheet import xlsx_file
from ..places.models import Deputy, HandlingUnit, Station
from ..users.models import User
from .filters import Filters, where_clauses
from .models import Assignment, Opinion
from .operations import categories
from . import workflow
from .serialize import SCRUBBED_TEXT, mask_phone, view_of_light
from .states import LEVEL_LABELS, RATING_LABELS, STATE_LABELS

MAX_LEDGER_ROWS = 20000
LIVE = ("pending", "accepted", "answered", "ended")
LEDGER_COLUMNS = [("编号", 16), ("提交时间", 17), ("联络站", 30), ("点将代表", 10), ("分类", 10),
                  ("意见内容", 60), ("反映人", 12), ("联系电话", 14), ("状态", 10), ("事项层级", 12),
                  ("承办单位", 36), ("办理期限", 11), ("是否超期", 8), ("答复时间", 17), ("答复内容", 50),
                  ("满意度", 10), ("办结时间", 17)]


def _local(dt) -> str:
    return dt.astimezone(clock.CHINA).strftime("%Y-%m-%d %H:%M") if dt else ""


def _names(model, ids) -> dict:
    ids = {i for i in ids if i}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all()) if ids else {}


def ledger_opinions(viewer, f: Filters, today: date) -> list[Opinion]:
    """Every case of the queue under ``f``, oldest first.

    :raise ApiError: 422 when more than ``MAX_LEDGER_ROWS`` match (narrow the dates).
    """
    rows = list(db.session.scalars(select(Opinion).where(*where_clauses(viewer, f, today))
                                   .order_by(Opinion.created_at, Opinion.id).limit(MAX_LEDGER_ROWS + 1)))
    if len(rows) > MAX_LEDGER_ROWS:
        raise ApiError(422, "too_many_rows", f"符合条件的意见超过 {MAX_LEDGER_ROWS} 条，请缩小日期范围后分批导出")
    return rows


def _assignments(opinion_ids) -> dict[int, list[Assignment]]:
    out = defaultdict(list)
    if opinion_ids:
        for a in db.session.scalars(select(Assignment).where(Assignment.opinion_id.in_(opinion_ids))
                                    .order_by(Assignment.id)):
            out[a.opinion_id].append(a)
    return out


def current_units(opinion: Opinion, assignments: list[Assignment]) -> list[Assignment]:
    """The round's live assignments, lead first."""
    live = [a for a in assignments if a.round == (opinion.rounds or 0) and a.status in LIVE]
    return sorted(live, key=lambda a: (a.role != "lead", a.id))


def ledger_xlsx(viewer, opinions: list[Opinion], today: date, filters_text: str) -> object:
    """The ledger workbook as an .xlsx file (``core.spreadsheet.xlsx_file``)."""
    ids = [o.id for o in opinions]
    stations = _names(Station, [o.station_id for o in opinions])
    deputies = _names(Deputy, [o.deputy_id for o in opinions])
    by_case = _assignments(ids)
    units = _names(HandlingUnit, [a.unit_id for rows in by_case.values() for a in rows])
    people = dict(db.session.execute(select(User.id, User.nickname).where(
        User.id.in_({o.submitter_id for o in opinions if o.submitter_id}))).all()) if opinions else {}
    labels = categories()
    own_stations = viewer.scope.station_ids
    wb = Workbook()
    ws = wb.active
    ws.title = "意见台账"
    ws.append([name for name, _ in LEDGER_COLUMNS])
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for o in opinions:
        live = current_units(o, by_case[o.id])
        scrubbed = o.scrubbed_at is not None
        phone = "" if scrubbed or o.anonymous else (
            o.contact_phone if o.station_id in own_stations else mask_phone(o.contact_phone) or "")
        overdue = workflow.overdue(view_of_light(o), today)
        ws.append([
            o.number, _local(o.created_at), stations.get(o.station_id, ""), deputies.get(o.deputy_id, ""),
            labels.get(o.category, o.category), SCRUBBED_TEXT if scrubbed else o.text,
            "匿名" if o.anonymous else ("" if scrubbed else people.get(o.submitter_id, "")), phone,
            STATE_LABELS.get(o.state, o.state), LEVEL_LABELS.get(o.level or "", ""),
            "；".join(f"{units.get(a.unit_id, '')}（{'主办' if a.role == 'lead' else '协办'}）" for a in live),
            o.deadline.isoformat() if o.deadline else "", "是" if overdue else "",
            _local(o.replied_at), o.reply_text or "", RATING_LABELS.get(o.rating or "", ""), _local(o.closed_at)])
    for i, (_, w) in enumerate(LEDGER_COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = w
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions
    info = wb.create_sheet("导出说明")
    info.append(["筛选条件", filters_text or "全部"])
    info.append(["条数", len(opinions)])
    info.append(["说明", "与工作台列表相同的筛选条件，按提交时间先后排列；匿名反映的群众不列姓名和电话。"])
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 12, 80
    return xlsx_file(wb)


def filters_text(f: Filters) -> str:
    """The filters in words, for the ledger's 导出说明 sheet."""
    parts = []
    if f.state and f.state != "all":
        parts.append("状态：" + {"open": "办理中", "answered": "已答复", "active": "未办结"}.get(
            f.state, STATE_LABELS.get(f.state, f.state)))
    if f.state_group:
        parts.append("分组：" + f.state_group)
    if f.category:
        parts.append("分类：" + categories().get(f.category, f.category))
    if f.station_id:
        parts.append("联络站：" + _names(Station, [f.station_id]).get(f.station_id, str(f.station_id)))
    if f.deputy_id:
        parts.append(f"点将代表：{_names(Deputy, [f.deputy_id]).get(f.deputy_id, f.deputy_id)}")
    if f.overdue:
        parts.append("只看超期")
    if f.date_from or f.date_to:
        parts.append(f"提交日期：{f.date_from or '…'} 至 {f.date_to or '…'}")
    if f.q:
        parts.append(f"搜索：{f.q}")
    return "；".join(parts)


def assignment_sheet(opinion: Opinion) -> Document:
    """The 交办单 of a case with live assignments.

    :raise ApiError: 409 when the case is not assigned (nothing to hand over).
    """
    live = current_units(opinion, list(opinion.assignments))
    if not live:
        raise ApiError(409, "not_assigned", "这条意见目前没有交办给承办单位，不能打印交办单")
    units = _names(HandlingUnit, [a.unit_id for a in live])
    assigned = [e for e in opinion.events if e.action == "assign"]
    event = assigned[-1] if assigned else None
    station = db.session.get(Station, opinion.station_id)
    deputy = db.session.get(Deputy, opinion.deputy_id) if opinion.deputy_id else None
    when = event.at.astimezone(clock.CHINA).date() if event else None
    text = SCRUBBED_TEXT if opinion.scrubbed_at else opinion.text
    doc = Document(f"意见建议交办单 {opinion.number}", footer=f"{station.name} · 意见编号 {opinion.number}")
    doc.heading("人大代表联络站意见建议交办单")
    doc.text(f"编号：{opinion.number}", align="R", after=3)
    doc.fields([("联络站", station.name),
                ("交办日期", f"{when.year}年{when.month}月{when.day}日" if when else ""),
                ("反映时间", _local(opinion.created_at)),
                ("意见分类", categories().get(opinion.category, opinion.category)),
                ("点将代表", deputy.name if deputy else "—"),
                ("事项层级", LEVEL_LABELS.get(opinion.level or "", "")),
                ("反映人", "匿名" if opinion.anonymous else "见系统记录（承办单位在系统中查看联系方式）")])
    doc.text("意见内容", bold=True, size=12, after=1)
    doc.fields([("内容摘要", text)])
    doc.text("承办单位及办理期限", bold=True, size=12, after=1)
    doc.table(["承办单位", "承办方式", "办理期限", "签收状态"],
              [[units.get(a.unit_id, ""), "主办" if a.role == "lead" else "协办",
                a.deadline.isoformat() if a.deadline else (opinion.deadline.isoformat() if opinion.deadline else "—"),
                {"pending": "待签收", "accepted": "已签收", "answered": "已答复"}.get(a.status, a.status)]
               for a in live], widths=[5, 1.5, 2, 1.5], size=10)
    note = (event.payload or {}).get("note") if event else None
    if note:
        doc.text("交办意见", bold=True, size=12, after=1)
        doc.fields([("交办意见", note)])
    doc.text("请承办单位在办理期限内办理并通过系统答复；主办单位负责答复，协办单位配合。"
             "需要延期的，请在期限届满前申请。", size=10, color=(90, 90, 90))
    doc.signatures(["交办人（签字）：____________________        日期：______年____月____日",
                    "承办单位签收（签字）：____________________  日期：______年____月____日",
                    f"{station.name}（盖章）"])
    return doc
