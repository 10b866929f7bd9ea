"""deploy/: what a city's IT team installs is checked here against the code it runs.

- nginx (Debian's, from scripts/setup) accepts the site and, started on loopback in front
  of the app, serves the static files itself, proxies the rest with the app's answers,
  lets the app (not nginx) refuse a too-large upload, and logs no query strings;
- every command in the systemd units and the compose file is a real command of the app
  with options it accepts, every variable they set is a declared setting;
- gunicorn's config uses only gunicorn settings; deploy/.env.example is `flask settings
  --env-example`.
"""
from __future__ import annotations

import configparser
import re
import shlex
import threading
from pathlib import Path

import click
import pytest
import requests
import yaml
from nginx_site import DEPLOY, NGINX, ROOT, nginx, site
from ports import free_port

# The site's certificate is self-signed here: requests is told not to verify it.
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


@pytest.fixture
def nginx_site(make_app, tmp_path):
    """nginx on loopback in front of the app (one proxy hop: TRUSTED_PROXIES=1)."""
    from werkzeug.serving import make_server

    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: scripts/setup installs it (nginx-light)")
    app = make_app(TRUSTED_PROXIES=1)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    http_port, https_port = free_port(), free_port()
    conf = site(tmp_path, [server.server_port], http_port, https_port)
    checked = nginx("-t", "-c", str(conf))
    assert checked.returncode == 0, checked.stderr
    started = nginx("-c", str(conf))
    assert started.returncode == 0, started.stderr
    try:
        yield {"https": f"https://127.0.0.1:{https_port}", "http": f"http://127.0.0.1:{http_port}",
               "logs": tmp_path / "logs", "app": app}
    finally:
        nginx("-c", str(conf), "-s", "stop")
        server.shutdown()


def test_nginx_accepts_the_site_and_serves_the_app_over_tls(nginx_site):
    base = nginx_site["https"]
    plain = requests.get(nginx_site["http"] + "/healthz?x=1", allow_redirects=False, timeout=10)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    health = requests.get(base + "/healthz", verify=False, timeout=10)
    assert health.status_code == 200 and health.json()["checks"]["database"]["ok"] is True
    page = requests.get(base + "/admin/login", verify=False, timeout=10)
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers  # the app's own headers


@pytest.mark.parametrize("path, local", [
    ("/static/favicon.ico", "server/liaison/static/favicon.ico"),
    ("/reports/static/report.css", "server/liaison/stats/static/report.css"),
])
def test_nginx_serves_the_static_files_itself(nginx_site, path, local):
    answer = requests.get(nginx_site["https"] + path, verify=False, timeout=10)
    assert answer.status_code == 200 and answer.content == (ROOT / local).read_bytes()
    assert "Expires" in answer.headers  # nginx's `expires 7d`; the app's answer has none


def test_the_app_not_nginx_refuses_an_upload_above_its_limit(nginx_site, phone):
    app = nginx_site["app"]
    token = app.test_client().post("/api/v1/auth/wechat", json={"code": phone.login_code("resident-big")}).get_json()
    limit = app.config["MAX_CONTENT_LENGTH"]
    answer = requests.post(nginx_site["https"] + "/api/v1/uploads", data=b"x" * (limit + 1024),
                           headers={"Content-Type": "application/octet-stream",
                                    "Authorization": f"Bearer {token['token']}"}, verify=False, timeout=30)
    assert answer.status_code == 413
    assert answer.headers["Content-Type"].startswith("application/json"), answer.text[:200]
    assert re.search(r"[\u4e00-\u9fff]", answer.json()["error"]["message"])


def test_the_access_log_keeps_no_query_strings_or_invitation_codes(nginx_site):
    base = nginx_site["https"]
    requests.get(base + "/healthz?t=signed-secret", verify=False, timeout=10)
    requests.get(base + "/admin/invite/INVITE-SECRET-CODE", verify=False, timeout=10, allow_redirects=False)
    log = ""
    for _ in range(50):  # nginx writes the line once the answer is sent
        log = (nginx_site["logs"] / "liaison.access.log").read_text()
        if "/admin/invite/" in log:
            break
        threading.Event().wait(0.05)
    assert '/healthz?***"' in log and '/admin/invite/***"' in log
    assert "signed-secret" not in log and "INVITE-SECRET-CODE" not in log


# --- the commands the units and the compose file run -------------------------------------

