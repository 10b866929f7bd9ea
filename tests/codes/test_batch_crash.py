"""A batch killed halfway (SIGKILL to the whole process group, workers included)
finishes on the next run without redoing finished files."""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import liaison
from liaison.core import clock

STATIONS, DEPUTIES = 3, 12  # 3 × (poster + QR + 12 cards) = 42 files


def _region(app) -> int:
    from liaison.core.db import db
    from liaison.places.importer import import_rows
    from liaison.places.models import Region

    rows, n = [], 2
    for s in range(STATIONS):
        street = f"第{s + 1}街道"
        for d in range(DEPUTIES):
            rows.append({"_row": n, "区域": f"长沙市/开福区/{street}", "联络站": f"长沙市开福区{street}人大代表联络站",
                         "代表姓名": f"代表{s}{d:02d}", "代表编号": f"K{s}-{d}", "代表层级": "区"})
            n += 1
    with app.app_context():
        import_rows(rows)
        return db.session.query(Region).filter_by(name="开福区").one().id


def _env(app, base_config) -> dict:
    env = dict(os.environ)
    env.update({
        "FLASK_APP": "wsgi:app", "DATABASE_URL": base_config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": base_config["REDIS_URL"], "SECRET_KEY": base_config["SECRET_KEY"],
        "INSTANCE_PATH": base_config["INSTANCE_PATH"], "STORAGE_PATH": app.config["STORAGE_PATH"],
        "PUBLIC_BASE_URL": base_config["PUBLIC_BASE_URL"],
        "WECHAT_API_BASE": base_config["WECHAT_API_BASE"], "CODES_BATCH_PROCESSES": "2",
        "LIAISON_TESTING": "1",  # a test run against the fake WeChat
        **clock.environment(),  # the suite's time (--clock)
    })
    return env


def _plan(app, region_id):
    from liaison.codes.jobs import plan
    from liaison.core.db import db
    from liaison.places.models import Region

    with app.app_context():
        return plan(db.session.get(Region, region_id), "pdf")


def test_batch_killed_halfway_finishes_on_the_next_run(app, base_config, runner):
    from liaison.codes.batch_files import is_done
    from liaison.core.storage import get_storage

    region_id = _region(app)
    store = get_storage(app)  # the test's own folder: the child process writes there too
    root = Path(app.config["STORAGE_PATH"]) / "posters"  # to read file times
    server_dir = Path(liaison.__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "flask", "codes", "generate", "--region", str(region_id), "--sync"],
        cwd=server_dir, env=_env(app, base_config), start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    try:
        while len([k for k in store.keys("posters") if "/代表-" in k and k.endswith(".pdf")]) < 4:
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < deadline, "the batch never started"
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    tasks = _plan(app, region_id)
    assert len(tasks) == STATIONS * (DEPUTIES + 2)
    finished = {t.rel_path: (root / t.rel_path).stat().st_mtime_ns for t in tasks if is_done(store, t)}
    assert 0 < len(finished) < len(tasks), "the kill must land halfway"
    for key in store.keys("posters"):  # whatever is stored is whole: atomic writes
        if key.endswith(".pdf"):
            assert store.get(key).rstrip().endswith(b"%%EOF")

    app.config["CODES_BATCH_PROCESSES"] = 1
    result = runner.invoke(args=["codes", "generate", "--region", str(region_id), "--sync"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "批次 #1" in result.output  # the interrupted batch resumed, not a new one

    assert all(is_done(store, t) for t in tasks)
    for rel, mtime in finished.items():
        assert (root / rel).stat().st_mtime_ns == mtime, f"{rel} was rendered again"
    for task in tasks:
        data = store.get(f"posters/{task.rel_path}")
        assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF") or task.kind == "qr"
    with zipfile.ZipFile(io.BytesIO(store.get("posters/batches/1/长沙市-开福区.zip"))) as zf:
        assert sorted(zf.namelist()) == sorted(t.rel_path for t in tasks)
        assert zf.testzip() is None

    from liaison.codes.models import PosterBatch
    from liaison.core.db import db

    with app.app_context():
        batch = db.session.get(PosterBatch, 1)
        assert batch.status == "finished" and batch.done == batch.total == len(tasks)
