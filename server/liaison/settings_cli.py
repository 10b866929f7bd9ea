"""``flask settings``: every setting, as the README's configuration table or as in force."""
from __future__ import annotations

import re

import click
from flask import current_app

from .config import SETTINGS, settings_table, shown_default

_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


def current_values(config) -> list[str]:
    """``KEY = value`` per declared setting; secrets and passwords in URLs hidden."""
    lines = []
    for setting in SETTINGS:
        value = config.get(setting.key)
        if setting.secret and value:
            shown = "（已设置，不显示）"
        else:
            shown = _PASSWORD.sub(r"\1***@", repr(value))
        source = f"  ← {setting.variable}" if setting.variable else ""
        lines.append(f"{setting.key} = {shown}{source}")
    return lines


# What a real deployment sets (deploy/.env.example shows these uncommented, with
# placeholders to replace); every other variable is listed commented out at its default.
PRODUCTION = {
    "DATABASE_URL": "postgresql+psycopg://liaison:请替换为数据库密码@127.0.0.1/liaison",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "STORAGE_PATH": "/srv/liaison-files/files",
    "WECHAT_VERIFY_DIR": "/srv/liaison-files/wechat-verify",
    "INSTANCE_PATH": "/var/lib/liaison",
    "SECRET_KEY": "请替换为至少32位的随机字符串（python3 -c 'import secrets; print(secrets.token_urlsafe(48))'）",
    "PUBLIC_BASE_URL": "https://liaison.example.gov.cn",
    "WECHAT_APPID": "请替换为小程序AppID",
    "WECHAT_SECRET": "请替换为小程序AppSecret",
    "WECHAT_OA_APPID": "请替换为公众号AppID",
    "WECHAT_OA_SECRET": "请替换为公众号AppSecret",
    "WECHAT_API_BASE": "https://api.weixin.qq.com",
    "WECHAT_OAUTH_BASE": "https://open.weixin.qq.com",
    "WECHAT_PUSH_TOKEN": "请替换为消息推送的Token",
    "WECHAT_PUSH_AES_KEY": "请替换为消息推送的EncodingAESKey",
    "TRUSTED_PROXIES": "1",
    "SESSION_COOKIE_SECURE": "1",
    "LOG_FORMAT": "json",
}
NEVER_IN_PRODUCTION = ("LIAISON_DEMO", "LIAISON_TESTING", "LIAISON_CLOCK", "PORT", "FAKE_WECHAT_PORT")


def env_example() -> str:
    """deploy/.env.example: every variable the application reads, one block each."""
    out = ["# 联络站 的环境变量（systemd 的 EnvironmentFile=/etc/liaison/liaison.env，或 compose 的 env_file）。",
           "# 生成：flask settings --env-example；未注释的几项是正式部署必须设置的，其余为默认值，按需取消注释。",
           "# Every variable the application reads; the uncommented ones a real deployment must set.", ""]
    for setting in SETTINGS:
        name = setting.variable
        if name is None:
            continue
        out.append(f"# {setting.doc} (default: {shown_default(setting)})")
        if name in NEVER_IN_PRODUCTION:
            out.append(f"# {name}=  (demo and tests only: never set in production)")
        elif name in PRODUCTION:
            out.append(f"{name}={PRODUCTION[name]}")
        else:
            out.append(f"# {name}=")
        out.append("")
    return "\n".join(out)


def register(app) -> None:
    @app.cli.command("settings")
    @click.option("--current", is_flag=True, help="Show the values in force instead (secrets hidden).")
    @click.option("--env-example", "env_example_", is_flag=True, help="Print deploy/.env.example (every variable, commented).")
    def settings_cmd(current, env_example_):
        """Print the settings read from the environment (the README's table, Markdown)."""
        if env_example_:
            click.echo(env_example(), nl=False)
        elif current:
            click.echo("\n".join(current_values(current_app.config)))
        else:
            click.echo(settings_table(), nl=False)
