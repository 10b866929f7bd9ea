"""One opinion: text, photos, assignments, the full timeline and the action buttons.

Buttons come from ``workflow.allowed_actions`` for this staff member on this
opinion, so only what the state machine allows is offered. Each posts a form with
the CSRF token and the version the page showed; ``opinions.operations.transition``
does the work (and answers 409 if someone else acted in between). A refused form
comes back open, filled in, with its message beside it (``opinion_act``).
"""
from __future__ import annotations

from flask import render_template, request, url_for
from sqlalchemy import select

from ..core import clock
from ..core.auth import current_user
from ..core.db import db
from ..core.errors import DomainError
from ..opinions import attachments, privacy, suggestions, workflow
from ..opinions.access import actor_for, get_visible, lens_for, viewer_for
from ..opinions.operations import action_label, categories, transition
from ..opinions import serialize
from ..opinions.states import STATE_LABELS
from ..insight import routing, similar
from ..places.models import HandlingUnit, Station
from ..places.scopes import can_manage_station
from . import actions
from .blueprint import bp
from .common import done, failed, form_int, staff_required

ROLE_LABELS = workflow.ROLE_LABELS


def _timeline(opinion, lens, units: dict[int, str]) -> list[dict]:
    """Newest first; each step shows what the viewer may read of it (``opinions.privacy``:
    internal notes and the hold reason for staff, the 交办 instruction for its units, the
    说明（群众可见） for everyone who sees the step)."""
    cats = categories()
    steps = serialize.readable_events(opinion, lens)
    steps.sort(key=lambda item: (item[0].at, item[0].id), reverse=True)
    out = []
    for e, payload in steps:
        public_note = privacy.public_note_for(e.public_note)
        lines = ([f"{workflow.PUBLIC_NOTE.label}：{public_note}"] if public_note else [])
        out.append({"at": e.at, "label": action_label(e.action),
                    "role": ROLE_LABELS.get(e.actor_role, e.actor_role),
                    "from": STATE_LABELS.get(e.from_state, "") if e.from_state else "",
                    "to": STATE_LABELS.get(e.to_state, "") if e.to_state else "",
                    "changed": e.from_state != e.to_state, "public": e.public,
                    "lines": lines + actions.event_lines(e.action, payload, units, cats)})
    return out


def _page(opinion_id: int, failure: actions.Failure | None = None, status: int = 200):
    viewer = viewer_for(current_user())
    op = get_visible(viewer, opinion_id)
    today = clock.today()
    data = serialize.full(op, viewer, today)
    actor = actor_for(viewer, op.station_id)
    allowed = [a for a in data["allowed_actions"] if a in workflow.TRANSITIONS]
    unit_ids = {a.unit_id for a in op.assignments}
    for e in op.events:
        for key in ("unit_ids", "lead_unit_id"):
            value = (e.payload or {}).get(key)
            unit_ids |= {int(v) for v in (value if isinstance(value, list) else [value])
                         if str(v).isdigit()}
    units = dict(db.session.execute(select(HandlingUnit.id, HandlingUnit.name)
                                    .where(HandlingUnit.id.in_(unit_ids))).all()) if unit_ids else {}
    lens = lens_for(viewer, op, actor)
    runs_it = can_manage_station(viewer.scope, db.session.get(Station, op.station_id))
    routing_hint = (routing.suggest_for(op) if runs_it and {"accept", "assign"} & set(allowed)
                    and not failure else None)
    forms = actions.forms_for(op, allowed, categories(), today, failure,
                              unit_level=request.args.get("unit_level"),
                              unit_q=(request.args.get("unit_q") or "").strip()[:50], suggestion=routing_hint)
    similar_cases = similar.similar(viewer, op) if runs_it else []
    # Refused, and its form is gone (the state moved on): say it at the top instead.
    stray = failure.message if failure and not any(f.error for f in forms) else ""
    can_attach = op.state == "assigned" and any(
        a.role == "lead" and a.status in ("pending", "accepted") and a.unit_id in lens.unit_ids
        and a.round == (op.rounds or 0) for a in op.assignments)
    suggestion = suggestions.for_opinion(viewer, op.id)
    return render_template(
        "admin/opinion.html", op=op, o=data, lens=lens, forms=forms, today=today, can_attach=can_attach,
        stray_error=stray, timeline=_timeline(op, lens, units), similar_cases=similar_cases,
        can_mark_duplicate="mark_duplicate" in allowed, state_labels=STATE_LABELS,
        suggestion=suggestions.one(suggestion) if suggestion else None,
        can_record_outcome=bool(suggestion) and suggestions.can_record(viewer, suggestion)), status


