"""WeChat's domain verification files: the city office uploads, lists and deletes them.

The files are served by ``liaison.wechat.verification`` at ``/<name>``, ``/s/<name>``
and ``/d/<name>``; uploads go through the storage interface so every web process
serves them. Files placed in WECHAT_VERIFY_DIR are listed too but stay on the server.
"""
from __future__ import annotations

from flask import current_app, g, render_template, request, url_for

from ..core.errors import DomainError
from ..wechat import verification
from .blueprint import bp
from .common import PageError, done, failed, staff_required
from ..places.scopes import covers_whole_tree
from .scopes import scope_title


def _require_city_office() -> None:
    if not covers_whole_tree(g.scope):
        raise PageError(403, "只有市级人大工委（负责全部区域）可以管理微信校验文件。")


@bp.get("/wechat-files")
@staff_required
def wechat_files():
    _require_city_office()
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return render_template("admin/wechat_files.html", files=verification.listing(), base=base,
                           scope_title=scope_title(g.scope))


@bp.post("/wechat-files")
@staff_required
def wechat_file_upload():
    _require_city_office()
    target = url_for("admin.wechat_files")
    upload = request.files.get("file")
    if not upload or not upload.filename:
        return failed("请选择微信提供的校验文件", target)
    filename = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]  # some browsers send a path
    try:
        name = verification.save(filename, upload.read(verification.MAX_BYTES + 1))
    except DomainError as exc:
        return failed(exc.message, target)
    return done(f"已上传 {name}，微信现在可以读取它了", target)


@bp.post("/wechat-files/<name>/delete")
@staff_required
def wechat_file_delete(name):
    _require_city_office()
    target = url_for("admin.wechat_files")
    if not verification.delete(name):
        return failed("没有这个上传的文件（服务器目录中的文件需在服务器上删除）", target)
    return done(f"已删除 {name}", target)
