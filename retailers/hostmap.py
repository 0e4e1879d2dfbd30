"""The host -> retailer map: in each process's memory, backed by Django's shared cache.

Every request needs the retailer behind its Host header. Each known host is kept
under its own key (`shopsocial.invalidation.host_key`); a write to a Retailer or a
Domain deletes the keys of its hosts (declared in shopsocial/invalidation.py), so the
change shows at the next request in every process. Unknown hosts are not remembered:
a new storefront answers as soon as its domain row is committed.

With the Redis cache, each process also keeps the hosts it has served in memory
(`shopsocial.cache.LocalMirror`): the deletion above announces itself and every
process empties its copy, so a warm request reads neither Redis nor the database
for its host (bench/README.md has the figure).

Each request gets its own retailer object: the copy keeps the retailer's row (field
values, all immutable) and builds it with `Model.from_db`, which costs half of
unpickling it (bench/README.md).
"""

from __future__ import annotations

from django.core.cache import caches
from django.db import connection

from shopsocial.invalidation import CACHE_ALIAS, host_key

from .models import Domain, Retailer

HOST_CACHE_SECONDS = 300
_FIELD_NAMES = [field.attname for field in Retailer._meta.concrete_fields]


def retailer_for_hostname(hostname: str) -> Retailer | None:
    """The retailer serving `hostname`, or None (one Domain query when not yet known)."""
    cache = caches[CACHE_ALIAS]
    key = host_key(hostname)
    mirror = getattr(cache, "mirror", None)  # the Redis backend's (shopsocial/cache.py)
    if mirror is not None:
        kept, generation = mirror.get(key)
        if kept is not None:
            db, values = kept
            return Retailer.from_db(db, _FIELD_NAMES, values)
    retailer = cache.get(key)
    if retailer is None:
        connection.set_schema_to_public()
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        if domain is None:
            return None  # not kept: a storefront answers once its domain is committed
        retailer = domain.tenant
        cache.set(key, retailer, HOST_CACHE_SECONDS)
    if mirror is not None:
        row = tuple(getattr(retailer, name) for name in _FIELD_NAMES)
        mirror.put(key, (retailer._state.db, row), generation)
    return retailer
