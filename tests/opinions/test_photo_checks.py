"""Photos through WeChat's mediaCheckAsync v2: the worker sends a signed public link, the
fake WeChat downloads it and pushes its verdict, encrypted, to /wechat/push; a risky
photo is hidden from everyone but staff and the opinion is held."""
from __future__ import annotations

import threading
import time

import pytest
from content_helpers import (
    AES_KEY, PUSH_TOKEN, answers, fake_get, fake_post, later, media_event, opinion, push,
    run_jobs, sweep, upload, use_push,
)

ASYNC = "/wxa/media_check_async"


@pytest.fixture
def served(app):
    """The app behind a real HTTP server, so the fake WeChat can fetch photos and push."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="served-app", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base
    yield base
    server.shutdown()
    thread.join(5)


def _checks(fake_wechat) -> list[dict]:
    return fake_get(fake_wechat, "/_fake/media-checks")["checks"]


def _pushed(fake_wechat) -> dict:
    for _ in range(150):  # the fake pushes from a timer thread
        checks = _checks(fake_wechat)
        if checks and "push_status" in checks[0]:
            return checks[0]
        time.sleep(0.1)
    raise AssertionError(f"no push: {_checks(fake_wechat)}")


def _submitted_with_photo(app, client, who, submit) -> tuple[int, str]:
    photo = upload(client, who("demo-resident"))
    r = submit(photo_ids=[photo])
    assert r.status_code == 201 and r.get_json()["opinion"]["state"] == "submitted"
    return r.get_json()["opinion"]["id"], photo


def _checking(app, client, who, submit, fake_wechat) -> tuple[int, str]:
    """An opinion whose photo the worker sent to WeChat; returns (id, trace_id)."""
    op_id, _ = _submitted_with_photo(app, client, who, submit)
    run_jobs(app)
    [check] = _checks(fake_wechat)
    assert opinion(client, who("demo-liaison"), op_id)["photos"][0]["sec_check"] == "checking"
    return op_id, check["trace_id"]


def test_photo_the_pushed_verdict_calls_risky_is_hidden_and_the_opinion_held(
        app, served, client, who, submit, fake_wechat):
    use_push(app)
    fake_post(fake_wechat, "/_fake/push-config", url=served + "/wechat/push", token=PUSH_TOKEN,
              aes_key=AES_KEY, format="json", auto=True, delay=0.1)
    resident = who("demo-resident")
    op_id, photo = _submitted_with_photo(app, client, who, submit)
    fake_post(fake_wechat, "/_fake/media-verdicts", rules=[{"match": photo, "suggest": "risky", "label": 20002}])
    assert opinion(client, who("demo-liaison"), op_id)["photos"][0]["sec_check"] == "queued"
    run_jobs(app)  # the worker sends the photo to mediaCheckAsync
    check = _pushed(fake_wechat)
    assert check["media_url"].startswith(f"{served}/uploads/{photo}?t=")  # public, signed
    assert (check["fetch_status"], check["push_status"], check["push_answer"]) == (200, 200, "success")
    mine = opinion(client, resident, op_id)
    assert mine["photos"] == [] and mine["state"] == "on_hold"
    staff = opinion(client, who("demo-liaison"), op_id)
    assert staff["hold_reason"] == "risky_photo" and staff["hold_reason_label"] == "照片疑似违规，待审核"
    assert [(p["id"], p["sec_check"]) for p in staff["photos"]] == [(photo, "risky")]
    assert any("第1张照片经微信检测疑似违规（色情）" in (e["note"] or "") for e in staff["events"])
    link = staff["photos"][0]["url"]  # signed, yet no longer enough for anyone but staff
    assert client.get(link, headers=resident).status_code == 404
    assert client.get(link).status_code == 404
    assert client.get(link, headers=who("demo-liaison")).status_code == 200


def test_push_with_a_bad_signature_or_key_is_refused_and_changes_nothing(app, client, who, submit,
                                                                        fake_wechat):
    use_push(app)
    op_id, trace_id = _checking(app, client, who, submit, fake_wechat)
    risky = media_event(trace_id, "risky")
    assert push(client, risky, token="not-our-token").status_code == 403
    assert push(client, risky, aes_key=None).status_code == 403  # safe mode: plaintext is forged
    assert push(client, risky, aes_key="Z" * 43).status_code == 403  # signed, wrong key inside
    staff = opinion(client, who("demo-liaison"), op_id)
    assert staff["state"] == "submitted" and staff["photos"][0]["sec_check"] == "checking"
    assert [e["action"] for e in staff["events"]] == ["submit"]
    r = push(client, risky)  # the same verdict, sent the way WeChat does
    assert r.status_code == 200 and r.get_data(as_text=True) == "success"
    assert opinion(client, who("demo-liaison"), op_id)["state"] == "on_hold"


def test_push_url_check_echoes_echostr_only_when_signed(app, client):
    from liaison.wechat.fake.push import signature

    assert client.get("/wechat/push?echostr=1").status_code == 404  # no token configured
    use_push(app)
    good = signature(PUSH_TOKEN, "1764200000", "42")
    r = client.get(f"/wechat/push?signature={good}&timestamp=1764200000&nonce=42&echostr=hello-wechat")
    assert r.status_code == 200 and r.get_data(as_text=True) == "hello-wechat"
    bad = signature("other", "1764200000", "42")
    assert client.get(f"/wechat/push?signature={bad}&timestamp=1764200000&nonce=42&echostr=x").status_code == 403


def test_xml_safe_mode_push_is_decrypted_and_a_clean_photo_stays_visible(app, client, who, submit,
                                                                         fake_wechat):
    use_push(app, fmt="xml")
    op_id, trace_id = _checking(app, client, who, submit, fake_wechat)
    assert push(client, media_event(trace_id, "pass", label=100), fmt="xml").status_code == 200
    assert push(client, media_event(trace_id, "risky"), fmt="xml").status_code == 200  # a replay
    mine = opinion(client, who("demo-resident"), op_id)
    assert len(mine["photos"]) == 1 and mine["state"] == "submitted"
    assert opinion(client, who("demo-liaison"), op_id)["photos"][0]["sec_check"] == "pass"


def test_photo_whose_verdict_never_comes_goes_to_staff_review(app, client, who, submit, fake_wechat):
    op_id, _ = _checking(app, client, who, submit, fake_wechat)
    assert sweep(app, later(app, "demo-resident", minutes=30))["photos"] == {}  # WeChat has 30 min
    assert sweep(app, later(app, "demo-resident", minutes=90))["photos"] == {"late_manual": 1}
    staff = opinion(client, who("demo-liaison"), op_id)
    assert (staff["state"], staff["hold_reason"]) == ("on_hold", "unchecked_content")
    assert staff["photos"][0]["sec_check"] == "manual"
    assert any("未收到微信的检测结果" in (e["note"] or "") for e in staff["events"])


def test_photo_of_a_resident_gone_two_hours_is_not_sent_but_reviewed(app, client, who, submit,
                                                                     fake_wechat):
    op_id, _ = _submitted_with_photo(app, client, who, submit)  # the worker did not run (Redis down)
    assert sweep(app, later(app, "demo-resident", hours=3))["photos"] == {"manual": 1}
    assert answers(fake_wechat, ASYNC) == []
    staff = opinion(client, who("demo-liaison"), op_id)
    assert (staff["state"], staff["photos"][0]["sec_check"]) == ("on_hold", "manual")
    assert len(opinion(client, who("demo-resident"), op_id)["photos"]) == 1  # not judged risky
