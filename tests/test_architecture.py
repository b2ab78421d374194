"""The api's shape, enforced: packages that import each other in one direction only, and a thin root.

Each `api/<package>/` names one concept (conversations, knowledge, live, advisors, channels, fce...).
A cycle between two packages means neither can be read, tested or changed without the other, so any
import that closes one fails here, printing the cycle. Only module-level imports count (those under
`if TYPE_CHECKING:` never run); imports inside functions count too, since they still couple the code.

The root modules are the composition layer: `main.py` builds the app, `services.py` builds every
service, `deps.py` hands those services to routes, `tables.py` lists every table for Alembic. They may
import any package; packages may import nothing from the root except `api.deps` (the route
dependencies), so the layer stays on top and adds no cycle of its own.

A package split by role keeps its HTTP layer (routes, pages, response models, request helpers) in a
`web/` subpackage and its rules beside it: `api/fce/web/` imports `api/fce/`, never the reverse, and the
rules import neither the HTTP framework nor the route dependencies (LAYERED_PACKAGES).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

API = Path(__file__).resolve().parents[1] / "api"
ROOT_MODULES = {"__init__", "__main__", "main", "deps", "health", "services", "tables"}
# What a package may import from the root layer (api.deps holds the route dependency aliases).
ROOT_IMPORTS_ALLOWED_IN_PACKAGES = {"api.deps"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(API.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_modules(path: Path, roots: frozenset[str] = frozenset({"api"})) -> Iterator[str]:
    """Every `api...` module (or one under `roots`) the file imports, with `from api.x import y` also
    yielding `api.x.y`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.split(".")[0] in roots)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] not in roots:
                continue
            yield source
            yield from (f"{source}.{alias.name}" for alias in node.names)


def node_of(module: str) -> str | None:
    """The package a module belongs to (`api.fce.service` → `api.fce`); root modules are themselves."""
    parts = module.split(".")
    if len(parts) < 2:
        return None
    candidate = API / parts[1]
    if candidate.is_dir():
        return f"api.{parts[1]}"
    if (API / f"{parts[1]}.py").is_file():
        return f"api.{parts[1]}"
    return None


