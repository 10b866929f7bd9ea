"""The demo's opinions go through the real operations and give every page something to
show: each stage of the chain, a league table that ranks, overdue and re-handled cases.

The demo is made relative to the day it is loaded; the checks take their dates from
the data (its last change), never from the clock."""
from datetime import timedelta

from sqlalchemy import func, select

from liaison.core.db import db
from liaison.demo.opinions import load_demo_opinions
from liaison.opinions.models import Opinion, OpinionEvent
from liaison.opinions.states import OPEN_STATES
from liaison.core import clock
from liaison.places.models import Region


def test_demo_opinions_cover_the_chain_rank_deputies_and_include_overdue_and_rehandled_cases(app, demo, runner):
    from liaison.stats.league import league_table

    result = runner.invoke(args=["demo", "opinions"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        opinions = list(db.session.scalars(select(Opinion)))
        assert f"已生成 {len(opinions)} 条示例意见" in result.output
        states = {o.state for o in opinions}
        assert {"submitted", "accepted", "assigned", "replied", "closed", "declined"} <= states
        assert db.session.query(OpinionEvent).count() > 3 * len(opinions)
        loaded_on = max(o.updated_at for o in opinions).astimezone(clock.CHINA).date()
        assert [o for o in opinions if o.rounds >= 1 and o.state == "closed"], "a re-handled case"
        overdue = [o for o in opinions if o.state in OPEN_STATES and o.deadline and o.deadline < loaded_on]
        assert len(overdue) >= 3
        assert all(o.created_at.astimezone(clock.CHINA).date() <= loaded_on for o in opinions)

        yuelu = db.session.query(Region).filter_by(name="岳麓区").one()
        # The league's period is this year; on New Year's Day the history lies in the weeks before.
        new_year = loaded_on.replace(month=1, day=1)
        first = new_year if loaded_on > new_year else \
            min(o.created_at for o in opinions).astimezone(clock.CHINA).date().replace(day=1)
        table = league_table(yuelu, "deputy", first, loaded_on.replace(day=1), loaded_on)
        ranked = [(r["name"], r["cases"]) for r in table["ranked"]]
        assert len(ranked) >= 3 and all(cases >= 10 for _, cases in ranked), ranked
        assert "王明" in dict(ranked)
        assert len({r["lower_bound"] for r in table["ranked"]}) == len(ranked)  # a real order

        spread = loaded_on - min(o.created_at for o in opinions).astimezone(clock.CHINA).date()
        # Weeks of history, not one afternoon (the history stays inside this year: the league's period).
        assert spread >= min(timedelta(days=30), loaded_on - loaded_on.replace(month=1, day=1))
        assert load_demo_opinions() == 0  # only into an empty database

        # 王明's 我的建议 has something to show: one suggestion waiting, one answered.
        from liaison.opinions.models import Suggestion
        made = {s.title: s for s in db.session.scalars(select(Suggestion))}
        assert len(made) == 2
        assert sorted(s.state for s in made.values()) == ["answered", "filed"]
        answered = [s for s in made.values() if s.outcome]
        assert len(answered) == 1 and answered[0].unit_name == "岳麓区住房和城乡建设局"


def test_demo_deputy_receives_the_summon_message_in_the_demo(app, demo, runner, fake_wechat):
    """As scripts/run does it: the fake WeChat seeded by the devserver, the sample opinions,
    then the worker's sweep: 王明 (demo-deputy) gets the 点将 message on the official account."""
    import requests

    from liaison.devserver import seed_fake
    from liaison.notifications.jobs import deliver_pending
    from liaison.notifications.models import Notification
    from wechat_checks import pages_not_found

    seed_fake(fake_wechat)
    assert runner.invoke(args=["demo", "opinions"]).exit_code == 0
    with app.app_context():
        deliver_pending()
        from liaison.users.models import User

        wang = db.session.query(User).filter_by(mp_openid="demo-deputy").one()
        summons = db.session.query(Notification).filter_by(audience="deputy", event="summoned",
                                                            user_id=wang.id).all()
        # The cases dated in the weeks before loading keep their messages as history, unsent.
        sent = [n for n in summons if n.last_error != "演示数据中的历史记录，未发送"]
        assert sent and {n.status for n in sent} == {"sent"}
    messages = requests.get(f"{fake_wechat}/_fake/messages", timeout=5).json()["messages"]
    to_deputy = [m for m in messages if m["touser"] == "oa-demo-deputy"]
    assert "tmpl-oa-deputy-summon" in {m["template_id"] for m in to_deputy}
    assert len([m for m in to_deputy if m["template_id"] == "tmpl-oa-deputy-summon"]) == len(sent)
    assert pages_not_found(app, messages) == []


def test_demo_streets_are_real_and_each_appears_once(app, demo):
    from liaison.users.demo import DISTRICTS

    streets = [s for names in DISTRICTS.values() for s in names]
    assert len(streets) == len(set(streets)) and "桔子洲街道" not in streets
    with app.app_context():
        names = db.session.execute(select(Region.name, func.count()).where(Region.level.in_(("street", "town")))
                                   .group_by(Region.name)).all()
        assert names and all(count == 1 for _, count in names), names
