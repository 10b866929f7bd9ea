"""The packages of ``server/liaison`` form layers: a package imports only packages below
it, so no two packages depend on each other (README "Where things live").

Every import is read from the source with ``ast``, the ones inside functions too (a
lazy import is still a dependency). The root modules (``__init__.py`` with
``create_app``, ``wiring.py``, ``cli.py``, ``models.py``, ...) are the composition root
and may import anything; a package imports from the root only the settings
declarations and, to build the app for a background job, ``create_app``.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

LIAISON = Path(__file__).resolve().parents[2] / "server" / "liaison"

# Lowest first. A package may import the packages on earlier lines, never a later one
# nor another on its own line.
LAYERS = (
    ("core",),
    ("wechat",),
    ("audit",),
    ("places",),
    ("users",),
    ("codes",),
    ("opinions",),
    ("notifications",),
    ("reception",),
    ("stats",),
    # insight reads across opinions (text tools, topics, similar cases, routing
    # suggestions) and shows its results in the stats reports, so it sits above stats;
    # the admin and H5 pages show its suggestions, so it sits below them.
    ("insight",),
    # consultations: notifies (the outbox) and checks content (opinions.content_check); the
    # pages (admin, h5) and the demo data show and fill it. Nothing below calls it.
    ("consultations",),
    ("admin", "h5", "demo"),
)
RANK = {package: n for n, line in enumerate(LAYERS) for package in line}
# (importing package, root module) pairs a package may use.
ROOT_IMPORTS = {("*", "settings"), ("core", "")}  # "" is the package root: create_app


def imported_modules(source: str, module: tuple[str, ...], is_package: bool):
    """(line, dotted path inside liaison) of every import in ``source`` of ``module``."""
    here = list(module) if is_package else list(module[:-1])
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "liaison":
                    yield node.lineno, tuple(parts[1:])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:len(here) - (node.level - 1)] if node.level > 1 else here
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "liaison":
                target = node.module.split(".")[1:]
            else:
                continue
            if node.module:
                yield node.lineno, tuple(target)
            else:  # from . import a, b: each name may be a module of its own
                for alias in node.names:
                    yield node.lineno, tuple(target + [alias.name])


def dependencies(root: Path = LIAISON) -> dict[tuple[str, str], list[str]]:
    """{(package, imported package or "root:<module>"): ["file:line", ...]}."""
    packages = {p.name for p in root.iterdir() if (p / "__init__.py").exists()}
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if len(rel.parts) == 1:
            continue  # the composition root
        module = rel.with_suffix("").parts
        is_package = module[-1] == "__init__"
        if is_package:
            module = module[:-1]
        for line, target in imported_modules(path.read_text(encoding="utf-8"), module, is_package):
            package = module[0]
            if not target or target[0] not in packages:
                # A root module, or a name defined in liaison/__init__.py (create_app).
                head = target[0] if target and (root / f"{target[0]}.py").exists() else ""
                found[(package, f"root:{head}")].append(f"{rel}:{line}")
                continue
            if target[0] != package:
                found[(package, target[0])].append(f"{rel}:{line}")
    return dict(found)


def cycles(edges) -> list[list[str]]:
    """The strongly connected components of more than one package (Tarjan)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _package_edges(deps):
    return {edge: where for edge, where in deps.items() if not edge[1].startswith("root:")}


def test_no_two_packages_depend_on_each_other():
    deps = _package_edges(dependencies())
    found = cycles(deps)
    report = []
    for component in found:
        report.append(" ↔ ".join(component))
        for (a, b), where in sorted(deps.items()):
            if a in component and b in component:
                report.append(f"  {a} → {b}: {', '.join(where[:5])}")
    assert not found, "package import cycles:\n" + "\n".join(report)


def test_every_import_goes_down_the_layers():
    wrong = [f"{a} (layer {RANK[a]}) imports {b} (layer {RANK[b]}): {', '.join(where)}"
             for (a, b), where in sorted(_package_edges(dependencies()).items())
             if RANK[b] >= RANK[a]]
    assert not wrong, "imports up or across the layers:\n" + "\n".join(wrong)


def test_every_package_has_its_layer():
    packages = {p.name for p in LIAISON.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(RANK), f"not in LAYERS: {sorted(packages - set(RANK))}, gone: {sorted(set(RANK) - packages)}"


def test_packages_use_the_root_only_for_the_settings_and_the_app_factory():
    wrong = [f"{a} imports liaison.{b.removeprefix('root:') or '__init__'}: {', '.join(where)}"
             for (a, b), where in sorted(dependencies().items()) if b.startswith("root:")
             and ("*", b.removeprefix("root:")) not in ROOT_IMPORTS and (a, b.removeprefix("root:")) not in ROOT_IMPORTS]
    assert not wrong, "\n".join(wrong)


def test_lazy_relative_and_absolute_imports_all_count(tmp_path):
    """The reader finds imports inside functions, relative ones of any depth, ``from . import
    module`` and absolute ``liaison.`` ones, and a cycle through them."""
    for package in ("core", "users", "places"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "models.py").write_text("from .users.models import User\n")  # the root: ignored
    (tmp_path / "core" / "auth.py").write_text("def load(uid):\n    from ..users.models import User\n")
    (tmp_path / "users" / "models.py").write_text("from liaison.places import scopes\nfrom .. import settings\n")
    (tmp_path / "settings.py").write_text("")
    (tmp_path / "places" / "scopes.py").write_text("from ..core import auth\nfrom .. import create_app\n")
    deps = dependencies(tmp_path)
    assert deps[("core", "users")] == ["core/auth.py:2"]
    assert deps[("users", "places")] == ["users/models.py:1"]
    assert deps[("users", "root:settings")] == ["users/models.py:2"]
    assert deps[("places", "root:")] == ["places/scopes.py:2"]
    assert ("core", "auth") not in deps and not any(a == "models.py" for a, _ in deps)
    assert cycles(_package_edges(deps)) == [["core", "places", "users"]]
