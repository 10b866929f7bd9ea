"""Poster batches: files per station in the file store (a folder or an S3 bucket), the
ZIP, idempotent reruns, the admin API and progress, the download streamed or redirected
to a signed URL."""
from __future__ import annotations

import io
import zipfile

import pytest
import requests

from codes_helpers import BASE_URL, JUZIZHOU, WANGYUEHU, decode_qr, token_of

FOLDER = "长沙市-岳麓区"


def _generate(runner, region_id, *extra):
    result = runner.invoke(args=["codes", "generate", "--region", str(region_id), "--sync", *extra])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def _store(app):
    from liaison.core.storage import get_storage

    return get_storage(app)


def _printed(app) -> dict[str, bytes]:
    """The printed files in the store (not the bookkeeping in .state, not the ZIPs) → bytes."""
    store = _store(app)
    return {key[len("posters/"):]: store.get(key) for key in store.keys("posters")
            if not key.startswith(("posters/.state/", "posters/batches/"))}


def _mark_all(app) -> dict[str, bytes]:
    """Overwrite every printed file with a marker: a file rendered again loses its marker."""
    store = _store(app)
    marked = {}
    for rel in _printed(app):
        marked[rel] = f"%PDF marker {rel} %%EOF".encode()
        store.put(f"posters/{rel}", marked[rel])
    return marked


def _zip(app, batch_id: int, folder: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(_store(app).get(f"posters/batches/{batch_id}/{folder}.zip")))


@pytest.mark.parametrize("storage_backend", ["local", "s3"])
def test_cli_generates_posters_qr_and_cards_per_station_and_a_zip(app, runner, places, tmp_path):
    result = _generate(runner, places["region"]["岳麓区"])
    assert "生成海报" in result.output and "共 8 个文件" in result.output
    wang_token = token_of(app, "deputy", places["deputy"]["王明"])
    printed = _printed(app)
    station_files = sorted(rel.rsplit("/", 1)[1] for rel in printed if rel.startswith(f"{FOLDER}/{WANGYUEHU}/"))
    assert station_files == sorted(
        ["站码海报.pdf", "站码.png", f"代表-王明-{wang_token}.pdf",
         f"代表-李华-{token_of(app, 'deputy', places['deputy']['李华'])}.pdf"])
    # 王明 sits in two stations of the district: a card in each folder
    assert f"{FOLDER}/{JUZIZHOU}/代表-王明-{wang_token}.pdf" in printed
    station_token = token_of(app, "station", places["station"][WANGYUEHU])
    assert decode_qr(printed[f"{FOLDER}/{WANGYUEHU}/站码.png"]) == [f"{BASE_URL}/s/{station_token}"]
    card = printed[f"{FOLDER}/{WANGYUEHU}/代表-王明-{wang_token}.pdf"]
    assert card.startswith(b"%PDF") and card.rstrip().endswith(b"%%EOF")
    assert decode_qr(card) == [f"{BASE_URL}/d/{wang_token}"]
    with _zip(app, 1, FOLDER) as zf:
        names = zf.namelist()
        assert zf.read(f"{FOLDER}/{WANGYUEHU}/站码.png") == printed[f"{FOLDER}/{WANGYUEHU}/站码.png"]
    assert len(names) == 8 and all(n.startswith(FOLDER + "/") for n in names)
    assert not any("天心区" in n or "坡子街" in n for n in names)  # only the region's subtree

    marked = _mark_all(app)
    again = _generate(runner, places["region"]["岳麓区"])  # idempotent: nothing is rendered again
    assert "批次 #2" in again.output and "flask codes zip 2" in again.output
    assert _printed(app) == marked
    out = tmp_path / "out.zip"
    copied = runner.invoke(args=["codes", "zip", "2", str(out)])
    assert copied.exit_code == 0, copied.output
    with zipfile.ZipFile(out) as zf:  # the second batch's ZIP holds the files as stored
        assert sorted(zf.namelist()) == sorted(names) and zf.read(sorted(names)[0]) == marked[sorted(names)[0]]


