"""Settings from the environment, in one place: the only reader of ``os.environ``.

``settings.SETTINGS`` declares every setting (type, default, variable, meaning);
``load_config`` reads each variable, parses it to its type and fills in the
defaults, so that the embedded demo runs with no configuration at all: a SQLite file
and an embedded Redis under ``instance/``, the built-in fake WeChat server on
``FAKE_WECHAT_PORT``. A value that does not parse stops the app at start, naming the
variable.
"""
from __future__ import annotations

import math
import os
import secrets
from pathlib import Path

from .settings import BY_KEY, DEFAULT_CATEGORIES, DEFAULT_DEADLINE_DAYS, ROOT, SETTINGS, Setting

__all__ = ["ConfigError", "DEFAULT_CATEGORIES", "DEFAULT_DEADLINE_DAYS", "ROOT", "SETTINGS",
           "check_production", "load_config", "public_base_url", "settings_table"]

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
EXPECTED = {int: "整数", float: "数字", bool: "开关值（1/0、true/false、yes/no、on/off）"}


class ConfigError(RuntimeError):
    """The settings are not fit to run: the message names each variable to fix."""


def parse(setting: Setting, raw: str):
    """``raw`` (an environment string) as the setting's type.

    :raise ConfigError: naming the variable, the value and what it should be.
    """
    name, text = setting.variable, raw.strip()
    try:
        if setting.type is bool:
            if text.lower() not in TRUE_WORDS + FALSE_WORDS:
                raise ValueError(text)
            value = text.lower() in TRUE_WORDS
        elif setting.type is int:
            value = int(text)
        elif setting.type is float:
            value = float(text)
            if not math.isfinite(value):
                raise ValueError(text)
        else:
            value = text  # an AppID or secret pasted with a newline still works
    except ValueError:
        raise ConfigError(f"环境变量 {name} 应为{EXPECTED[setting.type]}，现在是 {raw!r}") from None
    if setting.choices and value not in setting.choices:
        raise ConfigError(f"环境变量 {name} 只能是 {'、'.join(setting.choices)} 之一，现在是 {raw!r}")
    if setting.minimum is not None and value < setting.minimum:
        raise ConfigError(f"环境变量 {name} 不能小于 {setting.minimum:g}，现在是 {raw!r}")
    if setting.maximum is not None and value > setting.maximum:
        raise ConfigError(f"环境变量 {name} 不能大于 {setting.maximum:g}，现在是 {raw!r}")
    if not setting.clean:
        return value
    try:
        return setting.clean(value)
    except ValueError as exc:
        raise ConfigError(f"环境变量 {name} 无效：{exc}") from None


def environment_values(environ=None, skip=(), settings=SETTINGS) -> dict:
    """The settings the environment sets (an empty or blank variable counts as unset), parsed.

    :param skip: keys not to read (the caller's overrides win over the environment).
    :raise ConfigError: naming every variable that does not parse, at once.
    """
    environ = os.environ if environ is None else environ
    values, problems = {}, []
    for setting in settings:
        raw = environ.get(setting.variable) if setting.variable else None
        if raw is None or not raw.strip() or setting.key in skip:
            continue
        try:
            values[setting.key] = parse(setting, raw)
        except ConfigError as exc:
            problems.append(str(exc))
    if problems:
        raise ConfigError("联络站未启动：" + "；".join(problems) + "。")
    return values


def public_base_url(environ=None) -> str:
    """The address printed in plain-URL codes and invitation links: ``PUBLIC_BASE_URL``,
    else this machine on ``PORT`` (default 5000). The one rule: the web server, the
    workers and every ``flask`` command (posters, invitations) started with the same
    environment agree on it (``load_config`` decides it the same way).
    """
    settings = (BY_KEY["PORT"], BY_KEY["PUBLIC_BASE_URL"])
    cfg = environment_values(environ, settings=settings)
    for setting in settings:
        if setting.key not in cfg:
            cfg[setting.key] = setting.default_for(cfg)
    return cfg["PUBLIC_BASE_URL"]


