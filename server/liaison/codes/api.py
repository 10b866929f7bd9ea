"""Codes: scan resolution, QR / wxacode / poster images, rotation, poster batches."""
from __future__ import annotations

import io

from apiflask import APIBlueprint
from apiflask.schemas import FileSchema
from flask import redirect, send_file, url_for

from ..core.db import db
from ..core.errors import ApiError
from ..core.storage import get_storage, send_stored
from ..places.models import Region
from ..core import fonts
from . import batches, operations, posters
from .access import require_code, require_office, staff_scope
from .models import Code
from .resolve import find_code, scan, usable_code
from .schemas import BatchEnvelope, BatchIn, CodeEnvelope, CodeResolveOut

bp = APIBlueprint("codes", __name__, url_prefix="/api/v1", tag="站码与代表码")

GONE = {404: "没有这个码（code_not_found）",
        410: "码已更换（code_rotated，details.token 为新令牌）或已停用（code_revoked）"}
IMAGE_MAX_AGE = 300
STATUS_LABELS = {"active": "使用中", "rotated": "已更换", "revoked": "已停用"}


def register(app) -> None:
    fonts.configure(app.config["CJK_FONT"], app.config["CJK_FONT_BOLD"])
    # /s/<token> and /d/<token> are served by the H5 pages (h5/place_pages.py);
    app.register_blueprint(bp)


def code_json(code: Code) -> dict:
    return {"token": code.token, "kind": code.kind, "status": code.status,
            "status_label": STATUS_LABELS.get(code.status, code.status),
            "station_id": code.station_id, "deputy_id": code.deputy_id,
            "url": posters.url_for_code(code),
            "replaced_by": code.replaced_by.token if code.replaced_by else None,
            "changed_at": code.changed_at}


def _image(data: bytes, mimetype: str, etag: str, name: str | None = None):
    return send_file(io.BytesIO(data), mimetype=mimetype, etag=etag, max_age=IMAGE_MAX_AGE,
                     conditional=True, download_name=name, as_attachment=False)


@bp.get("/codes/<token>")
@bp.output(CodeResolveOut)
@bp.doc(summary="扫码解析：站码或代表码对应的联络站 / 代表（无需登录，计入扫码统计）", responses=GONE)
def resolve_code(token):
    return scan(token)


@bp.get("/codes/<token>/qr.png")
@bp.output(FileSchema, content_type="image/png", description="普通链接二维码（H 级纠错，中心徽标）")
@bp.doc(summary="码的普通链接二维码图片", responses=GONE)
def qr_png(token):
    code, _ = usable_code(token)
    url = posters.url_for_code(code)
    return _image(posters.qr_png(url), "image/png", posters.qr_fingerprint(url))


