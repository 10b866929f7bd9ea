"""The official account's 网页授权域名 (web-authorisation domain), kept and enforced as WeChat does.

WeChat's rules, and the fake with them:

- the console field takes a domain, not a URL: "这里填写的是域名（是一个字符串），而不是URL，
  因此请勿加 http:// 等协议头" (网页授权, 关于网页授权回调域名的说明,
  developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html);
- the whole host must match: "授权回调域名配置规范为全域名，比如需要网页授权的域名为：www.qq.com，
  配置以后此域名下面的页面 http://www.qq.com/music.html … 都可以进行OAuth2.0鉴权。但
  http://pay.qq.com、http://music.qq.com、http://qq.com 无法进行OAuth2.0鉴权" (same page). Any other
  host gets WeChat's page "redirect_uri域名与后台配置不一致", 错误码 10003, and no redirect;
- no custom port: "redirect_uri不可以带端口号哦。只能使用http或https的默认端口" (WeChat 开放社区,
  developers.weixin.qq.com/community/develop/doc/00086833d108989ff59b9d39851400; also "必须网页
  授权域名和redirect_uri完全匹配", …/doc/0002421ca10040a7b6513ad2b61400);
- a 服务号 keeps at most two such domains (开放社区 answers; the console's own limit);
- saving a domain makes WeChat fetch ``MP_verify_<x>.txt`` (a file the console hands out, whose
  content is ``<x>``) at the domain's root; without it the domain is not saved.

The fake's one allowance: a domain may carry a port (``127.0.0.1:5000``), compared exactly
with the redirect_uri's, so the backend on a loopback port can be the configured domain in
development and tests (WeChat's sandbox 测试号 likewise takes an IP address). A domain
without a port matches only the scheme's default port, as on WeChat. Domains given at start
(``create_fake_app(oauth_domains=...)``, ``--oauth-domain``) count as already verified, as a
console set up long ago; ``POST /_fake/oauth-domain`` checks the file like the console.
Files are fetched from ``state.verify_base`` when set (see qrcode_routes), else
``http://<domain>/``.
"""
from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import Blueprint, jsonify, request

from liaison.wechat.fake.api_routes import body, state
from liaison.wechat.fake.qrcode_routes import fetch_file

control = Blueprint("fake_wechat_oauth_domain", __name__, url_prefix="/_fake")
MAX_DOMAINS = 2
DEFAULT_PORTS = {"http": 80, "https": 443}
REFUSED = "redirect_uri域名与后台配置不一致"
ERRCODE = 10003


def verify_file(appid: str) -> dict:
    """The console's MP_verify file for this official account: ``MP_verify_<16 letters and
    digits>.txt`` holding those 16 characters; derived from the appid, so it stays the same
    across restarts of the fake."""
    token = hashlib.sha256(f"oauth-domain:{appid}".encode()).hexdigest()[:16]
    return {"file_name": f"MP_verify_{token}.txt", "file_content": token}


def normalise(domain) -> str | None:
    """``domain`` as the console keeps it (lower case, ``host`` or ``host:port``), or None
    when the console would refuse it: empty, a scheme, a path, a query, credentials."""
    if not isinstance(domain, str):
        return None
    text = domain.strip().lower()
    if not text or any(c in text for c in "/\\?#@ \t") or "://" in text:
        return None
    parts = urlsplit("//" + text)
    try:
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if not host or host.endswith("."):
        return None
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}" if port else host


def redirect_domain(redirect_uri: str) -> str | None:
    """The domain a redirect_uri must be configured under: its host, with the port only
    when it is not the scheme's default; None for a URL WeChat could not redirect to."""
    parts = urlsplit(redirect_uri)
    try:
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return host if port in (None, DEFAULT_PORTS[parts.scheme]) else f"{host}:{port}"


