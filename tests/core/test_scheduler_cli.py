"""`flask scheduler`: the periodic-job loop as its own process (deploy/systemd's
liaison-scheduler.service); two of them enqueue each job once per tick."""
from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

from processes import SERVER_DIR, app_env


def test_two_schedulers_enqueue_each_periodic_job_once_per_tick_and_stop_on_sigterm(app, base_config):
    from liaison.core.extensions import get_queue
    from liaison.core.jobs import PERIODIC

    procs = [subprocess.Popen([sys.executable, "-m", "flask", "scheduler", "--every", "0.2"], cwd=SERVER_DIR,
                              env=app_env(base_config), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) for _ in range(2)]
    lines: list[list[str]] = [[], []]
    readers = [threading.Thread(target=lambda p=p, out=out: out.extend(p.stdout), daemon=True)
               for p, out in zip(procs, lines)]
    for reader in readers:
        reader.start()
    try:
        # Both have installed their SIGTERM handler (they say so) before anyone is signalled:
        # on a loaded machine one may still be starting when the other has filled the queue.
        deadline = time.monotonic() + 60
        while not all(any("定时任务调度已启动" in line for line in out) for out in lines) \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        with app.app_context():
            queue = get_queue()
            deadline = time.monotonic() + 30
            while len(set(queue.job_ids)) < len(PERIODIC) and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(1.0)  # both loops have looked several more times
            ids = queue.job_ids
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=20)
        for reader in readers:
            reader.join(timeout=5)
        outputs = ["".join(out) for out in lines]
    assert {i.rsplit("-", 1)[0] for i in ids} == {f"periodic-{p.replace('.', '_')}" for p, _ in PERIODIC}
    assert len(ids) == len(set(ids)), ids  # no job enqueued twice for one tick
    ticks = {i.rsplit("-", 1)[0]: 0 for i in ids}
    for i in ids:
        ticks[i.rsplit("-", 1)[0]] += 1
    assert max(ticks.values()) <= 2, ticks  # a 30-second tick boundary may fall inside the second
    for proc, out in zip(procs, outputs):
        assert proc.returncode == 0, out
        assert "定时任务调度已启动" in out and "定时任务调度已停止" in out
