"""The fake's WeChat API endpoints: real paths, real JSON shapes, real errcodes.

Errors are HTTP 200 with {"errcode", "errmsg"}; bodies are parsed as JSON whatever
the Content-Type says (wechatpy sends none).
"""
from __future__ import annotations

import functools
import io
import secrets

import qrcode
from flask import Blueprint, Response, current_app, g, jsonify, request
from PIL import Image

from liaison.wechat.fake import validate
from liaison.wechat.fake.state import FakeState, new_id

bp = Blueprint("fake_wechat_api", __name__)


def state() -> FakeState:
    return current_app.extensions["fake_wechat"]


def err(errcode: int, errmsg: str):
    return jsonify({"errcode": errcode, "errmsg": f"{errmsg} rid: {secrets.token_hex(6)}"})


def ok(**fields):
    return jsonify({"errcode": 0, "errmsg": "ok", **fields})


def body() -> dict | None:
    data = request.get_json(force=True, silent=True)
    return data if isinstance(data, dict) else None


def api(kind: str | None = None, json_body: bool = False):
    """Check access_token (and which kind of app owns it) and the JSON body; hold the lock."""
    def wrap(fn):
        @functools.wraps(fn)
        def inner():
            st = state()
            with st.lock:
                appid, problem = st.check_token(request.args.get("access_token"))
                if problem:
                    return err(*problem)
                is_oa = appid in st.official
                if (kind == "mp" and is_oa) or (kind == "oa" and not is_oa):
                    return err(48001, "api unauthorized")
                g.appid = appid
                if json_body:
                    g.body = body()
                    if g.body is None:
                        return err(47001, "data format error")
                return fn(st)
        return inner
    return wrap


@bp.get("/cgi-bin/token")
def token():
    st = state()
    with st.lock:
        if request.args.get("grant_type") != "client_credential":
            return err(40002, "invalid grant_type")
        problem = st.check_app(request.args.get("appid"), request.args.get("secret"))
        if problem:
            return err(*problem)
        return jsonify(st.issue_plain_token(request.args["appid"]))


@bp.post("/cgi-bin/stable_token")
def stable_token():
    st = state()
    data = body()
    if data is None:
        return err(47001, "data format error")
    with st.lock:
        if data.get("grant_type") != "client_credential":
            return err(40002, "invalid grant_type")
        problem = st.check_app(data.get("appid"), data.get("secret"))
        if problem:
            return err(*problem)
        return jsonify(st.issue_stable_token(data["appid"], bool(data.get("force_refresh"))))


@bp.get("/cgi-bin/get_api_domain_ip")
@api()
def api_domain_ip(st):
    return jsonify({"ip_list": ["127.0.0.1"]})


def exchange_code(st: FakeState, table: dict, code_param: str):
    """GET appid+secret+<code>+grant_type=authorization_code: (record, None) or (None, error).

    Caller holds the lock. The code is single-use (40163) and lives 5 minutes (40029).
    """
    args = request.args
    problem = st.check_app(args.get("appid"), args.get("secret"))
    if not problem and args.get("grant_type") != "authorization_code":
        problem = 40002, "invalid grant_type"
    if not problem and not args.get(code_param):
        problem = 41008, "missing code"
    if not problem:
        rec, problem = st.take_code(table, args.get(code_param), appid=args["appid"])
    return (None, err(*problem)) if problem else (rec, None)


@bp.get("/sns/jscode2session")
def jscode2session():
    st = state()
    with st.lock:
        rec, problem = exchange_code(st, st.login_codes, "js_code")
        if problem:
            return problem
        user = st.users[rec["openid"]]
        if user.get("risky"):  # WeChat judged the account high-risk; the code is spent anyway
            return err(40226, "high risk user")
        st.touch(user["openid"])  # the visit that content security's 2-hour rule counts
        answer = {"openid": user["openid"], "session_key": secrets.token_urlsafe(18)}
        # unionid "若当前小程序已绑定到微信开放平台帐号下会返回" (code2Session 返回参数); since
        # 2021-02-23 a bound mini-program gets it from wx.login's code with no user consent.
        unionid = st.unionid_for(request.args["appid"], user["openid"])
        if unionid:
            answer["unionid"] = unionid
        return jsonify(answer)


