"""The demo's sample opinions go through the real operations and cover the chain."""
from liaison.core.db import db
from liaison.opinions.demo import SAMPLES, load_demo_opinions
from liaison.opinions.models import Opinion, OpinionEvent


def test_sample_opinions_cover_every_stage_once(app, demo, runner):
    result = runner.invoke(args=["demo", "opinions"])
    assert result.exit_code == 0, result.output
    assert f"已生成 {len(SAMPLES)} 条示例意见" in result.output
    with app.app_context():
        states = sorted(o.state for o in db.session.query(Opinion))
        assert states == sorted(["submitted", "accepted", "assigned", "replied", "closed", "declined"])
        assert db.session.query(OpinionEvent).count() > len(SAMPLES)
        assert load_demo_opinions() == 0  # only into an empty database


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
        summons = db.session.query(Notification).filter_by(audience="deputy", event="summoned").all()
        assert summons and {n.status for n in summons} == {"sent"}
    messages = requests.get(f"{fake_wechat}/_fake/messages", timeout=5).json()["messages"]
    to_deputy = [m for m in messages if m["touser"] == "oa-demo-deputy"]
    assert "tmpl-oa-deputy-summon" in {m["template_id"] for m in to_deputy}
    assert len([m for m in to_deputy if m["template_id"] == "tmpl-oa-deputy-summon"]) == len(summons)
    assert pages_not_found(app, messages) == []
