"""The mini-program's pages, read from the list the mini-program itself uses.

``miniprogram/config/pages.js`` names every page and the query keys it reads
(``{"opinion": {"path": "pages/opinion/opinion", "query": ["id", "created"]}}``). It is
a CommonJS module because WeChat's ``require`` loads no ``.json`` file, but what follows
``module.exports =`` is plain JSON, so it is read here as JSON. Subscribe templates name
a page by its key with a query of placeholders (``"opinion?id={opinion_id}"``); ``merge``
in ``templates`` refuses a page or a query key the list does not have, and ``link``
turns the reference into the path WeChat wants (``pages/opinion/opinion?id=12``), which
must be a page in app.json or WeChat answers 41030.

Pure: no Flask, no database.
"""
from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_FILE = ROOT / "miniprogram" / "config" / "pages.js"
APP_JSON = ROOT / "miniprogram" / "app.json"
_EXPORTS = re.compile(r"module\.exports\s*=\s*(\{.*\})\s*;?\s*$", re.S)


def load(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """{name: {"path", "query": [keys]}} from pages.js.

    :raise ValueError: the file is not ``// comments`` + ``module.exports = <JSON>``.
    """
    text = Path(path or DEFAULT_FILE).read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    match = _EXPORTS.search(body)
    if not match:
        raise ValueError(f"{path or DEFAULT_FILE}: expected module.exports = {{...}}")
    pages = json.loads(match.group(1))
    for name, page in pages.items():
        if not isinstance(page.get("path"), str) or not isinstance(page.get("query"), list):
            raise ValueError(f"page {name!r}: needs a path and a query list")
    return pages


def app_json_pages(path: str | Path | None = None) -> list[str]:
    """Every page app.json declares, subpackages included (``root`` + page)."""
    data = json.loads(Path(path or APP_JSON).read_text(encoding="utf-8"))
    pages = list(data.get("pages") or [])
    for sub in (data.get("subPackages") or data.get("subpackages") or []):
        root = sub.get("root", "").rstrip("/")
        pages += [f"{root}/{p}" for p in sub.get("pages") or []]
    return pages


def parse(ref: str) -> tuple[str, dict[str, str]]:
    """``"opinion?id={opinion_id}"`` -> ("opinion", {"id": "{opinion_id}"})."""
    name, _, query = ref.partition("?")
    pairs = {}
    for part in filter(None, query.split("&")):
        key, _, value = part.partition("=")
        pairs[key] = value
    return name, pairs


def check(pages: Mapping[str, Any], ref: str) -> None:
    """:raise ValueError: ``ref`` names a page or a query key that pages.js does not have."""
    name, query = parse(ref)
    if name not in pages:
        raise ValueError(f"page {name!r} is not in miniprogram/config/pages.js")
    unknown = set(query) - set(pages[name]["query"])
    if unknown:
        raise ValueError(f"page {name!r} reads no query key {sorted(unknown)}")


def link(pages: Mapping[str, Any], ref: str, context: Mapping[str, Any]) -> str:
    """The page path for a subscribe message, placeholders filled from ``context``.

    A placeholder without a value leaves the whole page out (""): WeChat then opens the
    mini-program's home page, which is better than a page that cannot load its record.
    """
    if not ref:
        return ""
    name, query = parse(ref)
    parts = []
    for key, pattern in query.items():
        fields = [f for _, f, _, _ in string.Formatter().parse(pattern) if f]
        if any(context.get(f) in (None, "") for f in fields):
            return ""
        parts.append(f"{key}={quote(pattern.format(**{f: context[f] for f in fields}), safe='')}")
    return pages[name]["path"] + ("?" + "&".join(parts) if parts else "")
