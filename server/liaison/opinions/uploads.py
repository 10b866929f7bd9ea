"""Photo uploads: re-encoded with Pillow before anything is stored, served only to
those who may see them.

Every image is decoded and written anew as a baseline JPEG: EXIF (GPS included),
XMP, comments and colour profiles are left behind; the orientation tag is applied to
the pixels first so the photo still stands the right way up; the long edge is capped
(``UPLOAD_MAX_EDGE``, 2560 px). Decompression bombs are refused before any pixel is
decoded (``UPLOAD_MAX_PIXELS``, and Pillow's own ``DecompressionBombError``); anything
that is not an image is a 415; a broken image is a 422.

An upload that never joins an opinion (the resident gave up, or a script uploads
without submitting) is deleted with its file after a day by the hourly
``delete_unattached`` (``opinions.jobs.delete_unattached_uploads``).

Photo URLs carry a signed token (``?t=``) valid for ``UPLOAD_URL_TTL`` seconds, so the
mini-program's ``<image>`` (which cannot send an Authorization header) and WeChat's
image check (``photo_checks``) can fetch them; without a token the caller must be the
uploader or see an opinion using the photo. A photo WeChat called risky is served to
the staff of its opinion only, token or not.
"""
from __future__ import annotations

import io
import secrets
import warnings
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import and_, delete, select
from sqlalchemy.exc import IntegrityError

from ..core import clock
from ..core.db import db
from ..core.transaction import checkpoint
from ..core.errors import ApiError, DomainError
from ..core.storage import get_storage
from .access import get_visible, lens_for, viewer_for, visible_clause
from .models import Opinion, OpinionPhoto, Upload

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO", "TIFF"}
SALT = "liaison-upload-url"
UNATTACHED_MAX_AGE = timedelta(hours=24)


def reencode(data: bytes, max_edge: int | None = None, max_pixels: int | None = None
             ) -> tuple[bytes, int, int]:
    """Decode ``data`` and return (JPEG bytes, width, height), metadata stripped.

    :raise ApiError: 415 not an image, 413 too many pixels, 422 damaged image.
    """
    max_edge = max_edge or int(current_app.config["UPLOAD_MAX_EDGE"])
    max_pixels = max_pixels or int(current_app.config["UPLOAD_MAX_PIXELS"])
    too_big = ApiError(413, "image_too_large", "图片尺寸过大，请压缩后再上传")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_big
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise ApiError(415, "unsupported_media_type", "只能上传图片（JPG、PNG、WEBP）")
        if im.format not in ACCEPTED_FORMATS:
            raise ApiError(415, "unsupported_media_type", "只能上传图片（JPG、PNG、WEBP）")
        width, height = im.size
        if width * height > max_pixels or width <= 0 or height <= 0:
            raise too_big
        try:
            im.seek(0)
            im.load()
            im = ImageOps.exif_transpose(im)
            if im.mode in ("RGBA", "LA", "P", "PA"):
                im = im.convert("RGBA")
                canvas = Image.new("RGB", im.size, (255, 255, 255))
                canvas.paste(im, mask=im.getchannel("A"))
                im = canvas
            elif im.mode != "RGB":
                im = im.convert("RGB")
            im.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            # A fresh image object: no exif=, icc_profile= or comment= is passed on.
            Image.frombytes("RGB", im.size, im.tobytes()).save(
                out, "JPEG", quality=85, optimize=True)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_big
        except (OSError, ValueError, SyntaxError, EOFError):
            raise ApiError(422, "invalid_image", "图片已损坏，无法读取，请换一张")
    return out.getvalue(), im.size[0], im.size[1]


def create_upload(user, data: bytes) -> Upload:
    """Re-encode and store an image for ``user``; one commit."""
    jpeg, width, height = reencode(data)
    upload_id = secrets.token_hex(16)
    now = clock.now()
    key = f"uploads/{now:%Y/%m}/{upload_id}.jpg"
    get_storage().put(key, jpeg)
    upload = Upload(id=upload_id, user_id=user.id, storage_key=key, content_type="image/jpeg",
                    size=len(jpeg), width=width, height=height, created_at=now)
    db.session.add(upload)
    db.session.flush()
    return upload


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def url_for_upload(upload_id: str) -> str:
    return f"/uploads/{upload_id}?t={_signer().dumps(upload_id)}"


