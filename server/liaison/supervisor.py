"""Keep a handful of child processes running, and stop all of them (``scripts/run``).

Every child starts in its own process group (its own session), so what it starts in
turn (gunicorn's workers) is stopped with it: ``stop`` sends SIGTERM to each group,
waits ``grace`` seconds, then SIGKILLs whatever is left and waits for it. A child
that exits while the supervisor runs is started again after a short, growing delay,
with a line in the log, instead of bringing the whole system down. On Linux each
child also gets SIGTERM if the supervisor itself is killed (``PR_SET_PDEATHSIG``).

Pure standard library; no Flask.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

RESTART_DELAYS = (1, 2, 4, 8, 10)  # seconds, one step further per quick failure
STABLE_AFTER = 30.0  # a child that ran this long starts again at the first delay


def _find_prctl():
    """libc's prctl, looked up once in the parent (nothing is imported in a forked child)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _find_prctl()
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the supervisor dies (Linux only)."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM)


def live_groups() -> set[int] | None:
    """Process groups with a running process (zombies do not count); None without /proc."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    groups = set()
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()  # after "pid (comm) ": state, ppid, pgrp
        if len(fields) > 2 and fields[0] not in ("Z", "X"):
            groups.add(int(fields[2]))
    return groups


def alive(groups: list[int]) -> list[int]:
    """Those of ``groups`` that still have a running process."""
    live = live_groups()
    if live is not None:
        return [g for g in groups if g in live]
    found = []
    for pgid in groups:  # no /proc: ask the kernel (a zombie still answers)
        try:
            os.killpg(pgid, 0)
            found.append(pgid)
        except (ProcessLookupError, PermissionError):
            pass
    return found


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass
class Child:
    """One supervised program.

    :param name: what the log calls it (Chinese).
    :param after_start: called after each start (e.g. seed the fake WeChat again).
    """

    name: str
    argv: list[str]
    cwd: str
    env: dict
    after_start: Callable[["Child"], None] | None = None
    stop_signal: int = signal.SIGTERM  # gunicorn: SIGINT, its quick shutdown
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_failures: int = 0
    restart_at: float | None = None
    pids: list[int] = field(default_factory=list)  # every pid it ever had, for the log and tests

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class Supervisor:
    """Start children, restart the ones that die, stop them all."""

    def __init__(self, log: Callable[[str], None] | None = None, grace: float = 3.0):
        self.log = log or (lambda line: print(f"[联络站] {line}", flush=True))
        self.grace = grace
        self.children: list[Child] = []
        self.stopping = False
        self.hurry = False
        self._oneshot: subprocess.Popen | None = None

    # -- signals ---------------------------------------------------------------

    def install_signals(self) -> None:
        """Ctrl-C, SIGTERM and a closed terminal ask for a stop; a second one hurries it."""
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum, _frame) -> None:
        if self.stopping:
            self.hurry = True
        self.stopping = True

    # -- starting ----------------------------------------------------------------

    def _popen(self, argv, cwd, env) -> subprocess.Popen:
        return subprocess.Popen(argv, cwd=cwd, env=env, start_new_session=True,
                                preexec_fn=_die_with_parent if _PRCTL is not None else None)

    def add(self, child: Child) -> Child:
        self.children.append(child)
        self._start(child)
        return child

    def _start(self, child: Child) -> None:
        child.proc = self._popen(child.argv, child.cwd, child.env)
        child.started_at = time.monotonic()
        child.restart_at = None
        child.pids.append(child.proc.pid)
        self.log(f"已启动{child.name}（进程 {child.proc.pid}）")
        if child.after_start is not None:
            child.after_start(child)

    def run_step(self, name: str, argv, cwd, env) -> bool:
        """Run a one-shot step (migrate, load data) to its end; False if it failed or a stop came."""
        proc = self._oneshot = self._popen(argv, cwd, env)
        try:
            while proc.poll() is None:
                if self.stopping:
                    self._stop_group(proc)
                    return False
                time.sleep(0.1)
        finally:
            self._oneshot = None
        if proc.returncode != 0:
            self.log(f"{name}失败（退出代码 {proc.returncode}），请看上方日志")
            return False
        return True

    # -- watching ----------------------------------------------------------------

    def check(self, now: float | None = None) -> None:
        """Restart the children that exited (after their delay); call it every fraction of a second."""
        now = time.monotonic() if now is None else now
        for child in self.children:
            if self.stopping:
                return
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self._start(child)
                continue
            if child.proc is None or child.proc.poll() is None:
                continue
            code = child.proc.returncode
            _signal_group(child.proc.pid, signal.SIGKILL)  # what it left behind (gunicorn workers)
            ran = now - child.started_at
            child.quick_failures = 0 if ran >= STABLE_AFTER else child.quick_failures + 1
            delay = RESTART_DELAYS[min(max(child.quick_failures - 1, 0), len(RESTART_DELAYS) - 1)]
            child.restart_at = now + delay
            self.log(f"{child.name}（进程 {child.proc.pid}）已退出（{_exit_text(code)}），{delay} 秒后重新启动")

    def wait_until_stopped(self) -> None:
        """Watch the children until a signal asks for a stop."""
        while not self.stopping:
            self.check()
            time.sleep(0.2)

    # -- stopping ----------------------------------------------------------------

    def _stop_group(self, proc: subprocess.Popen) -> None:
        self._stop_groups([(proc, signal.SIGTERM)])

    def _stop_groups(self, stopping: list[tuple[subprocess.Popen, int]]) -> None:
        procs = [p for p, _sig in stopping]
        groups = [p.pid for p in procs]
        for p, sig in stopping:
            _signal_group(p.pid, sig)
        deadline = time.monotonic() + (0 if self.hurry else self.grace)
        while time.monotonic() < deadline and not self.hurry:
            for p in procs:
                p.poll()
            if not alive(groups):
                break
            time.sleep(0.05)
        for pgid in alive(groups):
            name = next((c.name for c in self.children if c.pid == pgid), "准备步骤")
            self.log(f"{name}（进程组 {pgid}）未在 {self.grace:g} 秒内退出，已强制结束")
            _signal_group(pgid, signal.SIGKILL)
        for p in procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:  # unkillable (D state): nothing more to do
                pass
        end = time.monotonic() + 2
        while time.monotonic() < end and alive(groups):
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop every child and its process group: SIGTERM, ``grace`` seconds, SIGKILL."""
        self.stopping = True
        procs = [(c.proc, c.stop_signal) for c in self.children if c.proc is not None]
        if self._oneshot is not None:
            procs.append((self._oneshot, signal.SIGTERM))
        self._stop_groups(procs)


def _exit_text(code: int) -> str:
    if code is not None and code < 0:
        try:
            return f"信号 {signal.Signals(-code).name}"
        except ValueError:
            return f"信号 {-code}"
    return f"退出代码 {code}"
