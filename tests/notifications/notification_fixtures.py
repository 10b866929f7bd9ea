"""Constants shared by the notification tests (the fixtures live in conftest.py)."""

SEND = "/cgi-bin/message/subscribe/send"
TEMPLATE_SEND = "/cgi-bin/message/template/send"
TOKEN = "/cgi-bin/stable_token"
LONG_TEXT = ("小区东门的路灯已经坏了三个多月，晚上出行很不方便，老人孩子容易摔倒，"
             "希望有关部门尽快维修。\n联系人：张先生")


def deliver_until_done(app, start, step=None, rounds=30):
    """Run sweeps, moving the clock forward (an hour a round), until nothing is pending
    or sending; returns the last instant."""
    from datetime import timedelta

    from liaison.core.db import db
    from liaison.notifications.jobs import deliver_pending
    from liaison.notifications.models import Notification

    now, step = start, step or timedelta(hours=1)
    with app.app_context():
        for _ in range(rounds):
            deliver_pending(now=now)
            left = db.session.query(Notification).filter(
                Notification.status.in_(("pending", "sending"))).count()
            db.session.rollback()
            if not left:
                return now
            now += step
    raise AssertionError("deliveries never finished")
