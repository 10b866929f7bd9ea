"""Debian's nginx on loopback with deploy/nginx's site: the file a city installs, with only
this machine's paths and ports put in (tests/core/test_deploy.py, tests/deploy/)."""
from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
UPSTREAM = "server 127.0.0.1:8000 max_fails=0;"  # deploy/nginx/liaison.conf's one web process


def self_signed(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "liaison.example.gov.cn")])
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)  # any fixed validity will do
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    (folder / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def site(tmp: Path, app_ports: list[int], http_port: int, https_port: int) -> Path:
    """deploy/nginx/*.conf with this machine's paths and ports (nothing else changed): one
    upstream ``server`` line per web process, as the site's comment tells a city to write."""
    tls = tmp / "tls"
    tls.mkdir()
    self_signed(tls)
    logs = tmp / "logs"
    logs.mkdir()
    (tmp / "deploy" / "nginx").mkdir(parents=True)
    for conf in (DEPLOY / "nginx").glob("*.conf"):
        text = conf.read_text()
        text = text.replace("/srv/liaison/deploy/", f"{tmp}/deploy/").replace("/srv/liaison/", f"{ROOT}/")
        text = text.replace("/etc/liaison/tls/", f"{tls}/").replace("/var/log/nginx/", f"{logs}/")
        if conf.name == "liaison.conf":
            assert UPSTREAM in text, "deploy/nginx/liaison.conf's upstream changed: update tests/nginx_site.py"
        text = text.replace(UPSTREAM, "\n    ".join(UPSTREAM.replace(":8000", f":{port}") for port in app_ports))
        text = re.sub(r"listen (\[::\]:)?80;", lambda m: "" if m.group(1) else f"listen 127.0.0.1:{http_port};", text)
        text = re.sub(r"listen (\[::\]:)?443 ssl http2;",
                      lambda m: "" if m.group(1) else f"listen 127.0.0.1:{https_port} ssl http2;", text)
        (tmp / "deploy" / "nginx" / conf.name).write_text(text)
    main = tmp / "nginx.conf"
    main.write_text(f"""worker_processes 1;
pid {tmp}/nginx.pid;
error_log {logs}/error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    include {tmp}/deploy/nginx/liaison.conf;
}}
""")
    return main


def nginx(*args) -> subprocess.CompletedProcess:
    # As root nginx's workers would switch to www-data, who may not read a checkout in /root.
    user = ["-g", "user root;"] if os.geteuid() == 0 else []
    return subprocess.run([NGINX, *user, *args], capture_output=True, text=True, timeout=30)