@bp.post("/cgi-bin/message/subscribe/send")
@api(kind="mp", json_body=True)
def subscribe_send(st):
    data = g.body
    touser, template_id, page = data.get("touser"), data.get("template_id"), data.get("page")
    if touser not in st.users:
        return err(40003, "invalid openid")
    if not template_id or not st.template_known(template_id):
        return err(40037, "invalid template_id")
    # 41030 "page路径不正确，需要保证在现网版本小程序中存在，与app.json保持一致" (WeChat,
    # 小程序 订阅消息 subscribeMessage.send 错误码; the page is "点击模板卡片后的跳转页面，仅限本
    # 小程序内的页面。支持带参数,（示例index?foo=bar）"): the path must be a page of app.json.
    if page and not st.page_known(page):
        return err(41030, "invalid page")
    if data.get("miniprogram_state", "formal") not in ("developer", "trial", "formal"):
        return err(47003, "argument invalid! miniprogram_state invalid")
    if data.get("lang", "zh_CN") not in ("zh_CN", "en_US", "zh_HK", "zh_TW"):
        return err(47003, "argument invalid! lang invalid")
    problem = validate.subscribe_data_error(data.get("data"), st.templates.get(template_id))
    if problem:
        return err(47003, problem)
    grant = st.grants.get((touser, template_id))
    if not grant or not (grant["long_term"] or grant["one_time"] > 0):
        return err(43101, "user refuse to accept the msg")
    if not grant["long_term"]:
        grant["one_time"] -= 1
    msgid = st.next_msgid()
    st.messages.append({
        "path": request.path, "msgid": msgid, "appid": g.appid, "touser": touser,
        "template_id": template_id, "page": page, "data": data.get("data"),
        "miniprogram_state": data.get("miniprogram_state"), "lang": data.get("lang"),
        "grant": "long_term" if grant["long_term"] else "one_time", "at": st.now(),
    })
    return ok(msgid=msgid)


@bp.post("/cgi-bin/message/template/send")
@api(kind="oa", json_body=True)
def template_send(st):
    data = g.body
    touser, template_id = data.get("touser"), data.get("template_id")
    if touser not in st.users:
        return err(40003, "invalid openid")
    if not template_id or not st.template_known(template_id):
        return err(40037, "invalid template_id")
    if not st.users[touser]["follows_oa"]:
        return err(43004, "require subscribe")
    # miniprogram.pagepath: "所需跳转到小程序的具体页面路径，支持带参数,（示例index?foo=bar），要求该
    # 小程序已发布" (WeChat, 发送模板消息); a page the released mini-program lacks: 40165.
    mini = data.get("miniprogram")
    if mini is not None and not (isinstance(mini, dict) and st.page_known(str(mini.get("pagepath") or ""))):
        return err(40165, "invalid weapp pagepath")
    problem = validate.template_data_error(data.get("data"))
    if problem:
        return err(47003, problem)
    # client_msg_id (防重入id): "对于同一个openid + client_msg_id, 只发送一条消息, 10分钟有效"
    # (WeChat, 发送模板消息). The second send is answered like the first, and nothing more is
    # delivered: see state.CLIENT_MSG_WINDOW.
    client_msg_id = data.get("client_msg_id")
    earlier = st.earlier_client_msg(touser, client_msg_id)
    if earlier is not None:
        earlier["repeats"] += 1
        return ok(msgid=earlier["msgid"])
    msgid = st.next_msgid()
    st.messages.append({
        "path": request.path, "msgid": msgid, "appid": g.appid, "touser": touser,
        "template_id": template_id, "page": None, "url": data.get("url"),
        "miniprogram": mini, "client_msg_id": client_msg_id, "data": data.get("data"),
        "at": st.now(),
    })
    if client_msg_id:
        st.client_msgs[(touser, str(client_msg_id))] = {"msgid": msgid, "at": st.now(), "repeats": 0}
    return ok(msgid=msgid)


