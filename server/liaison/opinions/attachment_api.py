"""Reply attachments over HTTP (``attachments``): the lead unit uploads and removes,
whoever may read a file downloads it (a signed link, or a caller who sees it).

The upload and the removal join the opinions blueprint (login first); the download
is on the files blueprint, like photos, so a signed link works without a login.
"""
from __future__ import annotations

from apiflask.schemas import EmptySchema, FileSchema
from flask import request

from ..core.auth import current_user
from ..core.storage import send_stored
from . import abuse, attachments
from .access import viewer_for
from .api import AUTH, _ip, _viewer, bp, files_bp
from .schemas import AttachmentIn, AttachmentOut


class AttachmentCreated(AttachmentOut):
    """The stored file (its own name in the OpenAPI document)."""


@bp.post("/opinions/<int:opinion_id>/reply-attachments")
@bp.input(AttachmentIn, location="files")
@bp.output(AttachmentCreated, status_code=201)
@bp.doc(summary="承办单位上传答复附件（图片或 PDF，随答复发给群众）", **AUTH,
        responses={403: "不是主办单位", 404: "意见不存在或无权查看", 409: "意见不在办理中",
                   413: "文件过大", 415: "不是图片或 PDF", 422: "文件损坏、含脚本或附件过多"})
def upload_attachment(opinion_id, files_data):
    abuse.hit_ip(_ip())
    upload = files_data["file"]
    item = attachments.add(_viewer(), opinion_id, upload.read(), upload.filename or "")
    return attachments.as_json(item), 201


@bp.delete("/reply-attachments/<int:attachment_id>")
@bp.output(EmptySchema, status_code=204)
@bp.doc(summary="删除尚未随答复发出的附件（上传的承办单位）", **AUTH,
        responses={403: "不是上传的单位", 404: "附件不存在或无权查看", 409: "已随答复发出"})
def delete_attachment(attachment_id):
    attachments.remove(_viewer(), attachment_id)
    return "", 204


@files_bp.get("/api/v1/reply-attachments/<int:attachment_id>")
@files_bp.output(FileSchema, content_type="application/octet-stream", description="JPEG 图片或 PDF")
@files_bp.doc(summary="下载答复附件（签名链接，或能看到该附件的人）", responses={404: "不存在或无权查看"})
def serve_attachment(attachment_id):
    user = current_user(optional=True)
    item = attachments.readable(viewer_for(user) if user else None, attachment_id, request.args.get("t"))
    resp = send_stored(item.storage_key, item.content_type, download_name=item.file_name,
                       as_attachment=item.content_type == attachments.PDF, max_age=3600)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return resp
