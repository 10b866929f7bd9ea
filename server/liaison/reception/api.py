"""Reception API: plan and reception days, appointments, check-ins, reception records, follows."""
from __future__ import annotations

from datetime import datetime, timedelta

from apiflask import APIBlueprint
from apiflask.schemas import FileSchema
from flask import send_file
from sqlalchemy import select

from ..core import clock
from ..core.auth import current_user
from ..core.schemas import also_answers
from ..places.scopes import scope_of
from ..core.db import db
from ..core.errors import ApiError
from ..places.schedule import describe
from . import attendance, operations, serialize
from ..places.scopes import can_manage_station
from .access import get_station, require_station_staff
from .presence import answer_message
from .models import Appointment, CheckIn, ReceptionDay, ReceptionRecord
from .schemas import (AppointmentEnvelope, AppointmentIn, AppointmentsOut, CheckInAnswer, CheckInEnvelope,
                      CheckInIn, CheckInsOut, CheckInsQuery, DayBookingsOut, DayEnvelope, DayIn, DayPatch,
                      DaysOut, DaysQuery, FollowOut, GenerateIn, GenerateOut, PlanIn, PlanOut, RecordEnvelope,
                      RecordIn, RecordsOut, YearQuery)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
bp = APIBlueprint("reception", __name__, url_prefix="/api/v1", tag="接待日与进站履职")
AUTH = {"security": "BearerAuth"}


def register(app) -> None:
    app.register_blueprint(bp)


@bp.get("/stations/<int:station_id>/reception-days")
@bp.output(DaysOut)
@bp.input(DaysQuery, location="query")
@bp.doc(summary="联络站的接待日（默认今后 90 天）", description="公开：日期、时间、值班代表、剩余预约名额。")
def list_days(station_id, query_data):
    station = get_station(station_id)
    start = query_data.get("start") or clock.today()
    end = query_data.get("end") or start + timedelta(days=90)
    q = select(ReceptionDay).where(ReceptionDay.station_id == station.id, ReceptionDay.date >= start,
                                   ReceptionDay.date <= end).order_by(ReceptionDay.date)
    user = current_user(optional=True)
    if not (query_data.get("all") and user and can_manage_station(scope_of(user), station)):
        q = q.where(ReceptionDay.status != "cancelled")
    return {"items": serialize.days(list(db.session.execute(q).scalars())),
            "notice": serialize.upcoming_notice(station.id, clock.today())}


@bp.get("/stations/<int:station_id>/reception-plan")
@bp.output(PlanOut)
@bp.doc(summary="联络站的接待安排（固定接待日、轮值）")
def get_plan(station_id):
    station = get_station(station_id)
    return {"plan": station.reception_plan or {}, "text": describe(station.reception_plan)}


@bp.put("/stations/<int:station_id>/reception-plan")
@bp.output(PlanOut)
@bp.input(PlanIn)
@bp.doc(summary="设置接待安排（工作人员）", **AUTH)
def put_plan(station_id, json_data):
    station = get_station(station_id)
    require_station_staff(station)
    if json_data.get("capacity") is None:
        json_data.pop("capacity", None)
    plan = operations.save_plan(station, json_data, clock.today())
    return {"plan": plan, "text": describe(plan)}


@bp.post("/stations/<int:station_id>/reception-days/generate")
@bp.output(GenerateOut)
@bp.input(GenerateIn)
@bp.doc(summary="按接待安排生成年度接待计划（工作人员）", **AUTH)
def generate(station_id, json_data):
    station = get_station(station_id)
    require_station_staff(station)
    return operations.generate_year(station, json_data["year"], clock.today(), json_data["replace"])


@bp.post("/stations/<int:station_id>/reception-days")
@bp.output(DayEnvelope, status_code=201)
@bp.input(DayIn)
@bp.doc(summary="增加一个接待日（工作人员）", **AUTH)
def add_day(station_id, json_data):
    station = get_station(station_id)
    require_station_staff(station)
    day = operations.add_day(station, json_data, clock.today())
    return {"reception_day": serialize.days([day])[0]}, 201


