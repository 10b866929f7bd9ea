"""Texts and rating comments through WeChat's msgSecCheck v2, which takes an openid only
within two hours of its last visit: a text WeChat cannot check goes to staff review once
(never retried forever), an outage is rechecked inside the window, and one row WeChat
fails on never holds up the others."""
from __future__ import annotations

from datetime import timedelta

from content_helpers import (
    RISKY, advance_fake_clock, answers, calls, later, opinion, sweep,
)

CHECK = "/wxa/msg_sec_check"
HOURS_3 = 3 * 3600


def test_text_of_a_resident_gone_three_hours_goes_to_staff_review_without_a_retry(
        app, submit, phone, client, who, fake_wechat):
    phone.fault(CHECK, 1, status=503)
    op_id = submit().get_json()["opinion"]["id"]
    assert len(calls(fake_wechat, CHECK)) == 1
    advance_fake_clock(fake_wechat, HOURS_3)
    three_hours = later(app, "demo-resident", hours=3)
    assert sweep(app, three_hours)["texts"] == {"manual": 1}
    assert len(calls(fake_wechat, CHECK)) == 1  # outside WeChat's window: not even tried
    staff = opinion(client, who("demo-liaison"), op_id)
    assert (staff["state"], staff["hold_reason"], staff["sec_check"]) == ("on_hold", "unchecked_content", "manual")
    assert staff["hold_reason_label"] == "未能自动检测，待人工审核"
    assert any("近两小时未使用小程序" in (e["note"] or "") for e in staff["events"])
    assert "release_hold" in staff["allowed_actions"]
    assert sweep(app, three_hours + timedelta(hours=1))["texts"] == {}  # nothing left to retry
    assert len(calls(fake_wechat, CHECK)) == 1
    resident = opinion(client, who("demo-resident"), op_id)
    assert resident["sec_check"] is None and all(e["action"] != "hold" for e in resident["events"])


def test_wechat_refusing_a_stale_openid_sends_the_text_to_staff_review_once(
        app, submit, phone, client, who, fake_wechat):
    phone.fault(CHECK, 1, status=503)
    op_id = submit().get_json()["opinion"]["id"]
    advance_fake_clock(fake_wechat, HOURS_3)  # WeChat has not seen the resident for 3 hours,
    soon = later(app, "demo-resident", minutes=30)  # though the backend saw them 30 minutes ago
    assert sweep(app, soon)["texts"] == {"manual": 1}
    assert answers(fake_wechat, CHECK) == [None, 61010]
    assert sweep(app, soon + timedelta(minutes=10))["texts"] == {}
    assert answers(fake_wechat, CHECK) == [None, 61010]  # not asked again
    staff = opinion(client, who("demo-liaison"), op_id)
    assert (staff["state"], staff["sec_check"]) == ("on_hold", "manual")


def test_one_row_wechat_fails_on_does_not_hold_up_the_next(app, submit, phone, client, who, fake_wechat):
    phone.fault(CHECK, 2, status=503)
    first = submit(openid="demo-resident").get_json()["opinion"]["id"]
    second = submit(openid="demo-resident2", text=RISKY).get_json()["opinion"]["id"]
    phone.fault(CHECK, 1, status=503)  # WeChat fails once more: on the first row
    now = later(app, "demo-resident2", minutes=5)
    assert sweep(app, now)["texts"] == {"pending": 1, "risky": 1}
    staff = who("demo-liaison")
    assert opinion(client, staff, first)["sec_check"] == "pending"
    held = opinion(client, staff, second)
    assert (held["sec_check"], held["state"], held["hold_reason"]) == ("risky", "on_hold", "risky_content")
    assert sweep(app, now + timedelta(minutes=10))["texts"] == {"pass": 1}  # its turn came
    assert opinion(client, staff, first)["state"] == "submitted"


def test_text_that_cannot_be_checked_at_submit_is_held_with_the_reason(app, submit, client, who,
                                                                      fake_wechat):
    who("demo-resident")  # logged in (wx.login) three hours ago, by WeChat's clock
    advance_fake_clock(fake_wechat, HOURS_3)
    op = submit().get_json()["opinion"]
    assert answers(fake_wechat, CHECK) == [61010]
    staff = opinion(client, who("demo-liaison"), op["id"])
    assert (staff["state"], staff["hold_reason"], staff["sec_check"]) == ("on_hold", "unchecked_content", "manual")
    assert staff["sec_check_label"] == "未能自动检测，待人工审核"


def _replied(submit, act, world) -> int:
    op_id = submit(deputy_id=world["deputy_id"]).get_json()["opinion"]["id"]
    assert act("demo-liaison", op_id, "accept").status_code == 200
    assert act("demo-liaison", op_id, "reply_directly", text="路灯已修复。", method="phone").status_code == 200
    return op_id


def test_risky_rating_comment_is_shown_to_staff_only(app, submit, act, world, client, who):
    op_id = _replied(submit, act, world)
    r = act("demo-resident", op_id, "rate", rating="unsatisfied", comment="拖了很久，楼下还有人赌博没人管")
    assert r.status_code == 200
    for person in ("demo-resident", "demo-deputy"):
        rating = opinion(client, who(person), op_id)["rating"]
        assert (rating["comment"], rating["comment_hidden"], rating["rating"]) == ("", True, "unsatisfied")
    staff = opinion(client, who("demo-liaison"), op_id)
    assert staff["rating"]["comment"] == "拖了很久，楼下还有人赌博没人管"
    assert staff["rating"]["sec_check"] == "risky" and staff["state"] == "reviewing"
    assert any("评价意见经微信检测疑似违规（违法犯罪）" in (e["note"] or "") for e in staff["events"])


def test_rating_comment_checked_again_after_an_outage(app, submit, act, world, client, who, phone):
    op_id = _replied(submit, act, world)
    phone.fault(CHECK, 1, status=503)
    assert act("demo-resident", op_id, "rate", rating="satisfied", comment="谢谢，但门口还有人赌博").status_code == 200
    assert opinion(client, who("demo-resident"), op_id)["rating"]["comment"] == "谢谢，但门口还有人赌博"
    assert opinion(client, who("demo-deputy"), op_id)["rating"]["comment_hidden"] is True  # not cleared yet
    assert opinion(client, who("demo-liaison"), op_id)["rating"]["sec_check"] == "pending"
    assert sweep(app, later(app, "demo-resident", minutes=20))["texts"] == {"risky": 1}
    assert opinion(client, who("demo-resident"), op_id)["rating"]["comment_hidden"] is True


def test_clean_rating_comment_is_shown_to_everyone(submit, act, world, client, who):
    op_id = _replied(submit, act, world)
    assert act("demo-resident", op_id, "rate", rating="satisfied", comment="修得很快，谢谢！").status_code == 200
    rating = opinion(client, who("demo-deputy"), op_id)["rating"]
    assert rating["comment"] == "修得很快，谢谢！" and "comment_hidden" not in rating