@bp.get("/cgi-bin/user/info")
@api(kind="oa")
def user_info(st):
    """用户管理 获取用户基本信息: ``subscribe`` 0 means not following, and then only
    openid (and unionid) come back."""
    openid = request.args.get("openid")
    user = st.users.get(openid or "")
    if user is None:
        return err(40003, "invalid openid")
    answer = {"subscribe": 1 if user["follows_oa"] else 0, "openid": openid}
    # unionid: "只有在用户将公众号绑定到微信开放平台账号后，才会出现该字段" (获取用户基本信息).
    unionid = st.unionid_for(g.appid, openid)
    if unionid:
        answer["unionid"] = unionid
    if user["follows_oa"]:
        answer.update(nickname=user["nickname"], language="zh_CN", subscribe_scene="ADD_SCENE_QR_CODE")
    return jsonify(answer)


def _jpeg(text: str, width: int) -> bytes:
    """A real JPEG of a QR code for ``text``: WeChat answers a wxacode as image/jpeg."""
    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    img = qr.make_image(fill_color="black", back_color="white").get_image().convert("L")
    img = img.resize((width, width), Image.NEAREST)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=90)
    return out.getvalue()


@bp.post("/wxa/getwxacodeunlimit")
@api(kind="mp", json_body=True)
def wxacode_unlimit(st):
    """getUnlimitedQRCode: the image bytes (Content-Type image/jpeg), or JSON on failure.

    Scene rules (WeChat's answers): missing, empty, not a string or longer than 32
    characters -> 40169 "invalid length for scene, or the data is not json string";
    a character outside digits, letters and !#$&'()*+,/:;=?@-._~ -> 40129 "invalid scene".
    """
    data = g.body
    scene = data.get("scene")
    if not isinstance(scene, str) or not 1 <= len(scene) <= 32:
        return err(40169, "invalid length for scene, or the data is not json string")
    if not validate.SCENE.match(scene):
        return err(40129, "invalid scene")
    if data.get("env_version", "release") not in ("release", "trial", "develop"):
        return err(40097, "invalid args")
    page = data.get("page") or ""
    if page.startswith("/") or (page and data.get("check_path", True) and not st.page_known(page)):
        return err(41030, "invalid page")
    try:
        width = min(max(int(data.get("width", 430)), 280), 1280)
    except (TypeError, ValueError):
        return err(40097, "invalid args")
    return Response(_jpeg("wxacode:" + scene, width), mimetype="image/jpeg")


@bp.post("/wxa/msg_sec_check")
@api(kind="mp", json_body=True)
def msg_sec_check(st):
    data = g.body
    if data.get("version") != 2 or data.get("scene") not in (1, 2, 3, 4):
        return err(40097, "invalid args")
    if data.get("openid") not in st.users:
        return err(40003, "invalid openid")
    if st.inactive(data["openid"]):  # 61010: not in the mini-program within 2 hours (state.py)
        return err(61010, "code is expired")
    content = data.get("content")
    if not isinstance(content, str) or not content or len(content) > 2500:
        return err(47003, "argument invalid! content invalid")
    suggest, label, keyword = "pass", 100, None
    for word, word_label in st.risky.items():
        if word in content:
            suggest, label, keyword = "risky", word_label, word
            break
    else:
        if "fake-review" in content:
            suggest, label = "review", 21000
    detail = [{"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label,
               "prob": 90 if suggest != "pass" else 0}]
    if keyword:
        detail.append({"strategy": "keyword", "errcode": 0, "suggest": suggest, "label": label,
                       "level": 20, "keyword": keyword})
    return ok(result={"suggest": suggest, "label": label}, detail=detail, trace_id=new_id("", 12))


@bp.post("/wxa/business/getuserphonenumber")
@api(kind="mp", json_body=True)
def phone_number(st):
    rec, problem = st.take_code(st.phone_codes, g.body.get("code"), appid=g.appid, used_errcode=40029)
    if problem:
        return err(*problem)
    pure, cc = rec["phone"], rec["country_code"]
    return ok(phone_info={
        "phoneNumber": pure if cc == "86" else f"+{cc} {pure}", "purePhoneNumber": pure,
        "countryCode": cc, "watermark": {"timestamp": int(st.now()), "appid": g.appid},
    })