def _token_ok(upload_id: str, token: str | None) -> bool:
    if not token:
        return False
    ttl = int(current_app.config["UPLOAD_URL_TTL"])
    try:
        return _signer().loads(token, max_age=ttl) == upload_id
    except BadSignature:
        return False


def readable_upload(upload_id: str, token: str | None, user) -> Upload:
    """The upload if the signed token or the caller allows it.

    :raise ApiError: 404 for everything else (absent, scrubbed, not allowed).
    """
    not_found = ApiError(404, "not_found", "图片不存在或您无权查看")
    upload = db.session.get(Upload, upload_id) if len(upload_id) <= 32 else None
    if upload is None or not get_storage().exists(upload.storage_key):
        raise not_found
    risky = db.session.scalar(select(OpinionPhoto.opinion_id).where(
        OpinionPhoto.upload_id == upload_id, OpinionPhoto.sec_check == "risky").limit(1))
    if risky is not None:
        if user is None or not _staff_of(user, risky):
            raise not_found
        return upload
    if _token_ok(upload_id, token):
        return upload
    if user is None:
        raise not_found
    if upload.user_id == user.id:
        return upload
    seen = db.session.scalar(select(OpinionPhoto.id).join(Opinion, Opinion.id == OpinionPhoto.opinion_id)
                             .where(and_(OpinionPhoto.upload_id == upload_id,
                                         visible_clause(viewer_for(user)))).limit(1))
    if seen is None:
        raise not_found
    return upload


def _staff_of(user, opinion_id: int) -> bool:
    viewer = viewer_for(user)
    try:
        opinion = get_visible(viewer, opinion_id)
    except DomainError:
        return False
    return lens_for(viewer, opinion).is_staff


def delete_files(uploads: list[Upload]) -> None:
    """Remove stored files (scrubbing); a file already gone is fine."""
    storage = get_storage()
    for upload in uploads:
        remover = getattr(storage, "delete", None)
        if remover is not None:
            remover(upload.storage_key)
            continue
        path = storage.local_path(upload.storage_key)  # LocalStorage has no delete() yet
        path.unlink(missing_ok=True)


def delete_unattached(now: datetime, older_than: timedelta = UNATTACHED_MAX_AGE,
                      batch: int = 500) -> int:
    """Delete uploads older than ``older_than`` that no opinion uses: rows and files.

    Each upload goes in its own short transaction. The DELETE checks "not attached"
    in the same statement and locks the row, so a submit attaching that photo at the
    same moment either wins (the DELETE then fails on the foreign key and the upload
    stays) or waits and finds the photo gone (a 422 asking to upload it again). The
    file is removed after the DELETE and before the commit: a failed commit leaves a
    row without its file, which the next run deletes. Safe to run twice.

    :param now: the time to measure ages from (tests move it; the job passes clock.now()).
    :return: how many uploads were deleted.
    """
    cutoff = now - older_than
    attached = select(OpinionPhoto.id).where(OpinionPhoto.upload_id == Upload.id).exists()
    storage = get_storage()
    deleted = 0
    while True:
        rows = db.session.execute(select(Upload.id, Upload.storage_key).where(
            Upload.created_at < cutoff, ~attached).order_by(Upload.created_at).limit(batch)).all()
        db.session.rollback()  # end the read: each DELETE below starts its own transaction
        for upload_id, key in rows:
            try:
                gone = db.session.execute(delete(Upload).where(
                    Upload.id == upload_id, Upload.created_at < cutoff, ~attached
                ).execution_options(synchronize_session=False)).rowcount
            except IntegrityError:  # attached meanwhile: it stays
                db.session.rollback()
                continue
            if gone:
                storage.delete(key)
            checkpoint()
            deleted += gone
        if len(rows) < batch:
            return deleted
