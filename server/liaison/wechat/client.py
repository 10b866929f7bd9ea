"""The backend's one door to WeChat: unmodified wechatpy 1.8.18 behind a small facade.

- every wechatpy object uses the WeChat-only session (``transport.make_session``);
- access tokens come from /cgi-bin/stable_token and live in Redis (``token``);
- wechatpy's unbounded recursive retry is off; a refused token is refreshed and the
  call retried exactly once;
- every failure leaves as a ``liaison.wechat.errors.WeChatError`` subclass.
"""
from __future__ import annotations

import logging
import threading

import requests
from wechatpy.exceptions import WeChatClientException, WeChatOAuthException
from wechatpy.oauth import WeChatOAuth
from wechatpy.session.redisstorage import RedisStorage

from liaison.wechat import errors
from liaison.wechat.token import StableTokenClient
from liaison.wechat.transport import REAL_API_BASE, make_session

log = logging.getLogger(__name__)

API = "https://api.weixin.qq.com/"
REAL_OAUTH_BASE = "https://open.weixin.qq.com"
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


def _translate(exc: Exception) -> errors.WeChatError:
    """wechatpy / requests exception -> our hierarchy."""
    if isinstance(exc, (WeChatClientException, WeChatOAuthException)):
        if exc.errcode is None:  # raise_for_status: HTTP 4xx/5xx
            status = getattr(exc.response, "status_code", None)
            return errors.Unavailable(None, f"HTTP {status} from WeChat")
        return errors.from_errcode(exc.errcode, str(exc.errmsg))
    if isinstance(exc, requests.Timeout):
        return errors.Unavailable(None, f"timeout: {exc}")
    if isinstance(exc, requests.RequestException):
        return errors.Unavailable(None, f"connection failed: {exc}")
    if isinstance(exc, ValueError):  # a JSON answer that was not JSON
        return errors.Unavailable(None, f"unreadable answer: {exc}")
    raise TypeError(f"not a WeChat failure: {exc!r}")


def _values(data: dict) -> dict:
    """Accept {"thing1": "x"} or {"thing1": {"value": "x"}}; WeChat wants the latter."""
    return {k: (v if isinstance(v, dict) else {"value": v}) for k, v in data.items()}


class SharedTokens:
    """The access tokens a group of calls shares: each client's token is read from Redis
    once for the group instead of once per call (a delivery group of 8 sends reads it
    once). A call whose token WeChat refuses refreshes it as usual and drops it here, so
    the group's next calls read the new one. Shared by the group's threads; meant to live as long
    as one group (seconds), well inside the 5 minutes Redis gives a token before
    WeChat's expiry (``StableTokenClient.refresh_margin``).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._tokens: dict[str, str] = {}

    def get(self, client: StableTokenClient) -> str:
        """The group's token for ``client``, read (or fetched) by the first call that
        needs it while the group's other calls wait for it: one read, not one per thread."""
        with self._lock:
            token = self._tokens.get(client.appid)
            if token is None:  # a failure stores nothing: the next call tries again
                token = self._tokens[client.appid] = client.access_token
            return token

    def drop(self, client: StableTokenClient, refused: str) -> None:
        with self._lock:
            if self._tokens.get(client.appid) == refused:
                del self._tokens[client.appid]