def image_mimetype(data: bytes) -> str:
    """The image type the bytes really are (WeChat's wxacode is a JPEG)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    return "application/octet-stream"


@bp.get("/codes/<token>/wxacode.jpg")
@bp.output(FileSchema, content_type="image/jpeg", description="小程序码（scene 为令牌），微信返回的 JPEG 原图")
@bp.doc(summary="码的小程序码图片（向微信只申请一次，之后用缓存）",
        responses={**GONE, 503: "微信暂时无法生成"})
def wxacode_jpg(token):
    code, _ = usable_code(token)
    data = operations.wxacode_image(code)
    return _image(data, image_mimetype(data), f"wxa-{code.token}")


@bp.get("/codes/<token>/wxacode.png")
@bp.doc(summary="旧地址：永久转到 wxacode.jpg", responses={308: {
    "description": "转到 wxacode.jpg", "headers": {"Location": {"schema": {"type": "string"}}}}})
def wxacode_png(token):
    return redirect(url_for("codes.wxacode_jpg", token=token), 308)


def _poster(token: str, fmt: str):
    code, _ = usable_code(token)
    data = posters.data_for(code)
    fingerprint = posters.fingerprint(data, fmt)
    storage = get_storage()
    key = f"codes/posters/{code.token}-{fingerprint}.{fmt}"
    if not storage.exists(key):
        storage.put(key, posters.render_bytes(data, fmt))
    prefix = "站码海报" if code.kind == "station" else "代表联系卡"
    return send_stored(key, "application/pdf" if fmt == "pdf" else "image/png",
                       download_name=f"{prefix}-{data.name}-{code.token}.{fmt}", max_age=IMAGE_MAX_AGE,
                       private=False, etag=fingerprint)


@bp.get("/codes/<token>/poster.png")
@bp.output(FileSchema, content_type="image/png", description="A4 海报，300 dpi")
@bp.doc(summary="站码海报 / 代表联系卡（PNG）", responses=GONE)
def poster_png(token):
    return _poster(token, "png")


@bp.get("/codes/<token>/poster.pdf")
@bp.output(FileSchema, content_type="application/pdf", description="A4 海报，可直接印刷")
@bp.doc(summary="站码海报 / 代表联系卡（PDF）", responses=GONE)
def poster_pdf(token):
    return _poster(token, "pdf")


def _managed(token: str):
    """(user, code) when the logged-in staff member may manage the code."""
    user, scope = staff_scope()
    code = find_code(token)
    require_code(scope, code)
    return user, code


@bp.post("/codes/<token>/rotate")
@bp.output(CodeEnvelope)
@bp.doc(summary="更换码（旧海报扫码将提示换新海报）", security="BearerAuth",
        responses={403: "无权限", 404: "没有这个码", 409: "此码不在使用中"})
def rotate(token):
    user, code = _managed(token)
    new = operations.rotate_code(code.id, user)
    return {"code": code_json(new), "previous": code_json(db.session.get(Code, code.id))}


@bp.post("/codes/<token>/revoke")
@bp.output(CodeEnvelope)
@bp.doc(summary="停用码（如代表离任）", security="BearerAuth",
        responses={403: "无权限", 404: "没有这个码", 409: "此码已被更换，请停用当前的码"})
def revoke(token):
    user, code = _managed(token)
    return {"code": code_json(operations.revoke_code(code.id, user))}


@bp.post("/regions/<int:region_id>/poster-batches")
@bp.input(BatchIn)
@bp.output(BatchEnvelope, status_code=202)
@bp.doc(summary="批量生成区域内全部站码海报与代表卡（后台任务，可断点续做）", security="BearerAuth",
        responses={403: "只有本区域或上级人大工委可以发起", 404: "没有这个区域"})
def start_batch(region_id, json_data):
    user, scope = staff_scope()
    region = db.session.get(Region, region_id)
    if region is None:
        raise ApiError(404, "region_not_found", "没有找到这个区域")
    require_office(scope, region)
    return {"batch": batches.batch_json(batches.start_batch(region_id, json_data["format"], user))}


def _my_batch(batch_id: int):
    _, scope = staff_scope()
    batch = batches.get_batch(batch_id)
    require_office(scope, db.session.get(Region, batch.region_id))
    return batch


@bp.get("/poster-batches/<int:batch_id>")
@bp.output(BatchEnvelope)
@bp.doc(summary="批量生成进度（done / total）", security="BearerAuth",
        responses={403: "无权限", 404: "没有这个任务"})
def get_batch(batch_id):
    return {"batch": batches.batch_json(_my_batch(batch_id))}


@bp.get("/poster-batches/<int:batch_id>/zip")
@bp.output(FileSchema, content_type="application/zip", description="全部文件的 ZIP")
@bp.doc(summary="下载批量生成的 ZIP", security="BearerAuth",
        responses={403: "无权限", 404: "没有这个任务", 409: "任务尚未完成"})
def batch_zip(batch_id):
    batch = _my_batch(batch_id)
    storage = get_storage()
    if batch.status != "finished" or not batch.zip_key or not storage.exists(batch.zip_key):
        raise ApiError(409, "batch_not_finished", "海报还在生成中，完成后才能下载")
    name = batch.zip_key.rsplit("/", 1)[-1]
    return send_stored(batch.zip_key, "application/zip", download_name=name, as_attachment=True, max_age=0)