def _flask_command_ok(app, args: list[str]) -> None:
    """``flask <args>`` names a real command and its options parse (nothing runs)."""
    group = app.cli
    ctx = group.make_context("flask", [], resilient_parsing=True)
    cmd_name, *rest = args
    if cmd_name == "db":  # Flask-Migrate's group
        sub = group.get_command(ctx, "db")
        assert sub is not None
        assert sub.get_command(ctx, rest[0]) is not None, args
        return
    command = group.get_command(ctx, cmd_name)
    assert command is not None, f"flask {cmd_name}: no such command"
    if isinstance(command, click.Group):  # ``flask storage init``: the subcommand is real too
        sub_name, *rest = rest
        cmd_name, command = sub_name, command.get_command(ctx, sub_name)
        assert command is not None, f"flask ... {sub_name}: no such command"
    command.make_context(cmd_name, list(rest))  # raises on an unknown option or bad value


def _check_command(app, argv: list[str]) -> None:
    program = Path(argv[0]).name
    if program == "flask":
        _flask_command_ok(app, argv[1:])
    elif program == "gunicorn":
        assert argv[-1] == "wsgi:app" and (ROOT / "server" / "wsgi.py").exists()
        conf = argv[argv.index("-c") + 1]
        assert conf.startswith("/srv/liaison/") and (ROOT / conf[len("/srv/liaison/"):]).exists(), conf
    else:
        raise AssertionError(f"unexpected program {argv}")


def _units():
    for path in sorted((DEPLOY / "systemd").glob("*.service")):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str
        parser.read(path)
        yield path.name, parser


def test_every_systemd_unit_runs_a_real_command(app):
    seen = set()
    for name, unit in _units():
        service = unit["Service"]
        for key in ("ExecStartPre", "ExecStart"):
            if key not in service:
                continue
            argv = shlex.split(service[key])
            assert argv[0].startswith("/srv/liaison/.venv/bin/"), name
            _check_command(app, argv)
            seen.add(" ".join([Path(argv[0]).name, *argv[1:2]]))
        assert service["WorkingDirectory"] == "/srv/liaison/server", name
        if name != "liaison-migrate.service":
            assert "liaison-migrate.service" in unit["Unit"]["Requires"], f"{name} must wait for the migrations"
    assert {"gunicorn -c", "flask worker", "flask scheduler", "flask db", "flask storage"} <= seen
    migrate = dict(_units())["liaison-migrate.service"]["Service"]
    assert shlex.split(migrate["ExecStartPre"])[1:] == ["storage", "init"]  # the store before the schema


def test_the_compose_file_runs_the_same_commands_with_declared_variables(app):
    from liaison.config import SETTINGS

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    declared = {s.variable for s in SETTINGS if s.variable}
    services = compose["services"]
    assert {"postgres", "redis", "storage", "migrate", "web", "worker", "scheduler", "nginx"} <= set(services)
    assert services["storage"]["command"] == ["flask", "storage", "init"]
    assert services["migrate"]["depends_on"]["storage"]["condition"] == "service_completed_successfully"
    for name in ("storage", "migrate", "web", "worker", "scheduler"):
        service = services[name]
        _check_command(app, service["command"])
        assert set(service["environment"]) <= declared, name
        assert service["env_file"] == "liaison.env"
        if name not in ("storage", "migrate"):
            assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    for mount in services["nginx"]["volumes"]:
        source = mount.split(":")[0]
        if source.startswith("."):
            assert (DEPLOY / source).resolve().exists() or source == "./tls", mount
    build = services["web"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).resolve().exists()


def test_gunicorn_config_uses_only_gunicorn_settings():
    from gunicorn.config import Config

    known = set(Config().settings)
    names: dict = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), names)
    ours = {k for k in names if not k.startswith("_") and k not in ("multiprocessing",)}
    assert ours and ours <= known, ours - known
    assert names["bind"] == "127.0.0.1:8000"  # nginx's upstream
    assert names["logger_class"] == "liaison.core.accesslog.GunicornLogger"


def test_env_example_is_every_setting(app):
    from liaison.settings_cli import env_example

    assert (DEPLOY / ".env.example").read_text() == env_example(), (
        "deploy/.env.example is out of date: cd server && FLASK_APP=wsgi:app LIAISON_DEMO=1 "
        ".venv/bin/flask settings --env-example > ../deploy/.env.example")
