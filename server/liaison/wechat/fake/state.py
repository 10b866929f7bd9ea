"""All the fake WeChat's state: in memory, one lock, a clock tests can move forward."""
from __future__ import annotations

import copy
import json
import secrets
import threading
import time
from pathlib import Path

DEFAULT_APPS = {"wxdemominiprogram01": "demo-mp-secret", "wxdemoofficial0001": "demo-oa-secret"}
DEFAULT_OFFICIAL = {"wxdemoofficial0001"}
# UnionID 机制说明 (developers.weixin.qq.com/miniprogram/dev/framework/open-ability/union-id.html):
# WeChat gives unionids only to apps bound to one open-platform account (code2Session: "若当前
# 小程序已绑定到微信开放平台帐号下会返回"; web OAuth: oauth_routes). The demo's apps are bound.
DEFAULT_OPEN_PLATFORM = {"wxdemominiprogram01", "wxdemoofficial0001"}
DEFAULT_ACCOUNTS = [
    {"openid": "oa-demo-master", "nickname": "王站长", "label": "联络站站长", "follows_oa": True},
    {"openid": "oa-demo-liaison", "nickname": "李联络员", "label": "联络站联络员", "follows_oa": True},
    {"openid": "oa-demo-office", "nickname": "赵主任", "label": "区人大代表工委", "follows_oa": True},
    {"openid": "oa-demo-deputy", "nickname": "陈代表", "label": "人大代表", "follows_oa": True},
]
DEFAULT_RISKY = {"赌博": 20006, "代开发票": 10001, "fake-risky": 20006}
TOKEN_TTL = 7200
CODE_TTL = 300
# stable_token (getStableAccessToken, "access_token 的存储与更新"): in normal mode the
# platform renews the token 5 minutes early, so a call in the token's last 5 minutes
# gets a new one while the old one keeps working until it expires (every answer has
# expires_in >= 300); consecutive forced refreshes less than 30 s apart do not refresh.
STABLE_RENEW_BEFORE = 300
FORCE_MIN_INTERVAL = 30
# Content security v2 (msgSecCheck, mediaCheckAsync) accepts only an openid that used
# the mini-program within two hours, else errcode 61010 "用户访问记录超时（用户未在
# 近两小时访问小程序）" (msgSecCheck / mediaCheckAsync docs, "openid: 用户需在近两小时
# 访问过小程序"). The fake counts a jscode2session login as the visit.
ACTIVE_WINDOW = 7200
# Template messages: "对于同一个openid + client_msg_id, 只发送一条消息, 10分钟有效, 超过10分钟不保证
# 效果" (WeChat, 公众号 模板消息接口 "发送模板消息" client_msg_id 防重入id,
# developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html).
CLIENT_MSG_WINDOW = 600
# The mini-program whose pages subscribe messages and wxacodes may open.
DEFAULT_APP_JSON = Path(__file__).resolve().parents[4] / "miniprogram" / "app.json"
_MISSING = object()


def new_id(prefix: str = "", nbytes: int = 16) -> str:
    return prefix + secrets.token_hex(nbytes)


