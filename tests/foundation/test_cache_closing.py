"""End-of-request cache closing (shopsocial/cache.py): only backends that need it.

Django closes every initialised cache after each request; ours skips backends whose
close() is BaseCache's no-op (Redis, local memory) and still closes the others.
"""

import pytest
from django.core import signals
from django.core.cache import close_caches
from django.core.cache.backends.locmem import LocMemCache

from shopsocial.cache import close_caches_that_need_it
from tests.conftest import ALICE_HOST

pytestmark = pytest.mark.django_db

closed: list[str] = []


class ClosingCache(LocMemCache):
    def close(self, **kwargs):
        closed.append("closed")


def test_djangos_close_caches_is_replaced_by_ours():
    receivers = [r[1]() for r in signals.request_finished.receivers]
    assert close_caches not in receivers
    assert close_caches_that_need_it in receivers


def test_a_cache_whose_close_does_something_is_still_closed_after_a_request(
    client, alice, settings
):
    settings.CACHES = {
        **settings.CACHES,
        "closing": {"BACKEND": "tests.foundation.test_cache_closing.ClosingCache"},
    }
    from django.core.cache import caches

    caches["closing"].get("anything")  # initialised in this thread
    closed.clear()
    assert client.get("/privacy/", HTTP_HOST=ALICE_HOST).status_code == 200
    assert closed == ["closed"]
