"""扫普通链接二维码打开小程序 ("scan an ordinary link QR code to open the mini-program").

What WeChat does, and the fake with it:

- the console (or ``/cgi-bin/wxopen/qrcodejumpdownload``) hands out a verification file,
  a short random name and content, fixed per mini-program;
- saving a rule (console, or ``/cgi-bin/wxopen/qrcodejumpadd``) makes WeChat fetch that
  file "under the last sub-directory declared in the URL" (放置于URL中声明的最后一级子目录下，
  若无子目录，则放置于host所属服务器的顶层目录下): ``https://host/s/<file>`` for the rule
  ``https://host/s/``. No file, another status or other bytes: 85069 "check confirm
  file fail", and the rule is not saved. Other refusals: 85066 illegal prefix (not
  http/https/ftp, no host), 85071 prefix already added, 40097 editing a published rule;
  the page must exist (the fake's known pages; 41030 "invalid page", the code WeChat
  uses for unknown pages elsewhere: an assumption);
- a saved rule opens nothing until it is published (命中未发布规则不会跳转小程序); a scanned
  URL matches a rule with the same scheme and host, the same path (a rule ending in
  ``/`` also takes its sub-paths) and, when the rule has ``?``, a query that starts with
  the rule's; the page receives ``q`` (the URL-encoded link) and ``scancode_time``.

The fake fetches from ``state.verify_base`` instead of the rule's own host when set
(``create_fake_app(verify_base=...)``, ``--verify-base``, ``POST /_fake/config``), so a
rule for ``https://liaison.example.gov.cn/s/`` is checked against the backend under test.
"""
from __future__ import annotations

import hashlib
from urllib.parse import quote, urlsplit

import requests
from flask import Blueprint, jsonify, request

from liaison.wechat.fake.api_routes import body, err, ok, state

bp = Blueprint("fake_wechat_qrcode", __name__)
control = Blueprint("fake_wechat_qrcode_control", __name__, url_prefix="/_fake")
FETCH_TIMEOUT = 5


def verify_file(appid: str) -> dict:
    """The mini-program's verification file: 10 letters/digits + .txt, 32 characters inside.
    Derived from the appid, so it stays the same across restarts of the fake."""
    name = hashlib.sha256(f"qrcodejump-name:{appid}".encode()).hexdigest()[:10]
    content = hashlib.sha256(f"qrcodejump-content:{appid}".encode()).hexdigest()[:32]
    return {"file_name": f"{name}.txt", "file_content": content}


def verify_url(prefix: str, file_name: str, base: str | None) -> str:
    """Where WeChat looks for the file of rule ``prefix`` (on ``base`` when given)."""
    parts = urlsplit(prefix)
    segments = [s for s in parts.path.split("/") if s]
    path = "/" + "".join(s + "/" for s in segments) + file_name
    return (base.rstrip("/") if base else f"{parts.scheme}://{parts.netloc}") + path


def fetch_file(url: str) -> bytes | None:
    """GET a verification file the way WeChat's checker does: no redirects, no proxies;
    None on any failure (no answer, or not 200). The 网页授权域名 check uses it too."""
    http = requests.Session()
    http.trust_env = False
    try:
        res = http.get(url, timeout=FETCH_TIMEOUT, allow_redirects=False)
    except requests.RequestException:
        return None
    return res.content if res.status_code == 200 else None


def _rule(st, appid: str, prefix) -> dict | None:
    return next((r for r in st.qrcode_rules.get(appid, []) if r["prefix"] == prefix), None)


def publish(st, appid: str, prefix) -> bool:
    """发布: the saved rule starts opening the mini-program; False if there is none."""
    with st.lock:
        rule = _rule(st, appid, prefix)
        if rule is not None:
            rule["state"] = "published"
        return rule is not None


def _default_appid(st) -> str:
    return next(a for a in st.apps if a not in st.official)


def add_rule(st, appid: str, data: dict) -> tuple[int, str]:
    """Check and save one rule for ``appid``; (0, "ok") or (errcode, errmsg)."""
    prefix, path = data.get("prefix"), data.get("path")
    parts = urlsplit(prefix) if isinstance(prefix, str) else None
    if parts is None or parts.scheme not in ("http", "https", "ftp") or not parts.hostname:
        return 85066, "illegal prefix"
    debug_url = data.get("debug_url") or []
    if not isinstance(debug_url, list) or len(debug_url) > 5:
        return 40097, "invalid args"
    is_edit = int(data.get("is_edit") or 0)
    with st.lock:
        if not isinstance(path, str) or not path or not st.page_known(path):
            return 41030, "invalid page"
        existing = _rule(st, appid, prefix)
        if existing and not is_edit:
            return 85071, "prefix already exists"
        if existing and existing["state"] == "published":
            return 40097, "invalid args"  # a published rule cannot be edited
        expected = verify_file(appid)
        url = verify_url(prefix, expected["file_name"], st.verify_base)
    got = fetch_file(url)  # outside the lock: the backend may take its time
    if got != expected["file_content"].encode():
        return 85069, "check confirm file fail"
    rule = {"prefix": prefix, "path": path, "open_version": int(data.get("open_version") or 3),
            "permit_sub_rule": int(data.get("permit_sub_rule") or 1), "debug_url": debug_url,
            "state": "unpublished", "checked_url": url, "appid": appid}
    with st.lock:
        rules = [r for r in st.qrcode_rules.get(appid, []) if r["prefix"] != prefix]
        st.qrcode_rules[appid] = rules + [rule]
    return 0, "ok"