class FakeState:
    """Tokens, codes, users, grants, sent messages, recorded calls, pending faults.

    Every handler holds ``lock`` while it reads or changes anything here.
    """

    def __init__(self, apps=None, oauth_accounts=None, official_accounts=None, templates=None,
                 pages=None, risky_words=None, token_grace=20.0, verify_base=None, app_json=None,
                 template_kinds=None, open_platform=None, oauth_domains=None):
        self.lock = threading.RLock()
        self.apps = dict(apps or DEFAULT_APPS)
        self.official = set(DEFAULT_OFFICIAL if official_accounts is None else official_accounts)
        self.token_grace = float(token_grace)
        self._initial = {
            "accounts": copy.deepcopy(DEFAULT_ACCOUNTS if oauth_accounts is None else oauth_accounts),
            "templates": self._template_map(templates or []),
            "kinds": {**self._kind_map(templates or []), **dict(template_kinds or {})},
            "pages": list(pages) if pages is not None else app_json_pages(app_json),
            "risky": dict(DEFAULT_RISKY if risky_words is None else self._risky_map(risky_words)),
            "verify_base": verify_base,
            "open_platform": set(DEFAULT_OPEN_PLATFORM if open_platform is None else open_platform),
            "oauth_domains": {appid: list(oauth_domains or []) for appid in self.official},
        }
        self.reset()

    # -- configuration helpers --------------------------------------------------
    @staticmethod
    def _template_map(templates) -> dict:
        """ids, [{"id", "keys"}] or {id: keys} -> {id: keys-or-None}."""
        if isinstance(templates, dict):
            return {k: (list(v) if v else None) for k, v in templates.items()}
        out = {}
        for item in templates:
            if isinstance(item, dict):
                out[item["id"]] = list(item["keys"]) if item.get("keys") else None
            else:
                out[str(item)] = None
        return out

    @staticmethod
    def _kind_map(templates) -> dict:
        """{id: "one_time" | "long_term"} from [{"id", "kind"}] items that say their kind."""
        items = templates if isinstance(templates, list) else []
        return {i["id"]: i["kind"] for i in items if isinstance(i, dict) and i.get("kind")}

    @staticmethod
    def _risky_map(words) -> dict:
        return dict(words) if isinstance(words, dict) else {w: 20006 for w in words}

    def reset(self) -> None:
        """Back to the state the factory built: no tokens, codes, grants, messages."""
        with self.lock:
            self.offset = 0.0
            self.tokens: dict[str, dict] = {}
            self.latest: dict[str, str] = {}  # appid -> newest /cgi-bin/token token
            self.stable: dict[str, str] = {}  # appid -> current stable token
            self.last_force: dict[str, float] = {}  # appid -> time of the last forced refresh
            self.login_codes: dict[str, dict] = {}
            self.oauth_codes: dict[str, dict] = {}
            self.oauth_tokens: dict[str, dict] = {}
            self.refresh_tokens: dict[str, dict] = {}
            self.phone_codes: dict[str, dict] = {}
            self.users: dict[str, dict] = {}
            self.grants: dict[tuple[str, str], dict] = {}
            self.messages: list[dict] = []
            self.client_msgs: dict[tuple[str, str], dict] = {}  # (touser, client_msg_id) -> sent
            self.calls: list[dict] = []
            self.in_flight: dict[str, int] = {}  # path -> calls of it being answered now
            self.faults: dict[str, dict] = {}
            self.qrcode_rules: dict[str, list[dict]] = {}  # appid -> 扫普通链接 rules
            self.msgid = 1000
            self.active: dict[str, float] = {}  # openid -> last jscode2session (fake clock)
            self.push = {"url": None, "token": "", "aes_key": None, "format": "json",
                         "auto": True, "delay": 0.2, "original_id": "gh_fakeminiprog"}
            self.media_default = {"suggest": "pass", "label": 100}
            self.media_rules: list[dict] = []  # [{"match", "suggest", "label"}], first wins
            self.media_checks: list[dict] = []
            init = copy.deepcopy(self._initial)
            self.templates = init["templates"]
            self.kinds = init["kinds"]
            self.pages = init["pages"]
            self.risky = init["risky"]
            # Where the fake fetches verification files instead of the rule's own host
            # (the backend under test, or scripts/run's web server); None: the rule's host.
            self.verify_base = init["verify_base"]
            self.open_platform: set[str] = init["open_platform"]  # appids bound to the open platform
            # appid -> the official account's 网页授权域名 (oauth_domain.py); none: every redirect refused
            self.oauth_domains: dict[str, list[str]] = init["oauth_domains"]
            self.snapshot: set[str] = set()  # openids now viewing a page in 朋友圈 snapshot mode
            self.set_accounts(init["accounts"])

    def set_accounts(self, accounts: list[dict]) -> None:
        with self.lock:
            self.accounts = [dict(a) for a in accounts]
            for acc in self.accounts:
                self.register_user(acc["openid"], unionid=acc.get("unionid", _MISSING),
                                   follows_oa=acc.get("follows_oa"), nickname=acc.get("nickname"))

    # -- clock ------------------------------------------------------------------
    def now(self) -> float:
        # WeChat is a separate party on the real time: never core.clock (which the test
        # suite sets to another date); tests move this one by its own offset.
        return time.time() + self.offset

    # -- mini-program activity (the content-security 2-hour rule) ---------------
    def touch(self, openid: str) -> None:
        self.active[openid] = self.now()

    def inactive(self, openid: str) -> bool:
        seen = self.active.get(openid)
        return seen is None or self.now() - seen > ACTIVE_WINDOW

    def media_verdict(self, media_url: str) -> dict:
        for rule in self.media_rules:
            if rule["match"] in media_url:
                return {"suggest": rule["suggest"], "label": rule["label"]}
        return dict(self.media_default)

    # -- apps and tokens --------------------------------------------------------
    def check_app(self, appid, secret):
        """None when the credentials are right, else (errcode, errmsg)."""
        if appid not in self.apps:
            return 40013, "invalid appid"
        if secret != self.apps[appid]:
            return 40125, "invalid appsecret"
        return None

    def _issue(self, appid: str) -> str:
        token = new_id("FAKE_AT_", 24)
        self.tokens[token] = {"appid": appid, "expires_at": self.now() + TOKEN_TTL, "revoked_at": None}
        return token

    def token_alive(self, token: str | None) -> bool:
        rec = self.tokens.get(token or "")
        now = self.now()
        return bool(rec) and rec["expires_at"] > now and (rec["revoked_at"] is None or rec["revoked_at"] > now)

    def issue_plain_token(self, appid: str) -> dict:
        """/cgi-bin/token: always new; the previous one dies after the grace period."""
        prev = self.latest.get(appid)
        if prev and prev in self.tokens:
            rec = self.tokens[prev]
            deadline = self.now() + self.token_grace
            rec["revoked_at"] = deadline if rec["revoked_at"] is None else min(rec["revoked_at"], deadline)
        token = self._issue(appid)
        self.latest[appid] = token
        return {"access_token": token, "expires_in": TOKEN_TTL}

    def issue_stable_token(self, appid: str, force: bool) -> dict:
        """/cgi-bin/stable_token as documented: the same token while it has more than 5
        minutes left; in its last 5 minutes a new one (the old one lives out its time);
        force_refresh kills the old one at once, unless the last forced refresh was
        less than 30 s ago (then nothing is refreshed)."""
        now = self.now()
        current = self.stable.get(appid)
        alive = bool(current) and self.token_alive(current)
        if force and alive and now - self.last_force.get(appid, float("-inf")) < FORCE_MIN_INTERVAL:
            force = False  # "连续使用该模式时，请保证调用时间隔至少为 30s，否则不会刷新"
        if alive and not force:
            remaining = int(self.tokens[current]["expires_at"] - now)
            if remaining > STABLE_RENEW_BEFORE:
                return {"access_token": current, "expires_in": remaining}
        if force:
            self.last_force[appid] = now
            if current and current in self.tokens and self.tokens[current]["revoked_at"] is None:
                self.tokens[current]["revoked_at"] = now
        token = self._issue(appid)
        self.stable[appid] = token
        return {"access_token": token, "expires_in": TOKEN_TTL}

    def check_token(self, token: str | None):
        """(appid, None) for a live token, else (None, (errcode, errmsg))."""
        if not token:
            return None, (41001, "access_token missing")
        rec = self.tokens.get(token)
        now = self.now()
        if rec is None or (rec["revoked_at"] is not None and rec["revoked_at"] <= now):
            return None, (40001, "invalid credential, access_token is invalid or not latest")
        if rec["expires_at"] <= now:
            return None, (42001, "access_token expired")
        return rec["appid"], None

    def unionid_for(self, appid: str | None, openid: str) -> str | None:
        """The unionid WeChat gives ``appid`` for this person: only when the app is bound to
        the open platform (see DEFAULT_OPEN_PLATFORM), and only if the person has one."""
        if appid not in self.open_platform:
            return None
        return (self.users.get(openid) or {}).get("unionid")

    # -- people -----------------------------------------------------------------
    def register_user(self, openid: str, unionid=_MISSING, follows_oa=None, nickname=None,
                      risky=None) -> dict:
        """Create or update a user; unionid defaults to "u-"+openid, None means unbound.

        :param risky: WeChat judges the user high-risk: jscode2session answers 40226.
        """
        with self.lock:
            user = self.users.get(openid)
            if user is None:
                user = {"openid": openid, "unionid": "u-" + openid, "follows_oa": False,
                        "nickname": "微信用户", "headimgurl": "", "risky": False}
                self.users[openid] = user
            if risky is not None:
                user["risky"] = bool(risky)
            if unionid is not _MISSING:
                user["unionid"] = unionid
            if follows_oa is not None:
                user["follows_oa"] = bool(follows_oa)
            if nickname:
                user["nickname"] = nickname
            return user

    def new_code(self, table: dict, **fields) -> str:
        code = new_id("", 16)
        table[code] = {**fields, "expires_at": self.now() + CODE_TTL, "used": False}
        return code

    def take_code(self, table: dict, code: str | None, appid: str | None = None, used_errcode=40163):
        """(record, None) and mark used, or (None, (errcode, errmsg))."""
        rec = table.get(code or "")
        if rec is None or rec["expires_at"] <= self.now() or (appid and rec.get("appid") not in (None, appid)):
            return None, (40029, "invalid code")
        if rec["used"]:
            return None, (used_errcode, "code been used")
        rec["used"] = True
        return rec, None

    # -- templates and pages ----------------------------------------------------
    def template_known(self, template_id: str) -> bool:
        if self.templates:
            return template_id in self.templates
        return str(template_id).startswith("tmpl-")

    def template_kind(self, template_id: str, default: str = "one_time") -> str:
        """The kind the console gives a template (set with kinds); ``default`` if unknown."""
        return self.kinds.get(template_id, default)

    def page_known(self, page: str) -> bool:
        """A page of the released mini-program: exactly a path of app.json, a query may
        follow. No leading "/" (reported to give 41030 on send); see api_routes."""
        path = page.split("?", 1)[0]
        return path in self.pages

    def earlier_client_msg(self, touser: str, client_msg_id) -> dict | None:
        """The message already sent for this openid and client_msg_id within the window."""
        if not client_msg_id:
            return None
        sent = self.client_msgs.get((touser, str(client_msg_id)))
        if sent and self.now() - sent["at"] < CLIENT_MSG_WINDOW:
            return sent
        return None

    def next_msgid(self) -> int:
        self.msgid += 1
        return self.msgid

    # -- faults -----------------------------------------------------------------
    def take_fault(self, path: str):
        """The fault spec for this call, consuming one of its count; None if none."""
        with self.lock:
            spec = self.faults.get(path)
            if not spec or spec["count"] <= 0:
                return None
            spec["count"] -= 1
            if spec["count"] <= 0:
                del self.faults[path]
            return dict(spec)


def app_json_pages(path=None) -> list[str]:
    """The pages of app.json (subpackages included): ``path``, else the repository's
    miniprogram/app.json. A missing file stops the fake at start."""
    path = Path(path or DEFAULT_APP_JSON)
    data = json.loads(path.read_text(encoding="utf-8"))
    pages = list(data.get("pages") or [])
    for sub in (data.get("subPackages") or data.get("subpackages") or []):
        root = str(sub.get("root", "")).rstrip("/")
        pages += [f"{root}/{p}" for p in sub.get("pages") or []]
    return pages
