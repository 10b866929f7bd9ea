"""Poster batches: files per station, the ZIP, idempotent reruns, the admin API and
progress, and a run killed halfway that the next run finishes."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from codes_helpers import BASE_URL, JUZIZHOU, WANGYUEHU, decode_qr, token_of

FOLDER = "长沙市-岳麓区"


def _generate(runner, region_id, *extra):
    result = runner.invoke(args=["codes", "generate", "--region", str(region_id), "--sync", *extra])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def _files(root: Path) -> dict[str, int]:
    """Printed files (not the bookkeeping in .state) -> mtime in ns."""
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")
            if p.is_file() and ".state" not in p.parts and not p.name.startswith(".")}


def test_cli_generates_posters_qr_and_cards_per_station_and_a_zip(app, runner, places, tmp_path):
    root = Path(app.config["QRCODES_PATH"])
    result = _generate(runner, places["region"]["岳麓区"])
    assert "生成海报" in result.output and "共 8 个文件" in result.output
    wang_token = token_of(app, "deputy", places["deputy"]["王明"])
    station_dir = root / FOLDER / WANGYUEHU
    assert sorted(p.name for p in station_dir.iterdir()) == sorted(
        ["站码海报.pdf", "站码.png", f"代表-王明-{wang_token}.pdf",
         f"代表-李华-{token_of(app, 'deputy', places['deputy']['李华'])}.pdf"])
    # 王明 sits in two stations of the district: a card in each folder
    assert (root / FOLDER / JUZIZHOU / f"代表-王明-{wang_token}.pdf").exists()
    station_token = token_of(app, "station", places["station"][WANGYUEHU])
    assert decode_qr((station_dir / "站码.png").read_bytes()) == [f"{BASE_URL}/s/{station_token}"]
    card = (station_dir / f"代表-王明-{wang_token}.pdf").read_bytes()
    assert card.startswith(b"%PDF") and card.rstrip().endswith(b"%%EOF")
    assert decode_qr(card) == [f"{BASE_URL}/d/{wang_token}"]
    with zipfile.ZipFile(root / f"{FOLDER}.zip") as zf:
        names = zf.namelist()
    assert len(names) == 8 and all(n.startswith(FOLDER + "/") for n in names)
    assert not any("天心区" in n or "坡子街" in n for n in names)  # only the region's subtree

    before = _files(root)
    _generate(runner, places["region"]["岳麓区"])  # idempotent: nothing is rendered again
    assert _files(root) == before


def test_rerun_after_rotation_replaces_only_what_changed(app, runner, places):
    from liaison.codes.operations import rotate_code
    from liaison.codes.resolve import find_code

    root = Path(app.config["QRCODES_PATH"])
    _generate(runner, places["region"]["望月湖街道"])
    before = _files(root)
    old = token_of(app, "deputy", places["deputy"]["李华"])
    with app.app_context():
        new = rotate_code(find_code(old).id).token
    _generate(runner, places["region"]["望月湖街道"])
    after = _files(root)
    folder = f"长沙市-岳麓区-望月湖街道/{WANGYUEHU}"
    assert f"{folder}/代表-李华-{old}.pdf" not in after
    assert f"{folder}/代表-李华-{new}.pdf" in after
    assert after[f"{folder}/站码海报.pdf"] == before[f"{folder}/站码海报.pdf"]


def _drain_queue(app):
    from rq import SimpleWorker

    from liaison.core.extensions import get_queue

    with app.app_context():
        queue = get_queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_admin_api_starts_a_batch_shows_progress_and_serves_the_zip(app, client, places, staff):
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
    r = client.get(progress["zip_url"], headers=office)
    assert r.status_code == 200 and r.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.data)) as zf:
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
