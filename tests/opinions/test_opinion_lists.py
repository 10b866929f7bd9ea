"""One opinion-list query: the same filters give the same opinions, in the same order,
through the API (GET /api/v1/opinions), the admin work queue and the H5 我的意见 page."""
from __future__ import annotations

import re
import sys
import uuid
from pathlib import Path

import factories
import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "admin"))

from page_helpers import oauth_login, seed_fake_accounts  # noqa: E402

MINE = ["东门的排水沟堵了，一下雨就积水。", "小区健身器材坏了一个月没人修。", "公交站台没有遮雨棚。"]


@pytest.fixture(scope="module")
def lists(make_app, fake_wechat):
    """The demo with its sample opinions, three more from the demo resident, and a
    client per person: bearer headers for the API, an OAuth-logged-in client for pages."""
    from liaison.core.db import db
    from liaison.opinions.models import Opinion

    app = make_app()
    runner = app.test_cli_runner()
    for command in (["demo", "load"], ["demo", "opinions"]):
        assert runner.invoke(args=command).exit_code == 0
    seed_fake_accounts(fake_wechat)
    api = app.test_client()

    def bearer(openid):
        code = requests.post(f"{fake_wechat}/_fake/login-code", json={"openid": openid}, timeout=5).json()["code"]
        return {"Authorization": f"Bearer {api.post('/api/v1/auth/wechat', json={'code': code}).get_json()['token']}"}

    headers = {who: bearer(f"demo-{who}") for who in ("resident", "liaison", "office")}
    with app.app_context():
        station_id = factories.demo_ids(db.session)["station_id"]
    for i, text in enumerate(MINE):
        r = api.post("/api/v1/opinions", json={"station_id": station_id, "text": text,
                                               "category": "traffic" if i == 2 else "housing"},
                     headers={**headers["resident"], "Idempotency-Key": str(uuid.uuid4())})
        assert r.status_code == 201, r.get_json()
    with app.app_context():
        replied = db.session.query(Opinion).filter(Opinion.reply_text != "").order_by(Opinion.id).first()
        reply_word = replied.reply_text[:6]
    pages = {}
    for who in ("resident", "liaison", "office"):
        pages[who] = app.test_client()
        assert oauth_login(pages[who], f"oa-demo-{who}", "/h5/").status_code == 302
    return {"api": api, "headers": headers, "pages": pages, "reply_word": reply_word, "station_id": station_id}


def api_numbers(lists, who: str, query: str) -> list[str]:
    r = lists["api"].get(f"/api/v1/opinions?{query}", headers=lists["headers"][who])
    assert r.status_code == 200, r.get_json()
    return [o["number"] for o in r.get_json()["items"]]


def queue_numbers(lists, who: str, query: str) -> list[str]:
    r = lists["pages"][who].get(f"/admin/queue?{query}")
    assert r.status_code == 200
    return re.findall(r'data-number="([^"]+)"', r.get_data(as_text=True))


QUERIES = ["state=all&sort=newest", "state=all&sort=urgent", "state=active&sort=urgent",
           "state=all&sort=urgent&page=2", "state=all&sort=newest&category=housing",
           "state=open&sort=newest", "state=all&sort=newest&state_group=resolved",
           "state=all&sort=urgent&overdue=1", "state=all&sort=newest&q=小区"]


@pytest.mark.parametrize("who", ["liaison", "office"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_api_and_the_work_queue_list_the_same_opinions(lists, who, query):
    through_api = api_numbers(lists, who, query)
    assert through_api, "the filter finds something in the demo"
    assert queue_numbers(lists, who, query) == through_api


def test_the_search_reads_the_replies_everywhere(lists):
    query = f"state=all&sort=newest&q={lists['reply_word']}"
    found = api_numbers(lists, "liaison", query)
    assert found and queue_numbers(lists, "liaison", query) == found


def test_h5_my_opinions_are_the_apis_mine_page_by_page(lists):
    through_api = api_numbers(lists, "resident", "mine=1&sort=newest&per_page=20")
    assert len(through_api) >= len(MINE)
    html = lists["pages"]["resident"].get("/h5/opinions").get_data(as_text=True)
    assert re.findall(r'class="olist__number">([^<]+)<', html) == through_api
    total = int(re.search(r"共 (\d+) 条", html).group(1))
    assert total == lists["api"].get("/api/v1/opinions?mine=1", headers=lists["headers"]["resident"]).get_json()["total"]


def test_one_person_s_own_opinions_are_the_same_in_all_three(lists):
    """The liaison has submitted nothing: mine=1 is empty everywhere; once they submit one
    (as anyone may), it is the one case of mine=1 on the API, the queue and H5."""
    assert api_numbers(lists, "liaison", "mine=1") == []
    assert queue_numbers(lists, "liaison", "state=all&mine=1") == []
    r = lists["api"].post("/api/v1/opinions", json={"station_id": lists["station_id"], "text": "联络站门口的台阶松动了。"},
                          headers={**lists["headers"]["liaison"], "Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.get_json()
    own = [r.get_json()["opinion"]["number"]]
    assert api_numbers(lists, "liaison", "mine=1") == own
    assert queue_numbers(lists, "liaison", "state=all&mine=1") == own
    html = lists["pages"]["liaison"].get("/h5/opinions").get_data(as_text=True)
    assert re.findall(r'class="olist__number">([^<]+)<', html) == own
    assert len(api_numbers(lists, "liaison", "state=all")) > 1
