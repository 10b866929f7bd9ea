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
