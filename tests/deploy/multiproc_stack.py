"""The pieces of the multi-process stack (tests/deploy/conftest.py): its children, how they
are killed, how the tests wait for them."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from processes import SERVER_DIR, descendants


@dataclass
class Child:
    name: str
    proc: subprocess.Popen
    log: Path
    port: int | None = None

    def tail(self, chars: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.proc.poll() is None


@dataclass
class Stack:
    config: dict
    app: object  # this process's app over the same database, Redis and files (for reading)
    fake: str  # the fake WeChat's base URL
    nginx: str  # https://127.0.0.1:<port>
    webs: list[Child]
    workers: list[Child]
    schedulers: list[Child]
    redis: object  # a client of the redis-server process
    others: list[Child] = field(default_factory=list)
    nginx_logs: Path | None = None
    machines: Path | None = None  # each process's own local folders, one folder per process

    def direct(self, web: Child) -> str:
        return f"http://127.0.0.1:{web.port}"

    def children(self) -> list[Child]:
        return [*self.webs, *self.workers, *self.schedulers, *self.others]

    def report(self) -> str:
        parts = []
        for child in self.children():
            state = "running" if child.alive() else f"exited {child.proc.returncode}"
            parts.append(f"----- {child.name} ({state}) -----\n{child.tail()}")
        if self.nginx_logs is not None:
            for log in sorted(self.nginx_logs.glob("*.log")):
                parts.append(f"----- nginx {log.name} -----\n{log.read_text(errors='replace')[-3000:]}")
        return "\n".join(parts)


def kill(child: Child) -> None:
    """SIGKILL to the child's whole session and everything it forked at once, as an OOM kill
    or a lost machine would: nothing gets to clean up."""
    below = descendants(child.proc.pid)
    try:
        os.killpg(child.proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for pid in below:
        _signal(pid, signal.SIGKILL)
    child.proc.wait(timeout=10)


def stop_all(children: list[Child], grace: float = 3.0) -> None:
    """SIGTERM to every child still running (and what it forked) at once, SIGKILL to what
    is left after ``grace`` seconds: nothing outlives the test."""
    running = [(c, descendants(c.proc.pid)) for c in children if c.alive()]
    for child, below in running:
        for pid in below:
            _signal(pid, signal.SIGTERM)
        try:
            os.killpg(child.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    for child, below in running:
        try:
            child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(child.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for pid in below:
            _signal(pid, signal.SIGKILL)
        child.proc.wait(timeout=10)


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def wait_for(predicate, timeout: float, what: str, stack: Stack | None = None, watch=()):
    """Poll ``predicate`` until it is true; fail with the children's logs after ``timeout``
    or as soon as a child in ``watch`` has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (requests.RequestException, OSError):
            pass
        dead = [c.name for c in watch if not c.alive()]
        if dead:
            break
        time.sleep(0.1)
    detail = stack.report() if stack is not None else ""
    raise AssertionError(f"timed out waiting for {what} (exited: {[c.name for c in watch if not c.alive()]})"
                         f"\n{detail}")


def start(name: str, argv: list[str], env: dict, logs: Path, cwd: Path = SERVER_DIR, port=None) -> Child:
    log = logs / f"{name}.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    return Child(name, proc, log, port)
