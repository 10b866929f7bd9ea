"""扫普通链接二维码打开小程序: the fake saves a rule only after fetching WeChat's
verification file from the backend, here the real app behind a real HTTP server."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from liaison.wechat.fake.qrcode_routes import matches

SITE = "https://liaison.example.gov.cn"
PAGE = "pages/index/index"


@pytest.fixture
def site(fake, live_server, verify_files):
    """The fake checks rules for SITE against the live backend; returns WECHAT_VERIFY_DIR."""
    fake.post("/_fake/config", verify_base=live_server)
    return verify_files


def wechat_file(fake) -> dict:
    return fake.get("/_fake/qrcode-verify-file")


def save_rule(fake, prefix: str, **extra) -> dict:
    return fake.http.post(fake.base_url + "/_fake/qrcode-rules", json={"prefix": prefix, "path": PAGE, **extra},
                          timeout=10).json()


def test_rules_for_s_and_d_are_saved_once_the_backend_serves_wechats_file(fake, site, live_server):
    file = wechat_file(fake)
    (site / file["file_name"]).write_text(file["file_content"])
    assert save_rule(fake, f"{SITE}/s/")["errcode"] == 0
    assert save_rule(fake, f"{SITE}/d/")["errcode"] == 0
    rules = fake.get("/_fake/qrcode-rules")["rules"]
    assert [(r["prefix"], r["checked_url"]) for r in rules] == [
        (f"{SITE}/s/", f"{live_server}/s/{file['file_name']}"),
        (f"{SITE}/d/", f"{live_server}/d/{file['file_name']}")]


def test_rule_is_refused_85069_without_the_file_or_with_other_bytes(fake, site):
    file = wechat_file(fake)
    assert save_rule(fake, f"{SITE}/s/")["errcode"] == 85069
    (site / file["file_name"]).write_text(file["file_content"] + "\n")  # not the bytes WeChat gave
    answer = save_rule(fake, f"{SITE}/s/")
    assert answer["errcode"] == 85069 and answer["errmsg"].startswith("check confirm file fail")
    assert fake.get("/_fake/qrcode-rules")["rules"] == []


def test_file_uploaded_through_storage_satisfies_the_check(app, fake, site):
    from liaison.wechat import verification

    file = wechat_file(fake)
    with app.app_context():
        verification.save(file["file_name"], file["file_content"].encode())
    assert save_rule(fake, f"{SITE}/d/")["errcode"] == 0


def test_rule_api_with_a_token_checks_the_same_file(fake, site):
    token = fake.post("/cgi-bin/stable_token", grant_type="client_credential",
                      appid="wxdemominiprogram01", secret="demo-mp-secret")["access_token"]

    def call(api, **body):
        return fake.http.post(fake.base_url + api, params={"access_token": token}, json=body, timeout=10).json()

    downloaded = call("/cgi-bin/wxopen/qrcodejumpdownload")
    assert {k: downloaded[k] for k in ("file_name", "file_content")} == wechat_file(fake)
    rule = {"prefix": f"{SITE}/s/", "path": PAGE, "permit_sub_rule": 1, "open_version": 3, "is_edit": 0}
    assert call("/cgi-bin/wxopen/qrcodejumpadd", **rule)["errcode"] == 85069
    (site / downloaded["file_name"]).write_text(downloaded["file_content"])
    assert call("/cgi-bin/wxopen/qrcodejumpadd", **rule)["errcode"] == 0
    assert call("/cgi-bin/wxopen/qrcodejumpadd", **rule)["errcode"] == 85071  # added already
    assert call("/cgi-bin/wxopen/qrcodejumppublish", prefix=rule["prefix"])["errcode"] == 0
    assert call("/cgi-bin/wxopen/qrcodejumpadd", **{**rule, "is_edit": 1})["errcode"] == 40097  # published


@pytest.mark.parametrize("prefix, errcode", [("liaison.example.gov.cn/s/", 85066), ("mailto:x@y.cn", 85066)])
def test_prefix_without_scheme_and_host_is_illegal(fake, site, prefix, errcode):
    assert save_rule(fake, prefix)["errcode"] == errcode


def test_rule_for_a_page_the_mini_program_lacks_is_refused(fake, site):
    file = wechat_file(fake)
    (site / file["file_name"]).write_text(file["file_content"])
    fake.post("/_fake/pages", pages=[PAGE], replace=True)
    assert save_rule(fake, f"{SITE}/s/", path="pages/nowhere/index")["errcode"] == 41030


def test_scan_opens_the_mini_program_only_once_the_rule_is_published(fake, site):
    file = wechat_file(fake)
    (site / file["file_name"]).write_text(file["file_content"])
    link = f"{SITE}/s/Ab3xYz9Ab3xYz9AB"
    assert save_rule(fake, f"{SITE}/s/")["errcode"] == 0
    assert fake.post("/_fake/scan", url=link) == {"opens": "webpage", "url": link}
    assert save_rule(fake, f"{SITE}/s/", is_edit=1, publish=True)["errcode"] == 0
    opened = fake.post("/_fake/scan", url=link)
    assert opened["opens"] == "miniprogram" and opened["path"] == PAGE
    assert opened["query"]["q"] == quote(link, safe="") and isinstance(opened["query"]["scancode_time"], int)
    assert fake.post("/_fake/scan", url=f"{SITE}/h5/")["opens"] == "webpage"


@pytest.mark.parametrize("rule, link, hit", [  # WeChat's own table of matching mistakes
    ("http://www.qq.com/a/b", "https://www.qq.com/a/b", False),
    ("https://www.qq.com/a/b", "https://www.weixin.qq.com/a/b", False),
    ("https://www.qq.com/a/b?id=123", "https://www.qq.com/a/b?id=132", False),
    ("https://www.qq.com/a/b?id=123", "https://www.qq.com/a/b?id=1234", True),
    ("https://www.qq.com/a/b", "https://www.qq.com/a/bc", False),
    ("https://www.qq.com/a/b", "https://www.qq.com/a/b/123", False),
    ("https://www.qq.com/a/", "https://www.qq.com/a/123456", True),
    ("https://www.qq.com/a/b", "https://www.qq.com/a/b", True),
])
def test_rule_matching_follows_wechats_table(rule, link, hit):
    assert matches(rule, link) is hit
