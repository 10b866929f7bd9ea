"""Suggested routing (智能分办): the category and the handling unit a new case probably
gets, learned from the region's own earlier decisions.

**What is learned.** Per region scope (``places.scopes.scope_region``: the station's
district, whose NPC office runs the handling units) and per kind:

- ``category``: the category of every case staff accepted (受理), as it stands;
- ``unit``: the lead unit (主办) of every case's latest assignment that was not withdrawn
  or refused, if the unit is still active.

The texts become TF-IDF vectors (``insight.text.TextVectorizer``, the region's place
names ignored: 望月湖 says where, not what) and a multinomial logistic regression
(scikit-learn) is fitted on them. A region with fewer than ``ROUTING_MIN_SAMPLES``
decisions of a kind, or only one class, gets no model. The fitted vectorizer,
classifier and training rows are dumped with joblib into ``routing_models`` (one row per
region and kind, replaced on each training), so every process reads the same model.
Training runs in the periodic job ``insight.routing.train_all`` (daily) and with
``flask routing train [--region ID]``.

**What is suggested.** For an opinion: the class with the highest probability, when
that probability is at least ``ROUTING_MIN_CONFIDENCE`` and the opinion is like at least
one earlier case (cosine ≥ ``ROUTING_MIN_SIMILARITY`` to a training text): an opinion
unlike anything decided before gets no suggestion, however the classifier leans.
The reasons are the words of the opinion that weigh most for that class (coefficient ×
TF-IDF weight, words only), else the numbers of the most similar earlier cases with that
class.

**Whether it was taken.** When staff accept (category) or assign (lead unit) a case
(``opinions.operations.decided``), the suggestion the current model gives is compared
with what they chose and kept in ``routing_choices``; the region report shows the share
accepted (``share``). No suggestion, no row.
"""
from __future__ import annotations

import io
import logging
import threading
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, select

from ..core import clock
from ..core.db import db
from ..core.jobs import with_app
from ..core.transaction import checkpoint
from ..opinions.models import Assignment, Opinion, OpinionEvent
from ..opinions.operations import categories
from ..places.models import HandlingUnit, Region, Station
from ..places.scopes import in_region_clause, regions_under, scope_region
from . import text
from .routing_models import KINDS, RoutingChoice, RoutingModel

log = logging.getLogger(__name__)

REASON_WORDS = 3
REASON_CASES = 2
_cache: dict[tuple[int, str], tuple[tuple, dict]] = {}
_cache_lock = threading.Lock()


# -- the training sets -------------------------------------------------------------

def _region_opinions(region: Region):
    return select(Opinion.id).join(Station, Station.id == Opinion.station_id).where(in_region_clause(region))


def labelled(region: Region, kind: str) -> list[tuple[int, str, str, str]]:
    """(opinion id, number, text, label) of the region's decided cases of ``kind``."""
    if kind == "category":
        known = categories()
        accepted = select(OpinionEvent.opinion_id).where(OpinionEvent.action == "accept")
        rows = db.session.execute(select(Opinion.id, Opinion.number, Opinion.text, Opinion.category).where(
            Opinion.id.in_(_region_opinions(region)), Opinion.id.in_(accepted)).order_by(Opinion.id))
        return [(i, n, t or "", c) for i, n, t, c in rows if c in known]
    rows = db.session.execute(
        select(Opinion.id, Opinion.number, Opinion.text, Assignment.unit_id, Assignment.round, Assignment.id)
        .join(Assignment, Assignment.opinion_id == Opinion.id)
        .join(HandlingUnit, HandlingUnit.id == Assignment.unit_id)
        .where(Opinion.id.in_(_region_opinions(region)), Assignment.role == "lead",
               Assignment.status.not_in(("withdrawn", "refused")), HandlingUnit.active.is_(True))
        .order_by(Opinion.id, Assignment.round, Assignment.id))
    latest = {}
    for opinion_id, number, body, unit_id, _round, _id in rows:
        latest[opinion_id] = (opinion_id, number, body or "", str(unit_id))
    return list(latest.values())


# -- training ----------------------------------------------------------------------

def fit(texts: list[str], labels: list[str], ignore=()) -> dict:
    """The fitted model (a plain dict, what is dumped): vectorizer, classifier, rows."""
    from sklearn.linear_model import LogisticRegression

    vectorizer = text.TextVectorizer(ignore=ignore)
    matrix = vectorizer.fit_transform(texts)
    classifier = LogisticRegression(C=20.0, max_iter=2000)
    classifier.fit(matrix, labels)
    return {"vectorizer": vectorizer, "classifier": classifier, "matrix": matrix,
            "labels": list(labels), "word_count": len(vectorizer.words.vocabulary_)}


