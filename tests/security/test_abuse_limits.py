"""Rate limits and lockouts: repeated sign-in failures lock the account; form floods get 429."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client

from privacy.models import Ticket
from retailers.models import Retailer
from tests.conftest import ALICE_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db

PASSWORD = "Right-pass-for-limits-1"


@pytest.fixture(autouse=True)
def _fresh_limits():
    caches["shared"].clear()
    yield
    caches["shared"].clear()


def test_back_office_sign_in_locks_out_after_five_failures_even_with_the_right_password(alice):
    user = get_user_model().objects.create_user("alice-limits", "al@example.com", PASSWORD)
    Retailer.objects.filter(pk=alice.pk).update(user=user)
    alice.refresh_from_db()
    client = Client()
    form = {"retailer_number": alice.retailer_number, "username": "alice-limits"}
    for _ in range(5):
        client.post("/backoffice/signin/", {**form, "password": "wrong"}, HTTP_HOST=COMPANY_HOST)
    response = client.post(
        "/backoffice/signin/", {**form, "password": PASSWORD}, HTTP_HOST=COMPANY_HOST
    )
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_admin_sign_in_locks_out_after_five_failures_even_with_the_right_password(company):
    get_user_model().objects.create_superuser("staff-limits", "st@example.com", PASSWORD)
    client = Client()
    for _ in range(5):
        client.post(
            "/admin/login/",
            {"username": "staff-limits", "password": "wrong"},
            HTTP_HOST=COMPANY_HOST,
        )
    client.post(
        "/admin/login/",
        {"username": "staff-limits", "password": PASSWORD},
        HTTP_HOST=COMPANY_HOST,
    )
    assert "_auth_user_id" not in client.session


def test_contact_form_allows_five_tickets_an_hour_per_client_then_429(alice):
    client = Client()
    data = {
        "topic": "other",
        "name": "Flo Od",
        "email": "flood@example.com",
        "message": "Hello there",
    }
    statuses = [client.post("/contact/", data, HTTP_HOST=ALICE_HOST).status_code for _ in range(5)]
    assert statuses == [303] * 5
    before = Ticket.objects.count()
    response = client.post("/contact/", data, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 429
    assert Ticket.objects.count() == before


@pytest.mark.parametrize(
    ("host", "path"),
    [(COMPANY_HOST, "/register/"), (ALICE_HOST, "/newsletter/"), (COMPANY_HOST, "/newsletter/")],
    ids=["registration", "newsletter-storefront", "newsletter-company"],
)
def test_a_flood_of_posts_is_answered_with_429(alice, host, path):
    client = Client()
    statuses = [client.post(path, {"email": "x"}, HTTP_HOST=host).status_code for _ in range(40)]
    assert 429 in statuses
    assert 500 not in statuses
    assert statuses[0] != 429
