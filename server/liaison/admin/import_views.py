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
    context = {"columns": COLUMNS, "scope_title": scope_title(g.scope),
               "invisible_months": thresholds().invisible_months}
    return run_import("admin/import.html", context, "名册文件",
                      lambda name, data: import_rows(read_rows(name, data), reach=g.scope, actor=current_user()))


def run_import(template: str, context: dict, what: str, run):
    """The import pages' round: the form (GET), or the uploaded file through ``run(name, data)``
    and its result or its row errors (422), on ``template``."""
    context.update(result=None, errors=[], filename="")
    if request.method == "GET":
        return render_template(template, **context)
    upload = request.files.get("file")
    name = (upload.filename or "").lower() if upload else ""
    context["filename"] = upload.filename if upload else ""
    if not upload or not name.endswith(ALLOWED):
        context["errors"] = [f"请选择 .xlsx 或 .csv 格式的{what}"]
        return render_template(template, **context), 422
    try:
        context["result"] = run(name, upload.read())
    except ImportFailed as exc:
        context["errors"] = exc.errors[:MAX_ERRORS_SHOWN]
        context["more_errors"] = max(0, len(exc.errors) - MAX_ERRORS_SHOWN)
        return render_template(template, **context), 422
    return render_template(template, **context)
