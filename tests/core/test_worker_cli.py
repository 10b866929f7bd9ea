"""`flask worker --log-level`: scripts/run keeps its log readable (rq writes three lines per
finished job at INFO), and a quiet worker still does the work."""
from __future__ import annotations

import subprocess
import sys

import pytest
from processes import SERVER_DIR, app_env
from rq import Queue


def _run_worker(base_config, *args) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", "worker", "--burst", *args], cwd=SERVER_DIR,
                          env=app_env(base_config), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


@pytest.mark.parametrize("level, chatty", [("INFO", True), ("WARNING", False)])
def test_the_worker_logs_finished_jobs_only_at_info(app, base_config, redis_server, level, chatty):
    from liaison.core.extensions import get_queue

    with app.app_context():
        queue: Queue = get_queue()
        job = queue.enqueue("os.getpid")
    output = _run_worker(base_config, "--log-level", level)
    job.refresh()
    assert job.is_finished  # quiet or not, the job ran
    assert ("Job OK" in output or "Successfully completed" in output) is chatty, output


def test_an_unknown_log_level_is_refused(base_config):
    with pytest.raises(AssertionError, match="log-level"):
        _run_worker(base_config, "--log-level", "LOUD")
