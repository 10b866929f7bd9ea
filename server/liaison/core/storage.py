"""File storage behind one small interface: a local directory, or an S3-compatible store.

Every stored file (photos, reply attachments, posters and poster ZIPs, WeChat's
verification files, cached mini-program codes) goes through here under a *key* such
as ``uploads/2026/05/<id>.jpg``; no caller knows where the bytes live.
``STORAGE_BACKEND`` chooses: ``local`` (``STORAGE_PATH``, the default) or ``s3``
(``S3_ENDPOINT_URL``, ``S3_BUCKET``, ``S3_PREFIX`` ..., through boto3).

The interface (both backends, the same contract: ``tests/core/test_storage.py``):

* ``put(key, data)`` / ``put_stream(key, fileobj)``: write a whole file; readers never
  see half of one (local: temp file + rename; S3: an object appears when complete,
  large streams go up in multipart parts).
* ``open(key)`` (a readable binary file object, close it) / ``get_stream(key)`` (chunks)
  / ``get(key)`` (bytes, for small files); a missing key raises ``FileNotFoundError``.
* ``exists``, ``delete`` (True when it existed), ``size``, ``keys(prefix)`` (every key
  under a folder, sorted).
* ``url(key, expires, filename, content_type)``: a short-lived signed GET URL where the
  store offers one and ``S3_SIGNED_URLS`` is on, else ``None`` (the app streams it).

A key is a relative path of ``/``-separated names; an absolute key, a ``..`` or ``.``
name, a backslash or a control character is refused with ``ValueError`` before any
store is asked, so no key escapes the root folder or the bucket prefix.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import BinaryIO, Iterator

CHUNK = 256 * 1024
SIGNED_URL_SECONDS = 300  # a redirect's signed URL: long enough to start the download
TMP_PREFIX = ".tmp-"
_BAD_KEY = re.compile(r"[\x00-\x1f\x7f\\]")


def check_key(key: str) -> str:
    """The key if it is a safe relative path, else ``ValueError``."""
    if not isinstance(key, str) or not key or key.startswith("/") or _BAD_KEY.search(key):
        raise ValueError(f"bad storage key: {key!r}")
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise ValueError(f"storage key escapes its folder: {key!r}")
    return key


def _folder(prefix: str) -> str:
    """``"wechat-verify"`` → ``"wechat-verify/"``; ``""`` → ``""`` (every key)."""
    prefix = prefix.strip("/")
    if prefix:
        check_key(prefix)
        return prefix + "/"
    return ""


class LocalStorage:
    """Files under one local directory (one machine, or a shared volume)."""

    name = "local"

    def __init__(self, root: str):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        check_key(key)
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key escapes the root")
        return path

    def put(self, key: str, data: bytes) -> str:
        """Write atomically (temp file + rename) so readers never see half a file."""
        import io

        return self.put_stream(key, io.BytesIO(data))

    def put_stream(self, key: str, fileobj: BinaryIO, content_type: str | None = None) -> str:
        """Copy ``fileobj`` (read from where it stands, in chunks) into ``key`` atomically."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as fh:
                shutil.copyfileobj(fileobj, fh, CHUNK)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return open(path, "rb")

    def get(self, key: str) -> bytes:
        with self.open(key) as fh:
            return fh.read()

    def get_stream(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        fh = self.open(key)  # raises here, not at the first chunk
        return _chunks(fh, chunk_size)

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).is_file()
        except ValueError:
            return False

    def size(self, key: str) -> int:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return path.stat().st_size

    def delete(self, key: str) -> bool:
        """Remove a file; True when it existed."""
        try:
            self._path(key).unlink()
            return True
        except (FileNotFoundError, IsADirectoryError, ValueError):
            return False

    def keys(self, prefix: str = "") -> list[str]:
        """Every key under folder ``prefix`` (``""``: all), sorted; unfinished writes left out."""
        folder_key = _folder(prefix)
        folder = self.root / folder_key if folder_key else self.root
        if not folder.is_dir():
            return []
        found = []
        for dirpath, _dirs, files in os.walk(folder):
            rel = Path(dirpath).relative_to(self.root).as_posix()
            for name in files:
                if not name.startswith(TMP_PREFIX):
                    found.append(name if rel == "." else f"{rel}/{name}")
        return sorted(found)

    def url(self, key: str, expires: int = 300, filename: str | None = None,
            content_type: str | None = None) -> str | None:
        """No signed URLs on a local directory: the app streams the file."""
        return None