def initial_domains(domains) -> list[str]:
    """The start-time option (one domain, a list, or None) as the console would keep it.

    :raise ValueError: for a domain the console would refuse, or more than two.
    """
    given = [domains] if isinstance(domains, str) else list(domains or [])
    kept = [normalise(d) for d in given]
    if None in kept or len(set(kept)) > MAX_DOMAINS:
        raise ValueError(f"oauth_domains: at most {MAX_DOMAINS}, each a host such as liaison.example.gov.cn "
                         f"or 127.0.0.1:5000 (no http://, no path), not {given!r}")
    return list(dict.fromkeys(kept))


def refusal(st, appid: str, redirect_uri: str) -> str | None:
    """WeChat's error page text when ``redirect_uri`` is outside the account's domains,
    with a line for the developer naming both; None when WeChat would redirect."""
    domains = st.oauth_domains.get(appid, [])
    wanted = redirect_domain(redirect_uri)
    if wanted is not None and wanted in domains:
        return None
    return (f"{REFUSED}，错误码：{ERRCODE}（模拟微信：回调地址的域名是 {wanted or '无法识别'}，"
            f"公众号设置的网页授权域名是 {'、'.join(domains) or '（未设置）'}）")


def _verify_url(st, domain: str, file_name: str) -> str:
    return (st.verify_base.rstrip("/") if st.verify_base else f"http://{domain}") + "/" + file_name


def set_domains(st, appid: str, domains: list) -> tuple[list[str] | None, dict | None]:
    """The console's 保存: check every domain's MP_verify file, then keep them (replacing the
    account's earlier ones). ``(kept, None)`` or ``(None, {"error", ...})``; nothing is
    changed on a refusal."""
    kept = [normalise(d) for d in domains]
    if None in kept:
        bad = domains[kept.index(None)]
        return None, {"error": f"not a domain: {bad!r} (a host such as liaison.example.gov.cn, "
                               "no http://, no path)"}
    kept = list(dict.fromkeys(kept))
    if len(kept) > MAX_DOMAINS:
        return None, {"error": f"an official account keeps at most {MAX_DOMAINS} web-authorisation domains"}
    expected = verify_file(appid)
    for domain in kept:
        with st.lock:
            url = _verify_url(st, domain, expected["file_name"])
        got = fetch_file(url)  # outside the lock: the backend may take its time
        if got is None:
            return None, {"error": f"verification file not served: GET {url} gave no 200 answer",
                          "checked_url": url}
        if got != expected["file_content"].encode():
            return None, {"error": f"verification file has the wrong content: GET {url} did not give "
                                   f"{expected['file_content']!r}", "checked_url": url}
    with st.lock:
        st.oauth_domains[appid] = kept
    return kept, None


def _appid(st, data: dict | None = None) -> str | None:
    """The official account meant (default: the first one), or None for an unknown one."""
    appid = (data or {}).get("appid") or request.args.get("appid") or min(st.official, default=None)
    return appid if appid in st.official else None


@control.get("/oauth-verify-file")
def control_verify_file():
    """The console's 下载文件 (网页授权域名): ?appid= -> {file_name, file_content}."""
    st = state()
    appid = _appid(st)
    if appid is None:
        return jsonify({"error": "an official account's appid required"}), 400
    return jsonify(verify_file(appid))


@control.route("/oauth-domain", methods=["GET", "POST"])
def control_domain():
    """POST {"domain"} or {"domains": [at most 2]} (and "appid"?): the console's 网页授权域名
    保存, refused (400, nothing changed) unless each domain serves its MP_verify file;
    {"domains": []} clears them. GET: the account's domains."""
    st = state()
    data = (body() or {}) if request.method == "POST" else {}
    appid = _appid(st, data)
    if appid is None:
        return jsonify({"error": "an official account's appid required"}), 400
    if request.method == "POST":
        given = data.get("domains") if "domains" in data else [data.get("domain")]
        if not isinstance(given, list):
            return jsonify({"error": "domain or domains (a list) required"}), 400
        _kept, problem = set_domains(st, appid, given)
        if problem:
            return jsonify({**problem, "appid": appid}), 400
    with st.lock:
        return jsonify({"appid": appid, "domains": list(st.oauth_domains.get(appid, []))})
