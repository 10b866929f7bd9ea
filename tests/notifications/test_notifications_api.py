"""The API the mini-program and staff use: templates, consents, messages, delivery state."""
from datetime import timedelta

import pytest

from liaison.opinions.context import Notify


@pytest.fixture
def headers(client, phone, world):
    """Log in as a world user through the fake WeChat (their mp openid)."""

    def _login(key):
        r = client.post("/api/v1/auth/wechat", json={"code": phone.login_code(world.openid[key])})
        assert r.status_code == 200, r.get_json()
        return {"Authorization": f"Bearer {r.get_json()['token']}"}

    return _login


def test_templates_list_the_resident_ones_most_important_first(client):
    r = client.get("/api/v1/notifications/templates")
    assert r.status_code == 200
    body = r.get_json()
    events = [i["event"] for i in body["items"]]
    assert events[:3] == ["replied", "rate_request", "accepted"]
    assert {"accepted", "declined", "assigned", "replied", "rate_request", "reopened"} <= set(events)
    assert all(i["kind"] in ("one_time", "long_term") and i["title"] for i in body["items"])
    assert body["request_ids"] == ["tmpl-resident-reply", "tmpl-resident-accept",
                                   "tmpl-resident-progress"]
    # Nothing is cut off: the appointment reminder and the consultation's news are a second tap.
    assert body["request_groups"] == [body["request_ids"],
                                      ["tmpl-resident-appointment", "tmpl-resident-consultation"]]
    # Deputies get official-account template messages: nothing to subscribe to.
    deputy = client.get("/api/v1/notifications/templates?audience=deputy").get_json()
    assert deputy == {"items": [], "request_ids": [], "request_groups": []}
    assert client.get("/api/v1/notifications/templates?audience=staff").status_code == 422
    assert client.get("/api/v1/notifications/templates?kind=forever").status_code == 422
    assert client.get("/api/v1/notifications/templates?moment=never").status_code == 422


@pytest.mark.parametrize("moment, groups", [
    ("progress", [["tmpl-resident-reply", "tmpl-resident-accept", "tmpl-resident-progress"]]),
    ("rated", [["tmpl-resident-accept", "tmpl-resident-progress"]]),
    ("booked", [["tmpl-resident-appointment"]]),
    ("consulted", [["tmpl-resident-consultation"]]),
])
def test_each_moment_asks_for_the_templates_of_the_messages_it_is_about(client, moment, groups):
    body = client.get(f"/api/v1/notifications/templates?audience=resident&moment={moment}").get_json()
    assert body["request_groups"] == groups and body["request_ids"] == groups[0]


def test_one_tap_never_mixes_one_time_and_long_term_templates(app, base_config):
    from liaison import create_app

    override = '{"templates": {"resident_accept": {"kind": "long_term"}}}'  # the README's example
    other = create_app(dict(base_config, NOTIFICATION_TEMPLATES=override)).test_client()
    body = other.get("/api/v1/notifications/templates").get_json()
    assert body["request_groups"] == [
        ["tmpl-resident-reply", "tmpl-resident-progress", "tmpl-resident-appointment"],
        ["tmpl-resident-consultation"], ["tmpl-resident-accept"]]
    by_kind = other.get("/api/v1/notifications/templates?kind=long_term").get_json()
    assert by_kind["request_groups"] == [["tmpl-resident-accept"]]
    assert {i["kind"] for i in by_kind["items"]} == {"long_term"}


def test_templates_follow_the_notification_templates_setting(app, base_config):
    from liaison import create_app

    override = ('{"template_ids": {"tmpl-resident-reply": "REAL-reply-id"},'
                ' "templates": {"resident_accept": {"kind": "long_term"}},'
                ' "events": {"resident": {"rate_request": null}}}')
    other = create_app(dict(base_config, NOTIFICATION_TEMPLATES=override))
    body = other.test_client().get("/api/v1/notifications/templates").get_json()
    by_event = {i["event"]: i for i in body["items"]}
    assert by_event["replied"]["template_id"] == "REAL-reply-id"
    assert by_event["accepted"]["kind"] == "long_term"
    assert "rate_request" not in by_event


