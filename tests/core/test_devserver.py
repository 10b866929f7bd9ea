"""scripts/run for real: started as a person starts it (``scripts/run --no-demo-data`` keeps
it quick) on free ports, its children restarted when they die, Ctrl-C leaving nothing behind."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from ports import free_port
from processes import descendants

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "server"
STARTED = re.compile(r"已启动(.+?)（进程 (\d+)）")


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to reap it holds nothing)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            stat = fh.read()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] not in "ZX"


class Devserver:
    def __init__(self, tmp: Path):
        self.port, self.fake_port = free_port(), free_port()
        self.instance = tmp
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "LIAISON_"))
               and k not in ("REDIS_URL", "DATABASE_URL", "PUBLIC_BASE_URL", "HOST")}
        env.update(PORT=str(self.port), FAKE_WECHAT_PORT=str(self.fake_port), INSTANCE_PATH=str(tmp),
                   WEB_WORKERS="1", PYTHONPATH=str(SERVER))
        # scripts/run checks the setup (scripts/setup), then execs the devserver in this process.
        self.proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "run"), "--no-demo-data"],
                                     cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, start_new_session=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, predicate, seconds: float):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in list(self.lines):
                found = predicate(line)
                if found:
                    return found
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError("not seen in the log:\n" + "\n".join(self.lines[-40:]))

    def pid_of(self, name: str, other_than: int | None = None) -> int:
        def match(line):
            m = STARTED.search(line)
            if m and name in m.group(1) and int(m.group(2)) != other_than:
                return int(m.group(2))
        return self.wait_for(match, 30)

    def health(self) -> dict:
        return requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=3).json()


@pytest.fixture(scope="module")
def devserver(tmp_path_factory):
    server = Devserver(tmp_path_factory.mktemp("devserver"))
    try:
        server.wait_for(lambda line: "按 Ctrl-C 停止全部服务" in line, 90)
        yield server
    finally:
        if server.proc.poll() is None:
            os.killpg(server.proc.pid, signal.SIGKILL)
        for pid in set(descendants(server.proc.pid)):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        server.proc.wait(10)


def test_a_killed_redis_or_worker_is_started_again_and_the_system_keeps_running(devserver):
    redis_pid = devserver.pid_of("嵌入式 Redis")
    os.kill(redis_pid, signal.SIGKILL)
    new_redis = devserver.pid_of("嵌入式 Redis", other_than=redis_pid)
    devserver.wait_for(lambda line: f"嵌入式 Redis（进程 {redis_pid}）已退出" in line and "重新启动" in line, 5)
    deadline = time.monotonic() + 20
    while not devserver.health()["checks"]["redis"]["ok"]:
        assert time.monotonic() < deadline, "Redis did not come back"
        time.sleep(0.3)
    assert _alive(new_redis)

    worker_pid = devserver.pid_of("rq worker")
    os.kill(worker_pid, signal.SIGKILL)
    assert _alive(devserver.pid_of("rq worker", other_than=worker_pid))
    assert devserver.proc.poll() is None and devserver.health()["ok"]
    assert not any("正在停止全部服务" in line for line in devserver.lines)


def test_a_killed_fake_wechat_is_started_again_and_told_the_demo_people_again(devserver):
    fake = f"http://127.0.0.1:{devserver.fake_port}/_fake/accounts"
    fake_pid = devserver.pid_of("模拟微信服务器")
    os.kill(fake_pid, signal.SIGKILL)
    devserver.wait_for(lambda line: f"模拟微信服务器（进程 {fake_pid}）已退出" in line and "重新启动" in line, 5)
    assert _alive(devserver.pid_of("模拟微信服务器", other_than=fake_pid))
    deadline = time.monotonic() + 20
    while True:
        try:
            openids = {a["openid"] for a in requests.get(fake, timeout=2).json()["accounts"]}
        except requests.RequestException:
            openids = set()
        if "oa-demo-office" in openids:
            break
        assert time.monotonic() < deadline, "the restarted fake WeChat was not seeded"
        time.sleep(0.3)
    assert devserver.proc.poll() is None


def test_web_authorisation_under_scripts_run_opens_only_for_the_web_servers_own_host(devserver):
    def consent_page(host: str) -> requests.Response:
        start = requests.get(f"http://127.0.0.1:{devserver.port}/oauth/wechat?next=/admin/",
                             headers={"Host": host}, allow_redirects=False, timeout=5)
        assert start.status_code == 302, start.text
        return requests.get(start.headers["Location"].split("#", 1)[0], timeout=5)

    page = consent_page(f"127.0.0.1:{devserver.port}")
    assert page.status_code == 200 and "模拟微信授权" in page.text
    refused = consent_page(f"localhost:{devserver.port}")  # not the fake's 网页授权域名
    assert refused.status_code == 400 and "10003" in refused.text


def test_prefix_rules_for_s_and_d_are_saved_against_scripts_run_with_the_file_in_the_verify_dir(devserver):
    fake = f"http://127.0.0.1:{devserver.fake_port}"
    site = f"http://127.0.0.1:{devserver.port}"
    file = requests.get(fake + "/_fake/qrcode-verify-file", timeout=5).json()

    def save(prefix: str) -> int:
        return requests.post(fake + "/_fake/qrcode-rules", json={"prefix": prefix, "path": "pages/index/index"},
                             timeout=10).json()["errcode"]

    assert save(f"{site}/s/") == 85069  # WeChat refuses the rule until the backend serves its file
    verify_dir = devserver.instance / "wechat-verify"  # WECHAT_VERIFY_DIR's default
    verify_dir.mkdir(parents=True, exist_ok=True)
    (verify_dir / file["file_name"]).write_text(file["file_content"])
    assert save(f"{site}/s/") == 0 and save(f"{site}/d/") == 0
    saved = requests.get(fake + "/_fake/qrcode-rules", timeout=5).json()["rules"]
    assert {r["checked_url"] for r in saved} == {f"{site}/s/{file['file_name']}", f"{site}/d/{file['file_name']}"}


def test_ctrl_c_stops_every_process_and_frees_the_port_within_five_seconds(devserver):
    assert any(line.endswith(f"http://127.0.0.1:{devserver.port}") and "二维码" in line
               for line in devserver.lines)  # PUBLIC_BASE_URL from PORT, as every flask command
    started = set(descendants(devserver.proc.pid))
    assert len(started) >= 5  # Redis, fake WeChat, gunicorn and its worker, rq worker
    began = time.monotonic()
    os.kill(devserver.proc.pid, signal.SIGINT)
    while not (_port_free(devserver.port) and _port_free(devserver.fake_port)):
        assert time.monotonic() - began < 5, "a port is still taken 5 s after Ctrl-C"
        time.sleep(0.05)
    assert devserver.proc.wait(10) == 0
    left = [pid for pid in started if _alive(pid)]
    assert not left, left
    assert time.monotonic() - began < 5
    devserver.wait_for(lambda line: line == "已停止所有服务。", 2)