@bp.patch("/reception-days/<int:day_id>")
@bp.output(DayEnvelope)
@bp.input(DayPatch)
@bp.doc(summary="修改或取消接待日（工作人员）", description="取消时，已预约的群众收到站内消息。", **AUTH)
def patch_day(day_id, json_data):
    day = db.session.get(ReceptionDay, day_id)
    if day is None:
        raise ApiError(404, "reception_day_not_found", "没有找到这个接待日")
    require_station_staff(get_station(day.station_id))
    day = operations.update_day(day, json_data, clock.today())
    return {"reception_day": serialize.days([day])[0]}


@bp.get("/stations/<int:station_id>/reception-plan.xlsx")
@bp.output(FileSchema, content_type=XLSX, description="年度接待计划 Excel 文件")
@bp.input(YearQuery, location="query")
@bp.doc(summary="年度接待计划（Excel，工作人员）", **AUTH)
def plan_xlsx(station_id, query_data):
    from .export import year_plan_xlsx

    station = get_station(station_id)
    require_station_staff(station)
    year = query_data.get("year") or clock.today().year
    return send_file(year_plan_xlsx(station, year), download_name=f"接待计划-{year}.xlsx", as_attachment=True,
                     mimetype=XLSX)


@bp.post("/appointments")
@bp.output(AppointmentEnvelope, status_code=201)
@bp.input(AppointmentIn)
@bp.doc(summary="预约接待", responses={404: "不是接待日", 409: "已预约、已满或已过去"}, **AUTH)
def book(json_data):
    user = current_user()
    station = get_station(json_data["station_id"])
    appointment = operations.book(user, station.id, json_data["date"], json_data["note"], clock.today())
    return {"appointment": serialize.appointment(appointment, clock.today())}, 201


@bp.get("/appointments")
@bp.output(AppointmentsOut)
@bp.doc(summary="我的预约", description="最近 100 条，接待日从晚到早；upcoming 为今天及以后的，can_cancel 为还可以取消的。",
        **AUTH)
def my_appointments():
    user = current_user()
    rows = db.session.execute(select(Appointment).join(ReceptionDay).where(Appointment.user_id == user.id)
                              .order_by(ReceptionDay.date.desc(), Appointment.id.desc()).limit(100)).scalars()
    today = clock.today()
    return {"items": [serialize.appointment(a, today) for a in rows]}


@bp.get("/reception-days/<int:day_id>/appointments")
@bp.output(DayBookingsOut)
@bp.doc(summary="某个接待日的预约名单（本站工作人员、人大工委、值班代表可见）",
        responses={404: "没有这个接待日，或无权查看"}, **AUTH)
def day_appointments(day_id):
    from .bookings import day_bookings

    day, items = day_bookings(current_user(), day_id)
    return {"day": {"id": day.id, "station_id": day.station_id, "date": day.date.isoformat(),
                    "start": day.start, "end": day.end, "capacity": day.capacity,
                    "status": day.status},
            "items": items, "booked": sum(1 for i in items if i["state"] == "booked")}


@bp.post("/appointments/<int:appointment_id>/cancel")
@bp.output(AppointmentEnvelope)
@bp.doc(summary="取消预约", description="只取消一次：已取消（含接待日被取消）、已到场或接待日已过的预约答 409。",
        responses={404: "没有这个预约，或不是您的", 409: "已取消、已到场或接待日已过"}, **AUTH)
def cancel_appointment(appointment_id):
    today = clock.today()
    return {"appointment": serialize.appointment(operations.cancel(current_user(), appointment_id, today), today)}


@bp.post("/check-ins")
@bp.output(CheckInAnswer, status_code=201, description="新的签到（今天已签到过时为 200 和原记录）")
@bp.input(CheckInIn)
@bp.doc(summary="代表扫站码进站签到（进站履职）",
        description="同一天在同一联络站只记一次（再次扫码返回 200 和原记录）；不在接待计划内的签到也记录，并标为计划外。"
                    "带上手机位置（GCJ-02）且在联络站位置的核验半径（CHECKIN_RADIUS_METERS）内的签到为已核验（verified），"
                    "计入履职积分；离得远、没有位置或联络站未登记位置的签到照常记录为待确认，由工作人员确认后计入。",
        responses={200: also_answers(CheckInAnswer, "今天已在本站签到过：原记录"), 403: "不是代表或不是本站代表",
                   404: "站码不存在", 410: "站码已停用", 422: "位置坐标无效"}, **AUTH)
