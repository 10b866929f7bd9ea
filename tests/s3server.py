"""A real S3 API server on loopback for the tests: moto's server mode, started as its own
process (``python -m moto.server``), reached by the unmodified boto3 over HTTP.

``start_s3_server()`` returns (endpoint URL, stop); ``s3_settings(endpoint, bucket)`` the
settings (as ``create_app`` overrides) or environment variables (``as_env=True``, for the
processes a test starts) that put an app's file store in that bucket.
"""
from __future__ import annotations

import subprocess
import sys
import time

import requests

from ports import free_port

ACCESS_KEY, SECRET_KEY = "test-access-key", "test-secret-key"


def start_s3_server(timeout: float = 30.0):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError("moto server exited: " + proc.stderr.read().decode()[-2000:])
        try:
            requests.get(endpoint + "/moto-api/", timeout=1)
            break
        except requests.RequestException:
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("moto server did not answer")
            time.sleep(0.1)

    def stop():
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()

    return endpoint, stop


def s3_settings(endpoint: str, bucket: str, prefix: str = "liaison", signed: bool = False,
                as_env: bool = False) -> dict:
    config = {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": endpoint, "S3_BUCKET": bucket,
              "S3_REGION": "us-east-1", "S3_ACCESS_KEY_ID": ACCESS_KEY,
              "S3_SECRET_ACCESS_KEY": SECRET_KEY, "S3_PREFIX": prefix, "S3_SIGNED_URLS": signed}
    if as_env:
        return {k: ("1" if v is True else "0" if v is False else str(v)) for k, v in config.items()}
    return config
