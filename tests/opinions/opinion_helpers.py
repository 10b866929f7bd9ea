"""Small helpers shared by the opinions tests (fixtures live in conftest.py)."""
from __future__ import annotations

import io
import threading

from PIL import Image


def jpeg(width=64, height=48, color=(200, 30, 30), exif=None, fmt="JPEG") -> bytes:
    buf = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", (width, height), color).save(buf, fmt, **kwargs)
    return buf.getvalue()


def parallel(n, fn):
    """Run ``fn(i)`` in ``n`` threads released together; returns the results in order."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        barrier.wait()
        results[i] = fn(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results