def _secret_key(instance: Path) -> str:
    """The key generated once and kept in instance/ (when SECRET_KEY is not set)."""
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def load_config(overrides: dict | None = None, environ=None) -> dict:
    """Build the configuration dict for ``create_app``: every declared setting, from
    ``overrides``, else the environment, else its default.

    :param overrides: values that win over the environment (tests pass these); keys
        not declared (Flask's own, e.g. ``SERVER_NAME``) are passed on as they are.
    :param environ: the environment to read (default ``os.environ``).
    :raise ConfigError: a variable that does not parse as its setting's type.
    """
    overrides = dict(overrides or {})
    from_env = environment_values(environ, skip=overrides)
    cfg: dict = {}
    for setting in SETTINGS:
        if setting.key in overrides:
            cfg[setting.key] = _clean_override(setting, overrides[setting.key])
        elif setting.key in from_env:
            cfg[setting.key] = from_env[setting.key]
        else:
            cfg[setting.key] = setting.default_for(cfg)
        if setting.key == "INSTANCE_PATH":
            cfg["INSTANCE_PATH"] = str(cfg["INSTANCE_PATH"])
            Path(cfg["INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)
    if not cfg["SECRET_KEY"]:
        cfg["SECRET_KEY"] = _secret_key(Path(cfg["INSTANCE_PATH"]))
    if cfg["STORAGE_BACKEND"] == "s3" and not cfg["S3_BUCKET"]:
        raise ConfigError("联络站未启动：STORAGE_BACKEND=s3 时必须设置 S3_BUCKET（存放文件的桶）。")
    cfg.update({key: value for key, value in overrides.items() if key not in cfg})
    return cfg


def _clean_override(setting: Setting, value):
    """An override of a setting that has a ``clean`` goes through it too (a list given in
    code is checked like the environment's JSON)."""
    if setting.clean is None or setting.type is str:
        return value
    try:
        return setting.clean(value)
    except ValueError as exc:
        raise ConfigError(f"联络站未启动：配置 {setting.key} 无效：{exc}。") from None


TYPE_NAMES = {str: "text", int: "integer", float: "number", bool: "on/off", list: "JSON"}


def shown_default(setting: Setting) -> str:
    if setting.shown is not None:
        return setting.shown
    value = setting.default
    if setting.type is bool:
        return "on" if value else "off"
    if value in ("", None):
        return "unset"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if setting.type in (int, float) else f"`{value}`"


def settings_table() -> str:
    """The README's configuration table: every setting read from the environment."""
    lines = ["| variable | type | default | meaning |", "|---|---|---|---|"]
    for setting in SETTINGS:
        if setting.variable is None:
            continue
        kind = ("one of " + ", ".join(f"`{choice}`" for choice in setting.choices)
                if setting.choices else TYPE_NAMES[setting.type])
        lines.append(f"| `{setting.variable}` | {kind} | {shown_default(setting)} | {setting.doc} |")
    return "\n".join(lines) + "\n"


# The demo credentials the fake WeChat server accepts: the declared defaults.
DEMO_WECHAT_VALUES = {key: BY_KEY[key].default
                      for key in ("WECHAT_APPID", "WECHAT_SECRET", "WECHAT_OA_APPID", "WECHAT_OA_SECRET")}
WECHAT_BASES = ("WECHAT_API_BASE", "WECHAT_OAUTH_BASE")


def _local_host(url: str) -> bool:
    """True for a URL on this machine (where the fake WeChat server runs)."""
    import ipaddress
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return True
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def production_problems(cfg: dict) -> list[str]:
    """What keeps ``cfg`` from talking to the real WeChat, one Chinese line per variable."""
    problems = [f"{name} 仍是演示值（{demo}），请设置真实的微信{'小程序' if 'OA' not in name else '公众号'}配置"
                for name, demo in DEMO_WECHAT_VALUES.items() if cfg.get(name) == demo]
    problems += [f"{name} 指向本机的模拟微信服务器（{cfg.get(name)}），生产环境应为微信的正式接口地址"
                 for name in WECHAT_BASES if _local_host(str(cfg.get(name) or ""))]
    return problems


def check_production(cfg: dict) -> None:
    """Refuse to run outside the demo and the tests with a fake or demo WeChat setting,
    or anywhere but the tests with a clock set by LIAISON_CLOCK.

    :raise ConfigError: naming every variable still at a demo value or at the fake.
    """
    if cfg.get("CLOCK") and not cfg.get("TESTING"):
        raise ConfigError("联络站未启动：LIAISON_CLOCK 只供测试设定时钟，"
                          "生产和演示环境必须使用真实时间，请删除该变量。")
    if cfg.get("TESTING") or cfg.get("DEMO_MODE"):
        return
    problems = production_problems(cfg)
    if problems:
        raise ConfigError("联络站未启动：" + "；".join(problems)
                          + "。演示环境请设置 LIAISON_DEMO=1（scripts/run 默认如此）。")
