"""Consultation writes: publish, comment, hide, close, publish the outcome (no commit here:
the request's one commit, ``core.transaction``, writes each with its audit rows and messages).

State (the one reading, from ``core.clock``): ``scheduled`` before ``opens_on``, ``open``
from ``opens_on`` to ``closes_on`` inclusive (China's calendar), ``closed`` after it or
once the office closed it early.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from ..audit.log import record
from ..core import clock
from ..core.db import db
from ..core.errors import ApiError
from ..opinions import content_check
from ..places.models import Deputy, Region, Station
from ..places.scopes import Scope, seated_deputy_user_ids
from . import access, articles
from .models import Consultation, ConsultationArticle, ConsultationComment

SCHEDULED, OPEN, CLOSED = "scheduled", "open", "closed"
STATE_LABELS = {SCHEDULED: "未开始", OPEN: "征集中", CLOSED: "已结束"}
MAX_COMMENT = 2000
MAX_COMMENTS_PER_PERSON = 50
MAX_DAYS = 366
RISKY_REASON = "内容经微信检测疑似违规，已自动隐藏"


def state(consultation: Consultation, today: date | None = None) -> str:
    today = today or clock.today()
    if consultation.closed_at is not None or today > consultation.closes_on:
        return CLOSED
    if today < consultation.opens_on:
        return SCHEDULED
    return OPEN


def _check_targets(region: Region, station_ids: list[int], region_ids: list[int]) -> None:
    for station_id in station_ids:
        station = db.session.get(Station, station_id)
        path = db.session.get(Region, station.region_id).path if station is not None else None
        if station is None or not station.active or not path.startswith(region.path):
            raise ApiError(422, "target_outside", f"联络站（编号 {station_id}）不在{region.name}范围内，不能作为征集对象")
    for region_id in region_ids:
        target = db.session.get(Region, region_id)
        if target is None or not target.path.startswith(region.path):
            raise ApiError(422, "target_outside", f"区域（编号 {region_id}）不在{region.name}范围内，不能作为征集对象")


def publish(user, scope: Scope, data: dict) -> Consultation:
    """A new consultation from the office's form (``ConsultationIn``)."""
    region = access.publishing_region(scope, data.get("region_id"))
    title = " ".join((data.get("title") or "").split())
    if not title:
        raise ApiError(422, "title_required", "请填写草案名称")
    opens_on, closes_on = data.get("opens_on") or clock.today(), data["closes_on"]
    if closes_on < opens_on:
        raise ApiError(422, "dates_invalid", "截止日期不能早于开始日期")
    if closes_on < clock.today():
        raise ApiError(422, "dates_invalid", "截止日期已经过去了")
    if (closes_on - opens_on).days > MAX_DAYS:
        raise ApiError(422, "dates_invalid", "征集期最长一年")
    station_ids = sorted(set(data.get("station_ids") or []))
    region_ids = sorted(set(data.get("region_ids") or []))
    _check_targets(region, station_ids, region_ids)
    if not station_ids and not region_ids:
        region_ids = [region.id]  # nothing chosen: every station of the office's region
    draft = articles.split(data.get("text") or "")
    if not draft.articles and not draft.preamble.strip():
        raise ApiError(422, "text_required", "请填写或上传草案全文")
    consultation = Consultation(
        region_id=region.id, title=title[:200], summary=(data.get("summary") or "").strip(),
        preamble=draft.preamble, opens_on=opens_on, closes_on=closes_on, station_ids=station_ids,
        target_region_ids=region_ids, created_by_id=user.id, created_at=clock.now())
    consultation.articles = [ConsultationArticle(number=a.number, label=a.label, chapter=a.chapter, text=a.text)
                             for a in draft.articles]
    db.session.add(consultation)
    db.session.flush()
    if not access.target_station_ids(consultation):
        raise ApiError(422, "no_stations", "所选范围内没有联络站")
    record("consultation.published", "consultation", consultation.id, actor=user, subject=title,
           after={"opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat(),
                  "articles": len(draft.articles)}, region_id=region.id)
    if state(consultation) == OPEN:
        consultation.deputies_notified_at = clock.now()
        notify_deputies(consultation)
    return consultation


def notify_deputies(consultation: Consultation) -> int:
    """Tell the deputies seated at its stations (home and cross seats) that it is open."""
    from ..notifications import outbox

    users = sorted({u for s in access.target_station_ids(consultation) for u in seated_deputy_user_ids(s, None)})
    body = (f"《{consultation.title}》正在征求意见，截止{_day(consultation.closes_on)}。"
            "请您阅读草案并发表意见，也请向群众宣传。")
    for user_id in users:
        outbox.emit_direct(user_id, "consultation_opened", consultation.title, body,
                           {"consultation_id": consultation.id, "deadline": consultation.closes_on},
                           dedupe_key=f"consultation:{consultation.id}:opened:{user_id}", audience="deputy")
    if users:
        outbox.kick_after_commit()
    return len(users)


