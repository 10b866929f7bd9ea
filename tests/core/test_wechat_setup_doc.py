"""docs/WECHAT_SETUP.md stays true to the code it describes.

The operator's guide names settings, message templates and URL paths; each test here
reads the code's own source of that fact (the settings read from the environment, the template
catalogue, the app's and the fake WeChat's url_map) and fails when the guide no longer
matches it.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "WECHAT_SETUP.md"
# WeChat-related settings whose names do not say WECHAT or NOTIFICATION.
WECHAT_RELATED = {"PUBLIC_BASE_URL", "TRUSTED_PROXIES", "LIAISON_DEMO", "LIAISON_TESTING",
                  "SESSION_COOKIE_SECURE", "REDIS_URL", "STORAGE_PATH", "MINIPROGRAM_PAGES_FILE"}


def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


def environment_settings() -> dict[str, object]:
    """{variable: literal default, None when computed} for every setting read from the environment."""
    from liaison.settings import SETTINGS

    return {s.variable: None if callable(s.default) else s.default for s in SETTINGS if s.variable}


def wechat_settings() -> dict[str, object]:
    """Every WeChat-related environment variable the settings declare (liaison/settings.py)."""
    return {name: default for name, default in environment_settings().items()
            if "WECHAT" in name or name.startswith("NOTIFICATION_") or name in WECHAT_RELATED}


def table_row(text: str, name: str) -> str | None:
    """The guide's variables-table row whose first cell names ``name``."""
    for line in text.splitlines():
        cells = line.split("|")
        if len(cells) > 3 and f"`{name}`" in cells[1]:
            return line
    return None


def test_the_wechat_related_names_outside_the_prefixes_are_still_read_by_the_code():
    reads = environment_settings()
    assert WECHAT_RELATED <= set(reads), sorted(WECHAT_RELATED - set(reads))
    assert {"WECHAT_APPID", "WECHAT_PUSH_AES_KEY", "NOTIFICATION_TEMPLATES"} <= set(wechat_settings())


def test_every_wechat_setting_read_from_the_environment_is_in_the_variables_table():
    text = guide_text()
    missing = [name for name in wechat_settings() if table_row(text, name) is None]
    assert not missing, f"docs/WECHAT_SETUP.md lacks a variables-table row for {missing}"


def test_the_defaults_the_guide_gives_are_the_code_defaults():
    text = guide_text()
    wrong = []
    for name, default in wechat_settings().items():
        if default is None or default == "" or isinstance(default, bool):
            continue  # computed, empty or a switch: the row explains it in words
        if isinstance(default, float) and default.is_integer():
            default = int(default)
        cells = (table_row(text, name) or "").split("|")
        if len(cells) < 4 or str(default) not in cells[2]:
            wrong.append((name, default))
    assert not wrong, f"the guide's default differs from the code for {wrong}"


def test_every_message_template_is_in_the_guide_with_its_id_and_keys():
    from liaison.notifications.catalog import TEMPLATES

    lines = guide_text().splitlines()
    for name, entry in TEMPLATES.items():
        rows = [line for line in lines if line.startswith(f"| `{name}` |")]
        assert rows, f"no table row for template {name}"
        row = rows[0]
        assert f"`{entry['template_id']}`" in row, (name, entry["template_id"])
        assert entry["title"].split("/")[0].strip() in row, (name, entry["title"])
        for key in entry["fields"]:
            assert f"`{key}`" in row, (name, key)


def test_every_notification_event_is_in_the_guide_with_its_template():
    from liaison.notifications.catalog import EVENTS

    lines = guide_text().splitlines()
    for audience, table in EVENTS.items():
        for event, name in table.items():
            rows = [line for line in lines if line.startswith(f"| `{name}` |")]
            assert any(f"`{event}`" in row for row in rows), (audience, event, name)


def test_the_guides_notification_templates_examples_are_accepted_by_the_merge():
    from liaison.notifications import templates

    blocks = re.findall(r"```json\n(.*?)```", guide_text(), re.S)
    overrides = [json.loads(block) for block in blocks]
    overrides = [o for o in overrides if {"templates", "template_ids", "events"} & set(o)]
    assert overrides, "the guide shows no NOTIFICATION_TEMPLATES example"
    for override in overrides:
        merged = templates.merge(override)  # raises on an unknown name, kind or page
        for old, new in override.get("template_ids", {}).items():
            assert any(e["template_id"] == new for e in merged["templates"].values()), old


SAMPLES = {"token": "AbCdEfGhIjKlMnOp", "id": "1", "file": "i7948FzJJ6.txt", "文件名": "i7948FzJJ6.txt"}
HOSTS = ("https://<域名>", "http://127.0.0.1:5001")


def guide_paths() -> set[str]:
    """Every URL path the guide writes in code (`/…`, `GET /…`, `curl https://<域名>/…`)."""
    paths = set()
    for span in re.findall(r"`([^`\n]+)`", guide_text()):
        for word in span.split():
            word = word.strip("\"'()（），。").split("?")[0].split("#")[0]
            for host in HOSTS:
                if word.startswith(host + "/"):
                    word = word[len(host):]
            if word.startswith("/") and len(word) > 1 and not word.startswith("//"):
                paths.add(word)
    return paths


def concrete(path: str) -> str:
    return re.sub(r"<([^>]+)>", lambda m: SAMPLES.get(m.group(1), SAMPLES["token"]), path)


def routed(url_map, path: str) -> bool:
    """A route serves ``path`` (any method); a prefix such as ``/s/`` counts when a
    path below it is served."""
    adapter = url_map.bind("localhost")
    for candidate in (path, path + SAMPLES["token"]) if path.endswith("/") else (path,):
        try:
            adapter.match(candidate, method="GET")
        except MethodNotAllowed:
            return True
        except NotFound:
            continue
        return True
    return False


@pytest.mark.parametrize("path", ["/s/", "/d/", "/wechat/push", "/admin/wechat-files",
                                  "/healthz", "/oauth/wechat/callback"])
def test_the_paths_the_steps_rely_on_are_named_in_the_guide(path):
    assert any(p.startswith(path) for p in guide_paths()), path


def test_every_path_the_guide_names_is_a_route_of_the_app_or_of_the_fake_wechat(app):
    from liaison.wechat.fake import create_fake_app

    fake_map = create_fake_app().url_map
    missing = [p for p in sorted(guide_paths())
               if not routed(app.url_map, concrete(p)) and not routed(fake_map, concrete(p))]
    assert not missing, f"paths in docs/WECHAT_SETUP.md that nothing serves: {missing}"


def test_code_links_and_verification_files_named_in_the_guide_reach_their_pages(app):
    adapter = app.url_map.bind("localhost")
    assert adapter.match("/s/AbCdEfGhIjKlMnOp")[0] == "h5.station_code"
    assert adapter.match("/d/AbCdEfGhIjKlMnOp")[0] == "h5.deputy_code"
    for path in ("/s/i7948FzJJ6.txt", "/d/i7948FzJJ6.txt", "/MP_verify_AbCd1234.txt"):
        assert adapter.match(path)[0] == "wechat_verify.verify_file", path


def test_the_readme_links_the_guide():
    assert "docs/WECHAT_SETUP.md" in (ROOT / "README.md").read_text(encoding="utf-8")