def matches(prefix: str, url: str) -> bool:
    """WeChat's 二维码跳转规则 for one rule and one scanned link."""
    rule, link = urlsplit(prefix), urlsplit(url)
    if (rule.scheme, rule.hostname, rule.port) != (link.scheme, link.hostname, link.port):
        return False
    rule_path, link_path = rule.path or "/", link.path or "/"
    if rule_path.endswith("/"):
        if not link_path.startswith(rule_path):
            return False
    elif link_path != rule_path:
        return False
    return link.query.startswith(rule.query) if "?" in prefix else True


def scan(st, url: str) -> dict:
    """What WeChat's scanner does with a plain URL: open the mini-program, or the web page."""
    with st.lock:
        hits = [r for rules in st.qrcode_rules.values() for r in rules if matches(r["prefix"], url)]
        rule = max(hits, key=lambda r: len(r["prefix"]), default=None)
        if rule is None or rule["state"] != "published":
            return {"opens": "webpage", "url": url}
        return {"opens": "miniprogram", "appid": rule["appid"], "path": rule["path"],
                "query": {"q": quote(url, safe=""), "scancode_time": int(st.now())}}


def _api_appid(st):
    """(appid, None) for a mini-program's access_token, else (None, error answer)."""
    with st.lock:
        appid, problem = st.check_token(request.args.get("access_token"))
        if problem:
            return None, err(*problem)
        if appid in st.official:
            return None, err(48001, "api unauthorized")
        return appid, None


# -- WeChat's API -------------------------------------------------------------------
@bp.post("/cgi-bin/wxopen/qrcodejumpdownload")
def api_download():
    st = state()
    appid, problem = _api_appid(st)
    return problem or ok(**verify_file(appid))


@bp.post("/cgi-bin/wxopen/qrcodejumpadd")
def api_add():
    st = state()
    appid, problem = _api_appid(st)
    if problem:
        return problem
    data = body()
    if data is None:
        return err(47001, "data format error")
    errcode, errmsg = add_rule(st, appid, data)
    return ok() if errcode == 0 else err(errcode, errmsg)


@bp.post("/cgi-bin/wxopen/qrcodejumppublish")
def api_publish():
    st = state()
    appid, problem = _api_appid(st)
    if problem:
        return problem
    return ok() if publish(st, appid, (body() or {}).get("prefix")) else err(40097, "invalid args")


# -- the console and the phone --------------------------------------------------------
@control.get("/qrcode-verify-file")
def control_verify_file():
    """The console's 下载校验文件: ?appid= (default: the mini-program) -> {file_name, file_content}."""
    st = state()
    return jsonify(verify_file(request.args.get("appid") or _default_appid(st)))


@control.route("/qrcode-rules", methods=["GET", "POST"])
def control_rules():
    """POST {prefix, path, appid?, open_version?, permit_sub_rule?, debug_url?, is_edit?,
    publish?: false}: the console's 保存 (and 发布); answers WeChat's errcode/errmsg.
    GET: every saved rule."""
    st = state()
    if request.method == "GET":
        with st.lock:
            return jsonify({"rules": [dict(r) for rules in st.qrcode_rules.values() for r in rules]})
    data = body() or {}
    appid = data.get("appid") or _default_appid(st)
    errcode, errmsg = add_rule(st, appid, data)
    if errcode:
        return err(errcode, errmsg)
    if data.get("publish"):
        publish(st, appid, data["prefix"])
    return ok()


@control.post("/scan")
def control_scan():
    """WeChat's 扫一扫 on a plain-URL QR code: {url} -> {"opens": "miniprogram", "path",
    "query": {"q", "scancode_time"}} or {"opens": "webpage", "url"}."""
    url = (body() or {}).get("url")
    if not isinstance(url, str) or not url:
        return jsonify({"error": "url required"}), 400
    return jsonify(scan(state(), url))


@control.route("/config", methods=["GET", "POST"])
def control_config():
    """{"verify_base": "http://127.0.0.1:5000" | null}: where verification files are fetched."""
    st = state()
    if request.method == "POST":
        data = body() or {}
        if "verify_base" in data:
            with st.lock:
                st.verify_base = data["verify_base"] or None
    with st.lock:
        return jsonify({"verify_base": st.verify_base})
