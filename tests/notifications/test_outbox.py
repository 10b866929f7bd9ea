"""emit(): who hears about what, through which channel, written in the caller's
transaction and never twice."""
from collections import namedtuple

import pytest
from sqlalchemy import select

from liaison.opinions.context import Notify
from liaison.opinions.workflow import TRANSITIONS

When = namedtuple("When", "audience event when")


def _messages(app, user_id=None):
    from liaison.core.db import db
    from liaison.notifications.models import Message

    with app.app_context():
        q = select(Message).order_by(Message.id)
        if user_id is not None:
            q = q.where(Message.user_id == user_id)
        out = [(m.user_id, m.event, m.title, m.body) for m in db.session.scalars(q)]
        db.session.rollback()
        return out


def test_each_audience_resolves_to_the_right_people(app, world, make_opinion, emit, rows):
    op = make_opinion(state="assigned", units=[world.unit])
    u = world.users
    written = emit(op, [Notify("resident", "assigned"), Notify("deputy", "state_changed"),
                        Notify("staff", "urged"), Notify("office", "unsatisfied"),
                        Notify("units", "urged")])
    got = {(a, e): sorted(uid for a2, e2, uid in written if (a2, e2) == (a, e))
           for a, e, _ in written}
    assert got[("resident", "assigned")] == [u["resident"]]
    assert got[("deputy", "state_changed")] == [u["deputy"]]  # the summoned one only
    assert got[("staff", "urged")] == sorted([u["liaison"], u["master"], u["no_oa_liaison"]])
    # NPC offices of the district and of the city contain the station; 天心区's does not.
    assert got[("office", "unsatisfied")] == sorted([u["office"], u["city_office"]])
    assert got[("units", "urged")] == [u["unit"]]  # the active assignment's unit
    channels = {(r["audience"], r["user_id"]): r["channel"] for r in rows()}
    assert channels[("resident", u["resident"])] == "subscribe"
    assert channels[("deputy", u["deputy"])] == "template"  # official account: see catalog.py
    assert channels[("staff", u["liaison"])] == "template"
    assert channels[("office", u["office"])] == "template"
    assert channels[("units", u["unit"])] == "template"
    assert all(r["status"] == "pending" and r["attempts"] == 0 for r in rows())


def test_every_recipient_gets_an_in_app_message_naming_the_opinion(app, world, make_opinion, emit):
    op = make_opinion()
    emit(op, [Notify("staff", "new_opinion"), Notify("deputy", "summoned")])
    msgs = _messages(app)
    assert {m[0] for m in msgs} == {world.users[k] for k in ("liaison", "master", "no_oa_liaison",
                                                             "deputy")}
    for user_id, event, title, body in msgs:
        assert "LL-2026-000001" in body and title
    deputy_msg = next(m for m in msgs if m[0] == world.users["deputy"])
    assert deputy_msg[2] == "群众点将" and "望月湖街道人大代表联络站" in deputy_msg[3]


def test_the_actor_is_never_notified_of_their_own_action(app, world, make_opinion, emit):
    op = make_opinion(state="assigned", units=[world.unit])
    written = emit(op, [Notify("staff", "urged")], actor=world.users["liaison"])
    assert world.users["liaison"] not in [uid for _, _, uid in written]
    assert world.users["master"] in [uid for _, _, uid in written]


def test_named_units_win_over_active_assignments(app, world, make_opinion, emit):
    op = make_opinion(state="assigned", units=[world.unit])
    written = emit(op, [Notify("units", "extension_rejected")], units=[world.other_unit])
    assert [uid for _, _, uid in written] == [world.users["other_unit"]]


def test_without_a_summoned_deputy_the_home_deputies_hear_of_changes(app, world, make_opinion, emit):
    op = make_opinion(state="accepted", deputy=False)
    written = emit(op, [Notify("deputy", "state_changed"), Notify("deputy", "summoned")])
    # The cross-station deputy 王明 is not told; nobody is "summoned" without a summons.
    assert written == [("deputy", "state_changed", world.users["home_deputy"])]