@bp.get("/opinions/<int:opinion_id>")
@staff_required
def opinion(opinion_id):
    """Fields come from ``opinions.serialize.full`` (the API's rules on phone numbers,
    anonymity and scrubbing); the timeline adds what each step carried."""
    return _page(opinion_id)


@bp.post("/opinions/<int:opinion_id>/act")
@staff_required
def opinion_act(opinion_id):
    """Run one workflow action from the opinion page's form.

    Done: POST-redirect-GET to the page, with ``#top`` (the HTML spec's name for the
    document's top) so the success message, printed at the top, is what shows.

    Refused (403, 409, 422): the page is rendered again in this response, with the
    refusal's status, the form of that action open, filled with what was posted and
    the messages inside it, beside the fields they name. The form posts to
    ``…/act#act-<action>``; a browser keeps that fragment for the response, so the
    page opens scrolled to the refused form, where the person tapped. This needs no
    JavaScript, keeps nothing in the session, and a reload re-posts only after the
    browser's own warning. If the refused action is no longer offered (the opinion
    moved on), the message is shown at the top and the fragment finds nothing to
    scroll to, so the top is what shows.
    """
    action = (request.form.get("action") or "").strip()
    payload = actions.payload_from(action, request.form)
    try:
        transition(viewer_for(current_user()), opinion_id, action, payload,
                   expected_version=form_int("version"))
    except DomainError as exc:
        if exc.status == 404:
            raise
        fields = (exc.details or {}).get("fields") or {}
        failure = actions.Failure(action, exc.message, fields, request.form)
        return _page(opinion_id, failure, exc.status)
    return done(f"已{action_label(action)}", url_for("admin.opinion", opinion_id=opinion_id) + "#top")


@bp.post("/opinions/<int:opinion_id>/attachments")
@staff_required
def opinion_attach(opinion_id):
    """The lead unit adds a photo or PDF to its reply (``opinions.attachments``)."""
    target = url_for("admin.opinion", opinion_id=opinion_id) + "#reply-files"
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return failed("请先选择一张图片或一个 PDF 文件", target)
    try:
        item = attachments.add(viewer_for(current_user()), opinion_id, upload.read(), upload.filename)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return failed(exc.message, target)
    return done(f"已上传附件“{item.file_name}”，将随答复发给群众", target)


@bp.post("/suggestions/<int:suggestion_id>/outcome")
@staff_required
def suggestion_outcome(suggestion_id):
    """Staff or the NPC office write down the handling unit's answer to a suggestion
    (``opinions.suggestions.record_outcome``), then go back to its opinion's page."""
    viewer = viewer_for(current_user())
    values = {"unit_name": request.form.get("unit_name", ""), "outcome": request.form.get("outcome", "")}
    opinion_id = form_int("opinion_id")
    target = (url_for("admin.opinion", opinion_id=opinion_id) if opinion_id else url_for("admin.queue")) + "#suggestion"
    try:
        s = suggestions.record_outcome(viewer, suggestion_id, values)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return failed(exc.message, target)
    back = url_for("admin.opinion", opinion_id=s.opinion_id) + "#suggestion" if s.opinion_id else target
    return done("已登记代表建议的办理结果，并通知了提出建议的代表", back)


@bp.post("/reply-attachments/<int:attachment_id>/delete")
@staff_required
def attachment_delete(attachment_id):
    opinion_id = attachments.remove(viewer_for(current_user()), attachment_id)
    return done("已删除附件", url_for("admin.opinion", opinion_id=opinion_id) + "#reply-files")
