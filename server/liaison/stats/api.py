"""Stats API: the region report, per-station figures, league tables, duty records, exports."""
from __future__ import annotations

from datetime import date

from apiflask import APIBlueprint
from apiflask.schemas import FileSchema
from flask import send_file

from ..core import clock
from ..core.auth import current_user
from ..core.errors import ApiError
from ..core.spreadsheet import file_name
from ..reception.access import get_station
from . import access, export, pdf
from .duty import duty_record
from .figures import MONTH_FIELDS, parse_month, share
from .league import league_table
from .models import StationMonth  # noqa: F401  (registers the summary tables)
from .queries import region_report, station_rows
from .refresh import ensure_fresh, freshness, refresh
from .sections import sections_for
from .report_pdf import region_pdf
from .schemas import (DutyRecordOut, LeagueOut, MonthQuery, PeriodQuery, RefreshOut, RegionsOut, ReportOut,
                      StationMonthsOut, StationsPage, StationsQuery, YearQuery)

bp = APIBlueprint("stats", __name__, url_prefix="/api/v1/stats", tag="统计与报表")
AUTH = {"security": "BearerAuth"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def register(app) -> None:
    app.register_blueprint(bp)
    from ..core.errors import page_layout
    from .views import bp as pages, page_context

    app.register_blueprint(pages)
    page_layout(app, pages.name, "stats/denied.html", page_context)  # refusals as report pages


def month_arg(value: str | None) -> date:
    return parse_month(value, clock.today())


def period(query: dict) -> tuple[date, date]:
    last = month_arg(query.get("end"))
    first = parse_month(query.get("start"), last.replace(month=1)) if query.get("start") else last.replace(month=1)
    if first > last:
        raise ApiError(422, "validation_error", "起始月份不能晚于结束月份", {"fields": {"from": ["起始月份不能晚于结束月份"]}})
    return first, last


@bp.get("/regions")
@bp.output(RegionsOut)
@bp.doc(summary="我可以查看的区域（人大工委）", **AUTH)
def regions():
    return {"items": [{"id": r.id, "name": r.name, "level": r.level, "path": r.path}
                      for r in access.visible_regions(current_user())]}


@bp.get("/regions/<int:region_id>/report")
@bp.output(ReportOut)
@bp.input(MonthQuery, location="query")
@bp.doc(summary="区域联络站数据分析报告（长沙报告第一部分：站点、驻站代表、问题清单）", **AUTH)
def report(region_id, query_data):
    region = access.get_region(region_id)
    access.require_region(region)
    return region_report(region, month_arg(query_data.get("month")), clock.today(), query_data.get("limit"))


@bp.get("/regions/<int:region_id>/report.xlsx")
@bp.output(FileSchema, content_type=XLSX, description="区域报告 Excel 文件")
@bp.input(MonthQuery, location="query")
@bp.doc(summary="区域报告（Excel）", **AUTH)
def report_xlsx(region_id, query_data):
    region = access.get_region(region_id)
    access.require_region(region)
    month = month_arg(query_data.get("month"))
    data = region_report(region, month, clock.today(), 100000, with_stations=True)
    stations = data.pop("stations")
    return send_file(export.region_xlsx(data, stations, sections_for(region, month)), mimetype=XLSX, as_attachment=True,
                     download_name=file_name(f"{region.name}联络站数据分析-{data['month']}.xlsx"))


@bp.get("/regions/<int:region_id>/report.pdf")
@bp.output(FileSchema, content_type="application/pdf", description="区域报告 PDF 文件")
@bp.input(MonthQuery, location="query")
@bp.doc(summary="区域报告（PDF，可打印，文字可选中）", **AUTH)
def report_pdf(region_id, query_data):
    region = access.get_region(region_id)
    access.require_region(region)
    month = month_arg(query_data.get("month"))
    data = region_report(region, month, clock.today(), query_data.get("limit"))
    return send_file(region_pdf(data, sections_for(region, month)), mimetype="application/pdf", as_attachment=True,
                     download_name=file_name(f"{region.name}联络站数据分析-{data['month']}.pdf"))


@bp.get("/regions/<int:region_id>/stations")
@bp.output(StationsPage)
@bp.input(StationsQuery, location="query")
@bp.doc(summary="区域内各联络站的当月数字与问题标记（分页）", **AUTH)
def stations(region_id, query_data):
    region = access.get_region(region_id)
    access.require_region(region)
    rows = station_rows(region, month_arg(query_data.get("month")), clock.today(), query_data.get("flag"))
    page, per_page = query_data["page"], query_data["per_page"]
    return {"items": rows[(page - 1) * per_page: page * per_page], "total": len(rows), "page": page,
            "per_page": per_page}


@bp.get("/regions/<int:region_id>/league")
@bp.output(LeagueOut)
@bp.input(PeriodQuery, location="query")
@bp.doc(summary="代表、联络站响应度排行（按 95% 置信区间下限排名，威尔逊方法；件数太少不排名）", **AUTH)
def league(region_id, query_data):
    region = access.get_region(region_id)
    access.require_region(region)
    first, last = period(query_data)
    return league_table(region, query_data["kind"], first, last, clock.today())


@bp.post("/regions/<int:region_id>/refresh")
@bp.output(RefreshOut)
@bp.input(MonthQuery, location="query")
@bp.doc(summary="立即重算某月的汇总数字（人大工委）",
        description="报表读汇总表（每次变动后随即更新）；答复带 refreshed_at 和“数据截至 HH:MM”。", **AUTH)
def refresh_region(region_id, query_data):
    region = access.get_region(region_id)
    access.require_region(region)
    month = month_arg(query_data.get("month"))
    result = refresh(month, month, clock.today(), region)
    return {**result, **freshness(region, month, clock.today())}


@bp.get("/stations/<int:station_id>/months")
@bp.output(StationMonthsOut)
@bp.input(YearQuery, location="query")
@bp.doc(summary="联络站全年逐月数字", **AUTH)
def station_months(station_id, query_data):
    from ..core.db import db
    from ..places.models import Region

    station = get_station(station_id)
    access.require_station(station)
    year = query_data.get("year") or clock.today().year
    last = min(date(year, 12, 1), clock.today().replace(day=1))
    region = db.session.get(Region, station.region_id)
    if date(year, 1, 1) <= last:
        ensure_fresh(region, date(year, 1, 1), last, clock.today())
    rows = {r.month: r for r in db.session.query(StationMonth).filter(
        StationMonth.station_id == station.id, StationMonth.month >= date(year, 1, 1),
        StationMonth.month <= date(year, 12, 1))}
    items = []
    for m in range(1, 13):
        row = rows.get(date(year, m, 1))
        values = {f: (getattr(row, f) if row else 0) for f in MONTH_FIELDS}
        items.append({"month": f"{year}-{m:02d}", **values, "satisfaction": share(values["satisfied"], values["ratings"])})
    return {"station": {"id": station.id, "name": station.name}, "year": year, "items": items,
            **freshness(region, last, clock.today())}


@bp.get("/deputies/<int:deputy_id>/duty-record")
@bp.output(DutyRecordOut)
@bp.input(YearQuery, location="query")
@bp.doc(summary="代表履职档案（进站、接待、点将、建议、响应时间、满意度、履职积分）", **AUTH)
def deputy_record(deputy_id, query_data):
    return _readable_record(deputy_id, query_data)


@bp.get("/deputies/<int:deputy_id>/duty-record.xlsx")
@bp.output(FileSchema, content_type=XLSX, description="履职档案 Excel 文件")
@bp.input(YearQuery, location="query")
@bp.doc(summary="代表年度履职档案（Excel）", **AUTH)
def deputy_record_xlsx(deputy_id, query_data):
    record = _readable_record(deputy_id, query_data)
    return send_file(export.duty_xlsx(record), mimetype=XLSX, as_attachment=True,
                     download_name=file_name(f"{record['deputy']['name']}-{record['year']}年度履职档案.xlsx"))


@bp.get("/deputies/<int:deputy_id>/duty-record.pdf")
@bp.output(FileSchema, content_type="application/pdf", description="履职档案 PDF 文件")
@bp.input(YearQuery, location="query")
@bp.doc(summary="代表年度履职档案（PDF）", **AUTH)
def deputy_record_pdf(deputy_id, query_data):
    record = _readable_record(deputy_id, query_data)
    return send_file(pdf.duty_pdf(record), mimetype="application/pdf", as_attachment=True,
                     download_name=file_name(f"{record['deputy']['name']}-{record['year']}年度履职档案.pdf"))


def _readable_record(deputy_id: int, query_data: dict) -> dict:
    """The deputy's duty record for the asked year, once the caller may read it."""
    deputy = access.get_deputy(deputy_id)
    access.require_deputy(deputy)
    return duty_record(deputy, query_data.get("year") or clock.today().year, clock.today())
