"""One exception hierarchy for everything WeChat can answer.

wechatpy raises ``WeChatClientException`` / ``APILimitedException`` /
``WeChatOAuthException`` and lets ``requests`` errors through; the facade in
``liaison.wechat.client`` turns all of them into these classes so callers catch
one family. Each carries WeChat's ``errcode`` / ``errmsg`` (for logs) and a short
Chinese ``user_message`` that may be shown to a person.
"""
from __future__ import annotations

import re


class WeChatError(Exception):
    """WeChat refused or failed a call.

    :param errcode: WeChat's numeric errcode, or None for transport failures.
    :param errmsg: WeChat's errmsg (English, for logs), or a description.
    """

    user_message = "微信服务出了点问题，请稍后再试"

    def __init__(self, errcode: int | None = None, errmsg: str = "", user_message: str | None = None):
        self.errcode = errcode
        self.errmsg = errmsg or ""
        if user_message:
            self.user_message = user_message
        super().__init__(f"WeChat errcode {errcode}: {self.errmsg}")


class CodeInvalid(WeChatError):
    """40029: the login / OAuth / phone code is unknown or expired."""

    user_message = "微信登录凭证无效，请重新进入小程序"


class CodeUsed(WeChatError):
    """40163: the code was already exchanged once."""

    user_message = "微信登录凭证已使用，请重新进入小程序"


class RiskyUser(WeChatError):
    """40226: WeChat blocks this user as high risk."""

    user_message = "您的微信账号暂时无法登录，请稍后再试"


class NoConsent(WeChatError):
    """43101: the person has no subscription grant for this template. Never retry."""

    user_message = "对方未订阅该消息"


class NotFollowing(WeChatError):
    """43004: the person does not follow the official account."""

    user_message = "对方未关注公众号"


class UserInactive(WeChatError):
    """61010: the openid has not used the mini-program in the last two hours.

    Content security (msgSecCheck v2, mediaCheckAsync v2) refuses such an openid
    ("用户访问记录超时（用户未在近两小时访问小程序）"; WeChat answers errmsg
    ``code is expired``). Retrying does not help until the person opens the
    mini-program again.
    """

    user_message = "用户近两小时未使用小程序，无法进行内容检测"


class QuotaLimited(WeChatError):
    """45009 (daily quota) / 45011 (too frequent)."""

    user_message = "微信接口调用太频繁，请稍后再试"


class InvalidArgument(WeChatError):
    """47003 / 40097 / 41030 / 40037 / 40003 / 40169 / 40129: our request was wrong.

    ``field`` is the data key WeChat named in a 47003 (``thing1``), else None.
    """

    user_message = "提交给微信的内容不符合要求"

    @property
    def field(self) -> str | None:
        match = re.search(r"data\.([A-Za-z_0-9]+)\.value", self.errmsg)
        return match.group(1) if match else None


class TokenError(WeChatError):
    """Access token could not be obtained or kept being refused (40001/40014/42001/...)."""

    user_message = "微信服务暂时不可用，请稍后再试"


class Unavailable(WeChatError):
    """Timeout, connection error, HTTP 5xx or an answer we cannot read."""

    user_message = "微信服务暂时不可用，请稍后再试"


class NotConfigured(WeChatError):
    """The call needs credentials that are not configured (e.g. the official account)."""

    user_message = "微信公众号尚未配置"


class RefusedHost(RuntimeError):
    """A request was about to leave for a host that is not WeChat's: refused."""


TOKEN_RETRY_CODES = frozenset({40001, 40014, 42001})

_BY_CODE: dict[int, type[WeChatError]] = {
    40029: CodeInvalid,
    40163: CodeUsed,
    40226: RiskyUser,
    43101: NoConsent,
    43004: NotFollowing,
    61010: UserInactive,
    45009: QuotaLimited,
    45011: QuotaLimited,
    47003: InvalidArgument,
    40097: InvalidArgument,
    41030: InvalidArgument,
    40037: InvalidArgument,
    40003: InvalidArgument,
    40169: InvalidArgument,  # wxacode scene empty or longer than 32 characters
    40129: InvalidArgument,  # wxacode scene with a character outside the allowed set
    40001: TokenError,
    40014: TokenError,
    42001: TokenError,
    41001: TokenError,
    40013: TokenError,
    40125: TokenError,
    40164: TokenError,
    -1: Unavailable,  # "system error": WeChat asks to retry later
}


def from_errcode(errcode: int | None, errmsg: str = "") -> WeChatError:
    """The exception instance for a WeChat errcode (None means transport failure)."""
    if errcode is None:
        return Unavailable(None, errmsg or "no usable answer from WeChat")
    cls = _BY_CODE.get(int(errcode), WeChatError)
    return cls(int(errcode), errmsg)
