"""Photos and reply attachments with the file store on S3 (moto's server, a real process on
loopback): uploaded through the API into the bucket, served after the app's own check,
streamed through the app or (S3_SIGNED_URLS) by a redirect to a signed URL, removed from
the bucket with their rows."""
from __future__ import annotations

import io

import pytest
import requests
from opinion_helpers import jpeg
from PIL import Image


@pytest.fixture(params=["s3", "s3-signed"])
def backend(request):
    return request.param


@pytest.fixture
def app(make_app, s3_config, backend):
    from liaison.core.db import db

    app = make_app(**{**s3_config, "S3_SIGNED_URLS": backend == "s3-signed"})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _store(app):
    from liaison.core.storage import get_storage

    store = get_storage(app)
    assert store.name == "s3"
    return store


def _fetch(client, url, backend, headers=None):
    """(status, content type, headers, body) as a browser gets it: following the redirect."""
    r = client.get(url, headers=headers or {})
    if backend == "s3-signed" and r.status_code == 302:
        assert "X-Amz-Signature=" in r.headers["Location"] and r.headers["Cache-Control"] == "private, no-store"
        got = requests.get(r.headers["Location"], timeout=10)
        return got.status_code, got.headers["Content-Type"], got.headers, got.content
    return r.status_code, r.mimetype, r.headers, r.data


def test_a_photo_goes_into_the_bucket_and_is_served_only_to_who_may_see_it(app, client, who, backend):
    up = client.post("/api/v1/uploads", headers=who("demo-resident"),
                     data={"file": (io.BytesIO(jpeg(96, 64)), "p.jpg")}, content_type="multipart/form-data")
    assert up.status_code == 201, up.get_json()
    body = up.get_json()
    keys = _store(app).keys("uploads")
    assert len(keys) == 1 and keys[0].endswith(f"/{body['id']}.jpg")

    status, mimetype, headers, data = _fetch(client, body["url"], backend)  # the signed ?t= link
    assert status == 200 and mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(data)).size == (96, 64)
    if backend == "s3":
        assert headers["Content-Length"] == str(len(data)) and "sandbox" in headers["Content-Security-Policy"]

    bare = f"/uploads/{body['id']}"
    assert client.get(bare).status_code == 404  # no token, nobody logged in: no redirect either
    stranger = client.get(bare, headers=who("other-liaison"))
    assert stranger.status_code == 404 and "Location" not in stranger.headers
    status, _, _, again = _fetch(client, bare, backend, headers=who("demo-resident"))  # the uploader
    assert status == 200 and again == data


def test_reply_attachments_stream_from_the_bucket_and_leave_it_when_deleted(app, client, who, act, submit, world,
                                                                            backend):
    from test_reply_attachments import real_pdf

    opinion = submit().get_json()["opinion"]["id"]
    assert act("demo-liaison", opinion, "accept").status_code == 200
    assert act("demo-liaison", opinion, "assign", level="district", unit_ids=[world["unit_id"]],
               lead_unit_id=world["unit_id"]).status_code == 200

    def upload(data, name):
        r = client.post(f"/api/v1/opinions/{opinion}/reply-attachments", headers=who("demo-unit"),
                        data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    pdf = real_pdf()
    letter = upload(pdf, "答复函.pdf")
    spare = upload(jpeg(), "多余.jpg")
    stored = _store(app).keys("reply-attachments")
    assert len(stored) == 2 and {k.rsplit(".", 1)[1] for k in stored} == {"pdf", "jpg"}
    assert client.delete(f"/api/v1/reply-attachments/{spare['id']}", headers=who("demo-unit")).status_code == 204
    (left,) = _store(app).keys("reply-attachments")  # the file left the bucket with its row
    assert left.endswith(".pdf") and _store(app).get(left) == pdf

    hidden = client.get(f"/api/v1/reply-attachments/{letter['id']}", headers=who("demo-resident"))
    assert hidden.status_code == 404 and "Location" not in hidden.headers  # not released: no URL is made
    assert act("demo-unit", opinion, "draft_reply", text="路灯已于本周更换，经现场检查恢复照明。").status_code == 200
    assert act("demo-liaison", opinion, "release_reply").status_code == 200
    status, mimetype, headers, data = _fetch(client, f"/api/v1/reply-attachments/{letter['id']}", backend,
                                             headers=who("demo-resident"))
    assert status == 200 and mimetype == "application/pdf" and data == pdf
    assert headers["Content-Disposition"].startswith("attachment")
    assert "filename*=UTF-8''%E7%AD%94%E5%A4%8D%E5%87%BD.pdf" in headers["Content-Disposition"]
