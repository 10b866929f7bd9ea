"""Shape comparison of JSON answers, and the mini-program's fixtures exported through node.

A fixture is the mini-program's idea of a backend answer. It is compatible with the
real answer when every key it uses exists in the real answer with a compatible JSON
type; null on either side is compatible with anything, and a list is compared by its
first element (an empty list on the real side cannot be checked and is reported).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MINIPROGRAM = ROOT / "miniprogram"
FIXTURES_JS = MINIPROGRAM / "tests" / "helpers" / "fixtures.js"

# Exports the data objects of fixtures.js (functions such as ok() and brief() left out).
EXPORT_JS = """
const f = require(process.argv[1]);
const out = {};
for (const k of Object.keys(f)) if (typeof f[k] !== 'function') out[k] = f[k];
process.stdout.write(JSON.stringify(out));
"""


@dataclass(frozen=True)
class Mismatch:
    path: str
    fixture: str
    backend: str

    def __str__(self) -> str:
        return f"{self.path}: fixture {self.fixture}, backend {self.backend}"


def json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    raise TypeError(f"not a JSON value: {value!r}")


def compare(fixture, backend, path: str = "$") -> list[Mismatch]:
    """Mismatches of ``fixture`` against ``backend`` (keys the fixture uses, and their types)."""
    ft, bt = json_type(fixture), json_type(backend)
    if ft == "null" or bt == "null":
        return []
    if ft != bt:
        return [Mismatch(path, ft, bt)]
    if ft == "object":
        found = []
        for key, value in fixture.items():
            if key not in backend:
                found.append(Mismatch(f"{path}.{key}", json_type(value), "missing"))
            else:
                found.extend(compare(value, backend[key], f"{path}.{key}"))
        return found
    if ft == "list" and fixture:
        if not backend:
            return [Mismatch(f"{path}[0]", json_type(fixture[0]), "empty list (nothing to compare)")]
        return compare(fixture[0], backend[0], f"{path}[0]")
    return []


def export_fixtures() -> dict:
    """The data objects of miniprogram/tests/helpers/fixtures.js, through node."""
    node = shutil.which("node")
    if node is None:
        raise FileNotFoundError("node")
    done = subprocess.run([node, "-e", EXPORT_JS, str(FIXTURES_JS)], capture_output=True, text=True,
                          timeout=30, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"node could not export {FIXTURES_JS}:\n{done.stderr}")
    return json.loads(done.stdout)


def all_keys(value, into: set | None = None) -> set:
    """Every object key anywhere in a JSON value."""
    into = set() if into is None else into
    if isinstance(value, dict):
        for key, item in value.items():
            into.add(key)
            all_keys(item, into)
    elif isinstance(value, list):
        for item in value:
            all_keys(item, into)
    return into


# `.snake_case` property reads in the mini-program's code. JS names are camelCase, so a
# snake_case property is (almost always) a field of an API answer.
READ_RE = re.compile(r"\.([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b")
READ_DIRS = ("pages", "components", "utils")


def snake_reads() -> dict[str, list[str]]:
    """{property: ["pages/x/x.js:12", ...]} for every `.snake_case` read in pages/components/utils."""
    reads: dict[str, list[str]] = {}
    for folder in READ_DIRS:
        for path in sorted((MINIPROGRAM / folder).rglob("*")):
            if path.suffix not in (".js", ".wxml") or "node_modules" in path.parts:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.lstrip().startswith("//"):
                    continue
                for name in READ_RE.findall(line):
                    reads.setdefault(name, []).append(f"{path.relative_to(MINIPROGRAM)}:{n}")
    return reads
