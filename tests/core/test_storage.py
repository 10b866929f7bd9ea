"""The file store's contract, run against both backends: LocalStorage (a folder) and
S3Storage (boto3 against moto's S3 server, a real HTTP server in its own process)."""
from __future__ import annotations

import io
import pickle
import uuid

import pytest
import requests

from liaison.core.storage import CHUNK, LocalStorage, S3Storage, check_key
from s3server import ACCESS_KEY, SECRET_KEY


def _s3(endpoint: str, bucket: str, prefix: str = "liaison", signed: bool = True) -> S3Storage:
    return S3Storage(bucket=bucket, prefix=prefix, endpoint_url=endpoint, region="us-east-1",
                     access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY, signed_urls=signed)


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalStorage(str(tmp_path / "files"))
    storage = _s3(request.getfixturevalue("s3_server"), f"contract-{uuid.uuid4().hex[:12]}")
    assert storage.ensure_bucket() is True
    return storage


class Failing(io.RawIOBase):
    """A reader that gives ``good`` bytes, then fails (a client that went away)."""

    def __init__(self, good: bytes):
        self.data = io.BytesIO(good)

    def readable(self):
        return True

    def readinto(self, buf):
        chunk = self.data.read(len(buf))
        if not chunk:
            raise OSError("connection reset")
        buf[:len(chunk)] = chunk
        return len(chunk)


def test_put_get_exists_size_delete(store):
    assert not store.exists("uploads/2026/05/a.jpg")
    assert store.put("uploads/2026/05/a.jpg", b"first") == "uploads/2026/05/a.jpg"
    assert store.exists("uploads/2026/05/a.jpg")
    assert store.get("uploads/2026/05/a.jpg") == b"first"
    assert store.size("uploads/2026/05/a.jpg") == 5
    store.put("uploads/2026/05/a.jpg", b"second, longer")  # a put replaces the whole file
    assert store.get("uploads/2026/05/a.jpg") == b"second, longer"
    assert store.delete("uploads/2026/05/a.jpg") is True
    assert store.delete("uploads/2026/05/a.jpg") is False
    assert not store.exists("uploads/2026/05/a.jpg")
    for read in (store.get, store.size, store.open, store.get_stream):
        with pytest.raises(FileNotFoundError):
            read("uploads/2026/05/a.jpg")


def test_keys_lists_every_file_under_a_folder_and_nothing_beside_it(store):
    for key in ("wechat-verify/MP_verify_a.txt", "wechat-verify/b.txt", "wechat-verify-old/c.txt",
                "posters/1/长沙市-岳麓区/站码.png", "posters/1/长沙市-岳麓区.zip", "top.txt"):
        store.put(key, key.encode())
    assert store.keys("wechat-verify") == ["wechat-verify/MP_verify_a.txt", "wechat-verify/b.txt"]
    assert store.keys("wechat-verify/") == store.keys("wechat-verify")
    assert store.keys("posters") == ["posters/1/长沙市-岳麓区.zip", "posters/1/长沙市-岳麓区/站码.png"]
    assert store.keys("nothing-here") == []
    assert len(store.keys()) == 6 and "top.txt" in store.keys("")