def check_in(json_data):
    position = None if json_data["latitude"] is None else (json_data["latitude"], json_data["longitude"])
    row, created = attendance.check_in(current_user(), json_data["token"].strip(), clock.now(), position)
    body = serialize.check_in(row, attendance.on_rota(row))
    return ({"check_in": body, "created": created,
             "message": answer_message(created, row.verified, body["verification"])},
            201 if created else 200)


@bp.post("/check-ins/<int:check_in_id>/confirm")
@bp.output(CheckInEnvelope)
@bp.doc(summary="确认一次待确认的进站签到（本站工作人员或人大工委）",
        description="确认后计入履职积分；已核验的签到原样返回。", responses={404: "没有这条签到"}, **AUTH)
def confirm_check_in(check_in_id):
    row = db.session.get(CheckIn, check_in_id)
    if row is None:
        raise ApiError(404, "check_in_not_found", "没有找到这条进站记录")
    user = require_station_staff(get_station(row.station_id))
    return {"check_in": serialize.check_in(attendance.confirm(row, user, clock.now()))}


@bp.get("/stations/<int:station_id>/check-ins")
@bp.output(CheckInsOut)
@bp.input(CheckInsQuery, location="query")
@bp.doc(summary="联络站最近的进站签到（工作人员）", description="最近 100 条；pending=true 只列待确认的。", **AUTH)
def station_check_ins(station_id, query_data):
    station = get_station(station_id)
    require_station_staff(station)
    q = select(CheckIn).where(CheckIn.station_id == station.id)
    if query_data["pending"]:
        q = q.where(CheckIn.verified.is_(False))
    rows = list(db.session.execute(q.order_by(CheckIn.day.desc(), CheckIn.id.desc()).limit(100)).scalars())
    names = serialize.deputy_names(r.deputy_id for r in rows)
    return {"items": [{**serialize.check_in(r), "deputy_name": names.get(r.deputy_id, "")} for r in rows]}


@bp.get("/check-ins")
@bp.output(CheckInsOut)
@bp.doc(summary="我的进站记录（代表）", **AUTH)
def my_check_ins():
    deputy_id = scope_of(current_user()).deputy_id
    if deputy_id is None:
        raise ApiError(403, "not_a_deputy", "只有人大代表可以查看进站记录")
    rows = db.session.execute(select(CheckIn).where(CheckIn.deputy_id == deputy_id)
                              .order_by(CheckIn.day.desc(), CheckIn.id.desc()).limit(100)).scalars()
    return {"items": [serialize.check_in(c) for c in rows]}


@bp.post("/stations/<int:station_id>/reception-records")
@bp.output(RecordEnvelope, status_code=201)
@bp.input(RecordIn)
@bp.doc(summary="登记接待记录（工作人员，可事后补登）", **AUTH)
def add_record(station_id, json_data):
    station = get_station(station_id)
    user = require_station_staff(station)
    record = attendance.record_reception(station, user, json_data, clock.now())
    return {"reception_record": serialize.record(record)}, 201


@bp.get("/stations/<int:station_id>/reception-records")
@bp.output(RecordsOut)
@bp.input(YearQuery, location="query")
@bp.doc(summary="联络站的接待记录（工作人员）", **AUTH)
def list_records(station_id, query_data):
    station = get_station(station_id)
    require_station_staff(station)
    year = query_data.get("year") or clock.today().year
    rows = db.session.execute(select(ReceptionRecord).where(
        ReceptionRecord.station_id == station.id, ReceptionRecord.date >= datetime(year, 1, 1).date(),
        ReceptionRecord.date <= datetime(year, 12, 31).date()).order_by(ReceptionRecord.date)).scalars()
    return {"items": [serialize.record(r) for r in rows]}


@bp.put("/stations/<int:station_id>/follow")
@bp.output(FollowOut)
@bp.doc(summary="关注联络站（接待日前一天收到预告）", **AUTH)
def follow(station_id):
    return {"following": operations.follow(current_user(), get_station(station_id), True)}


@bp.delete("/stations/<int:station_id>/follow")
@bp.output(FollowOut)
@bp.doc(summary="取消关注联络站", **AUTH)
def unfollow(station_id):
    return {"following": operations.follow(current_user(), get_station(station_id), False)}
