"""Images served for a code: the plain-URL QR, the wxacode (asked from WeChat once),
and posters rendered by the same renderer as the print batch."""
from __future__ import annotations

import io

import requests
from PIL import Image, ImageChops

from codes_helpers import BASE_URL, WANGYUEHU, decode_qr, token_of

LONG_NAME = "长沙市岳麓区橘子洲街道桃花岭新社区（含新民村）人大代表联络站"  # 30 characters
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def test_qr_png_decodes_to_the_exact_plain_url(app, client, places):
    station_token = token_of(app, "station", places["station"][WANGYUEHU])
    deputy_token = token_of(app, "deputy", places["deputy"]["王明"])
    for token, url in ((station_token, f"{BASE_URL}/s/{station_token}"),
                       (deputy_token, f"{BASE_URL}/d/{deputy_token}")):
        r = client.get(f"/api/v1/codes/{token}/qr.png")
        assert r.status_code == 200 and r.mimetype == "image/png"
        assert "max-age" in r.headers["Cache-Control"] and r.headers["ETag"]
        assert decode_qr(r.data) == [url]
        again = client.get(f"/api/v1/codes/{token}/qr.png", headers={"If-None-Match": r.headers["ETag"]})
        assert again.status_code == 304


def test_qr_uses_error_correction_high_for_the_logo_and_outdoor_wear(app, client, places):
    import zxingcpp

    token = token_of(app, "station", places["station"][WANGYUEHU])
    image = Image.open(io.BytesIO(client.get(f"/api/v1/codes/{token}/qr.png").data)).convert("L")
    assert [b.ec_level for b in zxingcpp.read_barcodes(image)] == ["H"]


def _big_station(app, deputies: int = 40) -> int:
    from liaison.core.db import db
    from liaison.places.importer import import_rows
    from liaison.places.models import Station

    rows = []
    for i in range(deputies):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)] + (GIVEN[(i * 5) % len(GIVEN)] if i % 3 else "")
        rows.append({"_row": i + 2, "区域": "长沙市/岳麓区/橘子洲街道/桃花岭社区", "联络站": LONG_NAME,
                     "站点类型": "特色站", "地址": "桃花岭路188号", "代表姓名": name, "代表编号": f"T{i}",
                     "代表层级": "区", "进站方式": "驻站"})
    with app.app_context():
        import_rows(rows)
        station = db.session.query(Station).filter_by(name=LONG_NAME).one()
        station.reception_plan = {"monthly_days": [15], "weekdays": [3], "start": "09:00", "end": "12:00"}
        db.session.commit()
        return station.id


def test_station_poster_png_of_long_name_and_40_deputies_is_the_renderers_poster(app, client):
    from liaison.codes import posters, render
    from liaison.codes.resolve import find_code

    station_id = _big_station(app)
    token = token_of(app, "station", station_id)
    r = client.get(f"/api/v1/codes/{token}/poster.png")
    assert r.status_code == 200 and r.mimetype == "image/png"
    served = Image.open(io.BytesIO(r.data)).convert("RGB")
    assert served.size == render.A4_300DPI
    assert decode_qr(r.data) == [f"{BASE_URL}/s/{token}"]

    with app.app_context():
        data = posters.data_for(find_code(token))
    assert data.name == LONG_NAME and len(data.name) == 30
    assert len(data.deputies) == 40 and data.reception_lines[:2] == ["每月15日 9:00-12:00", "每周三 9:00-12:00"]
    expected = render.render_station_poster(data)
    assert ImageChops.difference(served, expected.image).getbbox() is None
    drawn = {box.label for box in expected.text_boxes}
    assert {"name", "deputy", "reception", "address"} <= drawn


