"""/healthz and /readyz for the load balancer, /metrics for allow-listed Prometheus scrapers."""

from __future__ import annotations

import pytest
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from orders.models import Order
from shopsocial import health
from shopsocial.mail.models import OutboundEmail
from tests.conftest import ALICE_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db


def samples(text: str) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST, "unknown.shop.test"])
def test_healthz_touches_no_database_on_any_host(client, company, host, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_200_and_readyz_503_in_a_real_node_without_database_or_redis(tmp_path):
    """gunicorn whose PostgreSQL and Redis ports are closed: alive, not ready."""
    from ops.stack import AppNode, app_env, free_port, http_get

    node = AppNode(
        tmp_path,
        app_env(
            database_url=f"postgres://postgres@127.0.0.1:{free_port()}/nowhere",
            redis_url=f"redis://127.0.0.1:{free_port()}/0",
        ),
        workers=1,
        threads=2,
    )
    try:
        node.start()  # waits for /healthz
        host = node.env["OPS_PROBE_HOST"]
        for path_host in (host, "someone.shop.test"):
            alive = http_get(node.port, path_host, "/healthz")
            assert alive.status == 200, alive.body
            assert alive.body == b'{"status": "ok"}'
        ready = http_get(node.port, host, "/readyz")
        assert ready.status == 503
        assert b'"database": "error"' in ready.body
    finally:
        node.stop()


def test_readyz_reports_each_dependency_and_is_ready(client, company):
    response = client.get("/readyz", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "local",
        "broker": "eager",
        "replica": "none",
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_answers_503_naming_the_database_when_it_is_away(client, company, monkeypatch):
    def down() -> str:
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", down)
    response = client.get("/readyz", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert response.json()["status"] == "error"


def test_readyz_stays_ready_when_only_the_cache_is_away(client, company, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "cache", lambda: "error")
    response = client.get("/readyz", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert response.json()["cache"] == "error"


def test_metrics_is_a_404_without_token_or_allow_listed_address(client, company, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    settings.METRICS_ALLOWED_IPS = ["10.0.0.9"]
    assert client.get("/metrics", HTTP_HOST=COMPANY_HOST).status_code == 404
    wrong = client.get("/metrics", HTTP_HOST=COMPANY_HOST, HTTP_AUTHORIZATION="Bearer wrong-token")
    assert wrong.status_code == 404
    # Not on storefront hosts at all.
    ok = client.get("/metrics", HTTP_HOST=ALICE_HOST, HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert ok.status_code == 404


def test_metrics_with_the_token_or_from_an_allowed_address(client, company, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    settings.METRICS_ALLOWED_IPS = ["10.0.0.9"]
    by_token = client.get(
        "/metrics", HTTP_HOST=COMPANY_HOST, HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    assert by_token.status_code == 200
    assert by_token["Content-Type"].startswith("text/plain")
    by_address = client.get("/metrics", HTTP_HOST=COMPANY_HOST, REMOTE_ADDR="10.0.0.9")
    assert by_address.status_code == 200


def test_metrics_count_latency_by_view_and_the_business_state(client, company, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    before = samples(client.get("/metrics", HTTP_HOST=COMPANY_HOST).content.decode())
    latency_key = (
        "shopsocial_request_latency_seconds_count",
        (("method", "GET"), ("view", "privacy:policy")),
    )
    for _ in range(3):
        assert client.get("/privacy/", HTTP_HOST=ALICE_HOST).status_code == 200
    OutboundEmail.objects.create(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        dedupe_key="ops-metrics-1",
        to="x@example.com",
        template="orders/confirmation",
    )
    after = samples(client.get("/metrics", HTTP_HOST=COMPANY_HOST).content.decode())
    assert after[latency_key] - before.get(latency_key, 0) == 3
    pending = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count()
    assert after[("shopsocial_outbox_backlog", ())] == pending >= 1
    assert after[("shopsocial_orders_placed", ())] == Order.objects.count()
    paid = Order.objects.filter(paid_at__isnull=False).count()
    assert after[("shopsocial_orders_paid", ())] == paid


def test_made_up_methods_are_counted_under_one_label(client, company, settings):
    """A client choosing the method must not choose how many series each process keeps."""
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    before = samples(client.get("/metrics", HTTP_HOST=COMPANY_HOST).content.decode())
    for method in ("BREW", "PROPFIND", "X1"):
        response = client.generic(method, "/privacy/", HTTP_HOST=ALICE_HOST)
        assert response.status_code < 500
    after = samples(client.get("/metrics", HTTP_HOST=COMPANY_HOST).content.decode())
    methods = {dict(labels).get("method") for name, labels in after if "latency" in name}
    assert not methods & {"BREW", "PROPFIND", "X1"}
    key = (
        "shopsocial_request_latency_seconds_count",
        (("method", "other"), ("view", "privacy:policy")),
    )
    assert after[key] - before.get(key, 0) == 3


def test_a_refused_webhook_counts_as_a_webhook_failure(client, company, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    key = (
        "shopsocial_webhook_failures_total",
        (("status", "400"), ("view", "orders:gateway-webhook")),
    )
    before = samples(client.get("/metrics", HTTP_HOST=COMPANY_HOST).content.decode()).get(key, 0)
    response = client.post(
        "/webhooks/stripe/", data=b"{}", content_type="application/json", HTTP_HOST=COMPANY_HOST
    )
    assert response.status_code == 400
    after = samples(client.get("/metrics", HTTP_HOST=COMPANY_HOST).content.decode())
    assert after[key] - before == 1


def test_a_failed_task_counts_as_a_task_failure(settings):
    from celery import shared_task

    key = ("shopsocial_task_failures_total", (("task", "ops.always_fails"),))

    @shared_task(name="ops.always_fails")
    def always_fails():
        raise RuntimeError("boom")

    settings.CELERY_TASK_EAGER_PROPAGATES = False
    from prometheus_client import REGISTRY, generate_latest

    before = samples(generate_latest(REGISTRY).decode()).get(key, 0)
    always_fails.apply(throw=False)
    after = samples(generate_latest(REGISTRY).decode())
    assert after[key] - before == 1


def test_state_gauges_do_not_fail_the_scrape_when_the_database_is_away(monkeypatch):
    from shopsocial import metrics

    def broken(*args, **kwargs):
        raise OSError("database away")

    monkeypatch.setattr(Order.objects, "aggregate", broken)
    monkeypatch.setattr(OutboundEmail.objects, "filter", broken)
    assert list(metrics.StateCollector().collect()) == []
    assert connection.is_usable()
