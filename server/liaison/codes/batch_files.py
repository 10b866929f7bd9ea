"""Files of a poster batch: render, write atomically, skip what is done, zip.

No Flask and no database: a :class:`Task` carries everything needed to produce one
file, so tasks can run in worker processes. A file counts as done when it exists,
is not empty and its sidecar ``.state/<path>.fp`` (kept apart so the printed folders
hold only what is printed) holds the task's fingerprint. Every
write goes to a temporary file first and is renamed into place (``os.replace``),
the sidecar after the file, so a killed run never leaves a half file that looks
finished; at worst the file in flight is rendered again.
"""
from __future__ import annotations

import multiprocessing
import os
import re
import tempfile
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

TMP_PREFIX = ".tmp-"
STALE_TMP_SECONDS = 600
MIN_TASKS_FOR_WORKERS = 24
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
    """A file or folder name that every OS and ZIP tool accepts (Chinese kept)."""
    name = _UNSAFE.sub("_", text).strip(" .") or "_"
    return name[:limit]


STATE_DIR = ".state"


def sidecar(root: Path, rel_path: str) -> Path:
    return root / STATE_DIR / f"{rel_path}.fp"


@contextmanager
def atomic_path(target: Path, suffix: str = ""):
    """Yield a temporary path beside ``target``; on success it is renamed to ``target``,
    on any failure removed, so ``target`` is either the old file or the whole new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TMP_PREFIX, suffix=suffix)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def is_done(root: Path, task: Task) -> bool:
    target = root / task.rel_path
    try:
        if target.stat().st_size == 0:
            return False
        return sidecar(root, task.rel_path).read_text().strip() == task.fingerprint
    except OSError:
        return False


def render_task(task: Task) -> bytes:
    from . import render

    if task.kind == "qr":
        return render.encode(render.qr_image(task.data), "png")
    return render.poster_bytes(task.data, task.fmt)


def produce(root: Path, task: Task) -> str:
    """Render one task's file unless it is already done; returns its relative path."""
    if not is_done(root, task):
        target = root / task.rel_path
        write_atomic(target, render_task(task))
        write_atomic(sidecar(root, task.rel_path), task.fingerprint.encode())
    return task.rel_path


def _produce_star(args) -> str:
    return produce(*args)


def _warm(explicit_fonts: tuple = (None, None)) -> None:
    """Load fonts and draw the poster templates once per worker process."""
    from ..core import fonts
    from . import render

    fonts.configure(*explicit_fonts)
    sample = "https://example.gov.cn/s/warmupwarmupwarm"
    render.poster_bytes(render.StationPosterData(name="联络站", address="", qr_url=sample), "pdf")
    render.poster_bytes(render.DeputyCardData(name="代表", qr_url=sample), "pdf")


def run_tasks(root: Path, tasks: list[Task], processes: int = 1,
              on_done: Callable[[str], None] | None = None) -> None:
    """Produce every pending task, in ``processes`` worker processes when > 1.

    Workers come from a fork server (a clean single-threaded process), never from a
    fork of the caller, which may hold threads and locks (a web or test process).
    They only render and write files; they never touch the database or Redis.
    Small batches run here: starting workers costs about a second.
    """
    on_done = on_done or (lambda _path: None)
    pending = [t for t in tasks if not is_done(root, t)]
    if processes <= 1 or len(pending) < MIN_TASKS_FOR_WORKERS:
        for task in pending:
            on_done(produce(root, task))
        return
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["liaison.codes.render"])
    from ..core.fonts import configured

    with ctx.Pool(processes, initializer=_warm, initargs=(configured(),)) as pool:
        for rel_path in pool.imap_unordered(_produce_star, [(root, t) for t in pending], chunksize=1):
            on_done(rel_path)


def clean_tmp(root: Path, older_than: float = STALE_TMP_SECONDS) -> int:
    """Remove temporary files left by a killed run (only old ones: a live run may own new ones)."""
    removed, limit = 0, time.time() - older_than  # file times are on the real clock, not core.clock
    if not root.exists():
        return 0
    for path in root.rglob(TMP_PREFIX + "*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:
            pass
    return removed


def zip_fingerprint(tasks: list[Task]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for task in tasks:
        digest.update(f"{task.rel_path}\0{task.fingerprint}\n".encode())
    return digest.hexdigest()[:24]


def ensure_zip(root: Path, tasks: list[Task], zip_rel: str) -> bool:
    """Build ``root/zip_rel`` from the tasks' files unless the same ZIP is there already.

    :return: True when the ZIP was (re)built.
    """
    fingerprint = zip_fingerprint(tasks)
    target = root / zip_rel
    try:
        if target.stat().st_size > 0 and sidecar(root, zip_rel).read_text().strip() == fingerprint:
            return False
    except OSError:
        pass
    build_zip(root, [t.rel_path for t in tasks], target)
    write_atomic(sidecar(root, zip_rel), fingerprint.encode())
    return True


def build_zip(root: Path, rel_paths: Iterable[str], target: Path) -> None:
    """A ZIP of the given files, written atomically to ``target``. Stored, not deflated:
    PDFs and PNGs are compressed already."""
    with atomic_path(target, ".zip") as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for rel in rel_paths:
                zf.write(root / rel, arcname=rel)
