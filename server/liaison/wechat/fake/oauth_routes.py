"""Official-account web OAuth: the consent page (open.weixin.qq.com) and the /sns/ APIs.

Real WeChat knows who holds the phone; the fake asks: its authorize page lists the
demo accounts and redirects to ``redirect_uri?code=&state=`` for the one picked. Like
WeChat it redirects only into the account's 网页授权域名 (oauth_domain.py): any other
host gets the 10003 page, on the consent page and on its confirm link alike.
"""
from __future__ import annotations

import hashlib
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Blueprint, jsonify, redirect, render_template_string, request

from liaison.wechat.fake.api_routes import err, exchange_code, state
from liaison.wechat.fake.oauth_domain import refusal
from liaison.wechat.fake.state import TOKEN_TTL, new_id

bp = Blueprint("fake_wechat_oauth", __name__)
SCOPES = ("snsapi_base", "snsapi_userinfo")

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>模拟微信授权</title>
<style>
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#ededed;margin:0;padding:16px}
h1{font-size:18px;margin:8px 0 4px}p{color:#666;font-size:14px;margin:4px 0 16px}
a.acc{display:block;background:#fff;border-radius:8px;padding:14px 16px;margin:0 0 10px;color:#111;text-decoration:none}
a.acc small{display:block;color:#888;margin-top:2px}a.cancel{color:#576b95;font-size:14px}
.err{background:#fff;border-radius:8px;padding:16px;color:#c00}
</style></head><body>
{% if error %}<div class="err">{{ error }}</div>{% else %}
<h1>模拟微信授权：请选择拿着手机的人</h1>
<p>这是开发用的模拟页面，真实环境中由微信确认身份。{% if scope == 'snsapi_userinfo' %}对方将获得你的昵称和头像。{% endif %}</p>
{% for acc in accounts %}
<a class="acc" href="{{ acc.href }}">{{ acc.nickname }}<small>{{ acc.label or '' }}（{{ acc.openid }}）</small></a>
{% else %}<p>没有可选的模拟账号（POST /_fake/accounts 添加）。</p>{% endfor %}
<a class="cancel" href="{{ cancel }}">取消授权</a>
{% endif %}
</body></html>"""


def _with_query(url: str, **params) -> str:
    parts = urlsplit(url)
    query = parts.query + ("&" if parts.query else "") + urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _request_problem(st) -> str | None:
    args = request.args
    if args.get("appid") not in st.apps or args.get("appid") not in st.official:
        return "参数错误：appid 无效"
    if not args.get("redirect_uri", "").startswith(("http://", "https://")):
        return "参数错误：redirect_uri 无效"
    if args.get("response_type") != "code" or args.get("scope") not in SCOPES:
        return "参数错误：response_type 或 scope 无效"
    return refusal(st, args["appid"], args["redirect_uri"])


@bp.get("/connect/oauth2/authorize")
def authorize():
    st = state()
    with st.lock:
        problem = _request_problem(st)
        if problem:
            return render_template_string(PAGE, error=problem), 400
        keep = {k: request.args.get(k, "") for k in ("appid", "redirect_uri", "response_type", "scope", "state")}
        accounts = [dict(acc, href="authorize/confirm?" + urlencode({**keep, "openid": acc["openid"]}))
                    for acc in st.accounts]
        cancel = _with_query(keep["redirect_uri"], state=keep["state"])
        return render_template_string(PAGE, error=None, accounts=accounts, cancel=cancel, scope=keep["scope"])


@bp.get("/connect/oauth2/authorize/confirm")
def confirm():
    st = state()
    with st.lock:
        problem = _request_problem(st)
        openid = request.args.get("openid")
        if problem or openid not in st.users:
            return render_template_string(PAGE, error=problem or "未知的模拟账号"), 400
        code = st.new_code(st.oauth_codes, openid=openid, appid=request.args["appid"],
                           scope=request.args["scope"], snapshot=openid in st.snapshot)
        target = _with_query(request.args["redirect_uri"], code=code, state=request.args.get("state", ""))
        return redirect(target, code=302)


def snapshot_user(st, appid: str, openid: str) -> dict:
    """The virtual account WeChat shows a page in 朋友圈 snapshot mode (网页快照页模式).

    "开发者在快照页内所获取的头像、昵称、openId、unionId 均为虚拟账号数据" (WeChat, 微信网页授权
    能力调整公告, 2022-07): a page opened from 朋友圈 (or one that asks snsapi_userinfo at once)
    first shows a snapshot; only after the person taps 「使用完整服务」 does the real
    authorisation happen. The virtual openid is not the person's and never will be.
    """
    digest = hashlib.sha256(f"{appid}:{openid}".encode()).hexdigest()[:20]
    return st.register_user("o-snapshot-" + digest, unionid="u-snapshot-" + digest)


def _grant(st, openid: str, appid: str, scope: str, snapshot: bool = False) -> dict:
    if snapshot:
        openid = snapshot_user(st, appid, openid)["openid"]
    access = new_id("FAKE_OAT_", 20)
    refresh = new_id("FAKE_ORT_", 20)
    st.oauth_tokens[access] = {"openid": openid, "appid": appid, "scope": scope,
                               "expires_at": st.now() + TOKEN_TTL}
    st.refresh_tokens[refresh] = {"openid": openid, "appid": appid, "scope": scope,
                                  "expires_at": st.now() + 30 * 86400}
    answer = {"access_token": access, "expires_in": TOKEN_TTL, "refresh_token": refresh,
              "openid": openid, "scope": scope}
    # 通过code换取网页授权access_token (developers.weixin.qq.com/doc/service/api/webdev/access/
    # api_snsaccesstoken.html): is_snapshotuser "只有当用户是快照页模式虚拟账号时返回,值为1"
    # (absent otherwise); unionid "只有当scope为"snsapi_userinfo"时返回", and only to an
    # account bound to the open platform (state.DEFAULT_OPEN_PLATFORM). snsapi_base: never.
    if snapshot:
        answer["is_snapshotuser"] = 1
    unionid = st.unionid_for(appid, openid) if scope == "snsapi_userinfo" else None
    if unionid:
        answer["unionid"] = unionid
    return answer


@bp.get("/sns/oauth2/access_token")
def oauth_access_token():
    st = state()
    with st.lock:
        rec, problem = exchange_code(st, st.oauth_codes, "code")
        if problem:
            return problem
        return jsonify(_grant(st, rec["openid"], request.args["appid"], rec["scope"],
                              bool(rec.get("snapshot"))))


@bp.get("/sns/oauth2/refresh_token")
def oauth_refresh_token():
    st = state()
    args = request.args
    with st.lock:
        rec = st.refresh_tokens.get(args.get("refresh_token", ""))
        if args.get("appid") not in st.apps:
            return err(40013, "invalid appid")
        if not rec or rec["appid"] != args["appid"] or rec["expires_at"] <= st.now():
            return err(40030, "invalid refresh_token")
        access = new_id("FAKE_OAT_", 20)
        st.oauth_tokens[access] = {**rec, "expires_at": st.now() + TOKEN_TTL}
        return jsonify({"access_token": access, "expires_in": TOKEN_TTL,
                        "refresh_token": args["refresh_token"], "openid": rec["openid"],
                        "scope": rec["scope"]})


def _oauth_token(st):
    rec = st.oauth_tokens.get(request.args.get("access_token", ""))
    if not rec:
        return None, err(40001, "invalid credential, access_token is invalid or not latest")
    if rec["expires_at"] <= st.now():
        return None, err(42001, "access_token expired")
    if request.args.get("openid") != rec["openid"]:
        return None, err(40003, "invalid openid")
    return rec, None


@bp.get("/sns/userinfo")
def userinfo():
    st = state()
    with st.lock:
        rec, problem = _oauth_token(st)
        if problem:
            return problem
        if rec["scope"] != "snsapi_userinfo":
            return err(48001, "api unauthorized")
        user = st.users[rec["openid"]]
        answer = {"openid": user["openid"], "nickname": user["nickname"], "sex": 0,
                  "province": "", "city": "", "country": "", "headimgurl": user["headimgurl"],
                  "privilege": []}
        # unionid "只有在用户将公众号绑定到微信开放平台帐号后，才会出现该字段" (拉取用户信息);
        # is_snapshotuser comes only with the access_token answer, never here.
        unionid = st.unionid_for(rec["appid"], user["openid"])
        if unionid:
            answer["unionid"] = unionid
        return jsonify(answer)


@bp.get("/sns/auth")
def sns_auth():
    st = state()
    with st.lock:
        _rec, problem = _oauth_token(st)
        return problem or jsonify({"errcode": 0, "errmsg": "ok"})
