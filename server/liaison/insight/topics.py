"""Recurring topics of a region's opinions (民意研判): read, compute, store, answer.

The opinions of a period are those created in its months (China time) at the stations of
the region's subtree (``places.scopes.regions_under``), less the scrubbed ones (their text
is gone) and those WeChat called risky. ``insight.clustering`` groups them; each topic is
stored with its label, keywords, size, stations, trend (against the previous period of
the same length: for 2026-03..2026-05, 2025-12..2026-02), opinion ids (most central
first) and examples (the three most central, their first 60 characters).

A period's topics are computed on demand when none are stored (``topics_for``) and kept
current by the periodic job ``insight.jobs.recompute_topics`` (every hour: each stored
period that reaches last month or later, and the default period, the last three months,
for every region with an NPC office).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..core import clock
from ..core.db import db
from ..core.errors import DomainError
from ..core.transaction import retry_on_race
from ..opinions.models import Opinion
from ..opinions.states import SEC_HIDDEN
from ..places.models import Region, Station
from ..places.scopes import regions_under
from ..stats.figures import add_months
from . import clustering, text
from .models import Topic, TopicRun

MAX_MONTHS = 24
DEFAULT_MONTHS = 3  # the API's and the page's period without from: the last three months
SUMMARY_LENGTH = 60


class TopicPeriodError(DomainError):
    status = 422
    code = "validation_error"


def month_count(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def check_period(first: date, last: date) -> None:
    if first > last:
        raise TopicPeriodError(None, "起始月份不能晚于结束月份", fields={"from": ["起始月份不能晚于结束月份"]})
    if month_count(first, last) > MAX_MONTHS:
        message = f"时间跨度不能超过 {MAX_MONTHS} 个月"
        raise TopicPeriodError(None, message, fields={"from": [message]})


def previous_period(first: date, last: date) -> tuple[date, date]:
    """The period of the same length just before ``first``..``last``."""
    n = month_count(first, last)
    return add_months(first, -n), add_months(first, -1)


def summary(value: str) -> str:
    value = " ".join((value or "").split())
    return value if len(value) <= SUMMARY_LENGTH else value[:SUMMARY_LENGTH] + "…"


def opinions_of(region: Region, first: date, last: date) -> list[tuple[clustering.Item, str]]:
    """(item, station name) of every opinion of the period in the region's subtree, by id."""
    start = clock.start_of_china_month(first)
    end = clock.start_of_china_month(add_months(last, 1))
    rows = db.session.execute(
        select(Opinion.id, Opinion.number, Opinion.text, Opinion.station_id, Station.name)
        .join(Station, Station.id == Opinion.station_id)
        .where(Station.region_id.in_(regions_under([region.path])),
               Opinion.created_at >= start, Opinion.created_at < end,
               Opinion.scrubbed_at.is_(None), Opinion.sec_check.notin_(SEC_HIDDEN))
        .order_by(Opinion.id))
    return [(clustering.Item(id=r.id, text=r.text, station_id=r.station_id, number=r.number), r.name) for r in rows]


def compute(region: Region, first: date, last: date) -> TopicRun:
    """Compute the period's topics and store them (replacing those stored); flushes only."""
    check_period(first, last)
    rows = opinions_of(region, first, last)
    items = [item for item, _ in rows]
    station_names = {item.station_id: name for item, name in rows}
    before = [item for item, _ in opinions_of(region, *previous_period(first, last))]
    ignore = text.place_words(region)  # a topic is a matter, not a street: place names weigh nothing
    found, unclustered = clustering.find_topics(items, before, ignore=ignore)

    def write() -> TopicRun:
        run = db.session.scalar(select(TopicRun).where(TopicRun.region_id == region.id,
                                                       TopicRun.first_month == first,
                                                       TopicRun.last_month == last))
        if run is None:
            run = TopicRun(region_id=region.id, first_month=first, last_month=last)
            db.session.add(run)
        run.opinions, run.unclustered, run.computed_at = len(items), unclustered, clock.now()
        run.topics.clear()
        db.session.flush()
        for position, topic in enumerate(found):
            members = [items[m] for m in topic.members]
            counts: dict[int, int] = {}
            for item in members:
                counts[item.station_id] = counts.get(item.station_id, 0) + 1
            stations = [{"id": sid, "name": station_names[sid], "count": n}
                        for sid, n in sorted(counts.items(), key=lambda kv: (-kv[1], station_names[kv[0]]))]
            examples = [{"id": i.id, "number": i.number, "summary": summary(i.text),
                         "station": station_names[i.station_id]} for i in members[:clustering.EXAMPLES]]
            run.topics.append(Topic(position=position, label=topic.label[:60], keywords=topic.keywords,
                                    size=len(members), stations=stations,
                                    trend=clustering.trend(len(members), topic.previous),
                                    opinion_ids=[i.id for i in members], examples=examples))
        db.session.flush()
        return run

    return retry_on_race(write)


def stored(region: Region, first: date, last: date) -> TopicRun | None:
    return db.session.scalar(select(TopicRun).where(TopicRun.region_id == region.id, TopicRun.first_month == first,
                                                    TopicRun.last_month == last))


def answer(run: TopicRun) -> dict:
    return {
        "from": run.first_month.strftime("%Y-%m"), "to": run.last_month.strftime("%Y-%m"),
        "computed_at": clock.iso(run.computed_at), "opinions": run.opinions,
        "topics": [{"id": t.id, "label": t.label, "keywords": list(t.keywords), "size": t.size,
                    "stations": list(t.stations), "trend": dict(t.trend), "opinion_ids": list(t.opinion_ids),
                    "examples": list(t.examples)} for t in run.topics],
        "unclustered": run.unclustered,
    }


def topics_for(region: Region, first: date, last: date) -> dict:
    """The stored topics of the period, computed now when there are none."""
    check_period(first, last)
    run = stored(region, first, last) or compute(region, first, last)
    return answer(run)
