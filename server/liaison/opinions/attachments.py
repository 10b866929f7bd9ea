"""Files a handling unit sends with its reply (答复附件): photos of the work done, the
official answer letter as a PDF.

Checked like photos before anything is stored:

- an image is decoded and written anew as a JPEG by ``core.images.reencode`` (metadata and
  GPS dropped, size capped, bombs refused: 413/415/422 as for photos);
- a PDF is accepted by its content, never its name: it must start with ``%PDF-1.x`` or
  ``%PDF-2.0``, end with ``%%EOF`` after a ``startxref``, stay under
  ``REPLY_PDF_MAX_BYTES`` (10 MB; 413), and carry no active content that a viewer could
  run (``/JavaScript``, ``/JS``, ``/Launch``, ``/EmbeddedFile``, ``/RichMedia``, ``/XFA``;
  422). Anything else named ``.pdf`` is a 415. Served as a download with ``nosniff`` and
  a sandboxing CSP, so a PDF that hides something in a compressed stream still runs
  nothing in our origin.

Who: the lead unit (主办) of the case's current round, while the case is assigned (the
unit that drafts the reply). Staff of the case and the unit see the files with the
draft; the resident and the deputy once the station releases that reply
(``release_reply`` sets ``released_at``). A released file stays; an unreleased one
may be removed by its unit. Files go through ``core.storage``.
"""
from __future__ import annotations

import re
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from ..core import clock
from ..core.db import db
from ..core.errors import ApiError, DomainError
from ..core.images import reencode
from ..core.storage import get_storage
from .access import Viewer, get_visible, lens_for
from .models import Assignment, Opinion, ReplyAttachment
from .states import ASSIGNED

PDF = "application/pdf"
JPEG = "image/jpeg"
MAX_PER_REPLY = 9
PDF_HEADER = re.compile(rb"^%PDF-(1\.[0-7]|2\.0)")
ACTIVE_CONTENT = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)\b")
SALT = "liaison-reply-attachment"
NOT_FOUND = ("not_found", "附件不存在或您无权查看")
NOT_PDF = "文件不是有效的 PDF，请上传 PDF 文件或图片（JPG、PNG）"


def check_pdf(data: bytes) -> None:
    """:raise ApiError: 415 not a PDF at all, 413 too large, 422 broken or with active content."""
    if not PDF_HEADER.match(data):
        raise ApiError(415, "unsupported_media_type", NOT_PDF)
    limit = int(current_app.config["REPLY_PDF_MAX_BYTES"])
    if len(data) > limit:
        raise ApiError(413, "file_too_large", f"PDF 文件不能超过 {limit // (1024 * 1024)} MB，请压缩后再上传")
    tail = data[-2048:]
    if b"%%EOF" not in tail or b"startxref" not in data[-4096:]:
        raise ApiError(422, "invalid_pdf", "PDF 文件不完整或已损坏，请重新导出后上传")
    if ACTIVE_CONTENT.search(data):
        raise ApiError(422, "pdf_active_content", "PDF 中含有脚本、附件或可执行内容，不能上传；请另存为普通 PDF 后再试")


def _file_name(name: str, ext: str) -> str:
    stem = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]', "_", (name or "").rsplit(".", 1)[0]).strip() or "附件"
    return stem[:100] + ext


def _lead_assignment(viewer: Viewer, opinion: Opinion) -> Assignment:
    mine = [a for a in opinion.assignments if a.unit_id in viewer.scope.unit_ids
            and a.round == (opinion.rounds or 0) and a.status in ("pending", "accepted")]
    if not mine:
        raise ApiError(403, "forbidden", "只有承办这条意见的单位可以上传答复附件")
    lead = [a for a in mine if a.role == "lead"]
    if not lead:
        raise ApiError(403, "forbidden", "答复由主办单位负责，只有主办单位可以上传答复附件")
    if opinion.state != ASSIGNED:
        raise ApiError(409, "invalid_transition", "这条意见当前不在办理中，不能上传答复附件")
    return lead[-1]


