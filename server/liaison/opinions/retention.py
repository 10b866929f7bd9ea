"""Retention: personal data of closed cases is scrubbed after RETENTION_DAYS.

Scrubbed: the resident's text (and the original), the contact phone, the link to the
resident's account, photos (files and rows), the rating comment, the reply and
every free-text field of the event log and the assignments. Kept: the figures the
NPC office reports on (number, state, category, station, summoned deputy, dates,
deadline, rating, close reason, the event sequence, the assignments' units).
"""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..core import clock
from ..core.db import db
from ..core.transaction import checkpoint
from .models import Opinion, Upload
from .attachments import delete_for_scrub
from .uploads import delete_files

log = logging.getLogger(__name__)

PLACEHOLDER = "（该意见已办结超过保存期限，个人信息已按规定清除）"
REMOVED = "（已清除）"
FREE_TEXT_KEYS = ("text", "comment", "guidance", "note", "reason", "conclusion")


def scrub(opinion_id: int) -> bool:
    """Scrub one opinion; one commit. Photo files go first, so a failed commit is simply
    retried by the next run (a missing file is fine). Returns False if nothing to do."""
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None or opinion.scrubbed_at is not None:
        return False
    photos = list(opinion.photos)
    uploads = list(db.session.scalars(select(Upload).where(
        Upload.id.in_([p.upload_id for p in photos])))) if photos else []
    delete_files(uploads)
    delete_for_scrub(opinion)
    for photo in photos:
        db.session.delete(photo)
    db.session.flush()
    for upload in uploads:
        db.session.delete(upload)
    opinion.text = opinion.original_text = PLACEHOLDER
    opinion.contact_phone = ""
    opinion.submitter_id = None
    opinion.rating_comment = ""
    opinion.reply_text = REMOVED if opinion.reply_text else ""
    opinion.content_hash = ""
    opinion.sec_trace_id = ""
    for event in opinion.events:
        payload = dict(event.payload or {})
        if any(k in payload for k in FREE_TEXT_KEYS):
            event.payload = {k: (REMOVED if k in FREE_TEXT_KEYS else v) for k, v in payload.items()}
        if event.public_note:
            event.public_note = REMOVED
    for a in opinion.assignments:
        a.reply_draft = REMOVED if a.reply_draft else ""
        a.refuse_reason = REMOVED if a.refuse_reason else ""
        a.extension_reason = REMOVED if a.extension_reason else ""
    opinion.scrubbed_at = clock.now()
    try:
        checkpoint()
    except StaleDataError:  # changed meanwhile: the next run tries again
        db.session.rollback()
        log.info("scrub: opinion %s changed meanwhile", opinion_id)
        return False
    return True

