"""The audit log page: role, invitation and place changes in the staff member's area."""
from __future__ import annotations

from flask import g, render_template

from . import audit_queries as queries
from .audit_labels import ACTION_LABELS, changes
from .blueprint import bp
from .common import PageError, arg_int, staff_required
from .scopes import scope_title


@bp.get("/audit")
@staff_required
def audit():
    """Newest first, a page at a time: the NPC office sees its region's subtree, station
    staff their stations' rows, nobody another region's."""
    if not (g.scope.region_ids or g.scope.station_ids):
        raise PageError(403, "只有联络站工作人员和人大工委可以查看操作记录。")
    before = arg_int("before")
    rows, more = queries.page(g.scope, before)
    return render_template("admin/audit.html", rows=rows, more=more, first_page=not before,
                           actions=ACTION_LABELS, changes=changes, scope_title=scope_title(g.scope))
