"""mediaCheckAsync v2 (``/wxa/media_check_async``) and its pushed verdict, plus the
``/_fake/`` controls for them: the push target (URL, Token, EncodingAESKey, format),
the verdicts, the checks made so far, and pushing on demand.

The API answers at once with a ``trace_id``; the verdict goes to the message-push URL
later (``push.deliver``), by itself after ``delay`` seconds when ``auto`` is on, or
when a test asks (``POST /_fake/media-checks/push``).
"""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from liaison.wechat.fake import push
from liaison.wechat.fake.api_routes import api, err, ok, state
from liaison.wechat.fake.state import new_id

bp = Blueprint("fake_wechat_media", __name__)
control = Blueprint("fake_wechat_media_control", __name__, url_prefix="/_fake")
SUGGESTS = ("pass", "review", "risky")


@bp.post("/wxa/media_check_async")
@api(kind="mp", json_body=True)
def media_check_async(st):
    data = g.body
    url = data.get("media_url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return err(40097, "invalid args")
    if data.get("media_type") not in (1, 2) or data.get("version") != 2 \
            or data.get("scene") not in (1, 2, 3, 4):
        return err(40097, "invalid args")
    if data.get("openid") not in st.users:
        return err(40003, "invalid openid")
    if st.inactive(data["openid"]):  # 61010: not in the mini-program within 2 hours (state.py)
        return err(61010, "code is expired")
    trace_id = new_id("", 16)
    st.media_checks.append({"trace_id": trace_id, "media_url": url, "media_type": data["media_type"],
                            "scene": data["scene"], "openid": data["openid"], "appid": g.appid,
                            "verdict": st.media_verdict(url), "at": st.now(), "pushed": False})
    if st.push.get("url") and st.push.get("auto"):
        push.deliver_later(st, trace_id, float(st.push.get("delay", 0.2)))
    return ok(trace_id=trace_id)


def _body() -> dict:
    data = request.get_json(force=True, silent=True)
    return data if isinstance(data, dict) else {}


def _verdict(value) -> dict | None:
    """"risky" or {"suggest", "label"?} -> {"suggest", "label"}; None if invalid."""
    if isinstance(value, str):
        value = {"suggest": value}
    if not isinstance(value, dict) or value.get("suggest") not in SUGGESTS:
        return None
    label = value.get("label", 100 if value["suggest"] == "pass" else 20002)
    return {"suggest": value["suggest"], "label": int(label)}


@control.route("/push-config", methods=["GET", "POST"])
def push_config():
    """{"url", "token", "aes_key"? (absent: plain mode), "format": "json"|"xml",
    "auto"?: true, "delay"?: 0.2, "original_id"?}: where and how verdicts are pushed."""
    st = state()
    if request.method == "POST":
        data = _body()
        if data.get("format", "json") not in ("json", "xml"):
            return jsonify({"error": "format must be json or xml"}), 400
        key = data.get("aes_key")
        if key is not None and len(str(key)) != 43:
            return jsonify({"error": "EncodingAESKey is 43 characters"}), 400
        with st.lock:
            st.push.update({k: data[k] for k in ("url", "token", "aes_key", "format", "auto",
                                                 "delay", "original_id") if k in data})
    with st.lock:
        return jsonify(dict(st.push))


@control.post("/media-verdicts")
def media_verdicts():
    """{"default"?: "pass"|"risky"|{"suggest","label"}, "rules"?: [{"match": "<part of
    media_url>", "suggest", "label"?}], "replace"?: false}: the verdicts to push."""
    st, data = state(), _body()
    rules = []
    for rule in data.get("rules") or []:
        verdict = _verdict(rule)
        if verdict is None or not rule.get("match"):
            return jsonify({"error": "each rule needs match and suggest (pass|review|risky)"}), 400
        rules.append({"match": str(rule["match"]), **verdict})
    default = _verdict(data["default"]) if "default" in data else None
    if "default" in data and default is None:
        return jsonify({"error": "default must be pass, review or risky"}), 400
    with st.lock:
        st.media_rules = rules if data.get("replace") else st.media_rules + rules
        if default:
            st.media_default = default
        return jsonify({"default": st.media_default, "rules": st.media_rules})


@control.get("/media-checks")
def media_checks():
    """Every mediaCheckAsync accepted: trace_id, media_url, verdict, fetch and push results."""
    st = state()
    with st.lock:
        return jsonify({"checks": [dict(c) for c in st.media_checks]})


@control.post("/media-checks/push")
def push_now():
    """{"trace_id"?}: push that check's verdict now (default: every one not yet pushed)."""
    st, data = state(), _body()
    with st.lock:
        ids = [c["trace_id"] for c in st.media_checks
               if (c["trace_id"] == data["trace_id"] if data.get("trace_id") else not c["pushed"])]
    return jsonify({"results": [push.deliver(st, trace_id) for trace_id in ids]})
