"""Access logs hold no signed photo links, OAuth codes or invitation codes.

Both request logs are checked with real requests' URLs: gunicorn's access log (the
production web server, through the logger class server/gunicorn.conf.py selects) and
werkzeug's request log (``flask run``), from a real werkzeug server on loopback.
"""
from __future__ import annotations

import io
import runpy
import threading
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from PIL import Image

SERVER_DIR = Path(__file__).resolve().parents[2] / "server"


@pytest.fixture
def secret_urls(client, demo, login, phone):
    """A real signed photo link, an OAuth callback with a real code, an invitation link."""
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(buf, "JPEG")
    r = client.post("/api/v1/uploads", headers=login("demo-resident"),
                    data={"file": (io.BytesIO(buf.getvalue()), "p.jpg")}, content_type="multipart/form-data")
    photo = r.get_json()["url"]
    code = phone.oauth_code("oa-demo-resident")
    secrets = {"photo": parse_qs(urlsplit(photo).query)["t"][0], "code": code,
               "state": "st4te-9f8e7d6c5b4a", "invite": "INV7Q2XK9M"}
    return {
        "photo": photo,
        "callback": f"/oauth/wechat/callback?code={code}&state={secrets['state']}",
        "invite": f"/admin/invite/{secrets['invite']}",
        "login": f"/admin/login?next=%2Fadmin%2Finvites%3Fnew%3D{secrets['invite']}",
        "secrets": secrets,
    }


def _gunicorn_line(tmp_path, url: str, referer: str) -> str:
    from gunicorn.config import Config
    from gunicorn.util import load_class
    from werkzeug.test import EnvironBuilder

    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    settings = runpy.run_path(str(SERVER_DIR / "gunicorn.conf.py"))
    logger = load_class(settings["logger_class"], section="gunicorn.loggers")(cfg)
    environ = EnvironBuilder(path=url.split("?")[0], query_string=url.partition("?")[2],
                             headers={"Referer": referer}).get_environ()
    environ["RAW_URI"] = url
    resp = SimpleNamespace(status="200 OK", sent=1234, headers=[])
    req = SimpleNamespace(headers=[("Referer", referer), ("Authorization", "Bearer abc.def")])
    logger.access(resp, req, environ, timedelta(milliseconds=12))
    for handler in logger.access_log.handlers:
        handler.flush()
    return (tmp_path / "access.log").read_text()


def test_gunicorn_access_log_masks_photo_tokens_oauth_codes_and_invitations(tmp_path, secret_urls):
    s = secret_urls["secrets"]
    log = ""
    for url in (secret_urls["photo"], secret_urls["callback"], secret_urls["invite"], secret_urls["login"]):
        log += _gunicorn_line(tmp_path, url, referer="https://liaison.example.gov.cn" + secret_urls["callback"])
    for name, secret in s.items():
        assert secret not in log, name
    upload_id = urlsplit(secret_urls["photo"]).path
    assert f'"GET {upload_id}?t=*** HTTP/1.1" 200 1234' in log  # still says what was asked
    assert "/oauth/wechat/callback?code=***&state=***" in log and "/admin/invite/***" in log


@pytest.fixture
def live_server(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_werkzeug_request_log_masks_them_too(live_server, secret_urls, caplog):
    caplog.set_level("INFO", logger="werkzeug")
    for key in ("photo", "callback", "invite", "login"):
        r = requests.get(live_server + secret_urls[key], allow_redirects=False, timeout=10)
        assert r.status_code < 500, key
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "werkzeug")
    assert "GET /uploads/" in text and "/oauth/wechat/callback?code=***" in text
    for name, secret in secret_urls["secrets"].items():
        assert secret not in text, name


def test_redact_leaves_ordinary_urls_alone():
    from liaison.core.logredact import redact

    plain = '"GET /api/v1/opinions?state_group=open&page=2 HTTP/1.1" 200 512 "-" "Mozilla/5.0"'
    assert redact(plain) == plain
    assert redact("/s/abcdefghijklmnop?from=poster") == "/s/abcdefghijklmnop?from=poster"
