"""Registration at /register/ on the company host: one transaction, clear messages."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from retailers import services
from retailers.models import Domain, Retailer
from retailers.services import registration
from retailers.validators import retailer_number_is_valid
from shopsocial.mail.models import OutboundEmail
from tests.conftest import COMPANY_HOST

pytestmark = pytest.mark.django_db
User = get_user_model()


def schema_exists(name: str) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cur.fetchone() is not None


def post(client, data):
    return client.post("/register/", data, HTTP_HOST=COMPANY_HOST)


def nothing_created(slug="kristanna", username="kristanna"):
    return (
        not Retailer.objects.filter(slug=slug).exists()
        and not User.objects.filter(username=username).exists()
        and not Domain.objects.filter(domain=f"{slug}.shop.test").exists()
        and not schema_exists(f"r_{slug}")
        and not OutboundEmail.objects.exists()
    )


def test_registration_page_shows_every_field_and_sets_no_cookie(client, company):
    response = client.get("/register/", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    for name in (
        "legal_name",
        "tax_id_kind",
        "tax_id",
        "date_of_birth",
        "slug",
        "username",
        "password1",
        "accept_terms",
        "accept_privacy",
        "postal_code",
        "phone",
    ):
        assert f'name="{name}"' in response.text
    assert 'href="/privacy/"' in response.text
    assert not response.cookies


def test_registration_creates_retailer_login_storefront_and_welcome_email(
    client, company, registration_data, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, registration_data)
    assert response.status_code == 302
    retailer = Retailer.objects.get(slug="kristanna")
    assert retailer_number_is_valid(retailer.retailer_number)
    assert retailer.user.username == "kristanna"
    assert retailer.user.check_password(registration_data["password1"])
    assert retailer.legal_name == "Kristanna Loken"
    assert retailer.phone == "+19495550142"
    assert retailer.display_name == "Kristanna's Cozy Corner"
    assert retailer.tax_id_kind == "ssn"
    assert retailer.tax_id_last4 == "6789"
    assert retailer.tax_id_masked == "***-**-6789"
    assert retailer.terms_accepted_at is not None
    assert schema_exists("r_kristanna")
    assert Domain.objects.get(tenant=retailer).domain == "kristanna.shop.test"

    welcome = client.get(response["Location"], HTTP_HOST=COMPANY_HOST)
    assert welcome.status_code == 200
    assert retailer.retailer_number in welcome.text
    assert 'href="http://kristanna.shop.test/"' in welcome.text
    assert "6789" not in welcome.text

    storefront = client.get("/", HTTP_HOST="kristanna.shop.test")
    assert storefront.status_code == 200
    assert "Kristanna&#x27;s Cozy Corner" in storefront.text

    row = OutboundEmail.objects.get()
    row.refresh_from_db()
    assert (row.kind, row.template, row.to) == ("transactional", "retailer_welcome", retailer.email)
    assert row.dedupe_key == f"retailer-welcome-{retailer.pk}"
    # Sent by the mail task (Celery, eager in tests) after commit.
    assert row.status == OutboundEmail.Status.SENT
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["kristanna@example.com"]
    assert retailer.retailer_number in mail.subject
    body = mail.body + mail.alternatives[0][0]
    assert retailer.retailer_number in body
    assert "http://kristanna.shop.test/" in body
    for secret in ("123-45-6789", "123456789", "6789"):
        assert secret not in body
    assert "6789" not in str(row.context)


def test_registration_with_ein_stores_it_masked_as_ein(client, company, registration_data):
    registration_data.update(tax_id_kind="ein", tax_id="12-3456789")
    assert post(client, registration_data).status_code == 302
    retailer = Retailer.objects.get(slug="kristanna")
    assert retailer.tax_id_kind == "ein"
    assert retailer.tax_id_masked == "**-***6789"


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("ssn", "000-12-3456", "no SSN was ever issued"),
        ("ssn", "666-12-3456", "no SSN was ever issued"),
        ("ssn", "912-12-3456", "no SSN was ever issued"),
        ("ssn", "123-00-4567", "no SSN was ever issued"),
        ("ssn", "123-45-0000", "no SSN was ever issued"),
        ("ssn", "078-05-1120", "no SSN was ever issued"),  # the publicised "Woolworth" number
        ("ssn", "219-09-9999", "no SSN was ever issued"),
        ("ssn", "12-3456780", "as 9 digits, like 123-45-6789"),
        ("ssn", "<script>", "as 9 digits, like 123-45-6789"),
        ("ein", "07-1234567", "no EIN starts with 07"),
        ("ein", "00-1234567", "no EIN starts with 00"),
        ("ein", "123-45-6780", "like 12-3456789"),
    ],
)
def test_impossible_tax_ids_are_refused_and_not_echoed(
    client, company, registration_data, kind, value, message
):
    registration_data.update(tax_id_kind=kind, tax_id=value)
    response = post(client, registration_data)
    assert response.status_code == 400
    assert message in response.text
    assert nothing_created()
    # What was typed stays, except the tax id and the passwords.
    assert 'value="Kristanna Loken"' in response.text
    assert 'value="12 Ocean Ave"' in response.text
    assert 'value="kristanna"' in response.text
    assert value not in response.text
    assert registration_data["password1"] not in response.text


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("ab", "3 to 30 characters"),
        ("a" * 31, "3 to 30 characters"),
        ("www", "is reserved"),
        ("admin", "is reserved"),
        ("backoffice", "is reserved"),
        ("support", "is reserved"),
        ("my_shop", "letters a–z, digits and hyphens"),
        ("-shop", "starting and ending with a letter or digit"),
        ("shop-", "starting and ending with a letter or digit"),
        ("xn--shop", "two hyphens in a row"),
        ("my shop", "letters a–z, digits and hyphens"),
        ("аlice", "look-alike"),  # Cyrillic а
        ("ｓhop", "look-alike"),  # full-width s
        ("café", "look-alike"),
        ("<b>x</b>", "letters a–z, digits and hyphens"),
        ("x';DROP TABLE r;--", "letters a–z, digits and hyphens"),
        ("alice", "already taken"),
        ("ALICE", "already taken"),
    ],
)
def test_bad_subdomains_get_a_clear_message(client, alice, registration_data, slug, message):
    registration_data["slug"] = slug
    response = post(client, registration_data)
    assert response.status_code == 400
    assert message in response.text
    assert not User.objects.filter(username="kristanna").exists()
    assert Retailer.objects.filter(kind="retailer").count() == 2


def test_uppercase_subdomain_is_lowercased(client, company, registration_data):
    registration_data["slug"] = "KristAnna"
    assert post(client, registration_data).status_code == 302
    assert Retailer.objects.filter(slug="kristanna").exists()


def test_duplicate_username_and_email_are_refused(client, company, registration_data):
    assert post(client, registration_data).status_code == 302
    again = dict(registration_data, slug="kristanna2", username="KRISTANNA")
    response = post(client, again)
    assert response.status_code == 400
    assert "That username is already taken" in response.text
    assert "A retailer with this email address already exists" in response.text
    assert not Retailer.objects.filter(slug="kristanna2").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date_of_birth": "2015-01-01"}, "date_of_birth", "18 or older"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": "not a date"}, "date_of_birth", "Enter a valid date"),
        ({"password1": "password", "password2": "password"}, "password1", "too common"),
        ({"password2": "Different-Horse-99"}, "password2", "do not match"),
        ({"phone": "555"}, "phone", "US phone number"),
        ({"postal_code": "9267"}, "postal_code", "ZIP code like 78701"),
        ({"state": "ZZ"}, "state", "Choose a US state from the list"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"legal_name": "<script>alert(1)</script>"}, "legal_name", "letters, spaces"),
        ({"legal_name": "Robert'); DROP TABLE users;--"}, "legal_name", "letters, spaces"),
        ({"legal_name": "x" * 500}, "legal_name", "at most 120 characters"),
        ({"display_name": "<img src=x onerror=alert(1)>"}, "display_name", "cannot contain"),
        ({"username": "kristänna"}, "username", "Enter a valid username"),
        ({"accept_terms": ""}, "accept_terms", "accept the retailer terms"),
        ({"accept_privacy": ""}, "accept_privacy", "Privacy Policy"),
        ({"tax_id_kind": "passport"}, "tax_id_kind", "Select a valid choice"),
        ({"legal_name": ""}, "legal_name", "This field is required"),
    ],
)
def test_bad_fields_get_clear_messages_and_create_nothing(
    client, company, registration_data, changes, field, message
):
    registration_data.update(changes)
    response = post(client, registration_data)
    assert response.status_code == 400
    assert message in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert "<img src=x" not in response.text
    assert nothing_created()


def test_missing_everything_is_a_clear_400(client, company):
    response = client.post("/register/", {}, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 400
    assert "This field is required" in response.text
    assert Retailer.objects.filter(kind="retailer").count() == 2  # alice and bob only


def test_registration_is_rate_limited_per_client(client, company, registration_data, settings):
    settings.RETAILER_REGISTRATION_RATE = "2/h"
    bad = dict(registration_data, tax_id="000-00-0000")
    assert post(client, bad).status_code == 400
    assert post(client, bad).status_code == 400
    response = post(client, registration_data)
    assert response.status_code == 429
    assert "Too many registration attempts" in response.text
    assert 'value="Kristanna Loken"' in response.text
    assert registration_data["password1"] not in response.text
    assert nothing_created()
    other = client.post(
        "/register/", registration_data, HTTP_HOST=COMPANY_HOST, REMOTE_ADDR="10.9.8.7"
    )
    assert other.status_code == 302


def test_failure_after_schema_creation_leaves_no_schema_domain_or_login(
    client, company, registration_data, monkeypatch
):
    def broken_email(**kwargs):
        assert schema_exists("r_kristanna")  # the schema was created ...
        raise RuntimeError("mail row could not be written")

    monkeypatch.setattr(registration, "retailer_welcome_email_enqueue", broken_email)
    with pytest.raises(RuntimeError):
        post(client, registration_data)
    assert nothing_created()  # ... and rolled back with everything else


def test_retailer_numbers_are_never_reused_after_a_rollback(company, registration_data):
    first = services.retailer_number_next()
    second = services.retailer_number_next()
    assert first != second
    assert int(second[:-1]) == int(first[:-1]) + 1
    assert retailer_number_is_valid(first) and retailer_number_is_valid(second)


def test_welcome_link_with_a_forged_token_is_404(client, company):
    response = client.get("/register/welcome/forged:token/", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 404


def test_registration_is_not_served_on_storefront_hosts(client, alice):
    response = client.get("/register/", HTTP_HOST="alice.shop.test")
    assert response.status_code == 404
