"""Import stations and deputies from a spreadsheet (NPC office only, within its region)."""
from __future__ import annotations

from flask import g, render_template, request

from ..core.auth import current_user
from ..places.importer import COLUMNS, ImportFailed, import_rows, read_rows
from ..stats.config import thresholds
from .blueprint import bp
from .common import PageError, staff_required
from .scopes import office_regions, scope_title

ALLOWED = (".xlsx", ".csv")
MAX_ERRORS_SHOWN = 50


@bp.route("/import", methods=["GET", "POST"])
@staff_required
def import_places():
    regions = office_regions(g.scope)
    if not regions:
        raise PageError(403, "只有人大工委可以导入联络站和代表名册。")
    context = {"columns": COLUMNS, "scope_title": scope_title(g.scope), "result": None, "errors": [],
               "filename": "", "invisible_months": thresholds().invisible_months}
    if request.method == "GET":
        return render_template("admin/import.html", **context)
    upload = request.files.get("file")
    name = (upload.filename or "").lower() if upload else ""
    context["filename"] = upload.filename if upload else ""
    if not upload or not name.endswith(ALLOWED):
        context["errors"] = ["请选择 .xlsx 或 .csv 格式的名册文件"]
        return render_template("admin/import.html", **context), 422
    try:
        context["result"] = import_rows(read_rows(name, upload.read()), reach=g.scope, actor=current_user())
    except ImportFailed as exc:
        context["errors"] = exc.errors[:MAX_ERRORS_SHOWN]
        context["more_errors"] = max(0, len(exc.errors) - MAX_ERRORS_SHOWN)
        return render_template("admin/import.html", **context), 422
    return render_template("admin/import.html", **context)