def test_rerun_after_rotation_replaces_only_what_changed(app, runner, places):
    from liaison.codes.operations import rotate_code
    from liaison.codes.resolve import find_code

    _generate(runner, places["region"]["望月湖街道"])
    marked = _mark_all(app)
    old = token_of(app, "deputy", places["deputy"]["李华"])
    with app.app_context():
        new = rotate_code(find_code(old).id).token
    _generate(runner, places["region"]["望月湖街道"])
    after = _printed(app)
    folder = f"长沙市-岳麓区-望月湖街道/{WANGYUEHU}"
    assert f"{folder}/代表-李华-{old}.pdf" not in after
    assert not _store(app).exists(f"posters/.state/{folder}/代表-李华-{old}.pdf.fp")  # pruned with it
    assert after[f"{folder}/代表-李华-{new}.pdf"].startswith(b"%PDF-")  # rendered for the new token
    assert after[f"{folder}/站码海报.pdf"] == marked[f"{folder}/站码海报.pdf"]  # unchanged: kept
    with _zip(app, 2, "长沙市-岳麓区-望月湖街道") as zf:
        assert f"{folder}/代表-李华-{new}.pdf" in zf.namelist()
        assert f"{folder}/代表-李华-{old}.pdf" not in zf.namelist()


def _drain_queue(app):
    from rq import SimpleWorker

    from liaison.core.extensions import get_queue

    with app.app_context():
        queue = get_queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


@pytest.mark.parametrize("storage_backend", ["local", "s3", "s3-signed"])
def test_admin_api_starts_a_batch_shows_progress_and_serves_the_zip(app, client, places, staff, storage_backend):
    region_id = places["region"]["岳麓区"]
    office = staff("office-1", "office", region_id=region_id)
    r = client.post(f"/api/v1/regions/{region_id}/poster-batches", json={"format": "pdf"}, headers=office)
    assert r.status_code == 202, r.get_json()
    batch = r.get_json()["batch"]
    assert batch["status"] == "queued" and batch["done"] == 0
    # asking again while it is queued gives the same batch, not a second run
    again = client.post(f"/api/v1/regions/{region_id}/poster-batches", json={}, headers=office)
    assert again.get_json()["batch"]["id"] == batch["id"]
    r = client.get(f"/api/v1/poster-batches/{batch['id']}/zip", headers=office)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "batch_not_finished"

    _drain_queue(app)
    progress = client.get(f"/api/v1/poster-batches/{batch['id']}", headers=office).get_json()["batch"]
    assert progress["status"] == "finished" and progress["done"] == progress["total"] == 8
    other = staff("office-2", "office", region_id=places["region"]["天心区"])
    refused = client.get(progress["zip_url"], headers=other)  # asked first, before any URL is made
    assert refused.status_code == 403 and "Location" not in refused.headers
    r = client.get(progress["zip_url"], headers=office)
    if storage_backend == "s3-signed":
        assert r.status_code == 302 and r.headers["Cache-Control"] == "private, no-store"
        assert "X-Amz-Signature=" in r.headers["Location"] and "X-Amz-Expires=300" in r.headers["Location"]
        fetched = requests.get(r.headers["Location"], timeout=10)  # the browser follows it to the store
        assert fetched.status_code == 200 and fetched.headers["Content-Type"] == "application/zip"
        assert "filename*=UTF-8''%E9%95%BF%E6%B2%99%E5%B8%82" in fetched.headers["Content-Disposition"]
        data = fetched.content
    else:
        assert r.status_code == 200 and r.mimetype == "application/zip"
        assert int(r.headers["Content-Length"]) == len(r.data)
        assert "attachment" in r.headers["Content-Disposition"]
        data = r.data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert len(zf.namelist()) == 8 and zf.testzip() is None


def test_only_the_regions_office_may_batch(app, client, places, staff):
    region_id = places["region"]["岳麓区"]
    liaison = staff("liaison-1", "liaison", station_id=places["station"][WANGYUEHU])
    assert client.post(f"/api/v1/regions/{region_id}/poster-batches", json={}, headers=liaison).status_code == 403
    other = staff("office-2", "office", region_id=places["region"]["天心区"])
    assert client.post(f"/api/v1/regions/{region_id}/poster-batches", json={}, headers=other).status_code == 403
    city = staff("office-3", "office", region_id=places["region"]["长沙市"])
    r = client.post(f"/api/v1/regions/{region_id}/poster-batches", json={}, headers=city)
    assert r.status_code == 202
    batch_id = r.get_json()["batch"]["id"]
    assert client.get(f"/api/v1/poster-batches/{batch_id}", headers=other).status_code == 403
    assert client.post("/api/v1/regions/999/poster-batches", json={}, headers=city).status_code == 404
