"""A region's posters: start the batch job, watch its progress, download the ZIP.

The page's script talks to the codes API (``POST /api/v1/regions/<id>/poster-batches``,
``GET /api/v1/poster-batches/<id>``) with the session cookie and the CSRF header and
shows the progress; without scripts the form posts here and the page shows the
state of the batch on each reload.
"""
from __future__ import annotations

from flask import g, render_template, request, url_for
from sqlalchemy import select

from ..codes import batches
from ..codes.access import require_office
from ..codes.models import PosterBatch
from ..core.auth import current_user
from ..core.db import db
from ..core.errors import DomainError
from .blueprint import bp
from .common import PageError, done, failed, staff_required
from .scopes import office_regions, region_in_scope, scope_title

FORMATS = (("pdf", "PDF（适合印刷）"), ("png", "PNG 图片"))


def _region(region_id: int):
    if not office_regions(g.scope):
        raise PageError(403, "只有人大工委可以批量生成海报。")
    return region_in_scope(g.scope, region_id)


@bp.get("/regions/<int:region_id>/posters")
@staff_required
def posters(region_id):
    region = _region(region_id)
    recent = list(db.session.execute(select(PosterBatch).where(PosterBatch.region_id == region.id)
                                     .order_by(PosterBatch.id.desc()).limit(5)).scalars())
    children = sorted(region.children, key=lambda r: r.name)
    return render_template("admin/posters.html", region=region, formats=FORMATS, children=children,
                           batches=[batches.batch_json(b) for b in recent],
                           watch=request.args.get("batch", type=int), scope_title=scope_title(g.scope))


@bp.post("/regions/<int:region_id>/posters")
@staff_required
def posters_start(region_id):
    region = _region(region_id)
    fmt = request.form.get("format", "pdf")
    target = url_for("admin.posters", region_id=region.id)
    if fmt not in dict(FORMATS):
        return failed("请选择海报格式", target)
    try:
        require_office(g.scope, region)
        batch = batches.start_batch(region.id, fmt, current_user())
    except DomainError as exc:
        return failed(exc.message, target)
    return done("已开始生成海报，完成后可下载 ZIP。", url_for("admin.posters", region_id=region.id, batch=batch.id))
