"""Photo uploads: re-encoded with Pillow before anything is stored, served only to
those who may see them.

Every image is decoded and written anew as a baseline JPEG by ``core.images.reencode``
(metadata left behind, turned upright, long edge capped; bombs 413, not an image 415,
damaged 422).

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

import secrets
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import and_, delete, select
from sqlalchemy.exc import IntegrityError

from ..core import clock
from ..core.db import db
from ..core.transaction import checkpoint
from ..core.errors import ApiError, DomainError
from ..core.images import reencode
from ..core.storage import get_storage
from .access import get_visible, lens_for, viewer_for, visible_clause
from .models import Opinion, OpinionPhoto, Upload

SALT = "liaison-upload-url"
UNATTACHED_MAX_AGE = timedelta(hours=24)


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
        storage.delete(upload.storage_key)


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
