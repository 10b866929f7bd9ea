"""Request and answer schemas of the stats API (also the OpenAPI source)."""
from apiflask import Schema
from apiflask.fields import Boolean, Dict, Float, Integer, List, Nested, String
from apiflask.validators import OneOf, Range, Regexp

from ..core.schemas import items_of
from .figures import MONTH_FIELDS

# Years outside these bounds broke the date maths (year 0, 9999, 99999): 422 here, 400 on the pages.
MONTH_PATTERN = r"^20\d\d-(0[1-9]|1[0-2])$"
MONTH_ERROR = "月份格式应为 YYYY-MM（2000 至 2099 年）"
FIRST_YEAR, LAST_YEAR = 2000, 2100
YEAR_ERROR = f"年份应在 {FIRST_YEAR} 至 {LAST_YEAR} 年之间"
MONTH = Regexp(MONTH_PATTERN, error=MONTH_ERROR)


class MonthQuery(Schema):
    month = String(validate=MONTH, metadata={"description": "统计月份，默认本月"})
    limit = Integer(validate=Range(1, 5000), metadata={"description": "每类问题最多列出几项"})


class StationsQuery(Schema):
    month = String(validate=MONTH)
    flag = String(validate=OneOf(["under_min", "over_max", "too_many_senior", "too_many_prov_muni", "idle"]))
    page = Integer(load_default=1, validate=Range(1, 100000))
    per_page = Integer(load_default=50, validate=Range(1, 500))


class PeriodQuery(Schema):
    kind = String(load_default="deputy", validate=OneOf(["deputy", "station"]))
    start = String(data_key="from", validate=MONTH, metadata={"description": "起始月份，默认当年 1 月"})
    end = String(data_key="to", validate=MONTH, metadata={"description": "结束月份，默认本月"})


class YearQuery(Schema):
    year = Integer(validate=Range(FIRST_YEAR, LAST_YEAR, error=YEAR_ERROR),
                   metadata={"description": "年份，默认今年"})


# -- answers ----------------------------------------------------------------------------

def _figures(schema_name: str, satisfaction: bool = True, **fields) -> type:
    """A schema of the month figures (MONTH_FIELDS, counts) plus ``fields``."""
    counts = {f: Integer(required=True) for f in MONTH_FIELDS}
    if satisfaction:
        counts["satisfaction"] = Float(required=True, allow_none=True,
                                       metadata={"description": "满意率（0–1），无评价时为 null"})
    return type(schema_name, (Schema,), {**counts, **fields})


class Freshness(Schema):
    refreshed_at = String(required=True, allow_none=True, metadata={"description": "汇总重算的时间（北京时间）"})
    as_of = String(required=True, metadata={"description": "“数据截至 HH:MM”"})


class RegionOut(Schema):
    id = Integer(required=True)
    name = String(required=True)
    level = String(required=True)
    path = String(required=True)


RegionsOut = items_of("RegionsOut", RegionOut)


class IdName(Schema):
    id = Integer(required=True)
    name = String(required=True)


MonthFigures = _figures("MonthFigures", month=String(required=True, metadata={"description": "YYYY-MM"}))
DutyMonth = _figures("DutyMonth", satisfaction=False, month=String(required=True))
StationFigures = _figures(
    "StationFigures", id=Integer(required=True), name=String(required=True), kind=String(required=True),
    area_id=Integer(required=True, allow_none=True), deputies=Integer(required=True), home=Integer(required=True),
    cross=Integer(required=True), senior=Integer(required=True), prov_muni=Integer(required=True),
    invisible=Integer(required=True), flags=List(String(), required=True))
AreaFigures = _figures(
    "AreaFigures", id=Integer(required=True), name=String(required=True), level=String(required=True),
    path=String(required=True), subdivisions=Dict(keys=String(), values=Integer(), required=True),
    stations=Integer(required=True), central_stations=Integer(required=True),
    feature_stations=Integer(required=True), deputies=Integer(required=True),
    min_deputies=Integer(required=True, allow_none=True), max_deputies=Integer(required=True, allow_none=True),
    deputies_by_kind=Dict(required=True, metadata={"description": "{站类: {min, max} 或 null}"}),
    flags=Dict(keys=String(), values=Integer(), required=True), invisible_deputies=Integer(required=True))
ReportTotals = _figures(
    "ReportTotals", stations=Integer(required=True), deputies=Integer(required=True),
    memberships=Integer(required=True), min_deputies=Integer(required=True, allow_none=True),
    max_deputies=Integer(required=True, allow_none=True), flags=Dict(keys=String(), values=Integer(), required=True))