def add(viewer: Viewer, opinion_id: int, data: bytes, name: str = "") -> ReplyAttachment:
    """Check and store one file for the lead unit's reply; one commit.

    :raise ApiError: 404 not visible, 403 not the lead unit, 409 not being handled,
        413 too large, 415 neither image nor PDF, 422 a broken file or too many files.
    """
    opinion = get_visible(viewer, opinion_id)
    assignment = _lead_assignment(viewer, opinion)
    count = db.session.query(ReplyAttachment).filter_by(assignment_id=assignment.id).count()
    if count >= MAX_PER_REPLY:
        raise ApiError(422, "too_many_files", f"每次答复最多 {MAX_PER_REPLY} 个附件")
    looks_pdf = data[:1024].lstrip().startswith(b"%PDF") or (name or "").lower().endswith(".pdf")
    if looks_pdf:
        check_pdf(data)
        content, content_type, ext = data, PDF, ".pdf"
    else:
        try:
            content, _, _ = reencode(data)
        except DomainError as exc:
            if exc.status == 415:
                raise ApiError(415, "unsupported_media_type", "只能上传图片（JPG、PNG、WEBP）或 PDF 文件") from None
            raise
        content_type, ext = JPEG, ".jpg"
    now = clock.now()
    key = f"reply-attachments/{now:%Y/%m}/{secrets.token_hex(16)}{ext}"
    get_storage().put(key, content)
    item = ReplyAttachment(opinion_id=opinion.id, assignment_id=assignment.id, storage_key=key,
                           content_type=content_type, file_name=_file_name(name, ext), size=len(content),
                           uploaded_by_id=viewer.user_id, created_at=now)
    db.session.add(item)
    db.session.flush()
    return item


def release(opinion: Opinion, unit_id: int, now) -> None:
    """The station released ``unit_id``'s reply: its files of this round go with it (flushes)."""
    lead = [a.id for a in opinion.assignments if a.unit_id == unit_id and a.round == (opinion.rounds or 0)]
    if lead:
        for item in db.session.scalars(select(ReplyAttachment).where(
                ReplyAttachment.assignment_id.in_(lead), ReplyAttachment.released_at.is_(None))):
            item.released_at = now


def readable_by(lens, assignments: dict[int, Assignment], item: ReplyAttachment) -> bool:
    """Staff of the case always; the unit its own; everyone who sees the case once released."""
    if lens.is_staff or item.released_at is not None:
        return True
    a = assignments.get(item.assignment_id)
    return a is not None and a.unit_id in lens.unit_ids


def for_opinion(opinion: Opinion, lens) -> list[ReplyAttachment]:
    """The files of ``opinion`` the reader of ``lens`` may see, in upload order."""
    assignments = {a.id: a for a in opinion.assignments}
    if not assignments:  # every file belongs to an assignment (a new opinion has none)
        return []
    items = db.session.scalars(select(ReplyAttachment).where(ReplyAttachment.opinion_id == opinion.id)
                               .order_by(ReplyAttachment.id))
    return [i for i in items if readable_by(lens, assignments, i)]


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def url_for_attachment(item: ReplyAttachment) -> str:
    """A signed link (like photos: the mini-program's ``<image>`` sends no header)."""
    return f"/api/v1/reply-attachments/{item.id}?t={_signer().dumps(item.id)}"


def as_json(item: ReplyAttachment) -> dict:
    return {"id": item.id, "name": item.file_name, "content_type": item.content_type, "size": item.size,
            "url": url_for_attachment(item), "released": item.released_at is not None}


def readable(viewer: Viewer | None, attachment_id: int, token: str | None) -> ReplyAttachment:
    """:raise ApiError: 404 for anything the signed link or the caller does not allow."""
    item = db.session.get(ReplyAttachment, attachment_id)
    if item is None or not get_storage().exists(item.storage_key):
        raise ApiError(404, *NOT_FOUND)
    if token:
        ttl = int(current_app.config["UPLOAD_URL_TTL"])
        try:
            if _signer().loads(token, max_age=ttl) == item.id:
                return item
        except BadSignature:
            pass
    if viewer is None or viewer.user is None:
        raise ApiError(404, *NOT_FOUND)
    try:
        opinion = get_visible(viewer, item.opinion_id)
    except DomainError:
        raise ApiError(404, *NOT_FOUND) from None
    if not readable_by(lens_for(viewer, opinion), {a.id: a for a in opinion.assignments}, item):
        raise ApiError(404, *NOT_FOUND)
    return item


def remove(viewer: Viewer, attachment_id: int) -> int:
    """Delete an unreleased file of the caller's unit; one commit. Returns the opinion id.

    :raise ApiError: 404 not visible, 403 another's file, 409 released with the reply.
    """
    item = readable(viewer, attachment_id, None)
    assignment = db.session.get(Assignment, item.assignment_id)
    if assignment.unit_id not in viewer.scope.unit_ids:
        raise ApiError(403, "forbidden", "只有上传附件的承办单位可以删除它")
    if item.released_at is not None:
        raise ApiError(409, "released", "附件已随答复发给群众，不能删除")
    opinion_id, key = item.opinion_id, item.storage_key
    db.session.delete(item)
    db.session.flush()
    get_storage().delete(key)
    return opinion_id


def delete_for_scrub(opinion: Opinion) -> None:
    """Retention: the files and rows of a scrubbed opinion (flushes; a missing file is fine)."""
    storage = get_storage()
    for item in db.session.scalars(select(ReplyAttachment).where(ReplyAttachment.opinion_id == opinion.id)):
        storage.delete(item.storage_key)
        db.session.delete(item)
