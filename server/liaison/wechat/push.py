"""The message-push endpoint (消息推送): WeChat POSTs events here; GET is its URL check.

- ``GET /wechat/push?signature&timestamp&nonce&echostr``: ``echostr`` comes back when the
  signature (SHA-1 of the sorted Token, timestamp and nonce) matches, else 403.
- ``POST /wechat/push``: the same signature; in safe mode (``WECHAT_PUSH_AES_KEY`` set)
  the body must also be encrypted (``encrypt_type=aes``) with a valid ``msg_signature``,
  and is decrypted by wechatpy's ``WeChatCrypto`` (the mini-program's appid is the id
  inside the ciphertext). The message is JSON or XML, as ``WECHAT_PUSH_FORMAT`` says
  (the console's 数据格式). A bad signature or ciphertext is a 403 and nothing runs.

Capabilities subscribe per event (``subscribe(app, "wxa_media_check", handler)``), so
this module never imports what it serves. An accepted push answers ``success``; a
handler that fails gives a 500 and WeChat pushes again. There is no timestamp window:
handlers are idempotent (a replayed verdict changes nothing), and WeChat's own retries
must not depend on two clocks agreeing.
"""
from __future__ import annotations

import hmac
import json
import logging

from flask import Blueprint, Response, abort, current_app, request
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

log = logging.getLogger(__name__)

bp = Blueprint("wechat_push", __name__)
HANDLERS = "liaison_wechat_push_handlers"
PATH = "/wechat/push"


def subscribe(app, event: str, handler) -> None:
    """Call ``handler(message: dict)`` for every verified push whose ``Event`` is ``event``."""
    app.extensions.setdefault(HANDLERS, {})[event] = handler


def _sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def _token() -> str:
    token = current_app.config.get("WECHAT_PUSH_TOKEN") or ""
    if not token:
        abort(404)
    return token


def _signed(token: str) -> bool:
    args = request.args
    expected = _sign(token, args.get("timestamp", ""), args.get("nonce", ""))
    return hmac.compare_digest(expected, args.get("signature", ""))


def _parse(text: str) -> dict | None:
    if current_app.config["WECHAT_PUSH_FORMAT"] == "xml":
        import xmltodict

        try:
            message = xmltodict.parse(text).get("xml")
        except Exception:  # expat errors of every kind: not a message
            return None
    else:
        try:
            message = json.loads(text)
        except ValueError:
            return None
    return message if isinstance(message, dict) else None


def _decrypt(token: str, body: str) -> str | None:
    """The plaintext of a safe-mode push, or None if it does not authenticate."""
    args = request.args
    if args.get("encrypt_type") != "aes" or not args.get("msg_signature"):
        return None  # safe mode: a plaintext push did not come from WeChat
    envelope = _parse(body)
    if not envelope or not isinstance(envelope.get("Encrypt"), str):
        return None
    crypto = WeChatCrypto(token, current_app.config["WECHAT_PUSH_AES_KEY"],
                          current_app.config["WECHAT_APPID"])
    try:
        return crypto.decrypt_message(envelope, args["msg_signature"], args.get("timestamp", ""),
                                      args.get("nonce", ""))
    except Exception as exc:  # bad signature, foreign appid, damaged ciphertext
        log.warning("wechat push: refused a safe-mode message (%s)", exc.__class__.__name__)
        return None


@bp.get(PATH)
def verify():
    """WeChat's check of the URL when the push settings are saved."""
    if not _signed(_token()):
        abort(403)
    return Response(request.args.get("echostr", ""), mimetype="text/plain")


@bp.post(PATH)
def receive():
    token = _token()
    if not _signed(token):
        log.warning("wechat push: bad signature")
        abort(403)
    body = request.get_data(as_text=True)
    if current_app.config.get("WECHAT_PUSH_AES_KEY"):
        body = _decrypt(token, body)
        if body is None:
            abort(403)
    message = _parse(body)
    if message is None:
        abort(400)
    handler = current_app.extensions.get(HANDLERS, {}).get(message.get("Event"))
    if handler is not None:
        handler(message)
    else:
        log.info("wechat push: no handler for %s", message.get("Event") or message.get("MsgType"))
    return Response("success", mimetype="text/plain")
