"""Helpers for the content-security tests: the fake WeChat's controls, the worker, pushes."""
from __future__ import annotations

import io
from datetime import timedelta

import requests
from opinion_helpers import jpeg

PUSH_TOKEN = "push-token-for-tests"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # an EncodingAESKey: 43 characters
APPID = "wxdemominiprogram01"
RISKY = "我们小区有人聚众赌博，请有关部门管一管。"  # the fake's risky word: 赌博


def fake_post(base: str, url_path: str, **body) -> dict:
    r = requests.post(base + url_path, json=body, timeout=5)
    r.raise_for_status()
    return r.json()


def fake_get(base: str, url_path: str, **params) -> dict:
    r = requests.get(base + url_path, params=params, timeout=5)
    r.raise_for_status()
    return r.json()


def calls(base: str, path: str) -> list[dict]:
    return fake_get(base, "/_fake/calls", path=path)["calls"]


def answers(base: str, path: str) -> list:
    """The errcodes WeChat gave ``path``, leaving out expired-token refusals (a clock moved
    past 7,200 s expires the access token too; the client refreshes it and calls again)."""
    return [c["errcode"] for c in calls(base, path) if c["errcode"] not in (40001, 42001)]


def advance_fake_clock(base: str, seconds: float) -> None:
    fake_post(base, "/_fake/clock", advance=seconds)


def upload(client, headers) -> str:
    r = client.post("/api/v1/uploads", headers=headers, content_type="multipart/form-data",
                    data={"file": (io.BytesIO(jpeg()), "photo.jpg")})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def opinion(client, headers, opinion_id: int) -> dict:
    r = client.get(f"/api/v1/opinions/{opinion_id}", headers=headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["opinion"]


def active_at(app, openid: str):
    """When the backend last saw ``openid`` in the mini-program (its login)."""
    from liaison.core.db import db
    from liaison.users.models import User

    with app.app_context():
        return db.session.query(User).filter_by(mp_openid=openid).one().mp_active_at


def later(app, openid: str, **delta):
    return active_at(app, openid) + timedelta(**delta)


def sweep(app, now) -> dict:
    from liaison.opinions.jobs import sweep_content_checks

    with app.app_context():
        return sweep_content_checks(now=now)


def run_jobs(app) -> None:
    """What an rq worker does with the queue (``flask worker --burst``)."""
    from rq import SimpleWorker

    from liaison.core.extensions import get_queue

    with app.app_context():
        queue = get_queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


def use_push(app, fmt: str = "json", aes: bool = True) -> None:
    """The backend's message-push settings (Token, EncodingAESKey, 数据格式)."""
    app.config.update(WECHAT_PUSH_TOKEN=PUSH_TOKEN, WECHAT_PUSH_AES_KEY=AES_KEY if aes else "",
                      WECHAT_PUSH_FORMAT=fmt)


def push(client, message: dict, *, token: str = PUSH_TOKEN, aes_key: str | None = AES_KEY,
         fmt: str = "json", timestamp: int = 1764200000):
    """POST ``message`` to /wechat/push signed (and encrypted) the way WeChat does it."""
    from liaison.wechat.fake.push import build

    config = {"url": "/wechat/push", "token": token, "aes_key": aes_key, "format": fmt}
    url, body, mimetype = build(config, message, APPID, timestamp)
    return client.post(url, data=body, content_type=mimetype)


def media_event(trace_id: str, suggest: str, label: int = 20002, openid: str = "demo-resident") -> dict:
    from liaison.wechat.fake.push import media_event as event

    check = {"trace_id": trace_id, "openid": openid, "appid": APPID,
             "verdict": {"suggest": suggest, "label": label}}
    return event(check, "gh_fakeminiprog", 1764200000)
