"""The breach admin's "Affected people": computed by PostgreSQL in the list's one query,
equal to what Notify would create (distinct normalised addresses) for every scope."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from privacy.models import BreachIncident
from privacy.selectors import breach_incidents_with_affected_count
from privacy.services.breach import breach_affected_emails, breach_incident_notify
from retailers.models import Retailer
from tests.conftest import COMPANY_HOST
from tests.privacy.test_breach import _incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(alice, bob, make_user, make_order):
    """Shoppers and orders with repeated addresses in other spellings."""
    make_user("sam", "sam@example.com")
    make_user("dup", " SAM@example.com ")  # the same person by address
    make_user("staff", "staff@example.com", is_staff=True)  # staff are not shoppers
    make_order(alice, email="Sam@Example.com")
    make_order(alice, email="olga@example.com")
    old = make_order(bob, email="old@example.com")
    from orders.models import Order

    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    Retailer.objects.filter(pk=alice.pk).update(email="Shop@Alice.test")
    Retailer.objects.filter(pk=bob.pk).update(email="shop@alice.test ")  # same address


def _affected(incident) -> int:
    return breach_incidents_with_affected_count(BreachIncident.objects.filter(pk=incident.pk))[
        0
    ].affected_count


@pytest.mark.parametrize(
    "scope",
    [
        BreachIncident.Scope.ALL_SHOPPERS,
        BreachIncident.Scope.ALL_RETAILERS,
        BreachIncident.Scope.SELECTED_RETAILERS,
        BreachIncident.Scope.ORDER_DATE_RANGE,
    ],
)
def test_sql_count_equals_the_distinct_addresses_notify_would_use(
    people, alice, bob, scope, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    incident = _incident(scope=scope, orders_from=today - timedelta(days=5), orders_to=today)
    if scope == BreachIncident.Scope.SELECTED_RETAILERS:
        incident.selected_retailers.set([alice])
    expected = len(set(breach_affected_emails(incident=incident)))
    assert expected > 0
    assert _affected(incident) == expected
    with django_capture_on_commit_callbacks(execute=True):
        created = breach_incident_notify(incident=incident)
    assert created == expected
    incident.refresh_from_db()
    assert _affected(incident) == expected  # now the notification rows


def test_exact_counts(people, alice, bob):
    today = timezone.localdate()
    shoppers = _incident(scope=BreachIncident.Scope.ALL_SHOPPERS)
    retailers = _incident(scope=BreachIncident.Scope.ALL_RETAILERS)
    recent = _incident(
        scope=BreachIncident.Scope.ORDER_DATE_RANGE,
        orders_from=today - timedelta(days=5),
        orders_to=today,
    )
    nobody = _incident(scope=BreachIncident.Scope.SELECTED_RETAILERS)
    # sam (user, user again, order), olga, old -> 3; shop@alice.test twice -> 1
    assert _affected(shoppers) == 3
    assert _affected(retailers) == 1
    assert _affected(recent) == 2  # sam, olga (old is 40 days back)
    assert _affected(nobody) == 0


def test_admin_list_counts_and_progress_in_one_query_whatever_the_number_of_incidents(
    admin_client, people, company
):
    for _ in range(5):
        _incident(scope=BreachIncident.Scope.ALL_SHOPPERS)
    url = "/admin/privacy/breachincident/"
    admin_client.get(url, HTTP_HOST=COMPANY_HOST)  # warm: host map, content types
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url, HTTP_HOST=COMPANY_HOST)
    for _ in range(5):
        _incident(scope=BreachIncident.Scope.ALL_RETAILERS)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert len(many) == len(few)
    assert response.text.count('<td class="field-affected">3</td>') == 5
    assert response.text.count('<td class="field-affected">1</td>') == 5


def test_an_uploaded_list_is_counted_from_the_file(admin_client, company):
    _incident(emails="a@example.com\nA@example.com\nb@example.com\nnot-an-address\n")
    response = admin_client.get("/admin/privacy/breachincident/", HTTP_HOST=COMPANY_HOST)
    assert '<td class="field-affected">2</td>' in response.text