def test_a_broken_notification_templates_setting_stops_the_app(base_config):
    from liaison import create_app

    with pytest.raises(ValueError):
        create_app(dict(base_config, NOTIFICATION_TEMPLATES='{"events": {"resident": {"x": "nope"}}}'))


def test_consents_count_one_time_grants_and_open_long_term_ones(client, headers, app, world):
    h = headers("resident")
    r = client.post("/api/v1/notifications/consents", headers=h, json={"results": {
        "tmpl-resident-reply": "accept", "tmpl-resident-accept": "reject",
        "tmpl-unknown": "accept"}})
    assert r.status_code == 200 and r.get_json()["ok"] is True
    assert r.get_json()["consents"] == {
        "tmpl-resident-reply": {"kind": "one_time", "remaining": 1, "long_term": False}}
    again = client.post("/api/v1/notifications/consents", headers=h,
                        json={"results": {"tmpl-resident-reply": "accept"}}).get_json()
    assert again["consents"]["tmpl-resident-reply"]["remaining"] == 2



def test_a_long_term_consent_opens_and_a_rejection_closes_it(app, base_config, phone, world):
    from liaison import create_app

    other = create_app(dict(base_config, NOTIFICATION_TEMPLATES=(
        '{"templates": {"resident_progress": {"kind": "long_term"}}}'))).test_client()
    code = phone.login_code(world.openid["resident"])
    token = other.post("/api/v1/auth/wechat", json={"code": code}).get_json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    on = other.post("/api/v1/notifications/consents", headers=h,
                    json={"results": {"tmpl-resident-progress": "accept"}}).get_json()
    assert on["consents"]["tmpl-resident-progress"]["long_term"] is True
    off = other.post("/api/v1/notifications/consents", headers=h,
                     json={"results": {"tmpl-resident-progress": "reject"}}).get_json()
    assert off["consents"]["tmpl-resident-progress"]["long_term"] is False


def test_consents_need_a_login_and_a_valid_body(client, headers):
    assert client.post("/api/v1/notifications/consents",
                       json={"results": {"tmpl-resident-reply": "accept"}}).status_code == 401
    r = client.post("/api/v1/notifications/consents", headers=headers("resident"),
                    json={"results": {"tmpl-resident-reply": "maybe"}})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "validation_error"


def test_messages_are_the_callers_own_newest_first_and_paged(client, headers, world,
                                                             make_opinion, emit):
    op = make_opinion(state="accepted")
    emit(op, [Notify("resident", "accepted")])
    emit(op, [Notify("resident", "assigned")])
    emit(op, [Notify("resident", "replied")])
    emit(make_opinion(submitter="resident2"), [Notify("resident", "accepted")])
    h = headers("resident")
    body = client.get("/api/v1/messages?per_page=2", headers=h).get_json()
    assert body["total"] == 3 and body["unread"] == 3 and len(body["items"]) == 2
    assert [m["title"] for m in body["items"]] == ["意见已答复", "意见已交办"]
    first = body["items"][0]
    assert first["opinion_id"] == op and first["read"] is False and "LL-2026-000001" in first["body"]
    assert first["at"].endswith("+08:00")
    page2 = client.get("/api/v1/messages?per_page=2&page=2", headers=h).get_json()
    assert [m["title"] for m in page2["items"]] == ["意见已受理"]
    assert client.post(f"/api/v1/messages/{first['id']}/read", headers=h).get_json() == {"ok": True}
    after = client.get("/api/v1/messages", headers=h).get_json()
    assert after["unread"] == 2 and after["items"][0]["read"] is True
    # Someone else's message is not found for this caller.
    other = client.get("/api/v1/messages", headers=headers("resident2")).get_json()["items"][0]
    assert client.post(f"/api/v1/messages/{other['id']}/read", headers=h).status_code == 404
    assert client.get("/api/v1/messages").status_code == 401


