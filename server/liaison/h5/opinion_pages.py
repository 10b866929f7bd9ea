"""Summon and submit, "my opinions", one opinion's timeline, and the rating.

The form posts here; the work is done by the opinions package's own operations
(``uploads.create_upload``, ``submission.submit``, ``operations.transition``) so the
checks and the Chinese messages are those the mini-program gets from the API.
"""
from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for

from ..core import clock
from ..core.db import db
from ..core.errors import ApiError, DomainError
from ..core.routing import MAX_ID
from ..opinions import serialize, submission, uploads
from ..opinions.access import get_visible, viewer_for
from ..opinions.filters import Filters
from ..opinions.operations import categories, transition
from ..opinions.queries import opinion_list
from ..opinions.states import RATING_LABELS
from ..places.models import Deputy, Station
from ..places.serialize import deputy_briefs, station_members
from .auth import resident_required
from .blueprint import bp
from .message_pages import follow_prompt

PER_PAGE = 20
MAX_PHOTOS = submission.MAX_PHOTOS


def _int(value) -> int | None:
    """A query or form id; one too large for an id column names no row."""
    value = (value or "").strip() if isinstance(value, str) else value
    ok = isinstance(value, str) and value.isdigit() and int(value) <= MAX_ID
    return int(value) if ok else None


def _station_or_404(station_id: int | None) -> Station:
    station = db.session.get(Station, station_id) if station_id else None
    if station is None or not station.active:
        raise ApiError(404, "station_not_found", "没有找到这个联络站，请重新扫码")
    return station


def _form_page(station: Station, values: dict, errors: dict, status: int = 200):
    members = deputy_briefs(station_members(station.id, clock.today()))
    return render_template("h5/submit.html", station=station, members=members, values=values,
                           errors=errors, categories=categories(), max_photos=MAX_PHOTOS), status


@bp.get("/h5/submit")
@resident_required
def submit_form(user):
    station_id = _int(request.args.get("station_id"))
    deputy_id = _int(request.args.get("deputy_id"))
    if station_id is None and deputy_id is not None:  # from a deputy's page: their first station
        from ..places.serialize import deputy_detail

        deputy = db.session.get(Deputy, deputy_id)
        stations = deputy_detail(deputy)["stations"] if deputy else []
        station_id = stations[0]["id"] if stations else None
    station = _station_or_404(station_id)
    values = {"deputy_id": deputy_id, "category": "", "text": "", "contact_phone": "",
              "anonymous": False, "photo_ids": [], "key": str(uuid.uuid4())}
    return _form_page(station, values, {})


def _store_photos(user, ids: list[str], files) -> None:
    """Re-encode and store the form's new photos, adding each stored one to ``ids``.

    :raise ApiError: 422 naming a photo that could not be read (the others are kept,
        so the form sent back carries them and the resident re-picks only that one).
    """
    failed = None
    for item in files:
        try:
            ids.append(uploads.create_upload(user, item.read()).id)
        except DomainError as exc:
            failed = f"照片“{item.filename[:40]}”：{exc.message}"
    if failed:
        raise ApiError(422, "validation_error", failed, {"fields": {"photo_ids": [failed]}})


def _refused(station: Station, values: dict, exc: ApiError):
    fields = (exc.details or {}).get("fields") or {"_": [exc.message]}
    return _form_page(station, values, fields, exc.status)


