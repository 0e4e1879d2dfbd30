"""Back-office sign-in: Retailer ID + username + password, lockout, 2FA, expiry, suspension."""

from __future__ import annotations

import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from retailers.models import Retailer
from retailers.services import retailer_suspend
from tests.conftest import COMPANY_HOST

from .conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def dashboard(client):
    return client.get("/backoffice/", HTTP_HOST=COMPANY_HOST)


def test_back_office_requires_sign_in(client, company):
    response = dashboard(client)
    assert response.status_code == 302
    assert response["Location"] == "/backoffice/signin/?next=/backoffice/"


def test_retailer_signs_in_with_id_username_and_password(client, alice_owner):
    response = sign_in(client, alice_owner)
    assert response.status_code == 302
    assert response["Location"] == "/backoffice/"
    page = dashboard(client)
    assert page.status_code == 200
    assert alice_owner.retailer_number in page.text
    assert page["Cache-Control"] == "no-store"


@pytest.mark.parametrize("wrong", ["retailer_number", "username", "password"])
def test_any_wrong_part_refuses_sign_in_with_one_message(client, alice_owner, bob_owner, wrong):
    data = {
        "retailer_number": alice_owner.retailer_number,
        "username": "alice_owner",
        "password": PASSWORD,
    }
    data[wrong] = {
        "retailer_number": bob_owner.retailer_number,
        "username": "bob_owner",
        "password": "wrong-password",
    }[wrong]
    response = client.post("/backoffice/signin/", data, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 400
    assert "The Retailer ID, username or password is not right." in response.text
    assert dashboard(client).status_code == 302


def test_malformed_retailer_id_gets_a_clear_message(client, alice_owner):
    response = client.post(
        "/backoffice/signin/",
        {"retailer_number": "12345", "username": "alice_owner", "password": PASSWORD},
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 400
    assert "not a valid Retailer ID" in response.text


def test_repeated_failures_lock_the_account_for_that_client(client, alice_owner, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert sign_in(client, alice_owner, password="wrong").status_code == 400
    third = sign_in(client, alice_owner, password="wrong")
    assert third.status_code == 429  # the failure that reaches the limit locks at once
    locked = sign_in(client, alice_owner)  # even the right password is refused now
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.text
    assert dashboard(client).status_code == 302
    # Another client (IP) is not locked out.
    assert sign_in(client, alice_owner, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_suspended_retailer_cannot_sign_in(client, alice_owner):
    retailer_suspend(retailer=alice_owner, actor=None)
    response = sign_in(client, alice_owner)
    assert response.status_code == 403
    assert "suspended" in response.text
    assert dashboard(client).status_code == 302


def test_suspension_ends_an_open_back_office_session(alice_client, alice_owner):
    assert dashboard(alice_client).status_code == 200
    retailer_suspend(retailer=alice_owner, actor=None)
    assert dashboard(alice_client).status_code == 302


def test_idle_session_expires(alice_client, settings):
    session = alice_client.session
    session["backoffice_seen_at"] = int(time.time()) - settings.BACKOFFICE_IDLE_SECONDS - 5
    session.save()
    response = dashboard(alice_client)
    assert response.status_code == 302
    assert dashboard(alice_client).status_code == 302  # signed out for good


def test_sign_out(alice_client):
    response = alice_client.post("/backoffice/signout/", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 302
    assert dashboard(alice_client).status_code == 302


def test_sign_out_by_get_is_refused(alice_client):
    assert alice_client.get("/backoffice/signout/", HTTP_HOST=COMPANY_HOST).status_code == 405
    assert dashboard(alice_client).status_code == 200


def test_next_parameter_cannot_redirect_off_site(client, alice_owner):
    response = client.post(
        "/backoffice/signin/",
        {
            "retailer_number": alice_owner.retailer_number,
            "username": "alice_owner",
            "password": PASSWORD,
            "next": "https://evil.example/",
        },
        HTTP_HOST=COMPANY_HOST,
    )
    assert response["Location"] == "/backoffice/"


def test_staff_user_without_retailer_cannot_use_back_office(client, company, django_user_model):
    staff = django_user_model.objects.create_user("staffer", password=PASSWORD, is_staff=True)
    client.force_login(staff)
    assert dashboard(client).status_code == 302


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_totp_enrolment_then_sign_in_asks_for_the_code(client, alice_client, alice_owner):
    page = alice_client.post("/backoffice/security/", {"action": "start"}, HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 302
    setup = alice_client.get("/backoffice/security/", HTTP_HOST=COMPANY_HOST)
    assert "otpauth://totp/" in setup.text
    device = TOTPDevice.objects.get(user=alice_owner.user, confirmed=False)
    wrong = alice_client.post(
        "/backoffice/security/",
        {"action": "confirm", "otp_token": "000000"},
        HTTP_HOST=COMPANY_HOST,
    )
    assert wrong.status_code == 400
    assert "not right" in wrong.text
    ok = alice_client.post(
        "/backoffice/security/",
        {"action": "confirm", "otp_token": _code(device)},
        HTTP_HOST=COMPANY_HOST,
    )
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    alice_client.post("/backoffice/signout/", HTTP_HOST=COMPANY_HOST)

    step1 = sign_in(alice_client, alice_owner)
    assert step1["Location"] == "/backoffice/signin/code/"
    assert dashboard(alice_client).status_code == 302  # not signed in yet
    bad = alice_client.post(
        "/backoffice/signin/code/", {"otp_token": "12345x"}, HTTP_HOST=COMPANY_HOST
    )
    assert bad.status_code == 400
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    good = alice_client.post(
        "/backoffice/signin/code/", {"otp_token": _code(device)}, HTTP_HOST=COMPANY_HOST
    )
    assert good.status_code == 302
    assert dashboard(alice_client).status_code == 200


def test_code_step_without_password_step_sends_back_to_sign_in(client, company):
    response = client.post(
        "/backoffice/signin/code/", {"otp_token": "123456"}, HTTP_HOST=COMPANY_HOST
    )
    assert response.status_code == 302
    assert response["Location"] == "/backoffice/signin/"


def test_turning_off_2fa_needs_the_password(alice_client, alice_owner):
    TOTPDevice.objects.create(user=alice_owner.user, name="x", confirmed=True)
    refused = alice_client.post(
        "/backoffice/security/", {"action": "disable", "password": "nope"}, HTTP_HOST=COMPANY_HOST
    )
    assert refused.status_code == 403
    assert TOTPDevice.objects.filter(user=alice_owner.user).count() == 1
    done = alice_client.post(
        "/backoffice/security/", {"action": "disable", "password": PASSWORD}, HTTP_HOST=COMPANY_HOST
    )
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=alice_owner.user).exists()
    assert (
        Retailer.objects.get(pk=alice_owner.pk).audit_events.filter(action="2fa_disabled").count()
        == 1
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"retailer_number": "x" * 5000, "username": "alice_owner", "password": "p"},
        {"retailer_number": "１０００００９", "username": "alice_owner", "password": "p"},
        {"retailer_number": "' OR 1=1 --", "username": "' OR 1=1 --", "password": "' OR 1=1 --"},
        {"retailer_number": "<script>alert(1)</script>", "username": "a", "password": "b"},
        {"retailer_number": "1000009", "username": "a" * 1000, "password": "b" * 1000},
    ],
)
def test_hostile_sign_in_input_gets_a_clear_400(client, alice_owner, data):
    response = client.post("/backoffice/signin/", data, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.text
    assert "Please correct" in response.text
    assert dashboard(client).status_code == 302


def test_activity_keeps_the_session_alive_and_writes_it_at_most_once_a_minute(
    alice_client, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = alice_client.session
    session["backoffice_seen_at"] = int(time.time()) - settings.BACKOFFICE_IDLE_SECONDS + 120
    session.save()
    assert dashboard(alice_client).status_code == 200
    # The visit was recorded: without it, the session would expire two minutes from now.
    seen = alice_client.session["backoffice_seen_at"]
    assert seen >= int(time.time()) - 5
    # A second visit within the minute does not write the session row again.
    with CaptureQueriesContext(connection) as queries:
        assert dashboard(alice_client).status_code == 200
    assert not [q for q in queries if q["sql"].startswith('UPDATE "django_session"')]
    assert alice_client.session["backoffice_seen_at"] == seen
