"""wechatpy's WeChatClient with the access token from /cgi-bin/stable_token.

wechatpy 1.8.18 only knows /cgi-bin/token, which issues a new token on every call and
kills the previous one: several processes fetching tokens knock each other out. This
subclass (wechatpy itself stays unmodified) fetches from /cgi-bin/stable_token through
the client's own session and stores the token under wechatpy's own key
(``<appid>_access_token`` in the client's session storage, i.e. Redis), with a TTL a
few minutes shorter than WeChat's, so every process shares one token and refreshes
it early.
"""
from __future__ import annotations

import json
import logging

import requests
from wechatpy import WeChatClient

from liaison.wechat.errors import RefusedHost, TokenError, Unavailable, WeChatError

log = logging.getLogger(__name__)

STABLE_TOKEN_URL = "https://api.weixin.qq.com/cgi-bin/stable_token"
FORCE_INTERVAL = 30  # seconds between forced refreshes, shared through Redis


class StableTokenClient(WeChatClient):
    """WeChatClient whose token comes from stable_token and lives only in session storage.

    :param http: the requests.Session to use (``make_session``).
    :param refresh_margin: seconds before WeChat's expiry at which the stored token
        disappears from Redis, so the next call fetches a fresh one.
    """

    def __init__(self, appid, secret, session=None, timeout=None, http=None, refresh_margin=300):
        super().__init__(appid, secret, session=session, timeout=timeout, auto_retry=False)
        if http is not None:
            self._http = http  # the WeChat-only session from liaison.wechat.transport
        self.refresh_margin = refresh_margin

    @property
    def access_token(self):
        """The shared token from Redis, fetched when missing (no per-process expiry)."""
        token = self.session.get(self.access_token_key)
        if token:
            return token
        return self.fetch_access_token()["access_token"]

    def stored_token(self):
        """The token currently in session storage, without fetching."""
        return self.session.get(self.access_token_key)

    def fetch_access_token(self, force_refresh: bool = False) -> dict:
        """POST /cgi-bin/stable_token and store the token; returns WeChat's answer.

        :raise TokenError: WeChat refused (bad appid/secret, quota, ...).
        :raise Unavailable: timeout, connection error, HTTP error, unreadable answer.
        """
        body = {
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": self.secret,
            "force_refresh": bool(force_refresh),
        }
        try:
            res = self._http.post(
                STABLE_TOKEN_URL,
                data=json.dumps(body).encode("utf-8"),
                headers={"Content-Type": "application/json"},
                timeout=self.timeout,
            )
            res.raise_for_status()
            result = res.json()
        except RefusedHost:
            raise
        except (requests.RequestException, ValueError) as exc:
            raise Unavailable(None, f"stable_token failed: {exc}") from exc
        errcode = int(result.get("errcode") or 0)
        if errcode != 0 or "access_token" not in result:
            err = TokenError if errcode != -1 else Unavailable
            raise err(errcode, result.get("errmsg", "no access_token in answer"))
        expires_in = int(result.get("expires_in") or 7200)
        if expires_in > 2 * self.refresh_margin:
            ttl = expires_in - self.refresh_margin
        else:
            ttl = max(expires_in // 2, 1)
        self.session.set(self.access_token_key, result["access_token"], ttl)
        log.info("wechat: stored access token for %s (ttl %ss, force=%s)", self.appid, ttl, force_refresh)
        return result

    def refresh_after_rejection(self, rejected: str | None) -> None:
        """Get a token other than ``rejected`` after WeChat refused it (40001/42001/40014).

        Another process may already have stored a newer one; otherwise ask
        stable_token normally, and only force a refresh if it hands back the very
        token WeChat just refused.
        """
        current = self.stored_token()
        if current and current != rejected:
            return
        try:
            result = self.fetch_access_token(force_refresh=False)
        except WeChatError:
            self.session.delete(self.access_token_key)
            raise
        if result["access_token"] == rejected and self._may_force():
            self.fetch_access_token(force_refresh=True)

    def _may_force(self) -> bool:
        """At most one forced refresh per FORCE_INTERVAL across all processes.

        WeChat caps force_refresh calls per day; a WeChat that keeps refusing every
        token must not make each request burn one.
        """
        redis = getattr(self.session, "redis", None)
        if redis is None:
            return True
        key = self.session.key_name(f"{self.appid}_force_refresh")
        return bool(redis.set(key, "1", nx=True, ex=FORCE_INTERVAL))
