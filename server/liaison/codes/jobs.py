"""The poster batch job: every station poster, QR image and deputy card of a region.

``generate_region(batch_id)`` takes an id and reloads; it is safe to run twice and
resumes after a crash: finished files are skipped (see ``batch_files``), progress is
``PosterBatch.done``/``total``, and a Redis lock per region keeps two runs apart.

Keys in the file store (``core/storage.py``; a folder or an S3 bucket, never a path
of this machine), kept from batch to batch so a rerun renders only what changed::

    posters/<region full name>/<station name>/站码海报.pdf        station poster (A4, 300 dpi)
    posters/<region full name>/<station name>/站码.png            the bare QR code, for designers
    posters/<region full name>/<station name>/代表-<name>-<token>.pdf   a card per deputy
    posters/batches/<batch id>/<region full name>.zip            all of the above, per batch
"""
from __future__ import annotations

import logging
import os
import time
from typing import Callable

from flask import current_app
from sqlalchemy import select

from ..core import clock
from ..core.db import db
from ..core.transaction import checkpoint
from ..core.extensions import get_redis
from ..core.jobs import with_app
from ..core.storage import get_storage
from ..places.models import Region, Station
from ..places.serialize import station_members
from . import posters
from .batch_files import PREFIX, Task, ensure_zip, finished, run_tasks, safe_name, sidecar_key
from .locks import OwnedLock
from .models import Code, PosterBatch
from .operations import ensure_codes

log = logging.getLogger(__name__)

LOCK_SECONDS = 120
COMMIT_EVERY_FILES = 5
COMMIT_EVERY_SECONDS = 2.0
GENERATED = ("站码海报.", "站码.png", "代表-")


def region_lock(region_id: int) -> OwnedLock:
    return OwnedLock(get_redis(), f"liaison:poster-batch:region:{region_id}", LOCK_SECONDS)


def region_folder(region: Region) -> str:
    return safe_name(region.full_name().replace("/", "-"), limit=120)


def plan(region: Region, fmt: str) -> list[Task]:
    """Every file of the region's batch, in a stable order."""
    folder = region_folder(region)
    stations = db.session.execute(
        select(Station).join(Region, Station.region_id == Region.id)
        .where(Region.path.startswith(region.path, autoescape=True), Station.active.is_(True))
        .order_by(Region.path, Station.id)).scalars().all()
    members = {s.id: station_members(s.id) for s in stations}
    station_codes = _codes(Code.station_id, [s.id for s in stations])
    deputy_codes = _codes(Code.deputy_id, [d.id for ds in members.values() for d in ds])
    tasks: list[Task] = []
    for station in stations:
        base = f"{folder}/{safe_name(station.name)}"
        code = station_codes.get(station.id)
        if code is not None:
            data = posters.station_data(station, code)
            tasks.append(Task(f"{base}/站码海报.{fmt}", "station_poster", fmt, data,
                              posters.fingerprint(data, fmt)))
            tasks.append(Task(f"{base}/站码.png", "qr", "png", data.qr_url,
                              posters.qr_fingerprint(data.qr_url)))
        for deputy in members[station.id]:
            dcode = deputy_codes.get(deputy.id)
            if dcode is None:
                continue
            card = posters.deputy_data(deputy, dcode, station)
            tasks.append(Task(f"{base}/代表-{safe_name(deputy.name, 20)}-{dcode.token}.{fmt}",
                              "deputy_card", fmt, card, posters.fingerprint(card, fmt)))
    return tasks


def _codes(column, ids) -> dict[int, Code]:
    """{target id: active code} for the given station or deputy ids."""
    if not ids:
        return {}
    rows = db.session.execute(select(Code).where(Code.status == "active", column.in_(set(ids))))
    return {code.station_id or code.deputy_id: code for code in rows.scalars()}


def prune(storage, tasks: list[Task]) -> int:
    """Remove files this job stored earlier that are no longer planned (a rotated token,
    a deputy who left), so the folders only hold what should be printed now."""
    planned = {t.rel_path for t in tasks}
    removed = 0
    for folder in {t.rel_path.rsplit("/", 1)[0] for t in tasks}:
        for key in storage.keys(f"{PREFIX}/{folder}"):
            rel = key[len(PREFIX) + 1:]
            name = rel.rsplit("/", 1)[-1]
            if rel.rsplit("/", 1)[0] == folder and name.startswith(GENERATED) and rel not in planned:
                storage.delete(key)
                storage.delete(sidecar_key(rel))
                removed += 1
    return removed


def zip_key(batch: PosterBatch, region: Region) -> str:
    return f"{PREFIX}/batches/{batch.id}/{region_folder(region)}.zip"


def processes() -> int:
    """Worker processes for rendering: CODES_BATCH_PROCESSES, else (0) up to 2 (one per core)."""
    wanted = int(current_app.config["CODES_BATCH_PROCESSES"])
    return wanted if wanted > 0 else min(2, os.cpu_count() or 1)


@with_app
def generate_region(batch_id: int, progress: Callable[[int, int], None] | None = None) -> str:
    """Produce (or finish) a poster batch; returns its final status.

    :param progress: called with (done, total) as files finish (the CLI's progress bar).
    """
    batch = db.session.get(PosterBatch, batch_id)
    if batch is None:
        return "missing"
    lock = region_lock(batch.region_id)
    if not lock.acquire():
        log.info("poster batch %s: region %s is busy in another run", batch_id, batch.region_id)
        return "busy"
    try:
        return _generate(batch, lock, progress or (lambda done, total: None))
    except Exception as exc:
        db.session.rollback()
        batch = db.session.get(PosterBatch, batch_id)
        batch.status, batch.error = "failed", f"{type(exc).__name__}: {exc}"[:500]
        checkpoint()
        raise
    finally:
        lock.release()


def _generate(batch: PosterBatch, lock, progress) -> str:
    region = db.session.get(Region, batch.region_id)
    fmt = (batch.formats or ["pdf"])[0]
    batch.status, batch.error = "running", ""
    ensure_codes(commit=False)
    checkpoint()
    storage = get_storage()
    tasks = plan(region, fmt)
    finished_paths = finished(storage, tasks)
    done = len(finished_paths)
    batch.total, batch.done = len(tasks), done
    checkpoint()
    progress(done, len(tasks))
    state = {"done": done, "saved": done, "at": time.monotonic()}

    def on_done(_rel_path: str) -> None:
        state["done"] += 1
        progress(state["done"], len(tasks))
        if (state["done"] - state["saved"] >= COMMIT_EVERY_FILES
                or time.monotonic() - state["at"] >= COMMIT_EVERY_SECONDS):
            batch.done = state["done"]
            checkpoint()
            lock.extend()
            state["saved"], state["at"] = state["done"], time.monotonic()

    run_tasks(storage, tasks, processes(), on_done, done=finished_paths)
    if tasks:
        prune(storage, tasks)
    key = zip_key(batch, region)
    ensure_zip(storage, tasks, key, clock.now().astimezone(clock.CHINA).timetuple()[:6])
    batch.zip_key = key
    batch.done, batch.total = len(tasks), len(tasks)
    batch.status, batch.finished_at = "finished", clock.now()
    checkpoint()
    log.info("poster batch %s: %d files for %s", batch.id, len(tasks), region.full_name())
    return "finished"