def _dump(model: dict) -> bytes:
    import joblib

    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    return buffer.getvalue()


def _load(blob: bytes) -> dict:
    import joblib

    return joblib.load(io.BytesIO(blob))


def train(region: Region) -> dict[str, int]:
    """Train (or drop) the region's models of both kinds; flushes. Returns samples per kind
    (0: too few decisions or one class, no model kept)."""
    ignore = text.place_words(region)
    minimum = int(current_app.config["ROUTING_MIN_SAMPLES"])
    done = {}
    for kind in KINDS:
        rows = labelled(region, kind)
        labels = [r[3] for r in rows]
        db.session.execute(delete(RoutingModel).where(RoutingModel.region_id == region.id,
                                                      RoutingModel.kind == kind))
        if len(rows) < minimum or len(set(labels)) < 2:
            done[kind] = 0
            continue
        model = fit([r[2] for r in rows], labels, ignore)
        model["numbers"] = [r[1] for r in rows]
        db.session.add(RoutingModel(region_id=region.id, kind=kind, trained_at=clock.now(), samples=len(rows),
                                    classes=len(set(labels)), blob=_dump(model)))
        done[kind] = len(rows)
    db.session.flush()
    return done


def training_regions(region: Region | None = None) -> list[Region]:
    """The region scopes at or under ``region`` (every district, or the tops without one)."""
    query = select(Station.id).where(Station.active.is_(True))
    if region is not None:
        query = query.where(in_region_clause(region))
    found = {}
    for station_id in db.session.scalars(query):
        scope = scope_region(station_id)
        if scope is not None:
            found[scope.id] = scope
    if region is not None and not found and region.level == "district":
        found[region.id] = region
    return sorted(found.values(), key=lambda r: r.path)


@with_app
def train_all() -> dict[int, dict[str, int]]:
    """The periodic job: retrain every region scope (each committed on its own)."""
    done = {}
    for region in training_regions():
        done[region.id] = train(region)
        checkpoint()
    return done


# -- suggesting --------------------------------------------------------------------

def _model(region_id: int, kind: str) -> dict | None:
    row = db.session.execute(select(RoutingModel.id, RoutingModel.trained_at, RoutingModel.samples,
                                    func.length(RoutingModel.blob)).where(
        RoutingModel.region_id == region_id, RoutingModel.kind == kind)).first()
    if row is None:
        return None
    key, stamp = (region_id, kind), tuple(row)  # a retrained model differs in one of them
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    blob = db.session.scalar(select(RoutingModel.blob).where(RoutingModel.id == row.id))
    model = _load(blob)
    text.add_place_words(model["vectorizer"].ignore)  # this process segments as the training did
    with _cache_lock:
        _cache[key] = (stamp, model)
    return model


def predict(model: dict, body: str) -> dict | None:
    """``{"label", "confidence", "reasons"}`` for ``body``, or None below the thresholds."""
    import numpy as np

    cfg = current_app.config
    vector = model["vectorizer"].transform([body or ""])
    if vector.nnz == 0:
        return None
    similarity = (model["matrix"] @ vector.T).toarray().ravel()
    if similarity.max(initial=0.0) < float(cfg["ROUTING_MIN_SIMILARITY"]):
        return None
    classifier = model["classifier"]
    probabilities = classifier.predict_proba(vector)[0]
    best = int(np.argmax(probabilities))
    confidence = float(probabilities[best])
    if confidence < float(cfg["ROUTING_MIN_CONFIDENCE"]):
        return None
    label = str(classifier.classes_[best])
    return {"label": label, "confidence": round(confidence, 3), "reasons": _reasons(model, vector, best, label,
                                                                                   similarity)}


def _reasons(model: dict, vector, best: int, label: str, similarity) -> list[str]:
    classifier = model["classifier"]
    coef = classifier.coef_[best] if classifier.coef_.shape[0] > 1 else (
        classifier.coef_[0] if best == 1 else -classifier.coef_[0])
    words = model["vectorizer"].words.get_feature_names_out()
    row = vector.tocoo()
    weighed = sorted(((float(v * coef[i]), str(words[i])) for i, v in zip(row.col, row.data)
                      if i < model["word_count"] and v * coef[i] > 0), reverse=True)
    reasons = [w for _, w in weighed[:REASON_WORDS]]
    if reasons:
        return reasons
    order = [i for i in similarity.argsort()[::-1] if model["labels"][i] == label][:REASON_CASES]
    return [f"类似案件 {model['numbers'][i]}" for i in order if similarity[i] > 0]


