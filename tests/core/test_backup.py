"""scripts/backup → a fresh machine (empty database, no files) → scripts/restore gives back
every row (opinions, events, photos, codes ... every table) and every file, byte for byte;
a damaged backup or a database with data is refused before anything changes."""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from processes import app_env
from sqlalchemy import select, text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(make_app, tmp_path, login):
    """The demo with its sample opinions and history, a resident's photo, a station poster."""
    folders = {"STORAGE_PATH": tmp_path / "files", "WECHAT_VERIFY_DIR": tmp_path / "verify"}
    app = make_app(**{k: str(v) for k, v in folders.items()})
    from liaison.core.db import db
    from liaison.demo.opinions import load_demo_opinions
    from liaison.users.demo import load_demo

    with app.app_context():
        load_demo()
        assert load_demo_opinions() > 0
    folders["WECHAT_VERIFY_DIR"].mkdir(parents=True, exist_ok=True)
    (folders["WECHAT_VERIFY_DIR"] / "MP_verify_abcdefghij.txt").write_text("abcdefghij")
    client = app.test_client()
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, "JPEG")
    up = client.post("/api/v1/uploads", headers=login("demo-resident"),
                     data={"file": (io.BytesIO(buf.getvalue()), "p.jpg")}, content_type="multipart/form-data")
    assert up.status_code == 201, up.get_json()
    with app.app_context():
        from liaison.codes.models import Code

        code = db.session.execute(select(Code)).scalars().first()
        token = code.token
    code_image = client.get(f"/api/v1/codes/{token}/wxacode.jpg")  # WeChat's image, kept in storage
    assert code_image.status_code == 200, code_image.get_json()
    yield app, folders
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _snapshot(app, folders) -> dict:
    from liaison.core.db import db

    with app.app_context():
        tables = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table)).all()
            tables[table.name] = sorted(json.dumps([str(v) for v in row], ensure_ascii=False) for row in rows)
        db.session.remove()
        db.engine.dispose()  # no idle connection of ours blocks the restore's DROP TABLE
    files = {}
    for name, folder in folders.items():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            files[f"{name}/{path.relative_to(folder)}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"tables": tables, "files": files}


def _script(name, base_config, folders, *args):
    env = app_env(base_config, **{k: str(v) for k, v in folders.items()})
    return subprocess.run([str(ROOT / "scripts" / name), *map(str, args)], env=env, capture_output=True,
                          text=True, timeout=300)


def _wipe(app, folders) -> None:
    """A fresh machine: no tables at all, no files."""
    from liaison.core.db import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE"))
            db.session.execute(text("CREATE SCHEMA public"))
            db.session.commit()
        else:
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                for (table,) in conn.exec_driver_sql(
                        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'").all():
                    conn.exec_driver_sql(f'DROP TABLE "{table}"')
                conn.commit()
        db.session.remove()
        db.engine.dispose()
    for folder in folders.values():
        shutil.rmtree(folder, ignore_errors=True)


def test_backup_wipe_restore_round_trips_every_row_and_file(world, base_config, tmp_path):
    app, folders = world
    before = _snapshot(app, folders)
    assert len(before["tables"]["opinions"]) > 0 and len(before["tables"]["opinion_events"]) > 0
    assert len(before["tables"]["uploads"]) == 1 and len(before["tables"]["codes"]) > 0
    assert len([k for k in before["files"] if k.startswith("STORAGE_PATH/")]) >= 2  # the photo, the code image
    assert before["files"].keys() >= {"WECHAT_VERIFY_DIR/MP_verify_abcdefghij.txt"}

    made = _script("backup", base_config, folders, tmp_path / "backups")
    assert made.returncode == 0, made.stderr
    assert "备份完成" in made.stdout
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["opinions"] == len(before["tables"]["opinions"])
    assert manifest["file_count"] == len(before["files"])

    _wipe(app, folders)
    assert not any(folder.exists() for folder in folders.values())

    back = _script("restore", base_config, folders, folder)
    assert back.returncode == 0, back.stderr
    assert "恢复完成" in back.stdout and "行数与备份清单一致" in back.stdout
    assert _snapshot(app, folders) == before


def test_a_damaged_backup_is_refused_and_nothing_changes(world, base_config, tmp_path):
    app, folders = world
    made = _script("backup", base_config, folders, tmp_path / "backups")
    assert made.returncode == 0, made.stderr
    (folder,) = (tmp_path / "backups").iterdir()
    with open(folder / "files.tar", "r+b") as fh:  # one flipped byte
        fh.seek(600)
        byte = fh.read(1)
        fh.seek(600)
        fh.write(bytes([byte[0] ^ 0xFF]))
    before = _snapshot(app, folders)
    refused = _script("restore", base_config, folders, folder, "--replace")
    assert refused.returncode == 1
    assert "files.tar 缺失或已损坏" in refused.stderr
    assert _snapshot(app, folders) == before


def test_a_database_with_data_is_not_overwritten_without_replace(world, base_config, tmp_path):
    app, folders = world
    assert _script("backup", base_config, folders, tmp_path / "b").returncode == 0
    (folder,) = (tmp_path / "b").iterdir()
    before = _snapshot(app, folders)
    refused = _script("restore", base_config, folders, folder)
    assert refused.returncode == 1 and "--replace" in refused.stderr
    assert _snapshot(app, folders) == before
    replaced = _script("restore", base_config, folders, folder, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert _snapshot(app, folders) == before


def test_backup_and_restore_copy_every_key_of_an_s3_file_store(make_app, base_config, s3_config, tmp_path):
    """With STORAGE_BACKEND=s3 the backup lists and copies every key of the bucket (a file
    bigger than one read chunk too); the restore empties the bucket's keys and puts them back."""
    from liaison.core.db import db
    from liaison.core.storage import CHUNK, get_storage
    from liaison.users.demo import load_demo
    from s3server import s3_settings

    app = make_app(**s3_config)
    big = bytes(range(256)) * (2 * CHUNK // 256) + b"end"
    with app.app_context():
        load_demo()
        store = get_storage()
        store.put("uploads/2026/05/a.jpg", b"\xff\xd8\xff photo")
        store.put("posters/长沙市-岳麓区/望月湖/站码.png", b"\x89PNG poster")
        store.put_stream("posters/batches/1/长沙市-岳麓区.zip", io.BytesIO(big))
        before = {k: hashlib.sha256(store.get(k)).hexdigest() for k in store.keys()}
        db.session.remove()
        db.engine.dispose()
    assert len(before) == 3
    env = s3_settings(s3_config["S3_ENDPOINT_URL"], s3_config["S3_BUCKET"], s3_config["S3_PREFIX"], as_env=True)
    folders = {"WECHAT_VERIFY_DIR": tmp_path / "verify"}

    def script(name, *args):
        done = subprocess.run([str(ROOT / "scripts" / name), *map(str, args)], capture_output=True, text=True,
                              timeout=300, env=app_env(base_config, WECHAT_VERIFY_DIR=str(folders["WECHAT_VERIFY_DIR"]),
                                                       **env))
        assert done.returncode == 0, done.stderr
        return done

    script("backup", tmp_path / "backups")
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["file_count"] == 3
    with app.app_context():
        store = get_storage()
        for key in store.keys():
            store.delete(key)
        store.put("uploads/stray.jpg", b"written after the backup")
        assert store.keys() == ["uploads/stray.jpg"]
        db.session.remove()
        db.engine.dispose()
    back = script("restore", folder, "--replace")
    assert "3 个文件" in back.stdout
    with app.app_context():
        store = get_storage()
        assert {k: hashlib.sha256(store.get(k)).hexdigest() for k in store.keys()} == before
        db.session.remove()
        db.engine.dispose()
