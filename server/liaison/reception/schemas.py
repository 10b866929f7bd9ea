"""Request schemas of the reception API (also the OpenAPI source)."""
from apiflask import Schema
from apiflask.fields import Boolean, Date, Float, Integer, List, String
from apiflask.validators import Length, OneOf, Range
from marshmallow import ValidationError, validates_schema

from ..core.routing import MAX_ID


class PlanIn(Schema):
    monthly_days = List(Integer(), load_default=list, metadata={"description": "每月几日，如 [15]"})
    weekdays = List(Integer(), load_default=list, metadata={"description": "每周几（1 为周一）"})
    market_days = List(Integer(), load_default=list, metadata={"description": "圩日：逢几（1-10，10 为逢十）"})
    start = String(load_default="09:00")
    end = String(load_default="11:30")
    capacity = Integer(load_default=None, allow_none=True, metadata={"description": "每个接待日可预约人数"})
    rota = List(Integer(), load_default=list, metadata={"description": "轮值代表顺序（代表 id）"})
    per_day = Integer(load_default=1, metadata={"description": "每次值班代表人数"})


class GenerateIn(Schema):
    year = Integer(required=True, validate=Range(2000, 2100))
    replace = Boolean(load_default=False, metadata={"description": "重新生成：删除今后按旧计划生成且无人预约的接待日"})


class DayIn(Schema):
    date = Date(required=True)
    start = String(validate=Length(5, 5))
    end = String(validate=Length(5, 5))
    capacity = Integer(validate=Range(0, 500))
    deputy_ids = List(Integer(), load_default=list)
    note = String(validate=Length(0, 255))


class DayPatch(Schema):
    date = Date()
    start = String(validate=Length(5, 5))
    end = String(validate=Length(5, 5))
    capacity = Integer(validate=Range(0, 500))
    deputy_ids = List(Integer())
    note = String(validate=Length(0, 255))
    status = String(validate=OneOf(["planned", "held", "cancelled"]))


class DaysQuery(Schema):
    start = Date(data_key="from")
    end = Date(data_key="to")
    all = Boolean(load_default=False, metadata={"description": "包括已取消的接待日（工作人员）"})


class YearQuery(Schema):
    year = Integer(validate=Range(2000, 2100))


class AppointmentIn(Schema):
    station_id = Integer(required=True, validate=Range(1, MAX_ID))
    date = Date(required=True)
    note = String(load_default="", validate=Length(0, 255))


def _coordinate(label: str, low: int, high: int, description: str) -> Float:
    message = f"{label}应在 {low} 到 {high} 之间"
    return Float(load_default=None, allow_none=True, validate=Range(low, high, error=message),
                 error_messages={"invalid": f"{label}应为数字", "special": f"{label}必须是有效数字",
                                 "too_large": message},
                 metadata={"description": description})


class CheckInIn(Schema):
    token = String(required=True, validate=Length(1, 64), metadata={"description": "扫到的站码令牌"})
    latitude = _coordinate("纬度", -90, 90, "手机位置的纬度（GCJ-02，wx.getLocation type 'gcj02'）；用户拒绝定位时不传")
    longitude = _coordinate("经度", -180, 180, "手机位置的经度（GCJ-02）；与纬度同时传")

    @validates_schema
    def _both_or_neither(self, data, **kwargs):
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise ValidationError("纬度和经度要同时提供", "latitude")


class CheckInsQuery(Schema):
    pending = Boolean(load_default=False, metadata={"description": "只列待确认（未核验）的签到"})


class RecordIn(Schema):
    date = Date(required=True)
    residents = Integer(load_default=0, validate=Range(0, 100000))
    opinions_registered = Integer(load_default=0, validate=Range(0, 100000))
    deputy_ids = List(Integer(), load_default=list)
    note = String(load_default="", validate=Length(0, 2000))