class FlagList(Schema):
    total = Integer(required=True)
    items = List(Dict(), required=True, metadata={"description": "联络站（id、name、deputies…）或隐身代表（id、name、stations）"})


class Window(Schema):
    invisible_from = String(required=True)
    to = String(required=True)


class RoutingShareKind(Schema):
    suggested = Integer(required=True, metadata={"description": "当月受理（分类）或交办（单位）时给出建议的件数"})
    accepted = Integer(required=True, metadata={"description": "其中工作人员采纳建议的件数"})
    share = Float(required=True, allow_none=True, metadata={"description": "采纳率；无建议为 null"})


class RoutingShare(Schema):
    category = Nested(RoutingShareKind, required=True)
    unit = Nested(RoutingShareKind, required=True)


class ReportOut(Freshness):
    region = Nested(RegionOut, required=True)
    month = String(required=True)
    window = Nested(Window, required=True)
    thresholds = Dict(keys=String(), values=Integer(), required=True)
    flag_labels = Dict(keys=String(), values=String(), required=True)
    totals = Nested(ReportTotals, required=True)
    areas = List(Nested(AreaFigures), required=True)
    flags = Dict(keys=String(), values=Nested(FlagList), required=True)
    text = List(String(), required=True, metadata={"description": "报告正文，一段一项"})
    trend = List(Nested(MonthFigures), required=True, metadata={"description": "当年逐月合计"})
    routing = Nested(RoutingShare, metadata={"description": "分办建议的采纳情况（当月）"})


class StationsPage(Schema):
    items = List(Nested(StationFigures), required=True)
    total = Integer(required=True)
    page = Integer(required=True)
    per_page = Integer(required=True)


class LeagueEntry(Schema):
    id = Integer(required=True)
    name = String(required=True)
    rank = Integer(required=True, allow_none=True)
    cases = Integer(required=True)
    in_time = Integer(required=True)
    late = Integer(required=True)
    unresolved = Integer(required=True)
    ratings = Integer(required=True)
    satisfied = Integer(required=True)
    successes = Integer(required=True)
    trials = Integer(required=True)
    share = Float(required=True, allow_none=True)
    lower_bound = Float(allow_none=True, metadata={"description": "95% 置信区间下限（只在排名的条目上）"})


class LeagueOut(Freshness):
    region = Nested(IdName, required=True)
    kind = String(required=True)
    start = String(required=True, data_key="from", attribute="from", metadata={"description": "YYYY-MM"})
    end = String(required=True, data_key="to", attribute="to", metadata={"description": "YYYY-MM"})
    min_cases = Integer(required=True)
    formula = String(required=True)
    ranked = List(Nested(LeagueEntry), required=True)
    too_few_total = Integer(required=True)
    too_few = List(Nested(LeagueEntry), required=True)


class RefreshOut(Freshness):
    stations = Integer(required=True, metadata={"description": "重写的联络站月度行数"})
    deputies = Integer(required=True, metadata={"description": "重写的代表月度行数"})
    seconds = Float(required=True)


class StationMonthsOut(Freshness):
    station = Nested(IdName, required=True)
    year = Integer(required=True)
    items = List(Nested(MonthFigures), required=True)


class DutyStation(IdName):
    membership = String(required=True, metadata={"description": "home 驻站 / cross 交叉进站"})


class DutyDeputy(IdName):
    levels = List(String(), required=True)
    work_unit = String(required=True, allow_none=True)
    post = String(required=True, allow_none=True)
    is_senior_official = Boolean(required=True)
    stations = List(Nested(DutyStation), required=True)


DutyTotals = _figures(
    "DutyTotals", check_ins_pending=Integer(required=True), summoned=Integer(required=True),
    decided=Integer(required=True), pending_now=Integer(required=True),
    in_time_share=Float(required=True, allow_none=True), median_response_days=Float(required=True, allow_none=True))


class PointsItem(Schema):
    key = String(required=True)
    label = String(required=True)
    count = Integer(required=True)
    weight = Float(required=True)
    points = Float(required=True)


class Points(Schema):
    items = List(Nested(PointsItem), required=True)
    total = Float(required=True)


class DutyCheckIn(Schema):
    date = String(required=True)
    station = String(required=True)
    in_plan = Boolean(required=True)
    source = String(required=True)
    reception = Boolean(required=True)
    residents = Integer(required=True)
    verified = Boolean(required=True)
    pending = Boolean(required=True)
    status = String(required=True)


class DutyRecordOut(Schema):
    deputy = Nested(DutyDeputy, required=True)
    year = Integer(required=True)
    totals = Nested(DutyTotals, required=True)
    points = Nested(Points, required=True)
    months = List(Nested(DutyMonth), required=True)
    check_ins = List(Nested(DutyCheckIn), required=True)
