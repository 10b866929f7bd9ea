"""Public station directory and deputy pages (no login needed); the NPC office's roster import."""
from __future__ import annotations

import mimetypes

from apiflask import APIBlueprint
from apiflask.schemas import FileSchema
from sqlalchemy import func, select

from ..core.auth import current_user
from ..core.db import db
from ..core.errors import ApiError
from .scopes import scope_of
from ..core.storage import get_storage, send_stored
from . import public_cache, serialize
from .importer import import_rows, read_rows
from .models import Deputy, Region, Station
from .schemas import DeputyEnvelope, ImportIn, ImportOut, StationEnvelope, StationPage, StationQuery

bp = APIBlueprint("places", __name__, url_prefix="/api/v1", tag="联络站与代表")


def _station(station_id: int) -> Station:
    station = db.session.get(Station, station_id)
    if station is None or not station.active:
        raise ApiError(404, "station_not_found", "没有找到这个联络站")
    return station


def _deputy(deputy_id: int) -> Deputy:
    deputy = db.session.get(Deputy, deputy_id)
    if deputy is None or not deputy.active:
        raise ApiError(404, "deputy_not_found", "没有找到这位代表")
    return deputy


@bp.get("/stations")
@bp.input(StationQuery, location="query")
@bp.output(StationPage)
@bp.doc(summary="联络站目录（按区域筛选、按站名搜索、分页）",
        description="群众没有海报也能找到联络站；每个站带站码令牌。")
def list_stations(query_data):
    query = select(Station).join(Region, Station.region_id == Region.id).where(Station.active.is_(True))
    if query_data.get("region_id"):
        region = db.session.get(Region, query_data["region_id"])
        if region is None:
            raise ApiError(404, "region_not_found", "没有找到这个区域")
        query = query.where(Region.path.startswith(region.path, autoescape=True))
    text = (query_data.get("q") or "").strip()
    if text:
        query = query.where(Station.name.icontains(text, autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page, per_page = query_data["page"], query_data["per_page"]
    stations = db.session.execute(query.order_by(Region.path, Station.id)
                                  .offset((page - 1) * per_page).limit(per_page)).scalars().all()
    return {"items": serialize.station_briefs(stations), "total": total, "page": page,
            "per_page": per_page}


@bp.get("/stations/<int:station_id>")
@bp.output(StationEnvelope)
@bp.doc(summary="联络站详情：地址、接待安排、近期接待日、驻站代表",
        responses={404: "联络站不存在或已撤销"})
def get_station(station_id):
    def build():
        answer = serialize.station_detail(_station(station_id))
        return 200, StationEnvelope().dump({"station": answer}), public_cache.station_refs(answer)

    status, body, _ = public_cache.cached("station", station_id, build)
    return public_cache.response(status, body)


@bp.get("/deputies/<int:deputy_id>")
@bp.output(DeputyEnvelope)
@bp.doc(summary="代表详情：层级、工作单位、所在联络站", responses={404: "代表不存在或已离任"})
def get_deputy(deputy_id):
    def build():
        answer = serialize.deputy_detail(_deputy(deputy_id))
        return 200, DeputyEnvelope().dump({"deputy": answer}), public_cache.deputy_refs(answer)

    status, body, _ = public_cache.cached("deputy", deputy_id, build)
    return public_cache.response(status, body)


@bp.get("/deputies/<int:deputy_id>/photo")
@bp.output(FileSchema, content_type="image/jpeg", description="代表照片")
@bp.doc(summary="代表照片（DeputyBrief.photo_url 指向这里）", responses={404: "没有照片"})
def deputy_photo(deputy_id):
    deputy = _deputy(deputy_id)
    storage = get_storage()
    if not deputy.photo_path or not storage.exists(deputy.photo_path):
        raise ApiError(404, "photo_not_found", "这位代表还没有照片")
    mimetype = mimetypes.guess_type(deputy.photo_path)[0] or "image/jpeg"
    return send_stored(deputy.photo_path, mimetype, max_age=3600, private=False)


@bp.post("/imports")
@bp.input(ImportIn, location="files")
@bp.output(ImportOut)
@bp.doc(summary="导入联络站与代表名册（人大工委，仅限本区域）",
        description="与管理页面的导入相同：所有行先检查，任何一行有问题（包括超出本区域、代表编号与姓名不符）"
                    "则整份文件不导入，错误逐行列在 details.rows。",
        security="BearerAuth", responses={401: "未登录", 403: "不是人大工委", 422: "文件有误，未导入任何数据"})
def import_roster(files_data):
    scope = scope_of(current_user())
    if not scope.region_ids:
        raise ApiError(403, "forbidden", "只有人大工委可以导入联络站和代表名册")
    upload = files_data["file"]
    result = import_rows(read_rows(upload.filename or "", upload.read()), reach=scope)  # or ImportFailed: 422
    return {"rows": result.rows, "regions": result.regions, "stations": result.stations,
            "deputies": result.deputies, "memberships": result.memberships}


from . import unit_api  # noqa: E402,F401  (the handling units' routes join this blueprint)