def test_staff_see_failed_deliveries_of_their_stations_and_can_retry(
        app, client, headers, world, make_opinion, emit, phone, grant, rows):
    from liaison.core import clock
    from liaison.notifications.jobs import deliver_pending

    app.config["NOTIFICATION_MAX_ATTEMPTS"] = 1
    grant("resident", "tmpl-resident-accept")
    op = make_opinion(state="accepted")
    emit(op, [Notify("resident", "accepted")])
    phone.fault("/cgi-bin/message/subscribe/send", 1, status=503)
    with app.app_context():
        deliver_pending()
    [row] = rows()
    assert row["status"] == "failed"
    listed = client.get("/api/v1/notifications", headers=headers("liaison")).get_json()
    assert [i["id"] for i in listed["items"]] == [row["id"]]
    item = listed["items"][0]
    assert item["opinion"]["number"] == "LL-2026-000001" and item["channel"] == "subscribe"
    assert "HTTP 503" in item["last_error"]
    # Another station's liaison does not see it; an office above the station does.
    assert client.get("/api/v1/notifications", headers=headers("other_liaison")).get_json()["total"] == 0
    assert client.get("/api/v1/notifications", headers=headers("office")).get_json()["total"] == 1
    assert client.get("/api/v1/notifications", headers=headers("resident")).status_code == 403
    r = client.post(f"/api/v1/notifications/{row['id']}/retry", headers=headers("other_liaison"))
    assert r.status_code == 404
    r = client.post(f"/api/v1/notifications/{row['id']}/retry", headers=headers("liaison"))
    assert r.status_code == 200 and r.get_json()["notification"]["status"] == "pending"
    assert client.post(f"/api/v1/notifications/{row['id']}/retry",
                       headers=headers("liaison")).status_code == 409
    with app.app_context():
        deliver_pending(now=clock.now() + timedelta(seconds=1))
    assert rows()[0]["status"] == "sent"


def test_cli_lists_failed_rows_and_requeues_them(app, runner, world, make_opinion, emit, rows):
    from liaison.core.db import db
    from liaison.notifications.models import Notification

    emit(make_opinion(state="accepted"), [Notify("resident", "accepted")])
    with app.app_context():
        db.session.query(Notification).update({"status": "failed", "last_error": "测试失败"})
        db.session.commit()
    out = runner.invoke(args=["notifications", "failed"]).output
    assert "accepted" in out and "测试失败" in out
    assert "failed\t1" in runner.invoke(args=["notifications", "status"]).output
    assert "1 条" in runner.invoke(args=["notifications", "retry", str(rows()[0]["id"])]).output
    assert rows()[0]["status"] == "pending"
    assert "no_consent 1" in runner.invoke(args=["notifications", "deliver"]).output


def test_every_notifications_route_is_in_the_openapi_spec(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path, method in [("/api/v1/notifications/templates", "get"),
                         ("/api/v1/notifications/consents", "post"),
                         ("/api/v1/messages", "get"),
                         ("/api/v1/messages/{message_id}/read", "post"),
                         ("/api/v1/notifications", "get"),
                         ("/api/v1/notifications/{notification_id}/retry", "post")]:
        assert method in paths[path], f"{method} {path}"


def test_a_page_number_too_large_for_the_database_is_422(client, headers):
    """Found by scripts/fuzz_api.py: ?page=8911104340569054248960 became an OFFSET and a 500."""
    r = client.get("/api/v1/messages?page=8911104340569054248960&per_page=78", headers=headers("resident"))
    assert r.status_code == 422
    body = r.get_json()["error"]
    assert body["code"] == "validation_error" and "page" in body["details"]["fields"]
