"""Files of a poster batch: render, store, skip what is done, zip.

No Flask and no database: a :class:`Task` carries everything needed to render one
file, so rendering can run in worker processes; they return the bytes and the caller
puts them into the file store (``core/storage.py``: a folder or an S3 bucket), so no
step assumes a local path and every machine sees the same files.

Keys: a task's ``rel_path`` (``<region>/<station>/站码海报.pdf``) is stored under
``posters/<rel_path>``, its sidecar under ``posters/.state/<rel_path>.fp`` (kept apart so
the printed folders hold only what is printed). A file counts as done when it is stored,
not empty, and its sidecar holds the task's fingerprint. A store write is whole or
absent (``put`` is atomic on both backends) and the sidecar is written after the file,
so a killed run never leaves a file that looks finished; at worst the file in flight is
rendered again.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import re
import tempfile
import zipfile
from dataclasses import dataclass
from typing import Callable, Iterable

PREFIX = "posters"
STATE_DIR = ".state"
MIN_TASKS_FOR_WORKERS = 24
SPOOL_BYTES = 32 * 1024 * 1024  # a ZIP stays in memory up to this, then spills to a temp file
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass(frozen=True)
class Task:
    """One file to produce. ``kind``: "station_poster", "deputy_card" or "qr"."""
    rel_path: str
    kind: str
    fmt: str
    data: object          # render.StationPosterData / DeputyCardData, or the URL for "qr"
    fingerprint: str


def safe_name(text: str, limit: int = 80) -> str:
    """A file or folder name that every OS, ZIP tool and storage key accepts (Chinese kept)."""
    name = _UNSAFE.sub("_", text).strip(" .") or "_"
    return name[:limit].strip(" .") or "_"


def file_key(rel_path: str) -> str:
    return f"{PREFIX}/{rel_path}"


def sidecar_key(rel_path: str) -> str:
    return f"{PREFIX}/{STATE_DIR}/{rel_path}.fp"


def _fingerprint_of(storage, rel_path: str) -> str | None:
    try:
        return storage.get(sidecar_key(rel_path)).decode().strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def is_done(storage, task: Task) -> bool:
    try:
        if storage.size(file_key(task.rel_path)) == 0:
            return False
    except FileNotFoundError:
        return False
    return _fingerprint_of(storage, task.rel_path) == task.fingerprint


def finished(storage, tasks: list[Task]) -> set[str]:
    """The ``rel_path`` of every task already done: one listing per top folder, then a
    sidecar read for each file that is there (not two requests per planned file)."""
    tops = {t.rel_path.split("/", 1)[0] for t in tasks}
    present: set[str] = set()
    for top in tops:
        present.update(storage.keys(f"{PREFIX}/{top}"))
    return {t.rel_path for t in tasks
            if file_key(t.rel_path) in present and _fingerprint_of(storage, t.rel_path) == t.fingerprint
            and storage.size(file_key(t.rel_path)) > 0}


def render_task(task: Task) -> bytes:
    from . import render

    if task.kind == "qr":
        return render.encode(render.qr_image(task.data), "png")
    return render.poster_bytes(task.data, task.fmt)


def store(storage, task: Task, data: bytes) -> str:
    """Put a rendered file, then its sidecar; returns its relative path."""
    storage.put(file_key(task.rel_path), data)
    storage.put(sidecar_key(task.rel_path), task.fingerprint.encode())
    return task.rel_path


def produce(storage, task: Task) -> str:
    """Render and store one task's file unless it is already done."""
    if not is_done(storage, task):
        store(storage, task, render_task(task))
    return task.rel_path


def _render_indexed(args) -> tuple[int, bytes]:
    index, task = args
    return index, render_task(task)


def _warm(explicit_fonts: tuple = (None, None)) -> None:
    """Load fonts and draw the poster templates once per worker process."""
    from ..core import fonts
    from . import render

    fonts.configure(*explicit_fonts)
    sample = "https://example.gov.cn/s/warmupwarmupwarm"
    render.poster_bytes(render.StationPosterData(name="联络站", address="", qr_url=sample), "pdf")
    render.poster_bytes(render.DeputyCardData(name="代表", qr_url=sample), "pdf")


def run_tasks(storage, tasks: list[Task], processes: int = 1,
              on_done: Callable[[str], None] | None = None, done: set[str] | None = None) -> None:
    """Produce every pending task, rendering in ``processes`` worker processes when > 1.

    Workers come from a fork server (a clean single-threaded process), never from a
    fork of the caller, which may hold threads and locks (a web or test process).
    They only render and hand back bytes; this process stores them, so the workers
    never touch the database, Redis or the file store. Small batches run here:
    starting workers costs about a second.

    :param done: the tasks already finished (``finished()``), when the caller knows them.
    """
    on_done = on_done or (lambda _path: None)
    done = finished(storage, tasks) if done is None else done
    pending = [t for t in tasks if t.rel_path not in done]
    if processes <= 1 or len(pending) < MIN_TASKS_FOR_WORKERS:
        for task in pending:
            on_done(store(storage, task, render_task(task)))
        return
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["liaison.codes.render"])
    from ..core.fonts import configured

    with ctx.Pool(processes, initializer=_warm, initargs=(configured(),)) as pool:
        for index, data in pool.imap_unordered(_render_indexed, list(enumerate(pending)), chunksize=1):
            on_done(store(storage, pending[index], data))


def zip_fingerprint(tasks: list[Task]) -> str:
    digest = hashlib.sha256()
    for task in tasks:
        digest.update(f"{task.rel_path}\0{task.fingerprint}\n".encode())
    return digest.hexdigest()[:24]


def zip_sidecar_key(zip_key: str) -> str:
    return f"{PREFIX}/{STATE_DIR}/zips/{zip_key.replace('/', '~')}.fp"


def ensure_zip(storage, tasks: list[Task], zip_key: str, date_time: tuple) -> bool:
    """Store the ZIP of the tasks' files under ``zip_key`` unless the same ZIP is there.

    :param date_time: the (year, month, day, hour, minute, second) its entries carry.
    :return: True when the ZIP was (re)built.
    """
    fingerprint = zip_fingerprint(tasks)
    try:
        if storage.size(zip_key) > 0 and storage.get(zip_sidecar_key(zip_key)).decode() == fingerprint:
            return False
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    build_zip(storage, [t.rel_path for t in tasks], zip_key, date_time)
    storage.put(zip_sidecar_key(zip_key), fingerprint.encode())
    return True


def build_zip(storage, rel_paths: Iterable[str], zip_key: str, date_time: tuple) -> None:
    """A ZIP of the given stored files, stored under ``zip_key``. Each file is copied in
    chunks from the store into a spooled temporary file (memory, then disk), which is then
    streamed into the store (multipart on S3). Stored, not deflated: PDFs and PNGs are
    compressed already."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for rel in rel_paths:
                info = zipfile.ZipInfo(rel, date_time=date_time)
                info.compress_type = zipfile.ZIP_STORED
                info.external_attr = 0o644 << 16
                with zf.open(info, "w") as dest:
                    for chunk in storage.get_stream(file_key(rel)):
                        dest.write(chunk)
        spool.seek(0)
        storage.put_stream(zip_key, spool, content_type="application/zip")
