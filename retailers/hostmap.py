"""The host -> retailer map, kept in process memory.

Every request needs the retailer behind its Host header. The map is a dict per
process, valid while the shared "hostmap" version is unchanged (shopsocial.versions:
no round trip per request). Every save, delete or queryset update of a Retailer or
Domain bumps that version (retailers/models.py), so every process drops its whole
map and the change shows at the next request. Unknown hosts are not remembered: a new
storefront answers as soon as its domain row is committed.

Each request gets its own copy of the retailer (django-tenants sets attributes on it).
"""

from __future__ import annotations

import copy
import threading

from django.db import connection

from shopsocial.versions import version

from .models import Domain, Retailer

_MAX_HOSTS = 10_000
_lock = threading.Lock()
_map: dict[str, Retailer] = {}
_map_version: int | None = None


def retailer_for_hostname(hostname: str) -> Retailer | None:
    """The retailer serving `hostname`, or None (one Domain query when not yet known)."""
    global _map_version
    current = version("hostmap")
    if current != _map_version:
        with _lock:
            _map.clear()
            _map_version = current
    retailer = _map.get(hostname)
    if retailer is None:
        connection.set_schema_to_public()
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        if domain is None:
            return None
        retailer = domain.tenant
        with _lock:
            if _map_version == current:
                if len(_map) >= _MAX_HOSTS:
                    _map.clear()
                _map[hostname] = retailer
    return _clone(retailer)


def _clone(retailer: Retailer) -> Retailer:
    """A copy for one request (django-tenants sets attributes on it)."""
    return copy.copy(retailer)
