"""Photo uploads: re-encoded, stripped, capped, bombs and non-images refused, served safely."""
import io
import struct
import zlib

from PIL import Image

from opinion_helpers import jpeg


def _upload(client, headers, data, name="photo.jpg"):
    return client.post("/api/v1/uploads", headers=headers,
                       data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _png_header_only(width, height) -> bytes:
    """A PNG that claims ``width`` x ``height`` (a decompression bomb's header)."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def test_photo_is_reencoded_without_exif_or_gps_and_turned_upright(client, who):
    exif = Image.Exif()
    exif[0x010F] = "FakeCam"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (28.0, 11.0, 30.0), 3: "E", 4: (112.0, 56.0, 10.0)}  # GPS
    original = jpeg(80, 40, exif=exif)
    assert b"FakeCam" in original
    r = _upload(client, who("demo-resident"), original)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert len(body["id"]) == 32 and body["url"].startswith(f"/uploads/{body['id']}?t=")
    served = client.get(body["url"])
    assert served.status_code == 200
    im = Image.open(io.BytesIO(served.data))
    assert im.format == "JPEG" and im.size == (40, 80)  # orientation applied to the pixels
    assert not im.getexif() and b"FakeCam" not in served.data and "exif" not in im.info


def test_long_edge_is_capped_and_png_becomes_jpeg(client, who):
    big = io.BytesIO()
    Image.new("RGBA", (4000, 1000), (0, 128, 0, 128)).save(big, "PNG")
    body = _upload(client, who("demo-resident"), big.getvalue(), "big.png").get_json()
    assert (body["width"], body["height"]) == (2560, 640)
    im = Image.open(io.BytesIO(client.get(body["url"]).data))
    assert im.format == "JPEG" and im.size == (2560, 640)


def test_decompression_bomb_is_refused_before_decoding(client, who):
    for width, height in ((60000, 60000), (8000, 8000)):  # Pillow's own limit, then ours (40 MP)
        r = _upload(client, who("demo-resident"), _png_header_only(width, height), "bomb.png")
        assert r.status_code == 413, (width, r.get_json())
        assert r.get_json()["error"]["code"] == "image_too_large"


def test_non_images_are_415_and_damaged_images_422(client, who):
    r = _upload(client, who("demo-resident"), b"<svg onload=alert(1)></svg>", "x.svg")
    assert r.status_code == 415 and "图片" in r.get_json()["error"]["message"]
    r = _upload(client, who("demo-resident"), b"%PDF-1.4\n" + b"0" * 100, "x.jpg")
    assert r.status_code == 415
    whole = jpeg(400, 400)
    r = _upload(client, who("demo-resident"), whole[: len(whole) // 3], "cut.jpg")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "invalid_image"


def test_upload_needs_login(client):
    assert _upload(client, {}, jpeg()).status_code == 401


def test_photo_is_served_only_to_those_who_may_see_it(client, who, submit):
    upload = _upload(client, who("demo-resident"), jpeg()).get_json()
    plain = f"/uploads/{upload['id']}"
    # Before it joins an opinion: the uploader only.
    assert client.get(plain, headers=who("demo-resident")).status_code == 200
    assert client.get(plain, headers=who("demo-liaison")).status_code == 404
    assert client.get(plain).status_code == 404
    op = submit(photo_ids=[upload["id"]]).get_json()["opinion"]
    assert [p["id"] for p in op["photos"]] == [upload["id"]]
    # Joined: whoever sees the opinion; the signed URL works without a header (<image src>).
    r = client.get(plain, headers=who("demo-liaison"))
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "image/jpeg"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(plain, headers=who("demo-resident2")).status_code == 404
    assert client.get(op["photos"][0]["url"]).status_code == 200
    assert client.get(plain + "?t=forged").status_code == 404
    assert client.get("/uploads/../../etc/passwd").status_code == 404


def test_photos_are_limited_to_nine_owned_and_unused(client, who, submit):
    mine = [_upload(client, who("demo-resident"), jpeg(color=(i, i, i))).get_json()["id"]
            for i in range(10)]
    assert submit(photo_ids=mine).status_code == 422
    theirs = _upload(client, who("demo-resident2"), jpeg()).get_json()["id"]
    assert submit(photo_ids=[theirs]).status_code == 422
    assert submit(photo_ids=mine[:9]).status_code == 201
    r = submit(photo_ids=[mine[0]])  # already part of an opinion
    assert r.status_code == 422 and "photo_ids" in r.get_json()["error"]["details"]["fields"]


def test_unattached_uploads_older_than_a_day_are_deleted_with_their_files(app, client, who, submit):
    from datetime import datetime, timedelta, timezone

    from liaison.core.db import db
    from liaison.core.jobs import PERIODIC
    from liaison.core.storage import get_storage
    from liaison.opinions.jobs import delete_unattached_uploads
    from liaison.opinions.models import Upload

    ids = [_upload(client, who("demo-resident"), jpeg(color=(i, 0, 0))).get_json()["id"] for i in range(3)]
    old, attached, young = ids
    assert submit(photo_ids=[attached]).status_code == 201
    now = datetime(2031, 3, 1, 8, 0, tzinfo=timezone.utc)
    with app.app_context():
        for upload_id, hours in ((old, 25), (attached, 25), (young, 23)):
            db.session.get(Upload, upload_id).created_at = now - timedelta(hours=hours)
        db.session.commit()
        keys = {u.id: u.storage_key for u in db.session.query(Upload)}
        storage = get_storage()

        assert delete_unattached_uploads(now=now) == 1
        assert delete_unattached_uploads(now=now) == 0  # running twice is safe
        assert sorted(u.id for u in db.session.query(Upload)) == sorted([attached, young])
        assert not storage.exists(keys[old])
        assert storage.exists(keys[attached]) and storage.exists(keys[young])
    assert ("liaison.opinions.jobs.delete_unattached_uploads", 3600) in PERIODIC
    assert client.get(f"/uploads/{old}", headers=who("demo-resident")).status_code == 404
