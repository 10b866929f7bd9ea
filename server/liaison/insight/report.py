"""民意研判 in the region report: the report month's topics as a section of the page, a
sheet of the Excel export and a table of the PDF (label, size, trend, stations) (connected to ``stats.sections.region_sections`` in wiring)."""
from __future__ import annotations

from datetime import timedelta

from flask import url_for

from .topics import topics_for

ARROWS = {"new": "新出现", "up": "↑", "down": "↓", "flat": "→"}


def trend_text(trend: dict) -> str:
    """新出现, or the arrow with the previous period's count: ↑ 上期 3."""
    if trend["direction"] == "new":
        return ARROWS["new"]
    return f"{ARROWS[trend['direction']]} 上期 {trend['previous']}"


def region_section(region, month) -> dict:
    data = topics_for(region, month, month)
    rows = [[t["label"], t["size"], trend_text(t["trend"]), "、".join(t["keywords"]),
             "、".join(f"{s['name']}（{s['count']}）" for s in t["stations"]),
             "；".join(f"{e['number']} {e['summary']}" for e in t["examples"])] for t in data["topics"]]
    month_text = month.strftime("%Y-%m")
    # The page opens on the three months ending with the report's: early in a month its own
    # opinions are too few to recur, the quarter shows what keeps coming back.
    first = month.replace(day=1)
    for _ in range(2):
        first = (first - timedelta(days=1)).replace(day=1)
    if data["topics"]:
        note = (f"本月 {data['opinions']} 条意见中，{data['opinions'] - data['unclustered']} 条归入 "
                f"{len(data['topics'])} 个反复出现的话题，{data['unclustered']} 条未成话题（至少 3 条相近的意见才算一个话题）；"
                "变化与上月相比。")
    else:
        note = f"本月 {data['opinions']} 条意见中没有反复出现的话题（至少 3 条相近的意见才算一个话题）。"
    return {"key": "topics", "title": "三、民意研判（反复出现的话题）", "sheet": "民意研判",
            "columns": ["话题", "意见数", "与上月相比", "关键词", "涉及联络站（条）", "示例意见"],
            "rows": rows, "widths": [18, 8, 12, 30, 40, 80], "note": note,
            "pdf_columns": [0, 1, 2, 4], "pdf_widths": [3, 1, 1.5, 6],
            "link": url_for("insight_pages.topics", region_id=region.id,
                            **{"from": first.strftime("%Y-%m"), "to": month_text}),
            "link_text": "查看近三个月的话题详情与图表"}
