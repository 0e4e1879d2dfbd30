"""A write's cache deletion and Varnish purge are repeated INVALIDATION_REPEAT_SECONDS after
its commit (shopsocial/invalidation.py): a reader that read the old row before the commit
and stored what it built after the first deletion does not keep it for an hour."""

import logging

import pytest
from django.core.cache import caches
from django.db import transaction

from shopsocial import invalidation
from shopsocial.celery import app
from storefront.models import Product

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(monkeypatch) -> list[tuple]:
    """What was queued to run later (the worker would run it `seconds` from now)."""
    calls: list[tuple] = []
    monkeypatch.setattr(
        "shopsocial.celery.task_queue_later",
        lambda name, *args, seconds: calls.append((name, args, seconds)),
    )
    return calls


def test_what_a_reader_stored_after_the_commit_from_the_old_row_is_deleted_again(
    queued, make_product, settings
):
    settings.INVALIDATION_REPEAT_SECONDS = 7
    candle = make_product("Vanilla Candle", price="10.00")
    queued.clear()
    cache = caches[invalidation.CACHE_ALIAS]
    key = invalidation.product_row_key(candle.slug)
    stale = ("the row as it was before the commit",)
    with transaction.atomic():
        Product.objects.filter(pk=candle.pk).update(price="12.00")
        # The straddling reader's set lands after the write's deletion at commit.
        transaction.on_commit(lambda: cache.set(key, stale, 3600))
    assert cache.get(key) == stale  # the deletion at commit came too early for it
    [(name, (deleted, purged), seconds)] = queued
    assert (name, seconds) == ("storefront.invalidation_repeat_task", 7)
    assert key in deleted and f"product-{candle.pk}" in purged
    app.tasks[name].apply((deleted, purged))  # what the worker runs 7 s later
    assert cache.get(key) is None


def test_a_rolled_back_write_queues_no_repeat(queued, make_product):
    candle = make_product("Vanilla Candle")
    queued.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        Product.objects.filter(pk=candle.pk).update(price="12.00")
        raise RuntimeError("rolled back")
    assert queued == []


def test_a_write_commits_when_the_repeat_cannot_be_queued(monkeypatch, make_product, caplog):
    def broker_away(*args, **kwargs):
        raise ConnectionError("broker away")

    monkeypatch.setattr("shopsocial.celery.task_queue_later", broker_away)
    candle = make_product("Vanilla Candle")
    with caplog.at_level(logging.WARNING, logger="shopsocial.invalidation"):
        Product.objects.filter(pk=candle.pk).update(price="12.00")
    assert Product.objects.get(pk=candle.pk).price == 12
    assert "the repeat was not queued" in caplog.text
