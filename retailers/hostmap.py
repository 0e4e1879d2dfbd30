"""The host -> retailer map, kept in process memory.

Every request needs the retailer behind its Host header. The map is a dict per
process, valid while the shared "hostmap" version is unchanged (shopsocial.versions:
no round trip per request); `hostmap_invalidate()` bumps that version after a
retailer or one of its domains changes, so every process drops its whole map and
the change shows at the next request. Unknown hosts are not remembered: a new
storefront answers as soon as its domain row is committed.

Each request gets its own copy of the retailer (django-tenants sets attributes on it).
"""

from __future__ import annotations

import copy
import threading

from django.db import transaction

from shopsocial.versions import version, version_bump

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
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        if domain is None:
            return None
        retailer = domain.tenant
        with _lock:
            if _map_version == current:
                if len(_map) >= _MAX_HOSTS:
                    _map.clear()
                _map[hostname] = retailer
    return copy.copy(retailer)


def hostmap_invalidate() -> None:
    """A retailer or domain changed: every process rebuilds its map.

    Bumps at once (this process and its transaction see the change) and again after
    commit, so that no process can keep what it read before the commit.
    """
    version_bump("hostmap")
    transaction.on_commit(lambda: version_bump("hostmap"))
