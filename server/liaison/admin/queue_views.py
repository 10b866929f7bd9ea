"""The work queue page (工作台)."""
from __future__ import annotations

from flask import g, render_template, request

from ..core.auth import current_user
from ..opinions.access import viewer_for
from ..opinions.operations import categories
from ..opinions.states import STATE_LABELS, STATES
from ..core import clock
from . import queue
from .blueprint import bp
from .common import PageError, staff_required
from .scopes import scope_title


@bp.get("/queue", endpoint="queue")
@staff_required
def queue_page():
    viewer = viewer_for(current_user())
    try:
        filters = queue.Filters.from_args(request.args, default_state=queue.ACTIVE)
    except queue.BadFilter as exc:  # a page's address, not a form: 400 here (the API says 422)
        raise PageError(400, exc.message, exc.title) from None
    today = clock.today()
    page = queue.load(viewer, filters, today)
    stations, deputies = queue.filter_choices(viewer)
    return render_template(
        "admin/queue.html", page=page, f=filters, today=today, states=STATES,
        state_labels=STATE_LABELS, not_done=sum(page.counts.get(s, 0) for s in queue.NOT_DONE_STATES),
        categories=categories(), stations=stations, deputies=deputies,
        scope_title=scope_title(g.scope))

