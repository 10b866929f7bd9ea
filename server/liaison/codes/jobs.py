"""The poster batch job: every station poster, QR image and deputy card of a region.

``generate_region(batch_id)`` takes an id and reloads; it is safe to run twice and
resumes after a crash: finished files are skipped (see ``batch_files``), progress is
``PosterBatch.done``/``total``, and a Redis lock per region keeps two runs apart.

Layout under QRCODES_PATH::

    <region full name>/<station name>/站码海报.pdf        station poster (A4, 300 dpi)
    <region full name>/<station name>/站码.png            the bare QR code, for designers
    <region full name>/<station name>/代表-<name>-<token>.pdf   a card per deputy
    <region full name>.zip                               all of the above
"""
from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path
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
from .batch_files import Task, clean_tmp, ensure_zip, is_done, run_tasks, safe_name, sidecar
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


def prune(root: Path, tasks: list[Task]) -> int:
    """Remove files this job made earlier that are no longer planned (a rotated token,
    a deputy who left), so the folders only hold what should be printed now."""
    planned = {t.rel_path for t in tasks}
    removed = 0
    for folder in {str(Path(t.rel_path).parent) for t in tasks}:
        for path in (root / folder).iterdir():
            rel = f"{folder}/{path.name}"
            if path.is_file() and path.name.startswith(GENERATED) and rel not in planned:
                path.unlink()
                sidecar(root, rel).unlink(missing_ok=True)
                removed += 1
    return removed


def publish(src: Path, key: str) -> str:
    """Put a finished file into storage under ``key`` without reading it into memory
    when the storage is on local disk (hard link, else copy then rename)."""
    storage = get_storage()
    local = getattr(storage, "local_path", None)
    if local is None:
        return storage.put(key, src.read_bytes())
    target = local(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)
    os.replace(tmp, target)
    return key


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
    root = Path(current_app.config["QRCODES_PATH"])
    clean_tmp(root)
    tasks = plan(region, fmt)
    done = sum(1 for t in tasks if is_done(root, t))
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

    run_tasks(root, tasks, processes(), on_done)
    if tasks:
        prune(root, tasks)
    folder = region_folder(region)
    ensure_zip(root, tasks, f"{folder}.zip")
    batch.zip_key = publish(root / f"{folder}.zip", f"codes/batches/{batch.id}/{folder}.zip")
    batch.done, batch.total = len(tasks), len(tasks)
    batch.status, batch.finished_at = "finished", clock.now()
    checkpoint()
    log.info("poster batch %s: %d files for %s", batch.id, len(tasks), region.full_name())
    return "finished"