def python_files() -> list[Path]:
    return sorted(p for p in API.rglob("*.py") if "migrations" not in p.relative_to(API).parts)


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in python_files():
        source = node_of(module_name(path))
        if source is None or source.removeprefix("api.") in ROOT_MODULES:
            continue  # the root layer sits on top; test_root_layer checks what packages take from it
        targets = graph.setdefault(source, set())
        for imported in imported_modules(path):
            target = node_of(imported)
            if target is not None and target != source and target.removeprefix("api.") not in ROOT_MODULES:
                targets.add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component with more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(path_through(graph, sorted(component)))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def path_through(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A concrete cycle inside the component, starting and ending at its first package."""
    start = component[0]
    members = set(component)
    trail = [start]
    seen = {start}
    node = start
    while True:
        following = sorted(graph[node] & members)
        if start in following and len(trail) > 1:
            return [*trail, start]
        unseen = [n for n in following if n not in seen]
        if not unseen:
            return [*trail, following[0]]
        node = unseen[0]
        trail.append(node)
        seen.add(node)


def test_no_import_cycles_between_packages() -> None:
    graph = package_graph()
    found = cycles(graph)
    report = []
    for cycle in found:
        group = strongly_connected_with(graph, cycle[0])
        report.append(" -> ".join(cycle) + f"  (packages caught in it: {', '.join(sorted(group))})")
    assert not found, "package import cycles:\n" + "\n".join(report)


def strongly_connected_with(graph: dict[str, set[str]], start: str) -> set[str]:
    """The packages that both reach `start` and are reached from it."""

    def reach(edges: dict[str, set[str]]) -> set[str]:
        seen, todo = {start}, [start]
        while todo:
            for target in edges.get(todo.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    reverse: dict[str, set[str]] = {}
    for source, targets in graph.items():
        for target in targets:
            reverse.setdefault(target, set()).add(source)
    return reach(graph) & reach(reverse)


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"api.a": {"api.b"}, "api.b": {"api.c"}, "api.c": {"api.a"}, "api.d": {"api.a"}}
    assert cycles(graph) == [["api.a", "api.b", "api.c", "api.a"]]
    assert cycles({"api.a": {"api.b"}, "api.b": set()}) == []


def test_packages_take_only_the_route_dependencies_from_the_root() -> None:
    offending = []
    for path in python_files():
        source = node_of(module_name(path))
        if source is None or source.removeprefix("api.") in ROOT_MODULES:
            continue
        for imported in imported_modules(path):
            target = node_of(imported)
            from_root = target is not None and target.removeprefix("api.") in ROOT_MODULES
            if from_root and ".".join(imported.split(".")[:2]) not in ROOT_IMPORTS_ALLOWED_IN_PACKAGES:
                offending.append(f"{module_name(path)} imports {imported}")
    assert not offending, "\n".join(offending)


def test_only_the_composition_layer_sits_at_the_root() -> None:
    modules = {path.stem for path in API.glob("*.py")}
    assert modules == ROOT_MODULES, f"modules at api/ besides the composition layer: {sorted(modules - ROOT_MODULES)}"


def test_services_are_read_from_app_state_only_by_the_root() -> None:
    """Routes name services by their api/deps.py aliases; only main.py and deps.py touch app.state."""
    readers = sorted(
        module_name(path)
        for path in python_files()
        if "app.state" in path.read_text(encoding="utf-8") and path.stem not in {"main", "deps", "services"}
    )
    assert readers == [], f"modules reading app.state directly: {readers}"


# Package -> its web layer. The package's other modules (its rules) must not import the web layer, the
# HTTP framework or the route dependencies: routes, pages and HTTP shapes live in the web layer only.
LAYERED_PACKAGES = {"api.fce": "api.fce.web"}
HTTP_FRAMEWORK = ("fastapi", "starlette", "api.deps")


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def layer_violations(imports_of: dict[str, set[str]]) -> list[str]:
    """`module imports target` for every import from a package's rules into its web layer or HTTP."""
    found = []
    for module, imported in sorted(imports_of.items()):
        for package, web in LAYERED_PACKAGES.items():
            if not _within(module, package) or _within(module, web):
                continue
            targets = {t for t in imported if any(_within(t, forbidden) for forbidden in (web, *HTTP_FRAMEWORK))}
            # `from fastapi import status` yields fastapi and fastapi.status: name the module once.
            found.extend(
                f"{module} imports {target}"
                for target in sorted(targets)
                if not any(target.startswith(f"{other}.") for other in targets)
            )
    return found


def test_the_rules_of_a_layered_package_import_neither_its_web_layer_nor_http() -> None:
    roots = frozenset({"api", "fastapi", "starlette"})
    imports_of = {module_name(path): set(imported_modules(path, roots)) for path in python_files()}
    for web in LAYERED_PACKAGES.values():
        assert any(_within(module, web) for module in imports_of), f"{web} is gone: update LAYERED_PACKAGES"
    found = layer_violations(imports_of)
    assert not found, "rules that import their web layer or HTTP:\n" + "\n".join(found)


def test_the_layer_check_finds_a_rule_that_imports_the_web_layer() -> None:
    imports_of = {
        "api.fce.service": {"api.fce.web.responses", "api.fce.models"},
        "api.fce.workflow": {"fastapi", "fastapi.status", "api.fce.models"},
        "api.fce": {"api.deps"},
        "api.fce.web.router": {"api.fce.service", "fastapi", "api.deps"},
        "api.records.routes": {"api.fce.web.applicant_api"},
    }
    assert layer_violations(imports_of) == [
        "api.fce imports api.deps",
        "api.fce.service imports api.fce.web.responses",
        "api.fce.workflow imports fastapi",
    ]
