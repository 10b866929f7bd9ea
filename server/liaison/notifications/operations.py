"""Use cases behind the API: the in-app message list, and the outbox as staff see it."""
from __future__ import annotations

from sqlalchemy import func, select, update

from ..core.clock import in_china
from ..places.scopes import managed_station_ids, scope_of
from ..core.db import db
from ..core.errors import ApiError
from ..opinions.models import Opinion
from ..users.models import User
from .models import Message, Notification


def local(moment):
    return in_china(moment).replace(microsecond=0) if moment is not None else None


def list_messages(user, page: int, per_page: int) -> dict:
    """The user's in-app messages, newest first."""
    base = select(Message).where(Message.user_id == user.id)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    unread = db.session.scalar(select(func.count(Message.id)).where(
        Message.user_id == user.id, Message.read.is_(False)))
    rows = db.session.scalars(base.order_by(Message.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).all()
    items = [{"id": m.id, "event": m.event, "title": m.title, "body": m.body,
              "opinion_id": m.opinion_id, "at": local(m.created_at), "read": m.read} for m in rows]
    return {"items": items, "total": total, "unread": unread, "page": page, "per_page": per_page}


def mark_read(user, message_id: int) -> None:
    """Mark one of the user's messages read (commits); another's message is 404."""
    result = db.session.execute(update(Message).where(
        Message.id == message_id, Message.user_id == user.id).values(read=True))
    if result.rowcount != 1:
        db.session.rollback()
        raise ApiError(404, "not_found", "消息不存在")
    db.session.flush()


def _staff_stations(user) -> list[int]:
    scope = scope_of(user)
    if not scope.is_staff:
        raise ApiError(403, "forbidden", "只有联络站工作人员可以查看消息投递情况")
    return managed_station_ids(scope)


def _scoped(stations: list[int]):
    return (select(Notification, Opinion, User)
            .join(Opinion, Notification.opinion_id == Opinion.id)
            .outerjoin(User, Notification.user_id == User.id)
            .where(Opinion.station_id.in_(stations or [-1])))


def notification_json(n: Notification, opinion, user) -> dict:
    return {
        "id": n.id, "event": n.event, "audience": n.audience, "channel": n.channel,
        "status": n.status, "attempts": n.attempts, "last_error": n.last_error,
        "user_id": n.user_id, "nickname": user.nickname if user else "",
        "opinion": ({"id": opinion.id, "number": opinion.number, "station_id": opinion.station_id}
                    if opinion else None),
        "created_at": local(n.created_at), "sent_at": local(n.sent_at),
        "next_attempt_at": local(n.next_attempt_at),
    }


def list_notifications(user, status: str, page: int, per_page: int) -> dict:
    """Outbox rows about opinions at the caller's stations (staff only), newest first."""
    query = _scoped(_staff_stations(user)).where(Notification.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.order_by(Notification.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return {"items": [notification_json(*row) for row in rows], "total": total,
            "page": page, "per_page": per_page}


def retry(user, notification_id: int) -> dict:
    """Put a failed row back in the queue with fresh attempts (commits)."""
    row = db.session.execute(_scoped(_staff_stations(user))
                             .where(Notification.id == notification_id)).first()
    if row is None:
        raise ApiError(404, "not_found", "这条消息不存在或不在您的联络站")
    result = db.session.execute(update(Notification).where(
        Notification.id == notification_id, Notification.status == "failed",
    ).values(status="pending", attempts=0, next_attempt_at=None, lease_until=None)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise ApiError(409, "conflict", "只有投递失败的消息可以重新发送")
    db.session.flush()
    db.session.refresh(row[0])
    return notification_json(*row)