def suggest_for(opinion: Opinion) -> dict[str, dict | None]:
    """The API's answer: ``{"category": {...}|None, "unit": {...}|None}``."""
    region = scope_region(opinion.station_id)
    out: dict[str, dict | None] = {"category": None, "unit": None}
    if region is None:
        return out
    for kind in KINDS:
        model = _model(region.id, kind)
        guess = predict(model, opinion.text) if model else None
        if guess is None:
            continue
        if kind == "category":
            label = categories().get(guess["label"])
            if label is not None:
                out[kind] = {"key": guess["label"], "label": label, "confidence": guess["confidence"],
                             "reasons": guess["reasons"]}
        else:
            unit = db.session.get(HandlingUnit, int(guess["label"]))
            if unit is not None and unit.active:
                out[kind] = {"id": unit.id, "name": unit.name, "confidence": guess["confidence"],
                             "reasons": guess["reasons"]}
    return out


# -- was it taken? -----------------------------------------------------------------

def record_choice(opinion: Opinion, decision, event=None, **_) -> None:
    """``opinions.operations.decided``: on 受理 and 交办, note the suggestion and the choice."""
    if decision.action == "accept":
        kind, chosen = "category", opinion.category
    elif decision.action == "assign":
        p = decision.payload
        kind, chosen = "unit", str(p.get("lead_unit_id") or (p.get("unit_ids") or [""])[0])
    else:
        return
    try:
        made = suggest_for(opinion)[kind]
    except Exception:  # a broken model must never stop a case being handled
        log.exception("routing suggestion failed for opinion %s", opinion.id)
        return
    if made is None:
        return
    suggested = made["key"] if kind == "category" else str(made["id"])
    db.session.add(RoutingChoice(opinion_id=opinion.id, station_id=opinion.station_id, kind=kind,
                                 suggested=suggested, confidence=made["confidence"], chosen=chosen,
                                 accepted=suggested == chosen, decided_at=clock.now()))


def month_share(region: Region, month) -> dict:
    from ..stats.figures import add_months

    first = clock.start_of_china_month(month)
    return share(region, first, clock.start_of_china_month(add_months(month, 1)))


def report_fields(region: Region, month, **_) -> dict:
    """``stats.queries.report_fields``: the month's ``routing`` share in the region report's JSON."""
    return {"routing": month_share(region, month)}


ROUTING_ROWS = (("category", "意见分类"), ("unit", "承办单位"))


def region_section(region: Region, month, **_) -> dict:
    """``stats.sections.region_sections``: the same share on the report page and in its Excel file."""
    data = month_share(region, month)
    rows = [[label, data[kind]["suggested"], data[kind]["accepted"],
             "" if data[kind]["share"] is None else f"{data[kind]['share'] * 100:.1f}%"]
            for kind, label in ROUTING_ROWS]
    return {"key": "routing", "title": "分办建议采纳情况", "sheet": "分办建议",
            "columns": ["建议", "给出建议（件）", "采纳（件）", "采纳率"], "rows": rows, "widths": [16, 14, 12, 10],
            "note": "受理（分类）和交办（主办单位）时系统给出建议的件数，及工作人员选择与建议一致的件数。",
            "link": None, "link_text": ""}


def share(region: Region, first: datetime, last: datetime) -> dict:
    """Suggestions made and taken on decisions in [first, last) at the region's stations:
    ``{"category": {"suggested", "accepted", "share"}, "unit": {...}}`` (share None when none)."""
    stations = select(Station.id).where(Station.region_id.in_(regions_under([region.path])))
    rows = dict(((kind, accepted), n) for kind, accepted, n in db.session.execute(
        select(RoutingChoice.kind, RoutingChoice.accepted, func.count()).where(
            RoutingChoice.station_id.in_(stations), RoutingChoice.decided_at >= first,
            RoutingChoice.decided_at < last).group_by(RoutingChoice.kind, RoutingChoice.accepted)))
    out = {}
    for kind in KINDS:
        taken, total = rows.get((kind, True), 0), rows.get((kind, True), 0) + rows.get((kind, False), 0)
        out[kind] = {"suggested": total, "accepted": taken, "share": round(taken / total, 4) if total else None}
    return out
