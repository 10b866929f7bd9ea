"""WeChat's domain verification files, served verbatim where WeChat fetches them.

Two WeChat settings refuse to save until WeChat can fetch a file it hands out:

- the official account's web authorisation domain (网页授权域名): ``MP_verify_<x>.txt``
  at the domain root;
- the mini-program's "scan an ordinary link QR code" rule (扫普通链接二维码打开小程序):
  the file the console offers (a short random name such as ``i7948FzJJ6.txt``) "under
  the last sub-directory declared in the URL" (放置于URL中声明的最后一级子目录下), i.e.
  ``/s/<file>`` for the rule ``https://host/s/`` and ``/d/<file>`` for ``…/d/``; else
  WeChat answers 85069 (check confirm file fail).

Files come from two places: ``WECHAT_VERIFY_DIR`` (put there by whoever runs the
server) and the storage interface under ``wechat-verify/`` (uploaded on the admin
page, so every web process and machine sees them); an uploaded file wins. Every file
is answered at ``/<name>``, ``/s/<name>`` and ``/d/<name>``. Only names shaped like
WeChat's files are routed here: a code token is ``[A-Za-z0-9_-]{16,32}`` with no dot,
so ``/s/<token>`` and ``/d/<token>`` never reach this module, and any other ``.txt``
under /s/ or /d/ still gets the "no such code" page.
"""
from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response, abort, current_app
from werkzeug.routing import BaseConverter

from ..core.errors import ApiError
from ..core.storage import get_storage

NAME_PATTERN = r"(?:MP_verify_[A-Za-z0-9]{1,64}|[A-Za-z0-9]{8,32})\.txt"
NAME_RE = re.compile(f"^{NAME_PATTERN}$")
MAX_BYTES = 4096  # WeChat's files hold a few dozen characters
FOLDER = "wechat-verify"

bp = Blueprint("wechat_verify", __name__)


class VerifyFileName(BaseConverter):
    """URL part that only matches a verification file name; weighs less than the
    default converter, so ``/s/<name>`` is tried before ``/s/<token>``."""

    regex = NAME_PATTERN
    weight = 50


def register(app) -> None:
    app.url_map.converters["wxverify"] = VerifyFileName
    app.register_blueprint(bp)


def is_verify_name(name: str | None) -> bool:
    return bool(name) and NAME_RE.match(name) is not None


def purpose(name: str) -> str:
    """What the file is for, in the staff's words."""
    if name.startswith("MP_verify_"):
        return "公众号网页授权域名校验文件"
    return "小程序“扫普通链接二维码”校验文件"


def _dir_path(name: str) -> Path | None:
    folder = current_app.config.get("WECHAT_VERIFY_DIR")
    return Path(folder) / name if folder and is_verify_name(name) else None


def read(name: str) -> bytes | None:
    """The file's exact bytes (uploaded copy first, then WECHAT_VERIFY_DIR), or None."""
    if not is_verify_name(name):
        return None
    storage = get_storage()
    key = f"{FOLDER}/{name}"
    if storage.exists(key):
        return storage.get(key)
    path = _dir_path(name)
    if path is not None and path.is_file():
        return path.read_bytes()
    return None


def save(name: str, data: bytes) -> str:
    """Store an uploaded verification file as it is; returns its name.

    :raise ApiError: 400 for a name WeChat does not use, an empty or oversized file.
    """
    name = (name or "").strip()
    if not is_verify_name(name):
        raise ApiError(400, "verify_file_name", "文件名不是微信校验文件的格式（应为 MP_verify_xxx.txt "
                       "或小程序后台下载的 10 位左右字母数字 .txt 文件），请上传微信提供的原文件，不要改名")
    if not data:
        raise ApiError(400, "verify_file_empty", "文件是空的，请上传微信提供的原文件")
    if len(data) > MAX_BYTES:
        raise ApiError(400, "verify_file_too_big", "文件太大，不像微信的校验文件，请上传微信提供的原文件")
    get_storage().put(f"{FOLDER}/{name}", data)
    return name


def delete(name: str) -> bool:
    """Remove an uploaded file (files in WECHAT_VERIFY_DIR stay: they belong to the server)."""
    return is_verify_name(name) and get_storage().delete(f"{FOLDER}/{name}")


def listing() -> list[dict]:
    """Every file served, by name: {name, purpose, size, uploaded, in_dir, paths}."""
    found: dict[str, dict] = {}
    storage = get_storage()
    for key in storage.keys(FOLDER):
        name = key.rsplit("/", 1)[-1]
        if is_verify_name(name):
            found[name] = {"uploaded": True, "in_dir": False, "size": storage.size(key)}
    folder = current_app.config.get("WECHAT_VERIFY_DIR")
    if folder and Path(folder).is_dir():
        for path in Path(folder).iterdir():
            if path.is_file() and is_verify_name(path.name):
                entry = found.setdefault(path.name, {"uploaded": False, "size": path.stat().st_size})
                entry["in_dir"] = True
    return [{"name": n, "purpose": purpose(n), "paths": [f"/{n}", f"/s/{n}", f"/d/{n}"], **found[n]}
            for n in sorted(found)]


@bp.get("/<wxverify:name>")
@bp.get("/s/<wxverify:name>")
@bp.get("/d/<wxverify:name>")
def verify_file(name: str):
    data = read(name)
    if data is None:
        abort(404)
    response = Response(data, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
