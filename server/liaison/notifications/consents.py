"""Subscribe-message consents as we know them from the mini-program.

Each accepted tap on ``wx.requestSubscribeMessage`` grants one send of a one-time
template (``remaining`` += 1) or opens a long-term template (``long_term``). A
successful send consumes one one-time grant; WeChat's 43101 means the person has
nothing left (or switched the long-term subscription off), so both are cleared.
"""
from __future__ import annotations

from sqlalchemy import select, update

from ..core import clock
from ..core.db import db
from ..core.transaction import retry_on_race
from . import settings
from .models import Consent
from .templates import kind_of_template

RESULTS = ("accept", "reject", "ban", "filter")


def allowance(user_id: int, template_id: str) -> float:
    """How many sends of ``template_id`` to the user may be attempted (inf: long-term)."""
    consent = db.session.scalar(select(Consent).where(
        Consent.user_id == user_id, Consent.template_id == template_id))
    if consent is None:
        return 0
    return float("inf") if consent.long_term else max(0, consent.remaining or 0)


def consume(user_id: int, template_id: str) -> None:
    """One one-time grant used (no commit; long-term grants are not counted)."""
    db.session.execute(update(Consent).where(
        Consent.user_id == user_id, Consent.template_id == template_id,
        Consent.long_term.is_(False), Consent.remaining > 0,
    ).values(remaining=Consent.remaining - 1, updated_at=clock.now()))


def used_up(user_id: int, template_id: str) -> None:
    """WeChat said 43101: nothing left for this template (no commit)."""
    db.session.execute(update(Consent).where(
        Consent.user_id == user_id, Consent.template_id == template_id,
    ).values(remaining=0, long_term=False, updated_at=clock.now()))


def record(user_id: int, results: dict[str, str]) -> dict[str, dict]:
    """Store the result object of ``wx.requestSubscribeMessage`` (commits).

    Ids that are not configured subscribe templates are ignored. ``reject``/``ban``
    switch a long-term template off; they take nothing away from one-time grants
    already given (WeChat keeps those too).

    :return: {template_id: {"kind", "remaining", "long_term"}} for the ids recorded.
    """
    # a concurrent first consent for the same template: run once more, updating it
    return retry_on_race(lambda: _apply(user_id, results))


def _apply(user_id: int, results: dict[str, str]) -> dict[str, dict]:
    config = settings.templates_config()
    out = {}
    for template_id, result in results.items():
        kind = kind_of_template(config, template_id)
        if kind is None or result not in RESULTS:
            continue
        consent = db.session.scalar(select(Consent).where(
            Consent.user_id == user_id, Consent.template_id == template_id))
        if consent is None:
            if result != "accept":
                continue
            consent = Consent(user_id=user_id, template_id=template_id, kind=kind,
                              remaining=0, long_term=False)
            db.session.add(consent)
        consent.kind = kind
        if result == "accept" and kind == "long_term":
            consent.long_term = True
        elif result == "accept":
            consent.remaining = (consent.remaining or 0) + 1
        elif kind == "long_term":
            consent.long_term = False
        consent.updated_at = clock.now()
        db.session.flush()
        out[template_id] = {"kind": kind, "remaining": consent.remaining,
                            "long_term": consent.long_term}
    return out
