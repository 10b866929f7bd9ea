"""Starting poster batches and describing them; the work itself is ``jobs.generate_region``."""
from __future__ import annotations

from sqlalchemy import select

from ..core.db import db
from ..core.errors import ApiError
from ..places.models import Region
from .models import PosterBatch

UNFINISHED = ("queued", "running", "failed")
STATUS_LABELS = {"queued": "排队中", "running": "生成中", "finished": "已完成", "failed": "失败（可重新发起，已完成的文件不会重做）"}


def job_id(batch_id: int) -> str:
    return f"poster-batch-{batch_id}"


def open_batch(region_id: int, fmt: str = "pdf", actor=None) -> PosterBatch:
    """The region's unfinished batch in this format (to resume it), else a new one.

    A batch killed halfway stays "running" or "failed"; asking again picks it up, and
    the job skips every file that was finished.

    :raise ApiError: 404 for an unknown region.
    """
    region = db.session.get(Region, region_id)
    if region is None:
        raise ApiError(404, "region_not_found", "没有找到这个区域")
    batch = db.session.execute(
        select(PosterBatch).where(PosterBatch.region_id == region_id, PosterBatch.status.in_(UNFINISHED))
        .order_by(PosterBatch.id.desc())).scalars().first()
    if batch is None or list(batch.formats or []) != [fmt]:
        batch = PosterBatch(region_id=region_id, formats=[fmt], status="queued", done=0, total=0,
                            created_by_id=getattr(actor, "id", None))
        db.session.add(batch)
    elif batch.status == "failed":
        batch.status = "queued"
    db.session.flush()
    return batch


def start_batch(region_id: int, fmt: str = "pdf", actor=None) -> PosterBatch:
    """Open (or reopen) the region's batch and put its job on the queue (deduplicated)."""
    from ..core.jobs import enqueue
    from .jobs import generate_region

    from ..core.transaction import after_commit

    batch = open_batch(region_id, fmt, actor)
    batch_id = batch.id
    after_commit(lambda: enqueue(generate_region, batch_id, job_id=job_id(batch_id), job_timeout=3 * 3600))
    return batch


def get_batch(batch_id: int) -> PosterBatch:
    batch = db.session.get(PosterBatch, batch_id)
    if batch is None:
        raise ApiError(404, "batch_not_found", "没有找到这个生成任务")
    return batch


def batch_json(batch: PosterBatch) -> dict:
    region = db.session.get(Region, batch.region_id)
    return {
        "id": batch.id, "region_id": batch.region_id, "region_name": region.full_name() if region else "",
        "status": batch.status, "status_label": STATUS_LABELS.get(batch.status, batch.status),
        "formats": list(batch.formats or []), "done": batch.done or 0, "total": batch.total or 0,
        "error": batch.error or "",
        "zip_url": f"/api/v1/poster-batches/{batch.id}/zip" if batch.status == "finished" else None,
        "created_at": batch.created_at, "finished_at": batch.finished_at,
    }