def test_poster_pdf_is_complete_and_its_qr_decodes(app, client, places):
    token = token_of(app, "station", places["station"][WANGYUEHU])
    r = client.get(f"/api/v1/codes/{token}/poster.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.data.startswith(b"%PDF") and r.data.rstrip().endswith(b"%%EOF")
    assert decode_qr(r.data) == [f"{BASE_URL}/s/{token}"]
    assert "inline" in r.headers["Content-Disposition"]
    # cached in storage: the second answer is the same file, and a conditional GET is 304
    again = client.get(f"/api/v1/codes/{token}/poster.pdf", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


def test_deputy_poster_is_a_card_with_the_deputy_url(app, client, places):
    token = token_of(app, "deputy", places["deputy"]["王明"])
    r = client.get(f"/api/v1/codes/{token}/poster.png")
    assert r.status_code == 200
    assert decode_qr(r.data) == [f"{BASE_URL}/d/{token}"]


def test_poster_changes_when_the_station_changes(app, client, places):
    from liaison.core.db import db
    from liaison.places.models import Station

    token = token_of(app, "station", places["station"][WANGYUEHU])
    first = client.get(f"/api/v1/codes/{token}/poster.png").headers["ETag"]
    with app.app_context():
        db.session.get(Station, places["station"][WANGYUEHU]).address = "望月湖路9号"
        db.session.commit()
    assert client.get(f"/api/v1/codes/{token}/poster.png").headers["ETag"] != first


def test_wxacode_is_asked_from_wechat_once_with_the_token_as_scene(app, client, places, fake_wechat):
    token = token_of(app, "station", places["station"][WANGYUEHU])
    first = client.get(f"/api/v1/codes/{token}/wxacode.jpg")
    second = client.get(f"/api/v1/codes/{token}/wxacode.jpg")
    assert first.status_code == second.status_code == 200
    assert first.mimetype == "image/jpeg" and first.data == second.data
    assert Image.open(io.BytesIO(first.data)).format == "JPEG"  # WeChat's bytes, not re-encoded
    calls = requests.get(f"{fake_wechat}/_fake/calls", params={"path": "/wxa/getwxacodeunlimit"},
                         timeout=5).json()["calls"]
    assert len(calls) == 1 and calls[0]["errcode"] == 0
    assert decode_qr(first.data) == [f"wxacode:{token}"]  # the fake draws the scene it received
    from liaison.codes.models import Code
    from liaison.core.db import db

    with app.app_context():
        assert db.session.query(Code).filter_by(token=token).one().wxacode_key == f"codes/wxacode/{token}.jpg"


def test_wxacode_failure_is_503_and_not_cached(app, client, places, phone):
    token = token_of(app, "deputy", places["deputy"]["李华"])
    phone.fault("/wxa/getwxacodeunlimit", 1, errcode=45009)
    r = client.get(f"/api/v1/codes/{token}/wxacode.jpg")
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "wechat_unavailable"
    assert client.get(f"/api/v1/codes/{token}/wxacode.jpg").status_code == 200


def test_wxacode_for_a_trial_mini_program_is_cached_apart(app, client, places):
    from liaison.codes.models import Code
    from liaison.core.db import db

    token = token_of(app, "station", places["station"][WANGYUEHU])
    app.config["WECHAT_MINIPROGRAM_STATE"] = "trial"
    assert client.get(f"/api/v1/codes/{token}/wxacode.jpg").status_code == 200
    with app.app_context():
        assert db.session.query(Code).filter_by(token=token).one().wxacode_key == f"codes/wxacode/{token}-trial.jpg"


def test_old_wxacode_png_address_leads_to_the_jpeg(app, client, places):
    token = token_of(app, "station", places["station"][WANGYUEHU])
    r = client.get(f"/api/v1/codes/{token}/wxacode.png")
    assert r.status_code == 308 and r.headers["Location"].endswith(f"/api/v1/codes/{token}/wxacode.jpg")


def test_wxacode_cached_under_the_old_png_name_is_asked_again_as_jpeg(app, client, places, fake_wechat):
    from liaison.codes.models import Code
    from liaison.core.db import db
    from liaison.core.storage import get_storage

    token = token_of(app, "station", places["station"][WANGYUEHU])
    with app.app_context():
        get_storage().put(f"codes/wxacode/{token}.png", b"\x89PNG old cache")
        db.session.query(Code).filter_by(token=token).one().wxacode_key = f"codes/wxacode/{token}.png"
        db.session.commit()
    r = client.get(f"/api/v1/codes/{token}/wxacode.jpg")
    assert r.mimetype == "image/jpeg" and decode_qr(r.data) == [f"wxacode:{token}"]
    with app.app_context():
        assert db.session.query(Code).filter_by(token=token).one().wxacode_key == f"codes/wxacode/{token}.jpg"
