"""Enumerate every URL pattern of both urlconfs as a concrete path to request."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

URLCONFS = {"public": "shopsocial.urls_public", "tenant": "shopsocial.urls_tenant"}
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Endpoint:
    site: str  # "public" (company host) or "tenant" (a storefront)
    route: str  # the full pattern, e.g. "backoffice/orders/<int:pk>/"
    name: str  # "namespace:name" or "" when unnamed
    params: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.site}:{self.route}"


def _route(pattern) -> str:
    return str(pattern.pattern)


def _walk(patterns, prefix: str, namespace: str | None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            child_ns = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from _walk(entry.url_patterns, prefix + _route(entry), child_ns)
        elif isinstance(entry, URLPattern):
            route = prefix + _route(entry)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield route, name


def endpoints() -> list[Endpoint]:
    found: list[Endpoint] = []
    for site, urlconf in URLCONFS.items():
        for route, name in _walk(get_resolver(urlconf).url_patterns, "", None):
            params = tuple(m.group("name") for m in _PARAM.finditer(route))
            params += tuple(re.findall(r"\(\?P<(\w+)>", route))
            found.append(Endpoint(site=site, route=route, name=name, params=params))
    return found


def concrete_path(endpoint: Endpoint, samples: dict[str, str]) -> str:
    """The route with each parameter replaced by its sample value."""
    route = endpoint.route
    if isinstance(route, str) and ("^" in route or "(?P<" in route or "$" in route):
        # Regex patterns (the admin's app_list and catch-all).
        route = route.replace("^", "").replace("$", "")
        route = re.sub(r"\((?!\?P<)[^)]*\)\?", "", route)  # optional unnamed groups
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: samples.get(m.group(1), "x"), route)
        route = route.replace(".*", "no-such-page/")
    route = _PARAM.sub(lambda m: samples.get(m.group("name"), "x"), route)
    return "/" + route


__all__ = ["Endpoint", "RoutePattern", "concrete_path", "endpoints"]
