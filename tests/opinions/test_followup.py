"""After the reply: one 请评价 reminder, then a system close for cases nobody rates."""
from datetime import timedelta

from liaison.core import clock
from liaison.core.db import db
from liaison.opinions import deadlines
from liaison.opinions.followup import follow_up_replies
from liaison.opinions.models import Opinion, OpinionEvent
from liaison.opinions.states import state_group


def _replied(submit, act):
    op_id = submit().get_json()["opinion"]["id"]
    act("demo-liaison", op_id, "accept")
    assert act("demo-liaison", op_id, "reply_directly", text="路灯已于昨日修复，感谢反映。").status_code == 200
    return op_id


def _replied_days_ago(app, op_id, working_days):
    """Replied ``working_days`` working days before today, counted the way the job counts
    (today may be a holiday: on 2027-01-01 three working days back is only two between)."""
    today, day = clock.today(), clock.today()
    while deadlines.working_days_between(day, today) < working_days:
        day -= timedelta(days=1)
    with app.app_context():
        db.session.get(Opinion, op_id).replied_at = clock.start_of_china_day(day) + timedelta(hours=10)
        db.session.commit()


def test_unrated_reply_gets_one_reminder_then_is_closed_as_no_rating(app, submit, act, world):
    op_id = _replied(submit, act)
    with app.app_context():
        assert follow_up_replies() == {"reminded": 0, "closed": 0}  # replied today: wait
    _replied_days_ago(app, op_id, 3)
    with app.app_context():
        assert follow_up_replies() == {"reminded": 1, "closed": 0}
        assert follow_up_replies() == {"reminded": 0, "closed": 0}  # only once
        events = [e.action for e in db.session.query(OpinionEvent).filter_by(opinion_id=op_id)]
        assert events.count("rate_request") == 1
    _replied_days_ago(app, op_id, 15)
    with app.app_context():
        assert follow_up_replies() == {"reminded": 0, "closed": 1}
        opinion = db.session.get(Opinion, op_id)
        assert (opinion.state, opinion.close_reason) == ("closed", "no_rating")
        assert state_group(opinion.state, opinion.close_reason) == "resolved"


def test_rated_opinions_are_left_alone(app, submit, act, world):
    op_id = _replied(submit, act)
    assert act("demo-resident", op_id, "rate", rating="satisfied").status_code == 200
    _replied_days_ago(app, op_id, 20)
    with app.app_context():
        assert follow_up_replies() == {"reminded": 0, "closed": 0}
        assert db.session.get(Opinion, op_id).state == "rated"