@bp.post("/h5/submit")
@resident_required
def submit(user):
    """The form's submit. Photos are the costly part (Pillow decodes and re-encodes
    each), so they are processed only after the retry check, the blocks, the limits
    and every other field have passed; a refused form leaves no upload behind."""
    station = _station_or_404(_int(request.form.get("station_id")))
    values = {"deputy_id": _int(request.form.get("deputy_id")),
              "category": (request.form.get("category") or "").strip()[:30],
              "text": (request.form.get("text") or "")[:4000],
              "contact_phone": (request.form.get("contact_phone") or "").strip()[:30],
              "anonymous": request.form.get("anonymous") == "1",
              "key": (request.form.get("key") or str(uuid.uuid4()))[:80],
              "photo_ids": [i for i in request.form.getlist("photo_ids") if i][:MAX_PHOTOS + 1]}
    found = submission.existing(user.id, values["key"])
    if found is not None:  # a double tap: the first submit's opinion, nothing processed again
        return redirect(url_for("h5.opinion", opinion_id=found.id))
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    data = {"station_id": station.id, "deputy_id": values["deputy_id"],
            "category": values["category"] or None, "text": values["text"],
            "photo_ids": values["photo_ids"], "contact_phone": values["contact_phone"] or None,
            "anonymous": values["anonymous"]}
    try:
        slot = submission.admit(user, request.remote_addr)
    except DomainError as exc:
        return _refused(station, values, exc)
    try:
        submission.check_fields(user, data, new_photos=len(files))
        _store_photos(user, values["photo_ids"], files)  # the same list as data["photo_ids"]
    except BaseException as exc:
        slot.give_back()
        if isinstance(exc, ApiError):
            return _refused(station, values, exc)
        raise
    try:  # from here submit() owns the slot: it gives it back if nothing is stored
        result = submission.submit(viewer_for(user), data, idempotency_key=values["key"],
                                   ip=request.remote_addr, source="h5", slot=slot)
    except DomainError as exc:
        return _refused(station, values, exc)
    flash("提交成功！联络站会尽快受理，办理进展会在“我的意见”里显示。", "success")
    return redirect(url_for("h5.opinion", opinion_id=result.opinion.id))


@bp.get("/h5/opinions")
@resident_required
def opinions(user):
    page = max(1, min(request.args.get("page", 1, type=int), 500))
    today = clock.today()
    found = opinion_list(viewer_for(user), Filters(mine=True, sort="newest"), page, PER_PAGE, today)
    return render_template("h5/opinions.html", items=serialize.briefs(found.items, today),
                           total=found.total, page=page, has_more=found.has_more, user=user,
                           follow=follow_prompt(user))


def _opinion_page(user, opinion_id: int, rating: dict | None = None, status: int = 200):
    """One opinion as its resident reads it; ``rating``: a refused rating to show again
    (``rating``, ``comment``, ``message``, ``fields``)."""
    viewer = viewer_for(user)
    op = get_visible(viewer, opinion_id)
    data = serialize.full(op, viewer, clock.today())
    can_rate = "rate" in data["allowed_actions"]
    rating = rating or {"rating": "", "comment": "", "message": "", "fields": {}}
    stray = rating["message"] if rating["message"] and not can_rate else ""
    return render_template("h5/opinion.html", o=data, ratings=RATING_LABELS, can_rate=can_rate,
                           rating_form=rating, stray_error=stray, user=user), status


@bp.get("/h5/opinions/<int:opinion_id>")
@resident_required
def opinion(user, opinion_id):
    return _opinion_page(user, opinion_id)


@bp.post("/h5/opinions/<int:opinion_id>/rate")
@resident_required
def rate(user, opinion_id):
    """The rating form's submit.

    Accepted: POST-redirect-GET to the opinion with ``#top`` (the thank-you is at the top).
    Refused (不满意 without a reason, the opinion rated meanwhile ...): the page is
    rendered again in this response with the refusal's status (422, 409 ...), the
    choice and the words kept, and the message inside the form. The form posts to
    ``…/rate#rate``; a browser keeps that fragment for the response and opens the page
    at the form, where the resident tapped, with or without JavaScript. When the form
    is gone (rated meanwhile) the message stands at the top, where the page opens.
    """
    payload = {"rating": (request.form.get("rating") or "").strip(),
               "comment": (request.form.get("comment") or "").strip()[:500]}
    try:
        transition(viewer_for(user), opinion_id, "rate", payload,
                   expected_version=_int(request.form.get("version")))
    except DomainError as exc:
        if exc.status == 404:
            raise
        fields = (exc.details or {}).get("fields") or {}
        kept = {"rating": payload["rating"], "comment": (request.form.get("comment") or "")[:500],
                "message": exc.message, "fields": fields}
        return _opinion_page(user, opinion_id, kept, exc.status)
    flash("感谢您的评价！", "success")
    return redirect(url_for("h5.opinion", opinion_id=opinion_id) + "#top")
