"""One typed settings object: only config.py reads the environment, every default is
declared once in settings.py, every key the code reads is declared, and the README's
configuration table is what ``flask settings`` prints."""
from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "server" / "liaison"
# The programs of their own that may read the environment: the dev runner behind
# scripts/run, and the fake WeChat server's standalone launcher.
ENV_READERS = {"config.py", "devserver.py", "wechat/fake/__main__.py"}
# The fake WeChat server is a Flask app of its own, with its own config keys.
OWN_APPS = ("wechat/fake/",)
# Keys Flask and its extensions define, read by our code but not declared by us.
BUILT_INS = {"SPEC_FORMAT", "AUTO_404_RESPONSE", "VALIDATION_ERROR_STATUS_CODE"}
SETTING_KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _is_config(node) -> bool:
    """``app.config``, ``current_app.config``, or a name a config dict goes by."""
    return (isinstance(node, ast.Attribute) and node.attr == "config") or (
        isinstance(node, ast.Name) and node.id in ("config", "cfg"))


def _config_reads(tree):
    """(line, key node, call) of each ``<config>[key]`` load and ``<config>.get(key, ...)``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_config(node.value):
            yield node.lineno, node.slice, None
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("get", "setdefault") and _is_config(node.func.value) and node.args):
            yield node.lineno, node.args[0], node


def test_only_config_reads_the_environment():
    readers = []
    for name, tree in _modules():
        if name in ENV_READERS:
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "putenv")
                    and isinstance(node.value, ast.Name) and node.value.id == "os"):
                readers.append(f"{name}:{node.lineno} os.{node.attr}")
            elif isinstance(node, ast.ImportFrom) and node.module == "os":
                readers += [f"{name}:{node.lineno} from os import {alias.name}" for alias in node.names
                            if alias.name in ("environ", "getenv")]
    assert readers == [], "read settings through liaison.config instead: " + ", ".join(readers)


def test_no_config_read_carries_its_own_default():
    inline = []
    for name, tree in _modules():
        for line, _key, call in _config_reads(tree):
            if call is not None and (call.func.attr == "setdefault" or len(call.args) > 1 or call.keywords):
                inline.append(f"{name}:{line}")
    assert inline == [], "declare the default in liaison/settings.py, read config[KEY]: " + ", ".join(inline)


def test_every_key_the_code_reads_is_a_declared_setting():
    from liaison.settings import BY_KEY

    undeclared, seen = [], set()
    for name, tree in _modules():
        if name.startswith(OWN_APPS):
            continue
        for line, key, _call in _config_reads(tree):
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and SETTING_KEY.match(key.value):
                seen.add(key.value)
                if key.value not in BY_KEY and key.value not in BUILT_INS:
                    undeclared.append(f"{name}:{line} {key.value}")
    assert undeclared == []
    # The scan does see the reads (a broken scan would pass vacuously).
    assert {"RATE_LIMIT_OPINIONS_PER_HOUR", "NOTIFICATION_BATCH", "RECEPTION_REMINDER_HOUR",
            "CODES_BATCH_PROCESSES", "CJK_FONT"} <= seen


def test_every_setting_declares_a_type_a_default_of_that_type_and_one_line_meaning():
    from liaison.settings import SETTINGS

    keys = [s.key for s in SETTINGS]
    variables = [s.variable for s in SETTINGS if s.variable]
    assert len(set(keys)) == len(keys) and len(set(variables)) == len(variables)
    for setting in SETTINGS:
        assert setting.doc.strip() and "\n" not in setting.doc, setting.key
        if callable(setting.default) or setting.default is None:
            # computed (or generated) defaults say in words what they are
            assert setting.shown or setting.variable is None, setting.key
        elif setting.type is not object:
            assert isinstance(setting.default, setting.type), setting.key
        if setting.choices:
            assert setting.default in setting.choices, setting.key
        if setting.minimum is not None:
            assert setting.default >= setting.minimum, setting.key
        if setting.maximum is not None:
            assert setting.default <= setting.maximum, setting.key
        if setting.variable:
            # a structured value (a JSON list) is parsed by its ``clean``, which refuses a bad one
            assert setting.type in (str, int, float, bool) or setting.clean is not None, \
                f"{setting.key}: no way to parse it"


def test_the_readme_configuration_table_is_what_flask_settings_prints(app):
    from liaison.config import settings_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- settings table: flask settings -->\n(.*?)<!-- end of settings table -->",
                      readme, re.S)
    assert match, "README.md lost its settings table markers"
    assert match.group(1) == settings_table(), "paste the output of `flask settings` into README.md"
    printed = app.test_cli_runner().invoke(args=["settings"])
    assert printed.exit_code == 0 and printed.output == settings_table()


def test_every_variable_read_from_the_environment_is_in_the_readme_table():
    from liaison.settings import SETTINGS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", readme, re.M))
    assert {s.variable for s in SETTINGS if s.variable} <= rows


@pytest.mark.parametrize("variable,value,expected", [
    ("RETENTION_DAYS", "三年", "整数"),
    ("NOTIFICATION_MAX_ATTEMPTS", "8.5", "整数"),
    ("NOTIFICATION_LEASE_SECONDS", "five", "数字"),
    ("CHECKIN_RADIUS_METERS", "nan", "数字"),
    ("LIAISON_DEMO", "maybe", "开关值"),
    ("WECHAT_PUSH_FORMAT", "yaml", "json、xml"),
    ("TRUSTED_PROXIES", "-1", "不能小于 0"),
    ("RECEPTION_REMINDER_HOUR", "24", "不能大于 23"),
])
def test_a_bad_value_in_the_environment_is_refused_naming_the_variable(base_config, variable, value, expected):
    from liaison.config import ConfigError, load_config

    with pytest.raises(ConfigError) as err:
        load_config(dict(base_config), environ={variable: value})
    message = str(err.value)
    assert variable in message and repr(value) in message and expected in message


def test_every_bad_variable_is_named_at_once(base_config):
    from liaison.config import ConfigError, load_config

    with pytest.raises(ConfigError) as err:
        load_config(dict(base_config), environ={"RETENTION_DAYS": "x", "UPLOAD_MAX_EDGE": "y"})
    assert "RETENTION_DAYS" in str(err.value) and "UPLOAD_MAX_EDGE" in str(err.value)


def test_the_app_does_not_start_with_a_bad_variable_in_its_environment(base_config, monkeypatch):
    from liaison import create_app
    from liaison.config import ConfigError

    monkeypatch.setenv("RATE_LIMIT_IP_PER_MINUTE", "很多")
    with pytest.raises(ConfigError, match="RATE_LIMIT_IP_PER_MINUTE"):
        create_app(dict(base_config))


def test_environment_values_are_parsed_to_their_declared_types(base_config):
    from liaison.config import load_config

    cfg = load_config({"INSTANCE_PATH": base_config["INSTANCE_PATH"]}, environ={
        "RETENTION_DAYS": " 30 ", "LIAISON_DEMO": "Yes", "SESSION_COOKIE_SECURE": "0",
        "WECHAT_TIMEOUT": "2.5", "PUBLIC_BASE_URL": "https://lls.example.gov.cn/ ", "RQ_QUEUE": "",
        "SECRET_KEY": "k", "WECHAT_APPID": " wx8f3c2a1b9d7e6f50\n"})
    assert cfg["WECHAT_APPID"] == "wx8f3c2a1b9d7e6f50"
    assert cfg["RETENTION_DAYS"] == 30 and cfg["DEMO_MODE"] is True and cfg["SESSION_COOKIE_SECURE"] is False
    assert cfg["WECHAT_TIMEOUT"] == 2.5 and cfg["PUBLIC_BASE_URL"] == "https://lls.example.gov.cn"
    assert cfg["RQ_QUEUE"] == "liaison"  # an empty variable counts as unset


def test_overrides_win_and_an_overridden_variable_is_not_read(base_config):
    from liaison.config import load_config

    cfg = load_config({**base_config, "RETENTION_DAYS": 10}, environ={"RETENTION_DAYS": "abc"})
    assert cfg["RETENTION_DAYS"] == 10


def test_computed_defaults_follow_the_settings_they_derive_from(tmp_path):
    from liaison.config import load_config

    cfg = load_config({"INSTANCE_PATH": str(tmp_path / "inst"), "SESSION_TTL_SECONDS": 3600},
                      environ={"PORT": "8080", "FAKE_WECHAT_PORT": "6001", "SECRET_KEY": "k"})
    assert cfg["PUBLIC_BASE_URL"] == "http://127.0.0.1:8080"
    assert cfg["WECHAT_API_BASE"] == cfg["WECHAT_OAUTH_BASE"] == "http://127.0.0.1:6001"
    assert cfg["REDISLITE_PATH"] == str(tmp_path / "inst" / "redis.db")
    assert cfg["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'liaison.db'}"
    assert cfg["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=1)


def test_a_missing_secret_key_is_generated_once_and_kept(tmp_path):
    from liaison.config import load_config

    first = load_config({"INSTANCE_PATH": str(tmp_path)}, environ={})["SECRET_KEY"]
    assert len(first) > 40 and load_config({"INSTANCE_PATH": str(tmp_path)}, environ={})["SECRET_KEY"] == first


def test_the_app_holds_every_declared_setting_with_its_default(app, base_config):
    from liaison.settings import SETTINGS

    assert [s.key for s in SETTINGS if s.key not in app.config] == []
    assert app.config["DEADLINE_DAYS"] == {"town": 15, "district": 30, "city_and_above": 60}
    assert app.config["RECEPTION_DEFAULT_CAPACITY"] == 10 and app.config["NOTIFICATION_BATCH"] == 200


def test_changing_one_apps_settings_leaves_the_declared_defaults_alone(base_config):
    from liaison.config import load_config
    from liaison.settings import DEFAULT_DEADLINE_DAYS, DEFAULT_DUTY_POINTS

    cfg = load_config(dict(base_config), environ={})
    cfg["DEADLINE_DAYS"]["town"] = 1
    cfg["STATS_DUTY_POINTS"]["check_ins"] = 99
    assert DEFAULT_DEADLINE_DAYS["town"] == 15 and DEFAULT_DUTY_POINTS["check_ins"] == 2.0
    assert load_config(dict(base_config), environ={})["DEADLINE_DAYS"]["town"] == 15


def test_the_configured_cjk_font_reaches_the_renderer(base_config):
    from liaison import create_app
    from liaison.core import fonts

    before = fonts.configured()
    try:
        create_app({**base_config, "CJK_FONT": "/fonts/a.ttc#2", "CJK_FONT_BOLD": ""})
        assert fonts.configured() == ("/fonts/a.ttc#2", None)
    finally:
        fonts.configure(*before)


def test_flask_settings_current_shows_values_but_never_secrets():
    from liaison.settings_cli import current_values

    lines = current_values({"SECRET_KEY": "s3cret-value", "WECHAT_SECRET": "mp-s3cret",
                            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://liaison:pw123@db/liaison",
                            "RETENTION_DAYS": 30})
    text = "\n".join(lines)
    assert "s3cret" not in text and "pw123" not in text
    assert "RETENTION_DAYS = 30  ← RETENTION_DAYS" in lines
    assert "SQLALCHEMY_DATABASE_URI = 'postgresql+psycopg://liaison:***@db/liaison'  ← DATABASE_URL" in lines


def test_flask_settings_current_prints_the_running_apps_values(app):
    printed = app.test_cli_runner().invoke(args=["settings", "--current"])
    assert printed.exit_code == 0
    assert "test-secret-key" not in printed.output and "SECRET_KEY = （已设置，不显示）" in printed.output
    assert "PUBLIC_BASE_URL = 'https://liaison.example.gov.cn'  ← PUBLIC_BASE_URL" in printed.output
