"""The arrows of docs/architecture.md, checked on the source: no circle between our modules, no
import of our own modules hidden inside a function, and domain modules importing only the apps
before them. Reads the files with ast, so it imports nothing and sees every module.

Imports under `if TYPE_CHECKING:` are read by type checkers only: they make no circle at run
time (documents/models.py ↔ permissions.py name each other's types), but they are arrows."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The order of docs/architecture.md, "The arrows": each app's domain modules import only the
# apps before it (and itself).
ORDER = [
    "project",
    "ops",
    "breakdown",
    "audit",
    "agencies",
    "documents",
    "tasks",
    "reporting",
    "exports",
    "chasing",
    "workflows",
    "egov",
    "fixtures",
]

# The composition root builds the site from the apps; nothing imports it back.
COMPOSITION_ROOT = {
    "project.settings",
    "project.urls",
    "project.site",
    "project.celery",
    "project.wsgi",
    "project.asgi",
    "project.api_urls",
}

# Web modules sit on top of every app's domain modules: they may import any of them.
WEB_NAMES = {"views", "urls", "forms", "api", "admin", "admin_mixins", "context_processors"}
WEB_NAMES |= {"middleware", "api_schema", "urging_views", "guide"}

# Arrows against the order, each as (module, target): reason it stays for now. None today.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    found = {}
    for app in ORDER:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


SOURCES = _sources()


def _is_web(module: str) -> bool:
    parts = module.split(".")
    return (
        parts[-1] in WEB_NAMES
        or "templatetags" in parts
        or "management" in parts
        or module in COMPOSITION_ROOT
    )


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    """Our modules an import statement loads: `from a.b import c` loads a.b.c if it is a module."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, base] if base else package)
        names = [
            f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in SOURCES
        ]
        names = names or [base]
    found = []
    for name in names:
        while name and name not in SOURCES:
            name = name.rpartition(".")[0]
        if name:
            found.append(name)
    return found


class _Imports(ast.NodeVisitor):
    """Collects (line, target) of module-level imports and of imports inside functions."""

    def __init__(self, module: str, path: Path) -> None:
        self.module, self.path = module, path
        self.top: list[tuple[int, str]] = []
        self.inner: list[tuple[int, str, str]] = []
        self.typing: list[tuple[int, str]] = []
        self.in_type_checking = False
        self.function: list[str] = []

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self.function.append(getattr(node, "name", "<lambda>"))
        self.generic_visit(node)
        self.function.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_If(self, node: ast.If) -> None:
        if not _is_type_checking(node):
            self.generic_visit(node)
            return
        self.in_type_checking = True  # read only by type checkers: no circle at run time
        for child in node.body:
            self.visit(child)
        self.in_type_checking = False
        for child in node.orelse:
            self.visit(child)

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        for target in _targets(self.module, self.path, node):
            if target == self.module:
                continue
            if self.in_type_checking:
                self.typing.append((node.lineno, target))
            elif self.function:
                self.inner.append((node.lineno, target, self.function[-1]))
            else:
                self.top.append((node.lineno, target))

    visit_Import = visit_ImportFrom = _import


def _scan() -> dict[str, _Imports]:
    scanned = {}
    for module, path in SOURCES.items():
        visitor = _Imports(module, path)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        scanned[module] = visitor
    return scanned


SCANNED = _scan()


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {module: set() for module in SCANNED}
    for module, visitor in SCANNED.items():
        for _, target in visitor.top:
            graph[module].add(target)
            # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
            parent = target.rpartition(".")[0]
            while parent:
                if parent in graph and parent != module and not module.startswith(parent + "."):
                    graph[module].add(parent)
                parent = parent.rpartition(".")[0]
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _circle(graph: dict[str, set[str]], component: list[str]) -> str:
    members = set(component)
    start = component[0]
    previous: dict[str, str] = {start: ""}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for successor in sorted(graph[node] & members):
                if successor == start:
                    path = [node]
                    while previous[path[-1]]:
                        path.append(previous[path[-1]])
                    return " -> ".join([*reversed(path), start])
                if successor not in previous:
                    previous[successor] = node
                    following.append(successor)
        frontier = following
    return ", ".join(component)


def _app(module: str) -> str:
    return module.split(".")[0]


def _location(module: str, line: int) -> str:
    return f"{SOURCES[module].relative_to(ROOT)}:{line}"


def test_no_import_circle_between_our_modules():
    graph = _graph()
    circles = [_circle(graph, component) for component in _cycles(graph)]
    assert not circles, "Modules import each other at module level (a circle):\n  " + (
        "\n  ".join(circles)
    )


def test_no_import_of_our_modules_inside_a_function():
    hidden = [
        f"{_location(module, line)} ({function}) imports {target}"
        for module, visitor in SCANNED.items()
        if SOURCES[module].name != "apps.py"
        for line, target, function in visitor.inner
    ]
    assert not hidden, (
        "Imports of our modules hidden inside functions (import at the top; a circle means an "
        "arrow points the wrong way, see docs/architecture.md):\n  " + "\n  ".join(hidden)
    )


def _arrow_against_order(module: str, target: str) -> str:
    """What is wrong with `module` importing `target`, or "" if nothing."""
    if target in COMPOSITION_ROOT:
        # project/__init__.py starts the Celery app, as Celery's guide for Django does.
        if module in COMPOSITION_ROOT or module == "project":
            return ""
        return "imports the composition root"
    if _is_web(module) or (module, target) in EXCEPTIONS:
        return ""
    if _is_web(target):
        # A flow names the page of each of its steps (viewflow's flow.View(SomeView)).
        if module.endswith(".flows") and _app(target) == _app(module):
            return ""
        return "(a domain module) imports the web module"
    if ORDER.index(_app(target)) > ORDER.index(_app(module)):
        return "imports the later app's"
    return ""


def test_domain_modules_import_only_apps_before_them():
    wrong = []
    for module, visitor in SCANNED.items():
        imports = [*visitor.top, *visitor.typing, *[(n, t) for n, t, _ in visitor.inner]]
        for line, target in imports:
            if problem := _arrow_against_order(module, target):
                wrong.append(f"{_location(module, line)}: {module} {problem} {target}")
    assert not wrong, (
        "Domain modules import only the apps before them in docs/architecture.md's order "
        "(a lower app announces with a signal; the higher one listens):\n  " + "\n  ".join(wrong)
    )


@pytest.mark.parametrize("module", ["tasks.models", "documents.actions"])
def test_the_scan_sees_our_imports(module):
    """Guards the checks above against reading nothing (a moved folder, a renamed app)."""
    assert SCANNED[module].top


def test_a_circle_is_found_and_named():
    """The detector itself, on a made-up graph: a -> b -> c -> a, and d outside it."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _circle(graph, ["a", "b", "c"]) == "a -> b -> c -> a"