def test_a_rule_with_when_is_kept_only_in_those_states(app, world, make_opinion, emit):
    op = make_opinion(state="reviewing")
    written = emit(op, [When("staff", "rated", frozenset({"rated"})),
                        When("staff", "unsatisfied", frozenset({"reviewing"})),
                        When("resident", "reopened", None)])
    assert {e for _, e, _ in written} == {"unsatisfied", "reopened"}


def test_emitting_the_same_event_twice_writes_nothing_new(app, world, make_opinion, rows):
    from liaison.core.db import db
    from liaison.notifications import outbox
    from liaison.opinions.models import Opinion

    op_id = make_opinion()
    with app.app_context():
        opinion = db.session.get(Opinion, op_id)
        for _ in range(2):
            outbox.emit(opinion, [Notify("staff", "new_opinion")], event_id=7, actor_user_id=None)
            db.session.commit()
    assert len(rows()) == 3
    assert len(_messages(app)) == 3
    keys = {r["dedupe_key"] for r in rows()}
    assert f"7:staff:new_opinion:{world.users['liaison']}:template" in keys


def test_two_transactions_emitting_the_same_event_write_it_once_without_an_error(app, world, make_opinion, rows):
    """The second waits for the first's commit (SQLite's write lock, PostgreSQL's unique
    index) and then skips the keys it finds taken: no IntegrityError, nothing twice."""
    import threading

    from liaison.core.db import db
    from liaison.notifications import outbox
    from liaison.opinions.models import Opinion

    op_id = make_opinion()
    second: dict = {}

    def emit_in_another_transaction():
        with app.app_context():
            try:
                outbox.emit(db.session.get(Opinion, op_id), [Notify("staff", "new_opinion")],
                            event_id=9, actor_user_id=None)
                db.session.commit()
                second["ok"] = True
            except Exception as exc:  # pragma: no cover - what this test guards against
                second["error"] = repr(exc)

    with app.app_context():
        outbox.emit(db.session.get(Opinion, op_id), [Notify("staff", "new_opinion")], event_id=9,
                    actor_user_id=None)
        other = threading.Thread(target=emit_in_another_transaction)
        other.start()
        other.join(0.5)  # it is waiting on this uncommitted transaction
        assert other.is_alive()
        db.session.commit()
    other.join(10)
    assert second == {"ok": True}
    assert len(rows()) == 3 and len(_messages(app)) == 3


def test_emit_does_not_commit_a_rollback_leaves_nothing(app, world, make_opinion, rows):
    from liaison.core.db import db
    from liaison.notifications import outbox
    from liaison.opinions.models import Opinion

    op_id = make_opinion()
    with app.app_context():
        outbox.emit(db.session.get(Opinion, op_id), [Notify("staff", "new_opinion")],
                    event_id=8, actor_user_id=None)
        db.session.rollback()
    assert rows() == [] and _messages(app) == []


def test_field_values_are_fitted_to_wechat_limits(app, world, make_opinion, emit, rows):
    op = make_opinion(state="accepted")
    emit(op, [Notify("resident", "accepted")])
    data = rows(audience="resident")[0]["data"]
    assert data["character_string1"]["value"] == "LL-2026-000001"
    assert len(data["thing2"]["value"]) == 20 and data["thing2"]["value"].endswith("…")
    assert "\n" not in data["thing2"]["value"]
    assert data["phrase3"]["value"] == "已受理"
    assert data["time4"]["value"].startswith("20")
    staff = make_opinion()
    emit(staff, [Notify("staff", "new_opinion")])
    template_data = rows(audience="staff")[0]["data"]
    assert all(len(v["value"]) <= 20 for v in template_data.values())
    assert rows(audience="staff")[0]["page"] == f"/admin/opinions/{staff}"


