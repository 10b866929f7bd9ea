"""The region report as a printable PDF (text, not a picture: ``core.pdfdoc``).

The same data as the page and the Excel file (``queries.region_report``): the totals,
part one's sentences per area, the areas' figures, the problem lists and the month
by month trend, and the sections other packages add (``stats.sections``: 民意研判). Long
lists are cut at the report's ``limit`` like the page's.
"""
from __future__ import annotations

from io import BytesIO

from ..core.pdfdoc import Document
from .export import MONTH_COLUMNS, _pct
from .flags import INVISIBLE, STATION_FLAGS


def region_pdf(data: dict, sections: list[dict] = ()) -> BytesIO:
    labels, t = data["flag_labels"], data["totals"]
    title = f"{data['region']['name']}人大代表联络站数据分析（{data['month']}）"
    doc = Document(title, footer=title)
    doc.heading(f"{data['region']['name']}人大代表联络站数据分析")
    doc.text(f"统计月份 {data['month']} · 驻站代表按现有进站关系统计（驻站与交叉进站均计入）", align="C",
             color=(90, 90, 90), after=4)
    deputies = "—" if t["min_deputies"] is None else f"{t['min_deputies']}~{t['max_deputies']}"
    doc.fields([("代表联络站", f"{t['stations']} 个"), ("进站代表", f"{t['deputies']} 人（{t['memberships']} 人次）"),
                ("每站代表数", f"{deputies} 人"),
                ("本月", f"接待 {t['receptions']} 次，收到意见 {t['opinions_in']} 件，办结 {t['closed']} 件，"
                         f"超期 {t['late']} 件，满意率 {_pct(t['satisfaction']) or '—'}"),
                ("问题", "；".join(f"{labels[k]} {t['flags'][k]}" for k in (*STATION_FLAGS, INVISIBLE)))],
               label_width=30)
    doc.text("一、各区域人大代表联络站数据分析", bold=True, size=13, after=2)
    for line in data["text"]:
        doc.text(line, after=2)
    doc.text("各区域数字", bold=True, size=13, after=1)
    doc.table(["区域", "联络站", "中心站", "进站代表", "最少", "最多", *[labels[k] for k in STATION_FLAGS],
               labels[INVISIBLE], "接待", "收到意见", "办结", "超期", "满意率"],
              [[a["name"], a["stations"], a["central_stations"], a["deputies"], a["min_deputies"], a["max_deputies"],
                *[a["flags"][k] for k in STATION_FLAGS], a["invisible_deputies"], a["receptions"], a["opinions_in"],
                a["closed"], a["late"], _pct(a["satisfaction"]) or "—"] for a in data["areas"]],
              widths=[3, 1.2, 1.2, 1.3, 1, 1, *[1.4] * len(STATION_FLAGS), 1.3, 1, 1.2, 1, 1, 1.3], size=7)
    doc.text("二、问题清单（按规则计算）", bold=True, size=13, after=1)
    for key in STATION_FLAGS:
        flag = data["flags"][key]
        doc.text(f"{labels[key]}：{flag['total']} 个", bold=True, after=1)
        if flag["items"]:
            doc.table(["联络站", "驻站代表", "县级以上职务代表", "省市代表", "活动天数"],
                      [[i["name"], i["deputies"], i["senior"], i["prov_muni"], i["active_days"]] for i in flag["items"]],
                      widths=[6, 1.2, 1.6, 1.2, 1.2])
            if flag["total"] > len(flag["items"]):
                doc.text(f"另有 {flag['total'] - len(flag['items'])} 个未列出，见 Excel 报表。", size=9, color=(90, 90, 90))
    invisible = data["flags"][INVISIBLE]
    doc.text(f"{labels[INVISIBLE]}：{invisible['total']} 人", bold=True, after=1)
    if invisible["items"]:
        doc.table(["代表", "所在联络站"], [[i["name"], "、".join(i["stations"])] for i in invisible["items"]],
                  widths=[1, 5])
    for section in sections:
        _section(doc, section)
    doc.text(f"附：{data['month'][:4]} 年逐月情况", bold=True, size=13, after=1)
    doc.table(["月份", *[h for _, h in MONTH_COLUMNS], "满意率"],
              [[m["month"], *[m[k] for k, _ in MONTH_COLUMNS], _pct(m["satisfaction"]) or "—"] for m in data["trend"]],
              size=8)
    return doc.render()



def _section(doc: Document, section: dict) -> None:
    """An added section as a table: the columns ``pdf_columns`` names (indices; all when
    absent) with ``pdf_widths``, then its note. Links are the page's, not the paper's."""
    keep = section.get("pdf_columns") or range(len(section["columns"]))
    doc.text(section["title"], bold=True, size=13, after=1)
    if section["rows"]:
        doc.table([section["columns"][i] for i in keep], [[row[i] for i in keep] for row in section["rows"]],
                  widths=section.get("pdf_widths"), size=8)
    if section.get("note"):
        doc.text(section["note"], size=9, color=(90, 90, 90), after=2)
