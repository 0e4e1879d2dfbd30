"""The whole production shape without Docker, started by the same code a person runs.

`ops.stack.Stack` is what `python -m ops.stack up` starts: Varnish in front of two
gunicorn nodes (the Dockerfile's sync workers) and the socket server, PgBouncer, a
PostgreSQL primary of its own with a streaming replica, Redis, two Celery workers and
beat, the mail catcher and an S3-compatible object store. This test copies the test
database into that primary and uses the shop only through the proxy, as a shopper would.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from decimal import Decimal

import pytest
from websockets.sync.client import connect

from ops.stack import ROOT, Shopper, Stack, http_get, temp_folder, wait_until
from storefront.models import Product
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.factories import CategoryFactory, ProductFactory

from .harness import database_url_for_processes
from .test_redis_outage import ORDER_FORM


@pytest.fixture
def stack(tenants):
    category = CategoryFactory(name="Candles", slug="candles")
    ProductFactory(
        sku="OPS-STACK", slug="ops-stack", category=category, price=Decimal("19.99"), stock=5
    )
    whole = Stack(temp_folder("ss-ops-stack-"), source_url=database_url_for_processes())
    whole.start()
    yield whole
    whole.stop()


def primary_rows(stack: Stack, sql: str) -> list[tuple]:
    return stack.primary.sql(stack.dbname, sql)


@pytest.mark.django_db(transaction=True)
def test_the_whole_shape_serves_a_shopper_through_the_proxy(stack):
    proxy = stack.proxy_port
    # Every part is up: the replica streams from the primary, both workers and beat run.
    assert primary_rows(stack, "SELECT state FROM pg_stat_replication") == [("streaming",)]
    assert all(worker.process.alive() for worker in stack.workers)
    assert stack.beat.process.alive()

    # An anonymous page: rendered by a node the first time, then a Varnish hit.
    first = http_get(proxy, ALICE_HOST, "/p/ops-stack/")
    second = http_get(proxy, ALICE_HOST, "/p/ops-stack/")
    assert first.status == second.status == 200
    assert "19.99" in second.body.decode()
    assert second.headers.get("x-cache", "").startswith("HIT"), second.headers

    # A shopper's cart, checkout and payment through the proxy: the requests land on both
    # nodes (round robin), the session lives in Redis, the order in the primary via PgBouncer.
    shopper = Shopper([proxy])
    product_id = Product.objects.get(sku="OPS-STACK").pk  # the same row in the copy
    added = shopper.request(
        "POST", ALICE_HOST, "/cart/add/", {"product_id": product_id, "quantity": 1}
    )
    assert added.status in (302, 303), added.status
    placed = shopper.request("POST", ALICE_HOST, "/checkout/", ORDER_FORM)
    assert placed.status == 303, (placed.status, placed.body[:300])
    pay_path = placed.headers["location"].split(COMPANY_HOST, 1)[1]
    paid = shopper.request("POST", COMPANY_HOST, pay_path + "submit/", {"decision": "pay"})
    assert paid.status in (302, 303), paid.status
    assert primary_rows(stack, "SELECT status FROM orders_order") == [("paid",)]

    # The confirmation email goes out through a worker to the mail catcher.
    wait_until(
        lambda: any(m["To"] == ORDER_FORM["email"] for m in stack.mail.messages()),
        timeout=60,
        what="the order email at the mail catcher",
    )

    # The chat's WebSocket goes through the proxy to the socket server.
    with connect(
        f"ws://{ALICE_HOST}:{proxy}/ws/chat/",
        sock=socket.create_connection(("127.0.0.1", proxy), timeout=20),
        origin=f"http://{ALICE_HOST}:{proxy}",
        open_timeout=20,
    ) as ws:
        ws.send('{"type": "hello", "token": "not-a-token"}')
        assert ws.recv(timeout=20)  # the socket server answered over the proxied socket

    # Media go to the object store (compose's MinIO).
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "-c", SAVE_FILE],
        cwd=ROOT,
        env=stack.env,
        check=True,
        timeout=60,
    )
    keys = [
        o["Key"]
        for o in stack.objects.client().list_objects_v2(Bucket="shopsocial-media")["Contents"]
    ]
    assert any(key.endswith("stack-check.txt") for key in keys), keys


SAVE_FILE = (
    "from django.core.files.base import ContentFile;"
    "from django.core.files.storage import default_storage;"
    "default_storage.save('stack-check.txt', ContentFile(b'hello'))"
)