class WeChat:
    """Mini-program (and optionally official-account) API for the rest of the backend.

    :param appid: mini-program appid.
    :param secret: mini-program secret.
    :param api_base: WECHAT_API_BASE (the fake's URL, or https://api.weixin.qq.com).
    :param redis: a redis client shared by every process; tokens live there.
    :param oa_appid: official-account appid (template messages, web OAuth).
    :param oa_secret: official-account secret.
    :param timeout: seconds per HTTP request.
    :param oauth_base: the browser-facing base for the OAuth page (WECHAT_OAUTH_BASE);
        defaults to api_base for the fake and open.weixin.qq.com for the real API.
    """

    def __init__(self, appid, secret, api_base, redis, oa_appid=None, oa_secret=None,
                 timeout=5, oauth_base=None):
        self.api_base = api_base.rstrip("/")
        self.real = self.api_base == REAL_API_BASE
        self.oauth_base = (oauth_base or (REAL_OAUTH_BASE if self.real else self.api_base)).rstrip("/")
        self.timeout = timeout
        self.http = make_session(self.api_base, timeout=timeout)
        storage = RedisStorage(redis, prefix="wechat")
        self.mp = StableTokenClient(appid, secret, session=storage, timeout=timeout, http=self.http)
        self.oa = None
        if oa_appid and oa_secret:
            self.oa = StableTokenClient(oa_appid, oa_secret, session=storage, timeout=timeout,
                                        http=self.http)
        self.oa_appid, self.oa_secret = oa_appid, oa_secret

    # -- plumbing ---------------------------------------------------------------
    def _call(self, client: StableTokenClient, fn, raw: bool = False, tokens: SharedTokens | None = None):
        """Run ``fn(params)`` (a fresh wechatpy call each time) with one bounded token retry.

        ``params`` carries the access token read here, so the call sends the very token
        a refusal is judged against (wechatpy reads it again only when params lack it),
        and the token costs one Redis read per call, not two (none, when ``tokens``
        already holds it for the call's group; the retry always reads it afresh).
        """
        for attempt in (1, 2):
            # TokenError / Unavailable pass straight through
            used = tokens.get(client) if tokens is not None and attempt == 1 else client.access_token
            try:
                result = fn({"access_token": used})
            except errors.WeChatError:
                raise
            except (WeChatClientException, WeChatOAuthException, requests.RequestException) as exc:
                err = _translate(exc)
                if err.errcode in errors.TOKEN_RETRY_CODES and attempt == 1:
                    log.info("wechat: token refused (%s), refreshing once", err.errcode)
                    client.refresh_after_rejection(used)
                    if tokens is not None:
                        tokens.drop(client, used)
                    continue
                raise err from exc
            if raw:
                return result
            if not isinstance(result, dict):
                raise errors.Unavailable(None, "answer from WeChat was not JSON")
            return result
        raise AssertionError("unreachable")

    def _oa_client(self) -> StableTokenClient:
        if self.oa is None:
            raise errors.NotConfigured(None, "official account appid/secret not configured")
        return self.oa

    # -- mini-program -----------------------------------------------------------
    def code2session(self, code: str) -> dict:
        """wx.login code -> {"openid", "session_key", "unionid"?}. session_key stays server-side.

        jscode2session takes the appid and secret and no access token; wechatpy's
        ``wxa.code_to_session`` would fetch one first, so a token outage (stable_token
        down, quota spent) would block every login. Called here on the same WeChat-only
        session (so it still reaches only WECHAT_API_BASE), without a token.

        :raise CodeInvalid: 40029. :raise CodeUsed: 40163. :raise RiskyUser: 40226.
        :raise QuotaLimited: 45011. :raise Unavailable: timeout, HTTP error, no openid.
        """
        params = {"appid": self.mp.appid, "secret": self.mp.secret, "js_code": code,
                  "grant_type": "authorization_code"}
        try:
            res = self.http.get(API + "sns/jscode2session", params=params, timeout=self.timeout)
            res.raise_for_status()
            result = res.json()  # WeChat labels it text/plain at times: parse whatever the header
        except (requests.RequestException, ValueError) as exc:
            raise _translate(exc) from exc
        if not isinstance(result, dict):
            raise errors.Unavailable(None, "jscode2session answer was not a JSON object")
        errcode = int(result.get("errcode") or 0)
        if errcode:
            raise errors.from_errcode(errcode, str(result.get("errmsg", "")))
        if not result.get("openid"):
            raise errors.Unavailable(None, "no openid in jscode2session answer")
        return result

    def send_subscribe(self, openid, template_id, data, page=None,
                       miniprogram_state="formal", lang="zh_CN", tokens: SharedTokens | None = None) -> dict:
        """Send one subscribe message; returns {"errcode": 0, "msgid": ...}.

        :param data: {"thing1": "text", ...} or {"thing1": {"value": "text"}}.
        :param tokens: the group's ``SharedTokens``, if this send is one of several.
        :raise NoConsent: 43101, the person has no grant left: record it, do not retry.
        :raise InvalidArgument: 47003 (``.field`` names the key), 40003, 40037, 41030.
        """
        body = {"touser": openid, "template_id": template_id, "data": _values(data),
                "miniprogram_state": miniprogram_state, "lang": lang}
        if page:
            body["page"] = page
        return self._call(self.mp, lambda params: self.mp.post(
            API + "cgi-bin/message/subscribe/send", data=dict(body), params=params), tokens=tokens)

    def wxacode(self, scene: str, page: str, width: int = 430, check_path: bool = False,
                env_version: str = "release") -> bytes:
        """Unlimited mini-program code for ``scene`` (≤32 chars); returns the image bytes."""
        body = {"scene": scene, "page": page, "check_path": check_path,
                "env_version": env_version, "width": width}
        res = self._call(self.mp, lambda params: self.mp.post(
            API + "wxa/getwxacodeunlimit", data=dict(body), params=params), raw=True)
        content = getattr(res, "content", None)
        if not content or not content.startswith(IMAGE_MAGIC):
            raise errors.Unavailable(None, "wxacode answer was not an image")
        return content

    def msg_sec_check(self, openid: str, content: str, scene: int = 2) -> dict:
        """Content security v2; returns {"result": {"suggest", "label"}, "detail", "trace_id"}.

        :param scene: 1 profile, 2 comment, 3 forum, 4 social log.
        """
        body = {"version": 2, "openid": openid, "scene": scene, "content": content}
        res = self._call(self.mp, lambda params: self.mp.post(
            API + "wxa/msg_sec_check", data=dict(body), params=params))
        return {k: res[k] for k in ("result", "detail", "trace_id") if k in res}

    def media_check_async(self, openid: str, media_url: str, scene: int = 2,
                          media_type: int = 2) -> str:
        """mediaCheckAsync v2: queue an image (2) or audio (1) check; returns its trace_id.

        The verdict arrives later as the ``wxa_media_check`` event at the message-push
        URL (``liaison.wechat.push``), matched by ``trace_id``. WeChat downloads
        ``media_url`` itself, so it must be public (a signed, expiring link).

        :raise UserInactive: 61010, the openid has not used the mini-program in 2 hours.
        """
        body = {"media_url": media_url, "media_type": media_type, "version": 2,
                "scene": scene, "openid": openid}
        res = self._call(self.mp, lambda params: self.mp.post(
            API + "wxa/media_check_async", data=dict(body), params=params))
        trace_id = res.get("trace_id")
        if not trace_id:
            raise errors.Unavailable(None, "no trace_id in media_check_async answer")
        return str(trace_id)

    def phone_number(self, code: str) -> dict:
        """getPhoneNumber button code -> {"phoneNumber", "purePhoneNumber", "countryCode", ...}."""
        res = self._call(self.mp, lambda params: self.mp.post(
            API + "wxa/business/getuserphonenumber", data={"code": code}, params=params))
        if "phone_info" not in res:
            raise errors.Unavailable(None, "no phone_info in answer")
        return res["phone_info"]

    def ping(self) -> bool:
        """True when WeChat (or the fake) answers an authenticated call."""
        try:
            self._call(self.mp, lambda params: self.mp.get(API + "cgi-bin/get_api_domain_ip", params=params))
        except errors.WeChatError as exc:
            log.warning("wechat ping failed: %s", exc)
            return False
        return True

    # -- official account -------------------------------------------------------
    def send_template(self, oa_openid, template_id, data, url=None, miniprogram=None,
                      client_msg_id=None, tokens: SharedTokens | None = None) -> dict:
        """Official-account template message (keyword values ≤ 20 chars).

        :param miniprogram: {"appid", "pagepath"} to open the mini-program on tap.
        :param client_msg_id: idempotency key: WeChat sends one message per openid and
            id (for about 10 minutes), so a retry with the same id is not delivered twice.
        :param tokens: the group's ``SharedTokens``, if this send is one of several.
        :raise NotFollowing: 43004.
        """
        client = self._oa_client()
        body = {"touser": oa_openid, "template_id": template_id, "data": _values(data)}
        if url:
            body["url"] = url
        if miniprogram:
            body["miniprogram"] = miniprogram
        if client_msg_id:
            body["client_msg_id"] = str(client_msg_id)
        return self._call(client, lambda params: client.post(
            API + "cgi-bin/message/template/send", data=dict(body), params=params), tokens=tokens)

    def follows(self, oa_openid: str) -> bool:
        """Whether the person follows the official account (/cgi-bin/user/info ``subscribe``).

        :raise InvalidArgument: 40003, not an openid of this account.
        """
        client = self._oa_client()
        res = self._call(client, lambda params: client.get(
            API + "cgi-bin/user/info", params={**params, "openid": oa_openid, "lang": "zh_CN"}))
        return int(res.get("subscribe") or 0) == 1

    def oauth(self, redirect_uri: str, scope: str = "snsapi_base", state: str = "") -> WeChatOAuth:
        """wechatpy's WeChatOAuth for the official account, on the WeChat-only session."""
        self._oa_client()
        oauth = WeChatOAuth(self.oa_appid, self.oa_secret, redirect_uri, scope=scope, state=state)
        oauth._http = self.http  # WeChatOAuth._request goes through self._http
        return oauth

    def oauth_authorize_url(self, redirect_uri: str, scope: str = "snsapi_base", state: str = "") -> str:
        """Where to send the browser; always pass a fresh ``state`` and check it on return."""
        url = self.oauth(redirect_uri, scope=scope, state=state).authorize_url
        if self.oauth_base != REAL_OAUTH_BASE and url.startswith(REAL_OAUTH_BASE):
            url = self.oauth_base + url[len(REAL_OAUTH_BASE):]
        return url

    def oauth_fetch(self, code: str, with_userinfo: bool = False) -> dict:
        """OAuth code -> {"openid", "unionid"?, "scope", ...}; with userinfo adds nickname etc.

        :param with_userinfo: also call /sns/userinfo (needs scope snsapi_userinfo).
        """
        oauth = self.oauth("")
        try:
            res = oauth.fetch_access_token(code)
            if with_userinfo:
                info = oauth.get_user_info()
                res = {**res, **{k: v for k, v in info.items() if k not in ("errcode", "errmsg")}}
        except (WeChatOAuthException, requests.RequestException, ValueError) as exc:
            raise _translate(exc) from exc
        return res
