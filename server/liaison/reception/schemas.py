"""Request and answer schemas of the reception API (also the OpenAPI source)."""
from apiflask import Schema
from apiflask.fields import Boolean, Date, Dict, Float, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range
from marshmallow import ValidationError, validates_schema

from ..core.routing import MAX_ID
from ..core.schemas import envelope, items_of
from ..places.schemas import DeputyBrief


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


# -- answers ----------------------------------------------------------------------------


class DayOut(Schema):
    id = Integer(required=True)
    date = String(required=True, metadata={"description": "YYYY-MM-DD"})
    start = String(required=True, metadata={"description": "HH:MM"})
    end = String(required=True, metadata={"description": "HH:MM"})
    status = String(required=True, metadata={"description": "planned | held | cancelled"})
    source = String(required=True, metadata={"description": "plan 按接待安排生成 | manual 工作人员添加"})
    note = String(required=True)
    capacity = Integer(required=True)
    booked = Integer(required=True)
    slots_left = Integer(required=True, metadata={"description": "剩余预约名额（非计划中的接待日为 0）"})
    deputies = List(Nested(DeputyBrief), required=True, metadata={"description": "值班代表"})


class DaysOut(Schema):
    items = List(Nested(DayOut), required=True)
    notice = String(required=True, metadata={"description": "下次接待的预告（没有时为空）"})


DayEnvelope = envelope("DayEnvelope", "reception_day", DayOut)


class PlanOut(Schema):
    plan = Dict(required=True, metadata={"description": "接待安排（字段同请求），未设置时为 {}"})
    text = List(String(), required=True, metadata={"description": "接待安排的中文说明"})


class GenerateOut(Schema):
    created = Integer(required=True)
    removed = Integer(required=True)
    kept = Integer(required=True)


class StationPlace(Schema):
    id = Integer(required=True)
    name = String(required=True)
    address = String(allow_none=True)


class BookedStation(StationPlace):
    latitude = Float(allow_none=True, metadata={"description": "GCJ-02 纬度（未登记位置时为 null）"})
    longitude = Float(allow_none=True, metadata={"description": "GCJ-02 经度（未登记位置时为 null）"})


class AppointmentOut(Schema):
    id = Integer(required=True)
    station = Nested(BookedStation, required=True)
    date = String(required=True)
    start = String(required=True)
    end = String(required=True)
    state = String(required=True, metadata={"description": "booked | cancelled | attended"})
    state_label = String(required=True, metadata={"description": "已预约 / 已取消 / 已到场 / 已过期"})
    day_cancelled = Boolean(required=True, metadata={"description": "接待日被联络站取消"})
    upcoming = Boolean(required=True, metadata={"description": "接待日在今天或以后"})
    can_cancel = Boolean(required=True, metadata={"description": "还可以取消（已预约且接待日未过）"})
    note = String(required=True)


AppointmentEnvelope = envelope("AppointmentEnvelope", "appointment", AppointmentOut)
AppointmentsOut = items_of("AppointmentsOut", AppointmentOut)


class DayBrief(Schema):
    id = Integer(required=True)
    station_id = Integer(required=True)
    date = String(required=True)
    start = String(required=True)
    end = String(required=True)
    capacity = Integer(required=True)
    status = String(required=True)


class Booking(Schema):
    id = Integer(required=True)
    state = String(required=True)
    state_label = String(required=True)
    resident = String(required=True, metadata={"description": "群众的昵称"})
    phone = String(required=True, allow_none=True, metadata={"description": "打码的手机号"})
    note = String(required=True)
    booked_at = String(required=True)


class DayBookingsOut(Schema):
    day = Nested(DayBrief, required=True)
    items = List(Nested(Booking), required=True)
    booked = Integer(required=True)


class CheckInOut(Schema):
    id = Integer(required=True)
    station = Nested(StationPlace, required=True)
    deputy_id = Integer(required=True)
    deputy_name = String(metadata={"description": "只在联络站的签到列表中"})
    date = String(required=True)
    at = String(required=True, metadata={"description": "签到时间（北京时间，ISO 8601）"})
    in_plan = Boolean(required=True)
    on_rota = Boolean(metadata={"description": "是否当天的值班代表（只在签到的答复中）"})
    source = String(required=True, metadata={"description": "scan 扫码 | staff 工作人员登记"})
    reception_record_id = Integer(required=True, allow_none=True)
    verified = Boolean(required=True)
    unverified_reason = String(required=True, allow_none=True)
    distance_m = Integer(required=True, allow_none=True)
    confirmed = Boolean(required=True)
    verification = String(required=True, metadata={"description": "签到状态的中文说明"})


class CheckInAnswer(Schema):
    check_in = Nested(CheckInOut, required=True)
    created = Boolean(required=True, metadata={"description": "false：今天已签到过，返回原记录"})
    message = String(required=True)


CheckInEnvelope = envelope("CheckInEnvelope", "check_in", CheckInOut)
CheckInsOut = items_of("CheckInsOut", CheckInOut)


class RecordOut(Schema):
    id = Integer(required=True)
    station_id = Integer(required=True)
    date = String(required=True)
    residents = Integer(required=True)
    opinions_registered = Integer(required=True)
    in_plan = Boolean(required=True)
    note = String(required=True)
    deputies = List(Nested(DeputyBrief), required=True)


RecordEnvelope = envelope("RecordEnvelope", "reception_record", RecordOut)
RecordsOut = items_of("RecordsOut", RecordOut)


class FollowOut(Schema):
    following = Boolean(required=True)
