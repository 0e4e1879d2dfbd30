"""An import-linter contract type: the app order, with sub-apps as components of their own.

import-linter's `layers` cannot place `retailers.earnings` above `orders` and `retailers`
below it (a layer cannot contain another), yet that is our design: a sub-app is a
component of its own, placed where its dependencies put it. This contract reads

    components = ["privacy.chat", "privacy", "retailers.earnings | storefront.scenes", ...]

top to bottom. A module belongs to the component with the longest matching name
(`retailers.earnings.services` to `retailers.earnings`, `retailers.selectors` to
`retailers`). A component may import the components below it and its own modules only;
components on one line are siblings and may not import each other. Modules matching a
`wiring` pattern (views, urls, admin, tasks, ...) compose the apps: they may import any
component, and no domain module may import them. Every module must belong to a component.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

import grimp
from importlinter import Contract, ContractCheck, fields, output


class AppOrderContract(Contract):
    type_name = "app_order"

    components = fields.ListField(subfield=fields.StringField())
    wiring = fields.ListField(subfield=fields.StringField(), required=False)
    skip = fields.ListField(subfield=fields.StringField(), required=False)
    ignore_imports = fields.ListField(subfield=fields.StringField(), required=False)

    def _rank(self) -> dict[str, int]:
        rank: dict[str, int] = {}
        for level, line in enumerate(self.components):  # type: ignore[arg-type]
            for name in line.split("|"):
                rank[name.strip()] = level
        return rank

    @staticmethod
    def _matches(module: str, patterns: list[str]) -> bool:
        return any(fnmatchcase(module, p) or fnmatchcase(module, p + ".*") for p in patterns)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        rank = self._rank()
        wiring = list(self.wiring or [])  # type: ignore[arg-type]
        skip = list(self.skip or [])  # type: ignore[arg-type]
        ignored = set()
        for line in self.ignore_imports or []:  # type: ignore[union-attr]
            importer, imported = (part.strip() for part in line.split("->"))
            ignored.add((importer, imported))
        used_ignores: set[tuple[str, str]] = set()

        def component(module: str) -> str | None:
            parts = module.split(".")
            for end in range(len(parts), 0, -1):
                name = ".".join(parts[:end])
                if name in rank:
                    return name
            return None

        broken: list[tuple[str, str, str, str]] = []
        homeless: list[str] = []
        for module in sorted(graph.modules):
            if self._matches(module, skip):
                continue
            own = component(module)
            if own is None:
                homeless.append(module)
                continue
            if self._matches(module, wiring):
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(module)):
                if self._matches(imported, skip):
                    continue
                other = component(imported)
                if other is None:
                    continue
                if self._matches(imported, wiring):
                    why = "a domain module imports wiring"
                elif other == own or rank[other] > rank[own]:
                    continue
                elif rank[other] == rank[own]:
                    why = "siblings on one line"
                else:
                    why = "imports a component above it"
                if (module, imported) in ignored:
                    used_ignores.add((module, imported))
                    continue
                broken.append((module, imported, why, f"{own} -> {other}"))
        unused = sorted(ignored - used_ignores)
        return ContractCheck(
            kept=not broken and not homeless and not unused,
            metadata={"broken": broken, "homeless": homeless, "unused": unused},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module, imported, why, pair in check.metadata["broken"]:
            output.print_error(f"{module} -> {imported}  ({pair}: {why})", bold=False)
        for module in check.metadata["homeless"]:
            output.print_error(f"{module} belongs to no component: add it to components")
        for module, imported in check.metadata["unused"]:
            output.print_error(f"ignore_imports entry matches nothing: {module} -> {imported}")