def claim_opening(consultation_id: int) -> bool:
    """Mark a consultation's deputies as told; False when another run did it first."""
    claimed = db.session.execute(update(Consultation).where(
        Consultation.id == consultation_id, Consultation.deputies_notified_at.is_(None))
        .values(deputies_notified_at=clock.now()).execution_options(synchronize_session=False))
    return claimed.rowcount == 1


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def comment(user, scope: Scope, consultation: Consultation, article_number: int | None, text: str) -> ConsultationComment:
    """A comment on the whole draft (``article_number`` None) or on one article."""
    if state(consultation) != OPEN:
        raise ApiError(409, "consultation_not_open",
                       "意见征集还没有开始" if state(consultation) == SCHEDULED else "意见征集已经结束")
    text = (text or "").strip()
    if len(text) < 2:
        raise ApiError(422, "text_required", "请填写您的意见（至少 2 个字）")
    if len(text) > MAX_COMMENT:
        raise ApiError(422, "text_too_long", f"意见最多 {MAX_COMMENT} 字")
    if article_number is not None and not any(a.number == article_number for a in consultation.articles):
        raise ApiError(422, "article_not_found", "草案中没有这一条")
    mine = db.session.scalar(select(func.count()).select_from(ConsultationComment).where(
        ConsultationComment.consultation_id == consultation.id, ConsultationComment.user_id == user.id))
    if mine >= MAX_COMMENTS_PER_PERSON:
        raise ApiError(429, "too_many_comments", f"每人对一次意见征集最多提 {MAX_COMMENTS_PER_PERSON} 条意见")
    now, visiting = clock.now(), content_check.from_miniprogram()
    verdict = content_check.check_text(user, text, now, visiting)
    if visiting:
        user.mp_active_at = now
    row = ConsultationComment(consultation_id=consultation.id, article_number=article_number, user_id=user.id,
                              deputy_id=scope.deputy_id if access.deputy_station_ids(scope, consultation) else None,
                              text=text, created_at=now, sec_check=verdict.status)
    if verdict.status == "risky":
        row.hidden_at, row.hidden_reason = now, RISKY_REASON
    db.session.add(row)
    db.session.flush()
    return row


def hide(user, consultation: Consultation, comment_id: int, reason: str) -> ConsultationComment:
    """Hide a comment from the export and the count (its text is kept); its author is told."""
    row = db.session.get(ConsultationComment, comment_id)
    if row is None or row.consultation_id != consultation.id:
        raise ApiError(404, "comment_not_found", "没有找到这条意见")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ApiError(422, "reason_required", "请填写隐藏的原因")
    if len(reason) > 255:
        raise ApiError(422, "reason_too_long", "原因最多 255 字")
    if row.hidden_at is not None:
        raise ApiError(409, "comment_hidden", "这条意见已经隐藏了")
    row.hidden_at, row.hidden_by_id, row.hidden_reason = clock.now(), user.id, reason
    record("consultation.comment_hidden", "consultation", consultation.id, actor=user,
           subject=consultation.title, after={"comment": row.id, "reason": reason}, region_id=consultation.region_id)
    from ..notifications import outbox

    outbox.emit_direct(row.user_id, "consultation_comment_hidden", "您的意见已被隐藏",
                       f"您对《{consultation.title}》提出的一条意见已被隐藏，原因：{reason}",
                       {"consultation_id": consultation.id},
                       dedupe_key=f"consultation:{consultation.id}:hidden:{row.id}",
                       audience="deputy" if row.deputy_id else "resident")
    outbox.kick_after_commit()
    return row


def close(user, consultation: Consultation) -> Consultation:
    if state(consultation) == CLOSED:
        raise ApiError(409, "consultation_closed", "意见征集已经结束")
    consultation.closed_at, consultation.closed_by_id = clock.now(), user.id
    record("consultation.closed", "consultation", consultation.id, actor=user, subject=consultation.title,
           region_id=consultation.region_id)
    return consultation


def publish_outcome(user, consultation: Consultation, text: str) -> Consultation:
    """What became of the draft (adopted suggestions); every commenter is told."""
    if state(consultation) != CLOSED:
        raise ApiError(409, "consultation_not_closed", "意见征集结束后才能公布采纳情况")
    text = (text or "").strip()
    if not text:
        raise ApiError(422, "text_required", "请填写意见采纳情况")
    if len(text) > 20_000:
        raise ApiError(422, "text_too_long", "采纳情况最多 20000 字")
    consultation.outcome, consultation.outcome_at = text, clock.now()
    consultation.outcome_version = (consultation.outcome_version or 0) + 1
    record("consultation.outcome", "consultation", consultation.id, actor=user, subject=consultation.title,
           after={"version": consultation.outcome_version}, region_id=consultation.region_id)
    from ..notifications import outbox

    authors: dict[int, bool] = {}
    for user_id, deputy_id in db.session.execute(select(
            ConsultationComment.user_id, ConsultationComment.deputy_id).where(
            ConsultationComment.consultation_id == consultation.id)):
        authors[user_id] = authors.get(user_id, False) or deputy_id is not None
    body = f"您参与的《{consultation.title}》意见征集已公布意见采纳情况，感谢您的参与。"
    for user_id, as_deputy in sorted(authors.items()):
        outbox.emit_direct(user_id, "consultation_outcome", "意见采纳情况已公布", body,
                           {"consultation_id": consultation.id},
                           dedupe_key=f"consultation:{consultation.id}:outcome:{consultation.outcome_version}:{user_id}",
                           audience="deputy" if as_deputy else "resident")
    if authors:
        outbox.kick_after_commit()
    return consultation


def comments_of(consultation: Consultation) -> list[ConsultationComment]:
    return list(db.session.scalars(select(ConsultationComment).where(
        ConsultationComment.consultation_id == consultation.id).order_by(ConsultationComment.id)))


def deputy_names(comments) -> dict[int, str]:
    ids = {c.deputy_id for c in comments if c.deputy_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(Deputy.id, Deputy.name).where(Deputy.id.in_(ids))).all())
