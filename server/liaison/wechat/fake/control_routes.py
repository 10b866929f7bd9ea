"""/_fake/ control endpoints: what the phone, the person and the test driver do.

Not part of WeChat: codes a phone would get from wx.login / OAuth / getPhoneNumber,
the subscribe tap, following the official account, plus inspection (messages,
calls), injected faults, the clock and reset.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from liaison.wechat.fake.api_routes import state
from liaison.wechat.fake.state import _MISSING, new_id

bp = Blueprint("fake_wechat_control", __name__, url_prefix="/_fake")


def _body() -> dict:
    data = request.get_json(force=True, silent=True)
    return data if isinstance(data, dict) else {}


def _bad(message: str):
    return jsonify({"error": message}), 400


@bp.post("/login-code")
def login_code():
    """wx.login on a phone: {"openid"?, "unionid"? (null = not bound), "appid"?} -> {"code"}."""
    st, data = state(), _body()
    openid = data.get("openid") or new_id("o-", 10)
    with st.lock:
        st.register_user(openid, unionid=data["unionid"] if "unionid" in data else _MISSING)
        code = st.new_code(st.login_codes, openid=openid, appid=data.get("appid"))
    return jsonify({"code": code, "openid": openid})


@bp.post("/oauth-code")
def oauth_code():
    """Skip the consent page: {"openid", "scope"?, "appid"?, "unionid"?, "snapshot"?} -> {"code"}.

    ``snapshot: true`` (or the person switched to snapshot mode with POST /_fake/snapshot):
    the code is one from a page in 朋友圈 snapshot mode (oauth_routes.snapshot_user)."""
    st, data = state(), _body()
    if not data.get("openid"):
        return _bad("openid required")
    with st.lock:
        st.register_user(data["openid"], unionid=data["unionid"] if "unionid" in data else _MISSING)
        code = st.new_code(st.oauth_codes, openid=data["openid"], appid=data.get("appid"),
                           scope=data.get("scope", "snsapi_base"),
                           snapshot=bool(data.get("snapshot")) or data["openid"] in st.snapshot)
    return jsonify({"code": code, "openid": data["openid"]})


@bp.route("/open-platform", methods=["GET", "POST"])
def open_platform():
    """Which apps are bound to the open-platform account (开放平台 - 绑定关系): {"appid",
    "bound": true | false} binds or unbinds one; the answer lists the bound appids.
    Only bound apps get unionids (state.DEFAULT_OPEN_PLATFORM says where)."""
    st = state()
    if request.method == "POST":
        data = _body()
        if data.get("appid") not in st.apps or not isinstance(data.get("bound"), bool):
            return _bad("a known appid and bound: true | false required")
        with st.lock:
            (st.open_platform.add if data["bound"] else st.open_platform.discard)(data["appid"])
    with st.lock:
        return jsonify({"bound": sorted(st.open_platform)})


@bp.route("/snapshot", methods=["GET", "POST"])
def snapshot():
    """The person opened our page from 朋友圈 and sees WeChat's snapshot (快照页模式):
    {"openid", "on": true | false}. While on, the OAuth codes they get (consent page or
    /_fake/oauth-code) give a virtual openid and is_snapshotuser=1; off is 「使用完整服务」."""
    st = state()
    if request.method == "POST":
        data = _body()
        if not data.get("openid") or not isinstance(data.get("on", True), bool):
            return _bad("openid and on: true | false required")
        with st.lock:
            st.register_user(data["openid"])
            (st.snapshot.add if data.get("on", True) else st.snapshot.discard)(data["openid"])
    with st.lock:
        return jsonify({"snapshot": sorted(st.snapshot)})


@bp.post("/phone-code")
def phone_code():
    """getPhoneNumber button: {"openid", "phone", "country_code"?="86"} -> {"code"}."""
    st, data = state(), _body()
    phone = str(data.get("phone") or "").strip()
    if not data.get("openid") or not phone:
        return _bad("openid and phone required")
    cc = str(data.get("country_code") or "86")
    if phone.startswith("+" + cc):
        phone = phone[len(cc) + 1:].strip()
    with st.lock:
        st.register_user(data["openid"])
        code = st.new_code(st.phone_codes, openid=data["openid"], phone=phone, country_code=cc,
                           appid=data.get("appid"))
    return jsonify({"code": code})


def _tap_refused(err_code: int, err_msg: str):
    """wx.requestSubscribeMessage's fail callback, as the tap endpoint's answer."""
    return jsonify({"errCode": err_code, "errMsg": f"requestSubscribeMessage:fail {err_msg}",
                    "error": err_msg, "grants": {}}), 400


@bp.post("/subscribe")
def subscribe():
    """The wx.requestSubscribeMessage tap: {"openid", "template_id" | "template_ids",
    "kind"?: "one_time" | "long_term" (for templates whose kind the fake was not told) |
    "revoke", "results"?: {id: "accept" | "reject"} (default: accept all)}.

    Refused whole, granting nothing, as WeChat refuses the call (wx.requestSubscribeMessage,
    错误码 and 注意事项, developers.weixin.qq.com/miniprogram/dev/api/open-api/subscribe-message/
    wx.requestSubscribeMessage.html):
    - 20003 "Templates count out of max bounds": more than 3 ids ("一次调用最多可订阅3条消息";
      later versions of the page say 5 on new clients: 3 is what every client takes);
    - 20001 "No template data return, verify the template id exist": an id the account
      does not have (only once templates are configured);
    - 20002 "Templates type must be same": one-time and long-term ids in one call
      ("一次性模板 id 和永久模板 id 不可同时使用"); a template's kind is what the console
      says (``template_kinds`` / POST /_fake/templates ``kinds``), else ``kind``.
    """
    st, data = state(), _body()
    ids = data.get("template_ids") or ([data["template_id"]] if data.get("template_id") else [])
    kind = data.get("kind", "one_time")
    results = data.get("results") or {}
    if not data.get("openid") or not ids:
        return _bad("openid and template_id(s) required")
    if kind not in ("one_time", "long_term", "revoke"):
        return _bad("kind must be one_time, long_term or revoke")
    if len(ids) > 3:
        return _tap_refused(20003, "Templates count out of max bounds")
    with st.lock:
        if st.templates and any(tid not in st.templates for tid in ids):
            return _tap_refused(20001, "No template data return, verify the template id exist")
        kinds = {st.template_kind(tid, "one_time" if kind == "revoke" else kind) for tid in ids}
        if len(kinds) > 1:
            return _tap_refused(20002, "Templates type must be same")
        st.register_user(data["openid"])
        out, result = {}, {"errMsg": "requestSubscribeMessage:ok"}
        for tid in ids:
            grant = st.grants.setdefault((data["openid"], tid), {"one_time": 0, "long_term": False})
            accepted = results.get(tid, "accept") == "accept"
            if kind == "revoke":
                grant.update(one_time=0, long_term=False)
            elif accepted and st.template_kind(tid, kind) == "long_term":
                grant["long_term"] = True
            elif accepted:
                grant["one_time"] += 1
            elif st.template_kind(tid, kind) == "long_term":
                grant["long_term"] = False  # "reject" switches a long-term subscription off
            result[tid] = "reject" if kind == "revoke" or not accepted else "accept"
            out[tid] = dict(grant)
    return jsonify({"openid": data["openid"], "grants": out, "result": result})


@bp.get("/grants")
def grants():
    st = state()
    openid = request.args.get("openid")
    with st.lock:
        items = [{"openid": o, "template_id": t, **g} for (o, t), g in st.grants.items()
                 if not openid or o == openid]
    return jsonify({"grants": items})


@bp.post("/users")
def users():
    """{"openid", "unionid"?, "follows_oa"?, "nickname"?, "risky"?} -> the user.

    ``risky: true``: WeChat judges the account high-risk, jscode2session answers 40226."""
    st, data = state(), _body()
    if not data.get("openid"):
        return _bad("openid required")
    user = st.register_user(data["openid"], unionid=data["unionid"] if "unionid" in data else _MISSING,
                            follows_oa=data.get("follows_oa"), nickname=data.get("nickname"),
                            risky=data.get("risky"))
    return jsonify(dict(user))


@bp.get("/users")
def list_users():
    st = state()
    with st.lock:
        return jsonify({"users": [dict(u) for u in st.users.values()]})


@bp.post("/templates")
def templates():
    """{"templates"?: ["id", ...] | [{"id", "keys", "kind"?}] | {id: keys}, "replace"?: false,
    "kinds"?: {id: "one_time" | "long_term"}}. Once any template is configured, only
    configured ids are accepted (else "tmpl-*"); ``kinds`` alone restricts nothing."""
    st, data = state(), _body()
    with st.lock:
        given = data.get("templates") or []
        new = st._template_map(given)
        if given or data.get("replace"):
            st.templates = new if data.get("replace") else {**st.templates, **new}
        st.kinds.update({**st._kind_map(given), **dict(data.get("kinds") or {})})
        return jsonify({"templates": st.templates, "kinds": st.kinds})


@bp.post("/pages")
def pages():
    """{"pages": [...], "replace"?: false}: pages the released mini-program has besides
    (or, with replace, instead of) those of app.json."""
    st, data = state(), _body()
    with st.lock:
        given = list(data.get("pages") or [])
        st.pages = given if data.get("replace") else st.pages + given
        return jsonify({"pages": st.pages})


@bp.post("/risky-words")
def risky_words():
    """{"words": {"word": label} | ["word"]} replaces the msg_sec_check risky list."""
    st, data = state(), _body()
    with st.lock:
        st.risky = st._risky_map(data.get("words") or {})
        return jsonify({"words": st.risky})


@bp.route("/accounts", methods=["GET", "POST"])
def accounts():
    """The people on the OAuth page: [{"openid", "nickname", "label", "unionid"?, "follows_oa"?}]."""
    st = state()
    if request.method == "POST":
        items = _body().get("accounts")
        if not isinstance(items, list) or not all(isinstance(a, dict) and a.get("openid") for a in items):
            return _bad("accounts must be a list of {openid, nickname, label}")
        st.set_accounts(items)
    with st.lock:
        return jsonify({"accounts": st.accounts})


@bp.get("/messages")
def messages():
    """Every message WeChat accepted, in order (?touser= &template_id= &path= filter)."""
    st = state()
    with st.lock:
        items = [dict(m) for m in st.messages
                 if all(request.args.get(k) in (None, m.get(k)) for k in ("touser", "template_id", "path"))]
    return jsonify({"messages": items})


@bp.get("/calls")
def calls():
    """Every WeChat API call, in order: path, method, appid, status, errcode, at, and
    alongside (how many calls of the same path were being answered when it came) (?path=)."""
    st = state()
    with st.lock:
        items = [dict(c) for c in st.calls if request.args.get("path") in (None, c["path"])]
    return jsonify({"calls": items})


@bp.route("/faults", methods=["GET", "POST"])
def faults():
    """{"path", "count"=1, one of "errcode" (+"errmsg") | "status" | "delay"}: the next
    ``count`` calls of ``path`` fail that way (delay: answer normally, late)."""
    st = state()
    if request.method == "POST":
        data = _body()
        kinds = [k for k in ("errcode", "status", "delay") if data.get(k) is not None]
        if not str(data.get("path", "")).startswith("/") or len(kinds) != 1:
            return _bad("path and exactly one of errcode, status, delay required")
        spec = {"count": int(data.get("count", 1)), kinds[0]: data[kinds[0]],
                "errmsg": data.get("errmsg") or f"fake fault {data.get('errcode')}"}
        with st.lock:
            st.faults[data["path"]] = spec
    with st.lock:
        return jsonify({"faults": st.faults})


@bp.route("/clock", methods=["GET", "POST"])
def clock():
    """{"advance": seconds} moves the fake's clock forward: token and code expiry, and the
    two-hour window in which content security accepts an openid."""
    st = state()
    if request.method == "POST":
        with st.lock:
            st.offset += float(_body().get("advance", 0))
    with st.lock:
        return jsonify({"now": st.now(), "offset": st.offset})


@bp.post("/reset")
def reset():
    state().reset()
    return jsonify({"ok": True})
