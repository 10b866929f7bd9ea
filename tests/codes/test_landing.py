"""The page a phone camera opens from a plain-URL code outside WeChat."""
from codes_helpers import WANGYUEHU, token_of

HINT = "请用微信扫码打开小程序"


def test_station_url_shows_the_station_in_chinese(app, client, places):
    token = token_of(app, "station", places["station"][WANGYUEHU])
    r = client.get(f"/s/{token}")
    assert r.status_code == 200 and r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert WANGYUEHU in page and HINT in page and "王明、李华" in page and "每月15日" in page


def test_deputy_url_shows_the_deputy_and_stations(app, client, places):
    token = token_of(app, "deputy", places["deputy"]["王明"])
    page = client.get(f"/d/{token}").get_data(as_text=True)
    assert "王明 代表" in page and "市人大代表" in page and WANGYUEHU in page and "（交叉进站）" in page


def test_old_poster_page_says_replaced_and_still_shows_the_station(app, client, places, staff):
    station_id = places["station"][WANGYUEHU]
    token = token_of(app, "station", station_id)
    headers = staff("liaison-1", "liaison", station_id=station_id)
    client.post(f"/api/v1/codes/{token}/rotate", headers=headers)
    r = client.get(f"/s/{token}")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "此码已更换，请扫描新海报" in page and WANGYUEHU in page


def test_unknown_and_revoked_pages(app, client, places, staff):
    assert client.get("/s/AAAAAAAAAAAAAAAA").status_code == 404
    token = token_of(app, "deputy", places["deputy"]["李华"])
    headers = staff("liaison-1", "liaison", station_id=places["station"][WANGYUEHU])
    client.post(f"/api/v1/codes/{token}/revoke", headers=headers)
    r = client.get(f"/d/{token}")
    assert r.status_code == 410 and "已停用" in r.get_data(as_text=True)


def test_names_are_escaped(app, client, places):
    from liaison.core.db import db
    from liaison.places.models import Station

    station_id = places["station"][WANGYUEHU]
    with app.app_context():
        db.session.get(Station, station_id).address = "<script>alert(1)</script>"
        db.session.commit()
    page = client.get(f"/s/{token_of(app, 'station', station_id)}").get_data(as_text=True)
    assert "<script>" not in page and "&lt;script&gt;" in page
