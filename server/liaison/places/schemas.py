"""Station directory and deputy schemas (docs/API.md shapes; also the OpenAPI source)."""
from apiflask import Schema
from apiflask.fields import File, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range

from ..core.routing import MAX_ID
from .models import DEPUTY_LEVELS

MAX_PER_PAGE = 50


class RegionRef(Schema):
    id = Integer()
    name = String()
    path = String(metadata={"description": "区域全称，如 长沙市/岳麓区/望月湖街道"})


class StationBrief(Schema):
    id = Integer()
    name = String()
    kind = String(metadata={"description": "central 中心站 | feature 特色站 | park | residential | online"})
    address = String()
    region = Nested(RegionRef)
    code_token = String(allow_none=True, metadata={"description": "站码令牌，GET /api/v1/codes/<token>"})


class DeputyBrief(Schema):
    id = Integer()
    name = String()
    photo_url = String(allow_none=True)
    levels = List(String(validate=OneOf(DEPUTY_LEVELS)),
                  metadata={"description": "national, provincial, municipal, county, township"})
    level_labels = List(String(), metadata={"description": "如 市人大代表"})
    code_token = String(allow_none=True)


class ReceptionDayBrief(Schema):
    date = String(metadata={"description": "YYYY-MM-DD；只列出可以预约的接待日（计划中、未过去、还有名额）"})
    start = String(metadata={"description": "HH:MM"})
    end = String(metadata={"description": "HH:MM"})
    slots_left = Integer(metadata={"description": "剩余预约名额"})
    deputies = List(Nested(DeputyBrief))


class StationOut(StationBrief):
    open_hours = String()
    reception_plan = String(metadata={"description": "接待安排（文字），如 每月15日 9:00-11:30"})
    next_reception_days = List(Nested(ReceptionDayBrief))
    deputies = List(Nested(DeputyBrief))
    notice = String()


class StationRef(Schema):
    id = Integer()
    name = String()
    membership = String(metadata={"description": "home 驻站 | cross 交叉进站"})


class DeputyOut(DeputyBrief):
    work_unit = String()
    post = String()
    stations = List(Nested(StationRef))


class StationQuery(Schema):
    region_id = Integer(validate=Range(min=1, max=MAX_ID), metadata={"description": "只看该区域（含下级区域）"})
    q = String(validate=Length(max=50), metadata={"description": "按站名搜索"})
    page = Integer(load_default=1, validate=Range(min=1, max=10000))
    per_page = Integer(load_default=20, validate=Range(min=1, max=MAX_PER_PAGE))


class StationPage(Schema):
    items = List(Nested(StationBrief))
    total = Integer()
    page = Integer()
    per_page = Integer()


class StationEnvelope(Schema):
    station = Nested(StationOut)


class DeputyEnvelope(Schema):
    deputy = Nested(DeputyOut)


class ImportIn(Schema):
    file = File(required=True, metadata={"description": "名册文件 .xlsx 或 .csv（列见导入说明）"})


class ImportOut(Schema):
    rows = Integer()
    regions = Integer(metadata={"description": "新建区域数"})
    stations = Integer(metadata={"description": "新建联络站数"})
    deputies = Integer(metadata={"description": "新建代表数"})
    memberships = Integer(metadata={"description": "新建进站关系数"})
