"""One opinion: text, photos, assignments, the full timeline and the action buttons.

Buttons come from ``workflow.allowed_actions`` for this staff member on this
opinion, so only what the state machine allows is offered. Each posts a form with
the CSRF token and the version the page showed; ``opinions.operations.transition``
does the work (and answers 409 if someone else acted in between).
"""
from __future__ import annotations

from flask import render_template, request, url_for
from sqlalchemy import select

from ..core.auth import current_user
from ..core.db import db
from ..core.errors import ApiError
from ..opinions import attachments, workflow
from ..opinions.access import actor_for, get_visible, lens_for, viewer_for
from ..opinions.operations import action_label, categories, transition
from ..opinions import serialize
from ..opinions.states import STATE_LABELS
from ..opinions.timeutil import local_today
from ..places.models import HandlingUnit
from . import actions
from .blueprint import bp
from .common import done, failed, form_int, staff_required

ROLE_LABELS = workflow.ROLE_LABELS


def _timeline(opinion, lens, units: dict[int, str]) -> list[dict]:
    """Newest first; each step shows what the viewer may read of it (``opinions.privacy``:
    internal notes and the hold reason for staff, the 交办 instruction for its units)."""
    cats = categories()
    steps = serialize.readable_events(opinion, lens)
    steps.sort(key=lambda item: (item[0].at, item[0].id), reverse=True)
    return [{"at": e.at, "label": action_label(e.action), "role": ROLE_LABELS.get(e.actor_role, e.actor_role),
             "from": STATE_LABELS.get(e.from_state, "") if e.from_state else "",
             "to": STATE_LABELS.get(e.to_state, "") if e.to_state else "",
             "changed": e.from_state != e.to_state, "public": e.public,
             "lines": actions.event_lines(e.action, payload, units, cats)} for e, payload in steps]


@bp.get("/opinions/<int:opinion_id>")
@staff_required
def opinion(opinion_id):
    """Fields come from ``opinions.serialize.full`` (the API's rules on phone numbers,
    anonymity and scrubbing); the timeline adds what each step carried."""
    viewer = viewer_for(current_user())
    op = get_visible(viewer, opinion_id)
    today = local_today()
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
    can_attach = op.state == "assigned" and any(
        a.role == "lead" and a.status in ("pending", "accepted") and a.unit_id in lens.unit_ids
        and a.round == (op.rounds or 0) for a in op.assignments)
    return render_template(
        "admin/opinion.html", op=op, o=data, lens=lens, can_attach=can_attach,
        forms=actions.forms_for(op, allowed, categories(), unit_level=request.args.get("unit_level"),
                                unit_q=(request.args.get("unit_q") or "").strip()[:50]), today=today,
        timeline=_timeline(op, lens, units))


@bp.post("/opinions/<int:opinion_id>/act")
@staff_required
def opinion_act(opinion_id):
    """Run one workflow action from the opinion page's form."""
    action = (request.form.get("action") or "").strip()
    target = url_for("admin.opinion", opinion_id=opinion_id)
    payload = actions.payload_from(action, request.form)
    try:
        transition(viewer_for(current_user()), opinion_id, action, payload,
                   expected_version=form_int("version"))
    except ApiError as exc:
        if exc.status == 404:
            raise
        fields = (exc.details or {}).get("fields") or {}
        extra = "；".join(m for msgs in fields.values() for m in msgs if m != exc.message)
        return failed(exc.message + (f"（{extra}）" if extra else ""), target + "#actions")
    return done(f"已{action_label(action)}", target)


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
    except ApiError as exc:
        if exc.status == 404:
            raise
        return failed(exc.message, target)
    return done(f"已上传附件“{item.file_name}”，将随答复发给群众", target)


@bp.post("/reply-attachments/<int:attachment_id>/delete")
@staff_required
def attachment_delete(attachment_id):
    opinion_id = attachments.remove(viewer_for(current_user()), attachment_id)
    return done("已删除附件", url_for("admin.opinion", opinion_id=opinion_id) + "#reply-files")
