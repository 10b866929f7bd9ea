"""The simple landing page for plain-URL codes (codes/landing.py).

When the H5 pages are installed they take over /s/<token> and /d/<token>, so these
tests call the landing view itself rather than the URL.
"""
import pytest
from flask import make_response

from codes_helpers import WANGYUEHU, token_of

HINT = "请用微信扫码打开小程序"


@pytest.fixture
def http(app, client):
    return _Client(app, client)


class _Client:
    """GET /s/<token> or /d/<token> answered by codes.landing, whoever owns the URL."""

    def __init__(self, app, client):
        self.app, self.client = app, client

    def get(self, url, **kw):
        if not url.startswith(("/s/", "/d/")):
            return self.client.get(url, **kw)
        from liaison.codes import landing

        with self.app.test_request_context(url):
            response = make_response(landing.page(url.split("/")[2]))
            response.direct_passthrough = False
            return response

    def post(self, *args, **kw):
        return self.client.post(*args, **kw)


def test_station_url_shows_the_station_in_chinese(app, http, places):
    token = token_of(app, "station", places["station"][WANGYUEHU])
    r = http.get(f"/s/{token}")
    assert r.status_code == 200 and r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert WANGYUEHU in page and HINT in page and "王明、李华" in page and "每月15日" in page


def test_deputy_url_shows_the_deputy_and_stations(app, http, places):
    token = token_of(app, "deputy", places["deputy"]["王明"])
    page = http.get(f"/d/{token}").get_data(as_text=True)
    assert "王明 代表" in page and "市人大代表" in page and WANGYUEHU in page and "（交叉进站）" in page


def test_old_poster_page_says_replaced_and_still_shows_the_station(app, http, places, staff):
    station_id = places["station"][WANGYUEHU]
    token = token_of(app, "station", station_id)
    headers = staff("liaison-1", "liaison", station_id=station_id)
    http.post(f"/api/v1/codes/{token}/rotate", headers=headers)
    r = http.get(f"/s/{token}")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "此码已更换，请扫描新海报" in page and WANGYUEHU in page


def test_unknown_and_revoked_pages(app, http, places, staff):
    assert http.get("/s/AAAAAAAAAAAAAAAA").status_code == 404
    token = token_of(app, "deputy", places["deputy"]["李华"])
    headers = staff("liaison-1", "liaison", station_id=places["station"][WANGYUEHU])
    http.post(f"/api/v1/codes/{token}/revoke", headers=headers)
    r = http.get(f"/d/{token}")
    assert r.status_code == 410 and "已停用" in r.get_data(as_text=True)


def test_names_are_escaped(app, http, places):
    from liaison.core.db import db
    from liaison.places.models import Station

    station_id = places["station"][WANGYUEHU]
    with app.app_context():
        db.session.get(Station, station_id).address = "<script>alert(1)</script>"
        db.session.commit()
    page = http.get(f"/s/{token_of(app, 'station', station_id)}").get_data(as_text=True)
    assert "<script>" not in page and "&lt;script&gt;" in page
