"""The comments of a closed consultation for the legislative body: Excel and printable PDF.

Both are grouped the same way (``grouped``): the whole draft first, then every article in
order with its count and its comments; hidden comments leave the body and are counted
apart. Commenters are named by kind only (群众, or 代表 with the deputy's name): residents'
names and phone numbers never leave the system.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..core import clock
from ..core.pdfdoc import Document
from ..core.spreadsheet import xlsx_file
from . import operations
from .models import Consultation

WHOLE = "草案整体"


@dataclass
class Group:
    number: int | None  # None: the whole draft
    label: str
    chapter: str = ""
    text: str = ""
    comments: list[dict] = field(default_factory=list)  # visible ones
    deputies: int = 0
    hidden: int = 0


@dataclass
class Summary:
    groups: list[Group]
    total: int  # every comment received
    shown: int  # in the body
    hidden: int
    deputies: int  # shown comments written by deputies
    people: int  # distinct commenters


def author_label(comment, names: dict[int, str]) -> str:
    return f"代表 {names.get(comment.deputy_id, '')}".strip() if comment.deputy_id else "群众"


def grouped(consultation: Consultation) -> Summary:
    comments = operations.comments_of(consultation)
    names = operations.deputy_names(comments)
    groups = {None: Group(None, WHOLE)}
    for a in consultation.articles:
        groups[a.number] = Group(a.number, a.label, a.chapter, a.text)
    for c in comments:
        group = groups.get(c.article_number) or groups[None]
        if c.hidden_at is not None:
            group.hidden += 1
            continue
        group.comments.append({"id": c.id, "author": author_label(c, names), "text": c.text,
                               "at": clock.in_china(c.created_at)})
        group.deputies += 1 if c.deputy_id else 0
    shown = sum(len(g.comments) for g in groups.values())
    hidden = sum(g.hidden for g in groups.values())
    return Summary(list(groups.values()), len(comments), shown, hidden,
                   sum(g.deputies for g in groups.values()), len({c.user_id for c in comments}))


def _when(c: Consultation) -> str:
    return f"{operations._day(c.opens_on)}至{operations._day(c.closes_on)}"


def xlsx(consultation: Consultation) -> BytesIO:
    summary = grouped(consultation)
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append([f"《{consultation.title}》意见征集汇总"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["征集期", _when(consultation)])
    ws.append(["收到意见", summary.total, "汇总意见", summary.shown, "未汇总（已隐藏）", summary.hidden,
               "其中代表意见", summary.deputies, "参与人数", summary.people])
    ws.append([])
    ws.append(["条文", "章节", "意见数", "其中代表意见", "已隐藏"])
    for cell in ws[5]:
        cell.font = Font(bold=True)
    for g in summary.groups:
        ws.append([g.label, g.chapter, len(g.comments), g.deputies, g.hidden])
    detail = wb.create_sheet("意见明细")
    detail.append(["序号", "条文", "条文内容", "提出人", "意见", "提出时间"])
    for cell in detail[1]:
        cell.font = Font(bold=True)
    n = 0
    for g in summary.groups:
        for c in g.comments:
            n += 1
            detail.append([n, g.label, g.text, c["author"], c["text"], c["at"].strftime("%Y-%m-%d %H:%M")])
    for column, width in zip("ABCDEF", (6, 12, 40, 14, 60, 17)):
        detail.column_dimensions[column].width = width
    for column, width in zip("ABCDE", (14, 24, 10, 12, 10)):
        ws.column_dimensions[column].width = width
    for row in detail.iter_rows(min_row=2):
        row[2].alignment = row[4].alignment = Alignment(wrap_text=True, vertical="top")
    return xlsx_file(wb)


def pdf(consultation: Consultation) -> BytesIO:
    summary = grouped(consultation)
    doc = Document(f"{consultation.title} 意见汇总", footer=f"《{consultation.title}》意见征集汇总")
    doc.heading(f"《{consultation.title}》意见征集汇总", size=16)
    doc.fields([("征集期", _when(consultation)), ("收到意见", f"{summary.total} 条"),
                ("汇总意见", f"{summary.shown} 条（其中代表意见 {summary.deputies} 条）"),
                ("未汇总", f"{summary.hidden} 条（已隐藏）"), ("参与人数", f"{summary.people} 人")])
    doc.table(["条文", "章节", "意见数", "其中代表", "已隐藏"],
              [[g.label, g.chapter, len(g.comments), g.deputies, g.hidden] for g in summary.groups],
              widths=[3, 5, 2, 2, 2])
    for g in summary.groups:
        if not g.comments:
            continue
        doc.text(f"{g.label}（{len(g.comments)} 条意见）", bold=True, size=12, after=1)
        if g.text:
            doc.text(g.text, size=9, color=(90, 90, 90), after=2)
        doc.table(["序号", "提出人", "意见"], [[i, c["author"], c["text"]] for i, c in enumerate(g.comments, 1)],
                  widths=[1, 2, 9])
    return doc.render()
