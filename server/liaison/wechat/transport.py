"""A requests.Session that can only reach WeChat (or the fake standing in for it).

wechatpy hard-codes ``https://api.weixin.qq.com`` in several places (each API class,
``fetch_access_token``, ``WeChatOAuth``). Instead of patching those, every wechatpy
object gets this session as its ``_http``: the transport adapter rewrites WeChat's
hosts to ``WECHAT_API_BASE`` and refuses any other host, so with the fake configured
no request can leave for the real WeChat, and no request at all can reach a third host.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

from liaison.wechat.errors import RefusedHost

REAL_API_BASE = "https://api.weixin.qq.com"
WECHAT_ORIGINS = ("https://api.weixin.qq.com", "https://open.weixin.qq.com")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class WeChatOnlyAdapter(HTTPAdapter):
    """Rewrites WeChat's hosts to ``api_base``; raises RefusedHost for anything else.

    :param api_base: e.g. ``http://127.0.0.1:5001`` (the fake) or the real
        ``https://api.weixin.qq.com`` (then WeChat's URLs pass through unchanged).
    :param default_timeout: used when the caller gave none (wechatpy's token fetch
        and WeChatOAuth pass no timeout at all).
    """

    def __init__(self, api_base: str, default_timeout: float = 5.0, **kwargs):
        self.api_base = api_base.rstrip("/")
        self.base_parts = urlsplit(self.api_base)
        self.real = _origin(self.api_base) == REAL_API_BASE
        self.default_timeout = default_timeout
        super().__init__(**kwargs)

    def rewrite(self, url: str) -> str:
        """The URL actually requested for ``url``; raises RefusedHost if not allowed."""
        origin = _origin(url)
        if self.real:
            if origin in WECHAT_ORIGINS:
                return url
            raise RefusedHost(f"refused request to non-WeChat host: {origin}")
        if origin == _origin(self.api_base):
            return url
        if origin not in WECHAT_ORIGINS:
            raise RefusedHost(f"refused request to non-WeChat host: {origin}")
        parts = urlsplit(url)
        path = self.base_parts.path.rstrip("/") + parts.path
        return urlunsplit((self.base_parts.scheme, self.base_parts.netloc, path, parts.query, ""))

    def send(self, request, **kwargs):
        request.url = self.rewrite(request.url)
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().send(request, **kwargs)


def make_session(api_base: str, timeout: float = 5.0) -> requests.Session:
    """A Session whose every request goes through WeChatOnlyAdapter.

    :param api_base: WECHAT_API_BASE.
    :param timeout: default timeout for requests that set none.
    """
    session = requests.Session()
    adapter = WeChatOnlyAdapter(api_base, default_timeout=timeout)
    # Mounted on both schemes: a plain-http URL to a third host is refused too.
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    if not adapter.real:
        # The fake is local: never route it through an HTTP(S)_PROXY from the environment.
        session.trust_env = False
    return session
