"""The H5 form checks the retry, blocks, limits and fields before any photo is
decoded and stored (Pillow re-encoding is the costly part of a submit)."""
from __future__ import annotations

import io
import re

import pytest
from page_helpers import csrf_of

from liaison.core.db import db
from liaison.core.storage import get_storage
from liaison.opinions.models import Block, Opinion, Upload
from liaison.users.models import User

TEXT = "望月湖小区三栋楼道灯坏了两个星期，晚上老人上下楼很危险，希望尽快修好。"


def _jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(buf, "JPEG")
    return buf.getvalue()


def _form(client, station_id) -> dict:
    html = client.get(f"/h5/submit?station_id={station_id}").get_data(as_text=True)
    return {"csrf_token": csrf_of(html), "station_id": station_id, "text": TEXT,
            "key": re.search(r'name="key" value="([^"]+)"', html).group(1)}


def _post(client, data: dict, photos: int = 2):
    files = [(io.BytesIO(_jpeg()), f"照片{i}.jpg") for i in range(photos)]
    return client.post("/h5/submit", data={**data, "photos": files}, content_type="multipart/form-data")


@pytest.fixture
def stored(app):
    """How many uploads exist, as rows and as files in the storage."""
    root = get_storage(app).root

    def _stored() -> tuple[int, int]:
        with app.app_context():
            rows = db.session.query(Upload).count()
        return rows, sum(1 for p in root.rglob("*.jpg"))

    return _stored


def test_blocked_resident_is_refused_before_any_photo_is_processed(app, client, resident, town, stored):
    resident()
    with app.app_context():
        user = db.session.query(User).filter_by(oa_openid="oa-demo-resident").one()
        db.session.add(Block(kind="user", value=str(user.id), reason="多次提交辱骂内容"))
        db.session.commit()
    before = stored()
    r = _post(client, _form(client, town["station_id"]))
    assert r.status_code == 403 and "多次提交辱骂内容" in r.get_data(as_text=True)
    assert stored() == (0, before[1])


def test_over_the_hourly_limit_is_refused_before_any_photo_is_processed(app, client, resident, town, stored):
    app.config["RATE_LIMIT_OPINIONS_PER_HOUR"] = 1
    resident()
    assert _post(client, _form(client, town["station_id"]), photos=0).status_code == 302
    before = stored()
    r = _post(client, _form(client, town["station_id"]))
    assert r.status_code == 429 and "每小时最多提交1条意见" in r.get_data(as_text=True)
    assert stored() == (0, before[1])


def test_empty_text_is_refused_before_any_photo_is_processed_and_keeps_the_slot(
        app, client, resident, town, stored):
    app.config["RATE_LIMIT_OPINIONS_PER_HOUR"] = 1
    resident()
    before = stored()
    r = _post(client, {**_form(client, town["station_id"]), "text": ""})
    assert r.status_code == 422 and "请把问题写清楚一些（至少5个字）" in r.get_data(as_text=True)
    assert stored() == (0, before[1])
    assert _post(client, _form(client, town["station_id"]), photos=1).status_code == 302  # slot given back
    assert stored() == (1, before[1] + 1)


def test_double_tap_with_photos_processes_them_once(app, client, resident, town, stored):
    resident()
    data = _form(client, town["station_id"])
    first, second = _post(client, data), _post(client, data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.query(Opinion).count() == 1
    assert stored()[0] == 2