def _chunks(fh: BinaryIO, chunk_size: int) -> Iterator[bytes]:
    try:
        while True:
            block = fh.read(chunk_size)
            if not block:
                return
            yield block
    finally:
        fh.close()


class S3Storage:
    """Objects in one bucket of an S3-compatible store, every key under ``prefix``.

    The boto3 client is made on first use in each process (a forked worker makes its
    own). The bucket is made by ``flask storage init`` or, when missing, by the first
    write.
    """

    name = "s3"
    MULTIPART_THRESHOLD = 8 * 1024 * 1024

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, access_key_id: str | None = None,
                 secret_access_key: str | None = None, signed_urls: bool = False):
        if not bucket:
            raise ValueError("S3_BUCKET is required when STORAGE_BACKEND=s3")
        self.bucket = bucket
        self.prefix = _folder(prefix)
        self.endpoint_url = endpoint_url or None
        self.region = region or None
        self.signed_urls = signed_urls
        self._credentials = (access_key_id or None, secret_access_key or None)
        self._local = threading.local()
        self._pid = None

    # -- the client ---------------------------------------------------------------
    def client(self):
        """This process's (and thread's) boto3 client."""
        if self._pid != os.getpid():
            self._local, self._pid = threading.local(), os.getpid()
        client = getattr(self._local, "client", None)
        if client is None:
            import boto3
            from botocore.config import Config

            access, secret = self._credentials
            client = boto3.session.Session().client(
                "s3", endpoint_url=self.endpoint_url, region_name=self.region or "us-east-1",
                aws_access_key_id=access, aws_secret_access_key=secret,
                config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                              retries={"max_attempts": 3, "mode": "standard"},
                              connect_timeout=5, read_timeout=60))
            self._local.client = client
        return client

    def __getstate__(self):  # picklable (the client is not): a new process makes its own
        state = dict(self.__dict__)
        state["_local"], state["_pid"] = None, None
        return state

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    @staticmethod
    def _missing(exc) -> bool:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        return code in ("404", "NoSuchKey", "NotFound")

    @staticmethod
    def _no_bucket(exc) -> bool:
        return str(exc.response.get("Error", {}).get("Code", "")) == "NoSuchBucket"

    def ensure_bucket(self) -> bool:
        """Create the bucket unless it exists; True when it was created."""
        from botocore.exceptions import ClientError

        client = self.client()
        try:
            client.head_bucket(Bucket=self.bucket)
            return False
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code", "")) not in ("404", "NoSuchBucket", "NotFound"):
                raise
        args = {"Bucket": self.bucket}
        if self.region and self.region != "us-east-1":
            args["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        try:
            client.create_bucket(**args)
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code", "")) not in ("BucketAlreadyOwnedByYou",):
                raise
            return False
        return True

    # -- writing -------------------------------------------------------------------
    def put(self, key: str, data: bytes) -> str:
        from botocore.exceptions import ClientError

        name = self._name(key)
        try:
            self.client().put_object(Bucket=self.bucket, Key=name, Body=data)
        except ClientError as exc:
            if not self._no_bucket(exc):
                raise
            self.ensure_bucket()
            self.client().put_object(Bucket=self.bucket, Key=name, Body=data)
        return key

    def put_stream(self, key: str, fileobj: BinaryIO, content_type: str | None = None) -> str:
        """Upload from a file object; above 8 MiB in multipart parts (never all in memory)."""
        from boto3.s3.transfer import TransferConfig
        from botocore.exceptions import ClientError

        name = self._name(key)
        config = TransferConfig(multipart_threshold=self.MULTIPART_THRESHOLD,
                                multipart_chunksize=self.MULTIPART_THRESHOLD, use_threads=False)
        extra = {"ContentType": content_type} if content_type else None
        start = fileobj.tell() if fileobj.seekable() else None
        try:
            self.client().upload_fileobj(fileobj, self.bucket, name, ExtraArgs=extra, Config=config)
        except ClientError as exc:
            if not self._no_bucket(exc) or start is None:
                raise
            self.ensure_bucket()
            fileobj.seek(start)
            self.client().upload_fileobj(fileobj, self.bucket, name, ExtraArgs=extra, Config=config)
        return key

    # -- reading -------------------------------------------------------------------
    def open(self, key: str) -> BinaryIO:
        """The object's body, read from the network as it is consumed (close it)."""
        from botocore.exceptions import ClientError

        try:
            return self.client().get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        except ClientError as exc:
            if self._missing(exc) or self._no_bucket(exc):
                raise FileNotFoundError(key) from None
            raise

    def get(self, key: str) -> bytes:
        body = self.open(key)
        try:
            return body.read()
        finally:
            body.close()

    def get_stream(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        return _chunks(self.open(key), chunk_size)

    def _head(self, key: str) -> dict | None:
        from botocore.exceptions import ClientError

        try:
            return self.client().head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if self._missing(exc) or self._no_bucket(exc):
                return None
            raise

    def exists(self, key: str) -> bool:
        try:
            return self._head(key) is not None
        except ValueError:
            return False

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise FileNotFoundError(key)
        return int(head["ContentLength"])

    def delete(self, key: str) -> bool:
        try:
            name = self._name(key)
        except ValueError:
            return False
        if not self.exists(key):
            return False
        self.client().delete_object(Bucket=self.bucket, Key=name)
        return True

    def keys(self, prefix: str = "") -> list[str]:
        from botocore.exceptions import ClientError

        start = self.prefix + _folder(prefix)
        found = []
        try:
            for page in self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start):
                found.extend(item["Key"][len(self.prefix):] for item in page.get("Contents", [])
                             if not item["Key"].endswith("/"))  # a console's "folder" marker
        except ClientError as exc:
            if self._no_bucket(exc):
                return []
            raise
        return sorted(found)

    def url(self, key: str, expires: int = 300, filename: str | None = None,
            content_type: str | None = None) -> str | None:
        """A presigned GET valid ``expires`` seconds (None when S3_SIGNED_URLS is off)."""
        if not self.signed_urls:
            return None
        params = {"Bucket": self.bucket, "Key": self._name(key)}
        if filename:
            params["ResponseContentDisposition"] = content_disposition(filename, attachment=True)
        if content_type:
            params["ResponseContentType"] = content_type
        return self.client().generate_presigned_url("get_object", Params=params, ExpiresIn=int(expires))


def content_disposition(filename: str, attachment: bool = True) -> str:
    """``attachment; filename="..."; filename*=UTF-8''...`` (Chinese names kept)."""
    from urllib.parse import quote

    kind = "attachment" if attachment else "inline"
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def from_config(config) -> LocalStorage | S3Storage:
    """The storage ``STORAGE_BACKEND`` names, built from the settings."""
    if config["STORAGE_BACKEND"] == "s3":
        return S3Storage(bucket=config["S3_BUCKET"], prefix=config["S3_PREFIX"],
                         endpoint_url=config["S3_ENDPOINT_URL"], region=config["S3_REGION"],
                         access_key_id=config["S3_ACCESS_KEY_ID"],
                         secret_access_key=config["S3_SECRET_ACCESS_KEY"],
                         signed_urls=bool(config["S3_SIGNED_URLS"]))
    return LocalStorage(config["STORAGE_PATH"])


def get_storage(app=None):
    from flask import current_app

    app = app or current_app
    return app.extensions["liaison_storage"]


def send_stored(key: str, mimetype: str, download_name: str | None = None, as_attachment: bool = False,
                max_age: int = 0, private: bool = True, etag: str | None = None, signed: bool = True):
    """A response with a stored file: a redirect to a short-lived signed URL when the
    store offers one (``S3_SIGNED_URLS``), else the file streamed in chunks through the
    app. Check authorization before calling: the URL lets anyone holding it read the file
    until it expires (``SIGNED_URL_SECONDS``).

    :raise FileNotFoundError: the key is not there.
    """
    from flask import Response, redirect, request  # flask's class: apiflask passes it through

    storage = get_storage()
    if signed:
        target = storage.url(key, expires=SIGNED_URL_SECONDS,
                             filename=download_name if as_attachment else None, content_type=mimetype)
        if target:
            resp = redirect(target, 302)
            resp.headers["Cache-Control"] = "private, no-store"
            return resp
    if etag and request.if_none_match.contains(etag):
        resp = Response(status=304)
        resp.set_etag(etag)
        resp.cache_control.max_age = max_age
        return resp
    size = storage.size(key)
    resp = Response(storage.get_stream(key), mimetype=mimetype, direct_passthrough=True)
    resp.content_length = size
    if download_name or as_attachment:
        resp.headers["Content-Disposition"] = content_disposition(download_name or key.rsplit("/", 1)[-1],
                                                                  attachment=as_attachment)
    resp.cache_control.max_age = max_age
    if private:
        resp.cache_control.private = True
    else:
        resp.cache_control.public = True
    if etag:
        resp.set_etag(etag)
    return resp