def test_a_file_bigger_than_one_chunk_streams_in_and_out(store):
    data = bytes(range(256)) * (CHUNK * 3 // 256) + b"tail"
    assert len(data) > 3 * CHUNK
    store.put_stream("exports/big.bin", io.BytesIO(data), content_type="application/octet-stream")
    chunks = list(store.get_stream("exports/big.bin"))
    assert len(chunks) >= 4 and all(len(c) <= CHUNK for c in chunks)
    assert b"".join(chunks) == data
    assert store.size("exports/big.bin") == len(data)
    with store.open("exports/big.bin") as fh:
        assert fh.read(10) == data[:10]
        assert fh.read() == data[10:]


def test_a_write_that_fails_halfway_leaves_the_old_file_whole(store):
    store.put("posters/1/a.pdf", b"%PDF old %%EOF")
    with pytest.raises(Exception):
        store.put_stream("posters/1/a.pdf", io.BufferedReader(Failing(b"%PDF new, cut off"), 4))
    assert store.get("posters/1/a.pdf") == b"%PDF old %%EOF"
    assert store.keys("posters") == ["posters/1/a.pdf"]  # no temporary file shows


@pytest.mark.parametrize("key", ["../outside.txt", "/etc/passwd", "a/../../b", "a/./b", "a//b", "a\\..\\b",
                                 "", "a/\x00b", "uploads/.."])
def test_a_key_escaping_its_folder_is_refused(store, key):
    with pytest.raises(ValueError):
        store.put(key, b"x")
    with pytest.raises(ValueError):
        store.put_stream(key, io.BytesIO(b"x"))
    with pytest.raises(ValueError):
        store.get(key)
    assert store.exists(key) is False
    assert store.delete(key) is False
    assert store.keys() == []
    with pytest.raises(ValueError):
        store.keys("../")


def test_local_keys_stay_inside_the_root(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"secret")
    store = LocalStorage(str(tmp_path / "files"))
    with pytest.raises(ValueError):
        store.get("../outside.txt")
    (tmp_path / "files" / "link").symlink_to(tmp_path)  # a symlink out of the root is refused too
    with pytest.raises(ValueError):
        store.get("link/outside.txt")
    assert check_key("posters/1/站码.png") == "posters/1/站码.png"


def test_s3_keys_stay_under_the_prefix(s3_server):
    bucket = f"prefix-{uuid.uuid4().hex[:12]}"
    one, two = _s3(s3_server, bucket, "city-a"), _s3(s3_server, bucket, "city-b/")
    one.ensure_bucket()
    one.put("uploads/x.jpg", b"a")
    two.put("uploads/x.jpg", b"b")
    assert one.get("uploads/x.jpg") == b"a" and two.get("uploads/x.jpg") == b"b"
    assert one.keys() == ["uploads/x.jpg"]
    with pytest.raises(ValueError):
        one.put("../city-b/uploads/x.jpg", b"overwritten")
    names = [o["Key"] for o in one.client().list_objects_v2(Bucket=bucket)["Contents"]]
    assert sorted(names) == ["city-a/uploads/x.jpg", "city-b/uploads/x.jpg"]
    assert two.get("uploads/x.jpg") == b"b"


def test_signed_url_is_fetched_with_plain_requests(store):
    store.put("codes/batches/7/长沙市-岳麓区.zip", b"PK\x03\x04 zip bytes")
    url = store.url("codes/batches/7/长沙市-岳麓区.zip", expires=60, filename="长沙市-岳麓区.zip",
                    content_type="application/zip")
    if isinstance(store, LocalStorage):
        assert url is None  # a folder offers none: the app streams the file
        return
    assert url and "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url
    r = requests.get(url, timeout=10)
    assert r.status_code == 200 and r.content == b"PK\x03\x04 zip bytes"
    assert r.headers["Content-Type"] == "application/zip"
    assert "attachment" in r.headers["Content-Disposition"]
    assert "filename*=UTF-8''%E9%95%BF%E6%B2%99" in r.headers["Content-Disposition"]
    tampered = url.replace("codes/batches/7", "codes/batches/8")
    assert requests.get(tampered, timeout=10).status_code in (403, 404)


def test_s3_signed_urls_only_when_switched_on(s3_server):
    storage = _s3(s3_server, f"nosign-{uuid.uuid4().hex[:12]}", signed=False)
    storage.put("a.txt", b"a")  # the first write makes the missing bucket
    assert storage.url("a.txt", expires=60) is None


def test_s3_large_stream_goes_up_in_multipart_parts(s3_server):
    storage = _s3(s3_server, f"multi-{uuid.uuid4().hex[:12]}")
    storage.ensure_bucket()
    data = b"0123456789abcdef" * ((S3Storage.MULTIPART_THRESHOLD + 3 * CHUNK) // 16)
    storage.put_stream("posters/9/big.zip", io.BufferedReader(io.BytesIO(data)))
    head = storage.client().head_object(Bucket=storage.bucket, Key="liaison/posters/9/big.zip")
    assert head["ETag"].strip('"').endswith("-2")  # two parts, not one body in memory
    assert storage.size("posters/9/big.zip") == len(data)
    assert b"".join(storage.get_stream("posters/9/big.zip")) == data


def test_s3_storage_survives_pickling_into_another_process(s3_server):
    storage = _s3(s3_server, f"pickle-{uuid.uuid4().hex[:12]}")
    storage.put("a.txt", b"a")
    copy = pickle.loads(pickle.dumps(storage))
    assert copy.get("a.txt") == b"a" and copy.client() is not storage.client()


def test_storage_init_creates_the_bucket_once(make_app, s3_config):
    app = make_app(**s3_config)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["storage", "init"])
    assert first.exit_code == 0, first.output
    assert "已创建S3 桶" in first.output and "读写正常" in first.output
    again = runner.invoke(args=["storage", "init"])
    assert again.exit_code == 0 and "已存在" in again.output
    with app.app_context():
        from liaison.core.storage import get_storage

        assert get_storage().name == "s3" and get_storage().keys() == []  # the probe is gone


def test_s3_without_a_bucket_stops_the_app():
    from liaison.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="S3_BUCKET"):
        load_config({"STORAGE_BACKEND": "s3", "S3_BUCKET": "", "SECRET_KEY": "x"}, environ={})