def test_reasons_from_the_event_payload_reach_the_message(app, world, make_opinion, emit):
    op = make_opinion(state="on_hold")
    emit(op, [Notify("staff", "held")], payload={"reason": "risky_content"})
    body = _messages(app, world.users["liaison"])[0][3]
    assert "原因：内容待审核。" in body


def test_held_text_does_not_travel_through_wechat(app, world, make_opinion, emit, rows):
    op = make_opinion(state="on_hold", text="代开发票请联系")
    emit(op, [Notify("staff", "held")])
    for row in rows():
        assert "代开发票" not in str(row["data"])


def test_emit_direct_writes_once_per_dedupe_key(app, world, rows):
    from datetime import datetime, timezone

    from liaison.core.db import db
    from liaison.notifications import outbox

    at = datetime(2026, 12, 15, 1, 0, tzinfo=timezone.utc)
    with app.app_context():
        for _ in range(2):
            outbox.emit_direct(world.users["deputy"], "reception_reminder", "接待日提醒",
                               "明天上午9点请到望月湖街道联络站接待群众。",
                               {"station": "望月湖街道人大代表联络站", "station_id": 7, "time": at},
                               dedupe_key="reception:1:2026-12-15:deputy")
            db.session.commit()
    [row] = rows()
    assert row["channel"] == "template" and row["template_id"] == "tmpl-oa-reception"
    assert row["data"]["time2"]["value"] == "2026年12月15日 09:00"  # Beijing time
    assert row["page"] == "/h5/stations/7"
    assert row["dedupe_key"] == "reception:1:2026-12-15:deputy:template"
    assert len(_messages(app)) == 1


def test_an_event_without_a_template_still_lands_in_app(app, world, rows):
    from liaison.core.db import db
    from liaison.notifications import outbox

    with app.app_context():
        assert outbox.emit_direct(world.users["resident"], "something_new", "新通知", "正文",
                                  dedupe_key="x:1")
        db.session.commit()
    assert rows() == [] and _messages(app)[0][2:] == ("新通知", "正文")


def _workflow_pairs():
    return sorted({(n.audience, n.event) for t in TRANSITIONS.values() for n in t.notify})


@pytest.mark.parametrize("audience, event", _workflow_pairs())
def test_every_workflow_notification_has_a_text_and_a_template(app, audience, event):
    from liaison.notifications import settings, templates, texts

    assert event in texts.TEXTS[audience], "needs a Chinese title and body"
    with app.app_context():
        entry = templates.template_for(settings.templates_config(), audience, event)
    assert entry is not None
    assert entry["channel"] == templates.CHANNEL_OF[audience]


@pytest.mark.parametrize("audience, event", [("resident", "rate_request"), ("staff", "overdue"),
                                             ("office", "overdue"), ("units", "overdue"),
                                             ("units", "near_deadline")])
def test_job_notifications_have_a_text_and_a_template(app, audience, event):
    from liaison.notifications import settings, templates, texts

    assert event in texts.TEXTS[audience]
    with app.app_context():
        assert templates.template_for(settings.templates_config(), audience, event)


def test_a_resident_without_a_mini_program_openid_gets_the_official_account_template(
        app, world, make_opinion, emit, rows):
    op = make_opinion(state="accepted", submitter="h5_resident")
    emit(op, [Notify("resident", "accepted")])
    op2 = make_opinion(state="accepted")  # the mini-program resident, for contrast
    emit(op2, [Notify("resident", "accepted")])
    by_user = {r["user_id"]: r for r in rows(audience="resident")}
    h5, mp = by_user[world.users["h5_resident"]], by_user[world.users["resident"]]
    assert (h5["channel"], h5["template_id"], h5["page"]) == ("template", "tmpl-oa-progress", f"/h5/opinions/{op}")
    assert h5["data"]["phrase3"]["value"] == "已受理"
    assert (mp["channel"], mp["template_id"], mp["page"]) == (
        "subscribe", "tmpl-resident-accept", f"pages/opinion/opinion?id={op2}")
