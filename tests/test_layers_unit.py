"""The layer contract of server/jobloop, read from the modules' own imports.

    config, clock                   the bottom: settings and time, nothing of jobloop above
    db  ->  models, migrations      the connection; the schema over it
    parsing                         pure: html, url in, draft out (imports only itself)
    services                        plain functions over models: no Flask, no HTTP status codes
    api, web, security, views       delivery, on top: api and web never import each other
    app, cli                        entry points: assemble the delivery layer (cli may start the app)

Rules: every module has a layer; no import runs upward (or sideways between api and
web); the import graph has no cycle; no `__import__`/`importlib`; below the
delivery layer, importing a module registers nothing anywhere (no module-level
call or decorator on another jobloop module's name, e.g. `pipeline.on_event(...)`);
in the delivery layer, module-level decorators are Blueprint declarations only.

Imports inside functions count: a lazy import is still an edge.

KNOWN_VIOLATIONS lists violations still being removed (empty now), each with its owner.
The test fails when a violation is not listed AND when a listed one is gone, so
the list can only shrink. How it fails when a rule is broken (recorded):

  - `from ..web import pages` added to services/goals.py:
        AssertionError: layer contract broken:
            ('upward', 'jobloop.services.goals', 'jobloop.web.pages')
  - `from . import capture` added to services/pipeline.py:
        AssertionError: layer contract broken:
            ('cycle', 'jobloop.services.capture',
             'jobloop.services.capture -> jobloop.services.pipeline -> jobloop.services.capture')

test_each_rule_catches_its_break shows every other rule failing on a made-up package.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "server" / "jobloop"

# Layer of each module, by longest matching prefix. Higher may import lower, never the reverse.
LAYERS: dict[str, int] = {
    "jobloop": 0, "jobloop.config": 0, "jobloop.clock": 0, "jobloop.stages": 0,
    "jobloop.db": 1, "jobloop.parsing": 1,
    "jobloop.models": 2, "jobloop.migrations": 2,
    "jobloop.services": 3,
    "jobloop.security": 4, "jobloop.views": 4, "jobloop.api": 4, "jobloop.web": 4,
    "jobloop.app": 5, "jobloop.cli": 5,
}
DELIVERY = 4
# Same layer, still forbidden: the two delivery packages stand beside each other; the app never starts the CLI.
SIDEWAYS = {("jobloop.api", "jobloop.web"), ("jobloop.web", "jobloop.api"), ("jobloop.app", "jobloop.cli")}
WEB_FRAMEWORKS = {"flask", "flask_smorest", "flask_cors", "werkzeug", "marshmallow", "webargs", "jinja2"}
STATUS_NAMES = {"status", "status_code", "http_status"}

KNOWN_VIOLATIONS: set[tuple[str, ...]] = set()  # none left: keep it that way


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> tuple[str, int] | None:
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if module == prefix or (prefix != "jobloop" and module.startswith(prefix + ".")):
            return prefix, LAYERS[prefix]
    return None


class Module:
    def __init__(self, path: Path, known: set[str]):
        self.path = path
        self.name = module_name(path)
        self.is_package = path.name == "__init__.py"
        self.tree = ast.parse(path.read_text(), filename=str(path))
        self.imports: set[str] = set()     # jobloop modules
        self.externals: set[str] = set()   # top-level names of everything else
        self.bound: dict[str, str] = {}    # local name -> jobloop module or module.attr it came from
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self._add(alias.name, known)
                    self.bound[(alias.asname or alias.name).split(".")[0]] = alias.name
            elif isinstance(node, ast.ImportFrom):
                base = self._resolve(node)
                if not base.startswith("jobloop"):
                    self.externals.add(base.split(".")[0])
                    continue
                for alias in node.names:
                    # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod.
                    target = f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                    self.imports.add(target)
                    self.bound[alias.asname or alias.name] = f"{base}.{alias.name}"

    def _resolve(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        package = self.name.split(".") if self.is_package else self.name.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        return ".".join(package + ([node.module] if node.module else []))

    def _add(self, name: str, known: set[str]) -> None:
        if name.split(".")[0] == "jobloop":
            while name not in known and "." in name:
                name = name.rsplit(".", 1)[0]
            self.imports.add(name)
        else:
            self.externals.add(name.split(".")[0])


def load() -> dict[str, Module]:
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(p) for p in paths}
    return {m.name: m for m in (Module(p, known) for p in paths)}


def _root(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Call)):
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node: ast.expr) -> str:
    node = node.func if isinstance(node, ast.Call) else node
    return ast.unparse(node)


def _blueprints(module: Module) -> set[str]:
    """Names in this module that hold a Blueprint: made here, or imported from a jobloop module."""
    names = {t.id for node in module.tree.body if isinstance(node, ast.Assign)
             and isinstance(node.value, ast.Call) and _dotted(node.value).endswith("Blueprint")
             for t in node.targets if isinstance(t, ast.Name)}
    return names | {name for name, origin in module.bound.items() if origin.endswith((".blp", ".blueprint"))}


def violations(modules: dict[str, Module]) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for name, module in modules.items():
        here = layer_of(name)
        if here is None:
            found.add(("no-layer", name, "add it to LAYERS"))
            continue
        rank = here[1]
        for target in module.imports:
            there = layer_of(target)
            if there is None:
                continue
            if name.startswith("jobloop.parsing") and not target.startswith("jobloop.parsing"):
                found.add(("upward", name, target))  # parsing is pure: it imports only itself
            elif there[1] > rank:
                found.add(("upward", name, target))
            elif (_top(name), _top(target)) in SIDEWAYS:
                found.add(("sideways", name, target))
        if rank < DELIVERY:
            for framework in sorted(module.externals & WEB_FRAMEWORKS):
                found.add(("web-framework", name, framework))
            if name.startswith("jobloop.parsing"):
                for lib in sorted(module.externals & {"peewee", "playhouse", "sqlite3", "psycopg2"}):
                    found.add(("store-in-parsing", name, lib))
            found |= _http_status(module)
        found |= _dynamic_imports(module)
        found |= _registration(module, rank)
    found |= _cycles(modules)
    return found


def _top(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _http_status(module: Module) -> set[tuple[str, ...]]:
    """Status codes belong to api/ and web/: a service says what went wrong, not which HTTP code it is."""
    found = set()
    for node in ast.walk(module.tree):
        pairs = []
        if isinstance(node, ast.Assign):
            pairs = [(t, node.value) for t in node.targets]
        elif isinstance(node, ast.keyword) and node.arg:
            pairs = [(node.arg, node.value)]
        for target, value in pairs:
            label = target if isinstance(target, str) else getattr(target, "attr", getattr(target, "id", ""))
            if label in STATUS_NAMES and isinstance(value, ast.Constant) and isinstance(value.value, int) \
                    and 100 <= value.value <= 599:
                sign = "=" if isinstance(node, ast.keyword) else " = "
                found.add(("http-status", module.name, f"{label}{sign}{value.value}"))
    return found


def _dynamic_imports(module: Module) -> set[tuple[str, ...]]:
    found = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call):
            called = _dotted(node)
            if called in ("__import__", "importlib.import_module", "import_module"):
                found.add(("__import__", module.name, called))
    return found


def _registration(module: Module, rank: int) -> set[tuple[str, ...]]:
    """Importing a module must not change another: no module-level call or decorator on an imported
    jobloop name. Delivery modules may declare routes and hooks on their Blueprint."""
    found = set()
    imported = {local for local, origin in module.bound.items() if origin.startswith("jobloop")}
    allowed = _blueprints(module) if rank >= DELIVERY else set()
    for node in module.tree.body:
        calls: list[ast.expr] = []
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            calls.append(node.value)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            calls.extend(node.decorator_list)
        for call in calls:
            root = _root(call)
            if root in allowed:
                continue
            if root in imported:
                found.add(("registration", module.name, _dotted(call)))
    return found


def _cycles(modules: dict[str, Module]) -> set[tuple[str, ...]]:
    """Each strongly connected component of the import graph, named by its smallest module and one loop."""
    graph = {name: sorted(m.imports & modules.keys() - {name}) for name, m in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
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
                components.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    found = set()
    for component in components:
        start = component[0]
        found.add(("cycle", start, " -> ".join(_loop(graph, start, set(component)))))
    return found


def _loop(graph: dict[str, list[str]], start: str, members: set[str]) -> list[str]:
    """The shortest path from start back to itself inside its component (breadth first)."""
    paths = [[start]]
    seen = {start}
    while paths:
        path = paths.pop(0)
        for nxt in graph[path[-1]]:
            if nxt == start:
                return path + [start]
            if nxt in members and nxt not in seen:
                seen.add(nxt)
                paths.append(path + [nxt])
    return [start]


@pytest.fixture(scope="module")
def modules() -> dict[str, Module]:
    return load()


def test_layer_contract_holds_apart_from_known_violations(modules):
    new = violations(modules) - KNOWN_VIOLATIONS
    assert not new, "layer contract broken:\n  " + "\n  ".join(map(repr, sorted(new)))


def test_known_violations_still_exist(modules):
    """Fixed? Then remove it from KNOWN_VIOLATIONS so it cannot come back unnoticed."""
    gone = KNOWN_VIOLATIONS - violations(modules)
    assert not gone, "fixed, remove from KNOWN_VIOLATIONS:\n  " + "\n  ".join(map(repr, sorted(gone)))


# The checker itself, on small made-up packages: each rule catches what it is meant to.

def _package(tmp_path: Path, files: dict[str, str]) -> dict[str, Module]:
    global PACKAGE
    root = tmp_path / "jobloop"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    saved, PACKAGE = PACKAGE, root
    try:
        return load()
    finally:
        PACKAGE = saved


BASE = {"__init__.py": "", "config.py": "", "db.py": "", "models.py": "from .db import x\n",
        "services/__init__.py": "", "web/__init__.py": "from flask import Blueprint\nblp = Blueprint('web', __name__)\n"}


@pytest.mark.parametrize("files, expected", [
    ({"services/goals.py": "from jobloop.web import blp\n"}, ("upward", "jobloop.services.goals", "jobloop.web")),
    ({"db.py": "from . import models\n"}, ("cycle", "jobloop.db", "jobloop.db -> jobloop.models -> jobloop.db")),
    ({"services/goals.py": "def f():\n    from flask import request\n"}, ("web-framework", "jobloop.services.goals", "flask")),
    ({"services/goals.py": "class E(Exception):\n    status = 409\n"}, ("http-status", "jobloop.services.goals", "status = 409")),
    ({"services/goals.py": "x = __import__('jobloop.db')\n"}, ("__import__", "jobloop.services.goals", "__import__")),
    ({"services/a.py": "from . import b\nb.on_event(print)\n", "services/b.py": ""},
     ("registration", "jobloop.services.a", "b.on_event")),
    ({"services/a.py": "from .b import on_event\n@on_event\ndef f(e): pass\n", "services/b.py": ""},
     ("registration", "jobloop.services.a", "on_event")),
    ({"api/__init__.py": "from jobloop.web import blp\n"}, ("sideways", "jobloop.api", "jobloop.web")),
    ({"parsing/__init__.py": "from jobloop.config import X\n"}, ("upward", "jobloop.parsing", "jobloop.config")),
    ({"extra.py": ""}, ("no-layer", "jobloop.extra", "add it to LAYERS")),
])
def test_each_rule_catches_its_break(tmp_path, files, expected):
    assert expected in violations(_package(tmp_path, {**BASE, **files}))


def test_blueprint_routes_are_declarations_not_registration(tmp_path):
    modules = _package(tmp_path, {**BASE, "web/blueprint.py": "from flask import Blueprint\nblp = Blueprint('w', __name__)\n",
                                  "web/pages.py": "from .blueprint import blp\n@blp.get('/')\ndef index(): pass\n"})
    assert not {v for v in violations(modules) if v[1].startswith("jobloop.web")}
