"""Staff sign-in to the admin locks out after repeated failures (django-axes)."""

import io

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import COMPANY_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        "ops", "ops@example.com", "correct-horse-battery", is_staff=True
    )


def _sign_in(client, password):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "ops", "password": password, "next": "/admin/"},
        HTTP_HOST=COMPANY_HOST,
    )


def test_staff_sign_in_works_with_the_right_password(client, company, staff):
    response = _sign_in(client, "correct-horse-battery")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_staff_sign_in_locks_after_repeated_failures_even_with_the_right_password(
    client, company, staff, settings
):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert _sign_in(client, "wrong").status_code == 200
    assert AccessAttempt.objects.get(username="ops").failures_since_start == (
        settings.AXES_FAILURE_LIMIT
    )
    response = _sign_in(client, "correct-horse-battery")
    assert response.status_code == 200
    assert "Too many failed sign-ins" in response.text
    assert "_auth_user_id" not in client.session


def _totp_now(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_with_two_factor_required_a_password_alone_does_not_open_the_admin(
    client, company, staff, settings
):
    settings.ADMIN_REQUIRE_2FA = True
    response = _sign_in(client, "correct-horse-battery")
    assert response.status_code == 200
    client.force_login(staff)  # a session without OTP verification
    assert client.get("/admin/", HTTP_HOST=COMPANY_HOST).status_code == 302


def test_with_two_factor_required_staff_enter_with_password_and_current_code(
    client, company, staff, settings
):
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.ADMIN_REQUIRE_2FA = True
    call_command("staff_totp_enroll", "ops", stdout=io.StringIO())
    device = TOTPDevice.objects.get(user=staff)
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": "ops",
            "password": "correct-horse-battery",
            "otp_device": device.persistent_id,
            "otp_token": _totp_now(device),
            "next": "/admin/",
        },
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 302
    assert client.get("/admin/", HTTP_HOST=COMPANY_HOST).status_code == 200
