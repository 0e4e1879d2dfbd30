"""No import cycles between the modules of `orders/` (issue 12): adapters never import the domain.

The graph counts every import, at module level or inside a function (a lazy import
is still a dependency). Run it alone with `uv run pytest tests/orders/test_import_graph.py`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "orders"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(package: str = PACKAGE) -> dict[str, set[str]]:
    """{module: modules of the same package it imports}, migrations and tests excluded."""
    files = [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    modules = {_module_name(p): p for p in files}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".")
                    base = base[: len(base) - node.level + (1 if is_package else 0)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                # `from x import y` depends on x.y when y is a module, else on x.
                for alias in node.names:
                    sub = f"{source}.{alias.name}"
                    targets.append(sub if sub in modules else source)
            for target in targets:
                while target and target not in modules and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary cycle found by a depth-first search (one per back edge)."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_the_graph_sees_relative_and_lazy_imports():
    graph = import_graph()
    assert "orders.gateways.base" in graph["orders.gateways.offline"]
    assert "orders.webhooks" in graph["orders.views"]
    assert "orders.webhooks" in graph["orders.apps"]  # imported inside ready()


def test_a_cycle_is_reported():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_orders_has_no_import_cycles():
    assert import_cycles(import_graph()) == []


@pytest.mark.parametrize("adapter", ["orders.gateways.offline", "orders.gateways.stripe"])
def test_gateway_adapters_never_import_the_order_domain(adapter):
    graph = import_graph()
    seen, todo = set(), [adapter]
    while todo:
        for nxt in graph[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    domain = {m for m in seen if not m.startswith("orders.gateways")}
    # The offline gateway keeps its sessions in a model of this app: models only.
    assert domain <= {"orders.models"}
