"""Draft-law consultations (立法意见征集) on the residents' pages: the open ones, one draft
article by article, and a comment on the whole draft or one article (login required).
The same operations as the API (``consultations.operations``)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from ..consultations import access, operations, serialize
from ..consultations.api import listing
from ..core.errors import DomainError
from ..places.scopes import scope_of
from .auth import resident_required, resident_user
from .blueprint import bp


def _visible(consultation_id: int, user):
    scope = scope_of(user)
    c = access.get(consultation_id)
    if operations.state(c) == operations.SCHEDULED and not access.can_manage(scope, c):
        raise access.not_found()
    return c, scope


def _page(consultation_id: int, user, form: dict | None = None, error: str = "", status: int = 200):
    c, scope = _visible(consultation_id, user)
    return render_template("h5/consultation.html", c=serialize.full(c, user, scope), user=user,
                           form=form or {}, error=error), status


@bp.get("/h5/consultations")
def consultations():
    user = resident_user()
    scope = scope_of(user)
    return render_template("h5/consultations.html", open=[serialize.brief(c) for c in listing(scope)],
                           closed=[serialize.brief(c) for c in listing(scope, state="closed", limit=20)])


@bp.get("/h5/consultations/<int:consultation_id>")
def consultation(consultation_id):
    return _page(consultation_id, resident_user())


@bp.post("/h5/consultations/<int:consultation_id>/comments")
@resident_required
def consultation_comment(user, consultation_id):
    c, scope = _visible(consultation_id, user)
    raw = (request.form.get("article") or "").strip()
    article = int(raw) if raw.isdigit() and len(raw) < 7 else None
    text = (request.form.get("text") or "")[:operations.MAX_COMMENT + 1]
    form = {"article": article, "text": text}
    if raw and article is None:
        return _page(consultation_id, user, form, "草案中没有这一条", 422)
    try:
        operations.comment(user, scope, c, article, text)
    except DomainError as exc:
        return _page(consultation_id, user, form, exc.message, exc.status)
    return redirect(url_for("h5.consultation", consultation_id=c.id, sent=1) + "#mine")
