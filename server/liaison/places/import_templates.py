"""Blank import files to download from the import pages: the header row the importer
reads, one example row, and a second sheet that explains each column.

Written through ``core.spreadsheet.xlsx_file`` like every export. The example row is
read back by the importer's own tests, so the template and the importer cannot drift.
"""
from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from ..core.spreadsheet import xlsx_file
from . import importer, unit_import

HEAD = Font(bold=True)
FILL = PatternFill("solid", fgColor="DDEBF7")
ROSTER_EXAMPLE = {
    "区域": "长沙市/岳麓区/望月湖街道", "联络站": "长沙市岳麓区望月湖街道人大代表联络站", "站点类型": "中心站",
    "地址": "岳麓区望月湖街道办事处一楼", "纬度": "28.1963", "经度": "112.9535", "代表姓名": "王明",
    "代表编号": "CS-00001", "代表层级": "市,区", "职务代表": "否", "县级以上领导干部": "否",
    "工作单位": "望月湖社区居委会", "职务": "主任", "电话": "13900000000", "进站方式": "驻站",
}
ROSTER_NOTES = {
    "区域": "必填。完整路径：市/区县/街道乡镇[/社区村]，用“/”分隔",
    "联络站": "必填。联络站全称；同一联络站的各行区域须一致",
    "站点类型": "选填：中心站、特色站、园区站、小区联络点、网上代表联络站（默认中心站）",
    "地址": "选填", "纬度": "选填，与经度同填：腾讯地图或高德地图取点（GCJ-02）",
    "经度": "选填，与纬度同填", "代表姓名": "选填；空着表示这一行只登记联络站",
    "代表编号": "选填；名册中稳定的编号，没有时按姓名+电话识别代表",
    "代表层级": "填写代表姓名时必填：全国、省、市、区、县、乡、镇，多个用逗号或顿号分隔",
    "职务代表": "选填：是 / 否", "县级以上领导干部": "选填：是 / 否", "工作单位": "选填", "职务": "选填",
    "电话": "选填：手机号或固定电话", "进站方式": "选填：驻站 / 交叉进站（默认驻站）",
}
UNIT_NOTES = {
    "单位名称": "必填。承办单位全称；已有同名单位时更新该单位",
    "层级": "必填：乡镇（街道）、区（县）、市级及以上",
    "所属区域": "必填。完整路径，如 长沙市/岳麓区；须是名册中已有的区域",
    "联系人": "选填：姓名和电话",
}


def _workbook(title: str, columns, example: dict, notes: dict) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(list(columns))
    ws.append([example.get(c, "") for c in columns])
    for cell in ws[1]:
        cell.font, cell.fill = HEAD, FILL
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(10, len(column) * 2 + 4,
                                                                                  len(str(example.get(column, ""))) + 4)
    ws.freeze_panes = "A2"
    help_sheet = wb.create_sheet("填写说明")
    help_sheet.append(["列名", "说明"])
    for cell in help_sheet[1]:
        cell.font, cell.fill = HEAD, FILL
    for column in columns:
        help_sheet.append([column, notes.get(column, "")])
    help_sheet.append([])
    help_sheet.append(["", "第2行是示例，导入前请删除或改成真实数据。全部行检查无误才会导入，有一处错误就不导入并逐行列出问题。"])
    help_sheet.column_dimensions["A"].width = 18
    help_sheet.column_dimensions["B"].width = 90
    return xlsx_file(wb)


def roster_template() -> BytesIO:
    """The roster (联络站与代表名册): ``importer.COLUMNS`` and one example row."""
    return _workbook("名册", importer.COLUMNS, ROSTER_EXAMPLE, ROSTER_NOTES)


def units_template() -> BytesIO:
    """The handling units list: ``unit_import.COLUMNS`` and one example row."""
    return _workbook("承办单位", unit_import.COLUMNS, dict(zip(unit_import.COLUMNS, unit_import.EXAMPLE)), UNIT_NOTES)
