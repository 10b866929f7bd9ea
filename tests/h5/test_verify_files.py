"""WeChat's domain verification files at /<name>, /s/<name>, /d/<name>, ahead of the
plain-URL code pages /s/<token>, /d/<token>, which keep answering everything else."""
from __future__ import annotations

import pytest

QR_FILE = "i7948FzJJ6.txt"  # the shape of the 扫普通链接 console's file
MP_FILE = "MP_verify_Ab12Cd34Ef56Gh78.txt"  # the official account's web authorisation domain
CONTENT = b"3f9c1d0b7a2e4c5d8e6f1a2b3c4d5e6f\r\n"  # served to the byte, line ending included


@pytest.mark.parametrize("prefix", ["/", "/s/", "/d/"])
def test_file_in_the_verify_dir_is_served_verbatim_as_text(client, verify_files, prefix):
    (verify_files / QR_FILE).write_bytes(CONTENT)
    r = client.get(prefix + QR_FILE)
    assert r.status_code == 200
    assert r.data == CONTENT
    assert r.mimetype == "text/plain"


def test_official_accounts_mp_verify_file_is_served_at_the_domain_root(client, verify_files):
    (verify_files / MP_FILE).write_bytes(b"Ab12Cd34Ef56Gh78")
    r = client.get("/" + MP_FILE)
    assert r.status_code == 200 and r.data == b"Ab12Cd34Ef56Gh78" and r.mimetype == "text/plain"


def test_verification_file_wins_over_the_code_route_which_keeps_serving_codes(client, town, verify_files):
    (verify_files / QR_FILE).write_bytes(CONTENT)
    assert client.get(f"/s/{QR_FILE}").data == CONTENT
    assert client.get(f"/d/{QR_FILE}").data == CONTENT
    station = client.get(f"/s/{town['station_token']}")
    deputy = client.get(f"/d/{town['deputy_token']}")
    assert station.status_code == deputy.status_code == 200
    assert "望月湖街道" in station.get_data(as_text=True)
    assert station.mimetype == deputy.mimetype == "text/html"


@pytest.mark.parametrize("name", ["robots.txt", "notes.txt", "MP_verify_.txt", "MP_verify_a-b.txt",
                                  "i7948FzJJ6.txt.txt", "i7948FzJJ6.TXT", "abc_defgh12.txt",
                                  "x" * 33 + ".txt"])
def test_names_not_shaped_like_wechats_files_keep_the_no_such_code_page(client, verify_files, name):
    (verify_files / name).write_bytes(b"not for the public")  # present, yet never served
    r = client.get(f"/s/{name}")
    assert r.status_code == 404
    assert "没有找到这个二维码" in r.get_data(as_text=True)
    root = client.get(f"/{name}")
    assert root.status_code == 404 and b"not for the public" not in root.data


def test_wechat_shaped_name_without_a_file_is_a_plain_404(client, verify_files):
    r = client.get(f"/s/{QR_FILE}")
    assert r.status_code == 404 and CONTENT not in r.data


def test_no_code_token_can_take_a_verification_files_path():
    from liaison.codes.tokens import TOKEN_LENGTH, looks_like_token
    from liaison.wechat.verification import is_verify_name

    shaped = [f"{'A1' * n}"[:n] + ".txt" for n in range(8, 33)] + [f"MP_verify_{'b2' * 20}.txt"]
    assert all(is_verify_name(n) for n in shaped)
    assert not any(looks_like_token(n) for n in shaped)  # a token has no dot
    assert not is_verify_name("Ab3xYz9Ab3xYz9AB") and TOKEN_LENGTH == 16


def test_uploaded_copy_wins_and_another_web_process_serves_it(app, base_config, tmp_path, verify_files):
    from liaison import create_app
    from liaison.core.db import db
    from liaison.wechat import verification

    (verify_files / QR_FILE).write_bytes(b"old copy on this machine")
    with app.app_context():
        verification.save(QR_FILE, CONTENT)
    assert app.test_client().get(f"/s/{QR_FILE}").data == CONTENT
    (tmp_path / "other-machine").mkdir()
    other = create_app({**base_config, "WECHAT_VERIFY_DIR": str(tmp_path / "other-machine")})
    try:
        r = other.test_client().get(f"/d/{QR_FILE}")
        assert r.status_code == 200 and r.data == CONTENT
    finally:
        with other.app_context():
            db.engine.dispose()
