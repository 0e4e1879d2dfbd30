"""No import cycles between the modules of an app.

The graph is read with `ast` from every module of each of our apps (sub-apps included,
migrations left out): an edge for each import, at module level or inside a function
(a function-level import only postpones a cycle), none for `if TYPE_CHECKING:` blocks.
Importing `a.b.c` also runs `a/__init__` and `a/b/__init__`, so those are edges too.
A failure names one cycle, module by module.

    uv run pytest tests/foundation/test_import_cycles.py
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["orders", "privacy", "retailers", "shopsocial", "storefront"]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_names(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([node.module] if node.module else []))
    # `from pkg import name`: name may be a submodule.
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # never executed
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append(child)
            visit(child)

    visit(tree)
    return found


def import_graph(app: str) -> dict[str, set[str]]:
    """{module: the modules of the same app that importing it runs}."""
    paths = {
        _module_name(path): path
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    }
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for module, path in paths.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in _imports(tree):
            for name in _imported_names(node, module, path.name == "__init__.py"):
                parts = name.split(".")
                for end in range(1, len(parts) + 1):  # the module and its packages
                    target = ".".join(parts[:end])
                    own_package = module.startswith(target + ".")
                    if target in paths and target != module and not own_package:
                        graph[module].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle as [a, b, ..., a], or [] when the graph has none."""
    state: dict[str, str] = {}  # "open" while on the path, "done" after
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = "open"
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return path[path.index(target) :] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[module] = "done"
        path.pop()
        return []

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return []


def test_the_checker_finds_a_cycle_and_passes_a_tree():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_the_graph_sees_function_level_relative_and_package_imports():
    graph = import_graph("orders")
    assert "orders.models" in graph["orders.services.placement"]  # from ..models import
    assert "orders.services" in graph["orders.views"]  # from .services import (a package)
    assert all(graph[module] <= graph.keys() for module in graph)


def test_every_app_of_the_project_is_checked(settings):
    local = {name.split(".")[0] for name in settings.INSTALLED_APPS}
    assert {name for name in local if (ROOT / name).is_dir()} == set(APPS)


@pytest.mark.parametrize("app", APPS)
def test_no_import_cycle_between_the_modules_of_an_app(app):
    cycle = find_cycle(import_graph(app))
    assert cycle == [], f"import cycle in {app}/: " + " -> ".join(cycle)


# --- Between apps: import-linter's contracts in pyproject.toml -------------------------


def _lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_import_contracts_hold():
    """The app order (no cycle between apps), layers in each app, adapters, siblings."""
    result = _lint_imports("--no-cache")
    assert result.returncode == 0, result.stdout[-4000:]


def test_the_app_order_contract_reports_an_import_against_the_order(tmp_path):
    config = tmp_path / "contracts.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_packages = ["orders", "privacy", "retailers", "storefront", "shopsocial"]\n'
        'contract_types = ["app_order: tools.app_order.AppOrderContract"]\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "reversed"\n'
        'type = "app_order"\n'
        'components = ["retailers", "orders | privacy | storefront | shopsocial"]\n'
        'skip = ["*.migrations"]\n'
    )
    result = _lint_imports(str(config), "--no-cache")
    assert result.returncode == 1
    out = " ".join(result.stdout.split())
    # With retailers on top, an order crediting a retailer imports against the order...
    assert (
        "orders.services.placement -> retailers.models "
        "(orders -> retailers: imports a component above it)"
    ) in out
    # ...and the back office reading orders is allowed.
    assert "retailers.selectors -> orders.models" not in out
