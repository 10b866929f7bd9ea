"""Excel (openpyxl) and PDF exports of the region report and a deputy's duty record."""
from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from ..core.spreadsheet import xlsx_file
from .flags import INVISIBLE, STATION_FLAGS

HEAD = Font(bold=True)
FILL = PatternFill("solid", fgColor="DDEBF7")
KIND_LABELS = {"central": "中心站", "feature": "特色站", "park": "园区站", "residential": "小区联络点",
               "online": "网上代表联络站"}
MONTH_COLUMNS = [("active_days", "活动天数"), ("check_ins", "进站人次"), ("receptions", "接待次数"),
                 ("residents", "接待群众"), ("opinions_in", "收到意见"), ("answered", "答复"),
                 ("closed", "办结"), ("late", "超期"), ("ratings", "评价数"), ("satisfied", "满意数")]


def _sheet(wb, title: str, header: list[str], rows, widths=None):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font, cell.fill = HEAD, FILL
    for row in rows:
        ws.append(row)
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    ws.freeze_panes = "A2"
    return ws


def _pct(value) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def region_xlsx(data: dict, stations: list[dict], sections: list[dict] = ()) -> BytesIO:
    """Sheets: 概况 (the report's text), 各区域, 联络站, 问题清单, 隐身代表, 月度趋势, then one
    per added section (``stats.sections``: 民意研判)."""
    labels = data["flag_labels"]
    wb = Workbook()
    ws = wb.active
    ws.title = "概况"
    ws.append([f"{data['region']['name']}人大代表联络站数据分析（{data['month']}）"])
    ws["A1"].font = Font(bold=True, size=14)
    t = data["totals"]
    ws.append([f"共 {t['stations']} 个代表联络站，{t['deputies']} 名代表进站（{t['memberships']} 人次），"
               f"驻站代表数在 {t['min_deputies']}~{t['max_deputies']} 人范围。"])
    ws.append([])
    for line in data["text"]:
        ws.append([line])
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True)
    ws.append([])
    ws.append(["问题", "数量"])
    for key in (*STATION_FLAGS, INVISIBLE):
        ws.append([labels[key], t["flags"][key]])
    ws.column_dimensions["A"].width = 100
    _sheet(wb, "各区域", ["区域", "联络站", "中心站", "特色站等", "进站代表", "最少", "最多",
                       *[labels[k] for k in STATION_FLAGS], labels[INVISIBLE], *[h for _, h in MONTH_COLUMNS], "满意率"],
           [[a["name"], a["stations"], a["central_stations"], a["feature_stations"], a["deputies"],
             a["min_deputies"], a["max_deputies"], *[a["flags"][k] for k in STATION_FLAGS], a["invisible_deputies"],
             *[a[k] for k, _ in MONTH_COLUMNS], _pct(a["satisfaction"])] for a in data["areas"]],
           [22, 8, 8, 8, 8, 6, 6] + [14] * 6 + [10] * 11)
    _sheet(wb, "联络站", ["编号", "联络站", "类型", "驻站代表", "其中驻站", "交叉进站", "县级以上职务代表",
                       "省市代表", *[h for _, h in MONTH_COLUMNS], "满意率", "问题"],
           [[s["id"], s["name"], KIND_LABELS.get(s["kind"], s["kind"]), s["deputies"], s["home"], s["cross"],
             s["senior"], s["prov_muni"], *[s[k] for k, _ in MONTH_COLUMNS], _pct(s["satisfaction"]),
             "；".join(labels[f] for f in s["flags"])] for s in stations],
           [8, 44, 10, 8, 8, 8, 10, 8] + [9] * 11 + [40])
    _sheet(wb, "问题清单", ["问题", "联络站", "驻站代表", "县级以上职务代表", "省市代表", "活动天数"],
           [[labels[k], i["name"], i["deputies"], i["senior"], i["prov_muni"], i["active_days"]]
            for k in STATION_FLAGS for i in data["flags"][k]["items"]], [26, 44, 10, 14, 10, 10])
    _sheet(wb, "隐身代表", ["代表", "所在联络站"],
           [[i["name"], "、".join(i["stations"])] for i in data["flags"][INVISIBLE]["items"]], [12, 80])
    _sheet(wb, "月度趋势", ["月份", *[h for _, h in MONTH_COLUMNS], "满意率"],
           [[m["month"], *[m[k] for k, _ in MONTH_COLUMNS], _pct(m["satisfaction"])] for m in data["trend"]],
           [10] + [10] * 11)
    for section in sections:
        ws = _sheet(wb, section["sheet"], section["columns"], section["rows"], section.get("widths"))
        if section.get("note"):
            ws.append([])
            ws.append([section["note"]])
    return xlsx_file(wb)


DUTY_ROWS = [("check_ins", "进站履职（次）"), ("check_ins_unplanned", "其中计划外进站"),
             ("check_ins_pending", "待确认进站（未计入）"), ("active_days", "活动天数"),
             ("receptions", "参加接待（次）"), ("residents", "接待群众（人次）"), ("summoned", "被点将意见（件）"),
             ("answered", "已答复（件）"), ("in_time", "按期答复（件）"), ("late", "超期（件）"),
             ("unresolved", "未解决关闭（件）"), ("pending_now", "目前办理中（件）"), ("suggestions", "提出闭会期间建议（件）"),
             ("ratings", "群众评价（件）"), ("satisfied", "满意（件）")]


def duty_lines(record: dict) -> list[tuple[str, str]]:
    """(label, value) lines of a duty record, shared by the Excel sheet and the PDF."""
    t = record["totals"]
    lines = [(label, str(t[key])) for key, label in DUTY_ROWS]
    median = t["median_response_days"]
    lines += [("按期答复率", _pct(t["in_time_share"]) or "—"), ("满意率", _pct(t["satisfaction"]) or "—"),
              ("响应时间中位数", "—" if median is None else f"{median:g} 天"),
              ("履职积分", f"{record['points']['total']:g}")]
    return lines


def duty_xlsx(record: dict) -> BytesIO:
    d = record["deputy"]
    wb = Workbook()
    ws = wb.active
    ws.title = "履职档案"
    ws.append([f"{d['name']} {record['year']} 年度履职档案"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["工作单位及职务", f"{d['work_unit']} {d['post']}".strip()])
    ws.append(["所在联络站", "、".join(s["name"] + ("（交叉进站）" if s["membership"] == "cross" else "")
                                  for s in d["stations"])])
    ws.append([])
    for label, value in duty_lines(record):
        ws.append([label, value])
    ws.append([])
    ws.append(["积分项目", "数量", "每项分值", "得分"])
    for item in record["points"]["items"]:
        ws.append([item["label"], item["count"], item["weight"], item["points"]])
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 60
    _sheet(wb, "逐月", ["月份", *[h for _, h in MONTH_COLUMNS], "被点将", "按期答复", "建议"],
           [[m["month"], *[m[k] for k, _ in MONTH_COLUMNS], m["opinions_in"], m["in_time"], m["suggestions"]]
            for m in record["months"]], [10] + [10] * 13)
    _sheet(wb, "进站记录", ["日期", "联络站", "方式", "计划内", "接待", "接待群众", "核验"],
           [[c["date"], c["station"], "扫码" if c["source"] == "scan" else "工作人员登记",
             "是" if c["in_plan"] else "否", "是" if c["reception"] else "", c["residents"] or "", c["status"]]
            for c in record["check_ins"]], [12, 44, 14, 8, 6, 10, 30])
    return xlsx_file(wb)
