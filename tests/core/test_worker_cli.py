"""`flask worker --log-level`: scripts/run keeps its log readable (rq writes three lines per
finished job at INFO), and a quiet worker still does the work."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rq import Queue

from liaison.core import clock

SERVER_DIR = Path(__import__("liaison").__file__).resolve().parents[1]


def _run_worker(base_config, *args) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTIFICATION_", "WECHAT_"))}
    env.update(
        DATABASE_URL=base_config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=base_config["REDIS_URL"],
        WECHAT_API_BASE=base_config["WECHAT_API_BASE"], WECHAT_OAUTH_BASE=base_config["WECHAT_OAUTH_BASE"],
        INSTANCE_PATH=base_config["INSTANCE_PATH"], SECRET_KEY=base_config["SECRET_KEY"],
        FLASK_APP="wsgi:app", PYTHONPATH=str(SERVER_DIR), SESSION_COOKIE_SECURE="0", LIAISON_TESTING="1")
    env.update(clock.environment())
    done = subprocess.run([sys.executable, "-m", "flask", "worker", "--burst", *args], cwd=SERVER_DIR,
                          env=env, capture_output=True, text=True, timeout=60)
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
