"""File storage behind one small interface (local disk by default).

Generated and uploaded files go through here so another backend (object storage)
can replace the local directory without touching callers.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


class LocalStorage:
    def __init__(self, root: str):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key escapes the root")
        return path

    def put(self, key: str, data: bytes) -> str:
        """Write atomically (temp file + rename) so readers never see half a file."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        return key

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).exists()
        except ValueError:
            return False

    def delete(self, key: str) -> bool:
        """Remove a file; True when it existed."""
        try:
            self._path(key).unlink()
            return True
        except (FileNotFoundError, ValueError):
            return False

    def keys(self, prefix: str) -> list[str]:
        """The keys of the files directly inside folder ``prefix`` (e.g. ``"wechat-verify"``), sorted."""
        try:
            folder = self._path(prefix)
        except ValueError:
            return []
        if not folder.is_dir():
            return []
        return sorted(f"{prefix.strip('/')}/{p.name}" for p in folder.iterdir()
                      if p.is_file() and not p.name.startswith(".tmp-"))

    def local_path(self, key: str) -> Path:
        return self._path(key)


def get_storage(app=None):
    from flask import current_app

    app = app or current_app
    return app.extensions["liaison_storage"]
