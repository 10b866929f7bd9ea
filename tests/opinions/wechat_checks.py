"""What the mini-program and WeChat do around notifications, for the end-to-end tests:
the subscribe taps as the mini-program makes them, and the check that every message
WeChat accepted opens a page that exists."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.exceptions import MethodNotAllowed, NotFound

APP_JSON = Path(__file__).resolve().parents[2] / "miniprogram" / "app.json"


def tap_through(client, phone, who, openid: str, moment: str) -> list[list[str]]:
    """The resident taps once per group the backend hands out for ``moment`` (as
    utils/subscribe.js createAsker does), each answer reported to our API.

    :return: the groups asked; every tap must have been accepted by the fake.
    """
    answer = client.get(f"/api/v1/notifications/templates?audience=resident&moment={moment}").get_json()
    for ids in answer["request_groups"]:
        tapped = phone.tap(openid, ids)
        assert tapped.status_code == 200, tapped.json()  # never 20002 / 20003
        results = {k: v for k, v in tapped.json()["result"].items() if k != "errMsg"}
        r = client.post("/api/v1/notifications/consents", headers=who(openid), json={"results": results})
        assert r.status_code == 200, r.get_json()
    return answer["request_groups"]


def pages_not_found(app, messages: list[dict]) -> list[str]:
    """Every message WeChat accepted whose tap would open nothing: a subscribe page or a
    template message's mini-program page missing from app.json, or a template url that
    is not one of this backend's pages."""
    pages = set(json.loads(APP_JSON.read_text(encoding="utf-8"))["pages"])
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    urls = app.url_map.bind("localhost")
    problems = []
    for m in messages:
        if m["path"].endswith("/subscribe/send"):
            if (m.get("page") or "").split("?", 1)[0] not in pages:
                problems.append(f"subscribe {m['template_id']} -> {m.get('page')!r}")
            continue
        if m.get("miniprogram") and m["miniprogram"].get("pagepath", "").split("?", 1)[0] not in pages:
            problems.append(f"template {m['template_id']} -> {m['miniprogram']!r}")
        url = m.get("url") or ""
        if not url.startswith(base + "/"):
            problems.append(f"template {m['template_id']} -> {url!r} (not under {base})")
            continue
        try:
            urls.match(urlsplit(url).path, method="GET")
        except (NotFound, MethodNotAllowed):
            problems.append(f"template {m['template_id']} -> {url!r} (no such page)")
    return problems
