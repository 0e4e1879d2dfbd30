"""Re-authentication gates are throttled like sign-in, and every failure is audited.

SSN/EIN reveal, password change and turning two-step sign-in off each ask for the
password again. Five wrong passwords (AXES_FAILURE_LIMIT), at any mix of gates, lock
this account from this address: the right password is then refused at every gate
and at the back-office sign-in, nothing is revealed or changed, and the audit trail
names each failed gate.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.cache import caches
from django_otp.plugins.otp_totp.models import TOTPDevice

from retailers.models import RetailerAuditEvent
from tests.conftest import COMPANY_HOST
from tests.retailers.conftest import PASSWORD

pytestmark = pytest.mark.django_db

GATES = {
    # gate: (path, wrong-password form, right-password form)
    "tax_id_reveal": ("/backoffice/contact/reveal/", {"password": "wrong"}, {"password": PASSWORD}),
    "password_change": (
        "/backoffice/password/",
        {"old_password": "wrong", "new_password1": "N3w-pass-xyz!", "new_password2": "N3w-pass-xyz!"},
        {"old_password": PASSWORD, "new_password1": "N3w-pass-xyz!", "new_password2": "N3w-pass-xyz!"},
    ),
    "2fa_disable": (
        "/backoffice/security/",
        {"action": "disable", "password": "wrong"},
        {"action": "disable", "password": PASSWORD},
    ),
}  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_limits():
    caches["shared"].clear()
    yield
    caches["shared"].clear()


def post(client, path, data):
    return client.post(path, data, HTTP_HOST=COMPANY_HOST)


def audit(retailer, action):
    return list(
        RetailerAuditEvent.objects.filter(retailer=retailer, action=action)
        .order_by("pk")
        .values_list("detail", flat=True)
    )


@pytest.mark.parametrize("gate", GATES)
def test_a_wrong_password_at_a_gate_is_audited_and_counted_like_a_failed_sign_in(
    alice_client, alice_owner, gate
):
    path, wrong, _ = GATES[gate]
    response = post(alice_client, path, wrong)
    assert response.status_code in (400, 403)
    assert audit(alice_owner, RetailerAuditEvent.Action.REAUTH_FAILED) == [gate]
    attempt = AccessAttempt.objects.get(username=alice_owner.user.get_username())
    assert attempt.failures_since_start == 1
    assert PASSWORD not in str(attempt.post_data) and "wrong" not in str(attempt.post_data)


@pytest.mark.parametrize("gate", GATES)
def test_five_wrong_passwords_lock_every_gate_and_the_sign_in(alice_client, alice_owner, gate):
    TOTPDevice.objects.create(user=alice_owner.user, name="app", confirmed=True)
    order = [gate, *[g for g in GATES if g != gate]]
    for i in range(5):  # wrong passwords spread over the gates
        path, wrong, _ = GATES[order[i % 3]]
        post(alice_client, path, wrong)

    for name, (path, _, right) in GATES.items():
        response = post(alice_client, path, right)
        assert response.status_code == 403, name
        assert "Too many wrong passwords" in response.content.decode(), name

    # Nothing happened: no SSN shown, password unchanged, the device still there.
    alice_owner.user.refresh_from_db()
    assert alice_owner.user.check_password(PASSWORD)
    assert TOTPDevice.objects.filter(user=alice_owner.user).count() == 1
    assert audit(alice_owner, RetailerAuditEvent.Action.TAX_ID_REVEALED) == []
    assert len(audit(alice_owner, RetailerAuditEvent.Action.REAUTH_FAILED)) == 5
    assert sorted(audit(alice_owner, RetailerAuditEvent.Action.REAUTH_LOCKED_OUT)) == sorted(GATES)

    # The same lockout as sign-in: the right password no longer signs in from here.
    alice_client.logout()
    signin = alice_client.post(
        "/backoffice/signin/",
        {
            "retailer_number": alice_owner.retailer_number,
            "username": alice_owner.user.get_username(),
            "password": PASSWORD,
        },
        HTTP_HOST=COMPANY_HOST,
    )
    assert signin.status_code in (403, 429)
    assert "_auth_user_id" not in alice_client.session


def test_the_right_password_still_works_below_the_limit(alice_client, alice_owner):
    path, wrong, right = GATES["tax_id_reveal"]
    for _ in range(4):
        post(alice_client, path, wrong)
    response = post(alice_client, path, right)
    assert response.status_code == 200
    assert "123-45-6789" in response.content.decode()


def test_staff_password_change_in_the_admin_is_throttled_too(client, company):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_user("gate-staff", "gs@example.com", PASSWORD)
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    new = {"new_password1": "N3w-pass-xyz!", "new_password2": "N3w-pass-xyz!"}
    for _ in range(5):
        wrong = client.post(
            "/admin/password_change/", {"old_password": "wrong", **new}, HTTP_HOST=COMPANY_HOST
        )
        assert wrong.status_code == 200
    assert AccessAttempt.objects.get(username="gate-staff").failures_since_start == 5
    locked = client.post(
        "/admin/password_change/", {"old_password": PASSWORD, **new}, HTTP_HOST=COMPANY_HOST
    )
    assert locked.status_code == 200
    assert "Too many wrong passwords" in locked.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_the_1099_tax_id_export_needs_the_password_and_is_throttled(client, alice_owner):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    staff = get_user_model().objects.create_user("gate-compliance", "gc@example.com", PASSWORD)
    staff.is_staff = True
    staff.save()
    staff.groups.add(Group.objects.get(name="Compliance"))
    client.force_login(staff)
    url = "/admin/earnings/payoutbatch/year-end/?year=2026"
    for _ in range(5):
        wrong = client.post(url, {"format": "csv-tin", "password": "wrong"}, HTTP_HOST=COMPANY_HOST)
        assert wrong.status_code == 403
        assert wrong["Content-Type"].startswith("text/html")
    assert AccessAttempt.objects.get(username="gate-compliance").failures_since_start == 5
    locked = client.post(url, {"format": "csv-tin", "password": PASSWORD}, HTTP_HOST=COMPANY_HOST)
    assert locked.status_code == 403
    assert "Too many wrong passwords" in locked.content.decode()
    assert audit(alice_owner, RetailerAuditEvent.Action.TAX_ID_REVEALED) == []


def test_shopper_password_change_is_throttled_too(client, alice):
    from django.contrib.auth import get_user_model

    from tests.conftest import ALICE_HOST

    shopper = get_user_model().objects.create_user("pat@example.com", "pat@example.com", PASSWORD)
    client.force_login(shopper)
    new = {"new_password1": "N3w-pass-xyz!", "new_password2": "N3w-pass-xyz!"}
    for _ in range(5):
        wrong = client.post(
            "/account/password/", {"old_password": "wrong", **new}, HTTP_HOST=ALICE_HOST
        )
        assert wrong.status_code == 400
    assert AccessAttempt.objects.get(username="pat@example.com").failures_since_start == 5
    locked = client.post(
        "/account/password/", {"old_password": PASSWORD, **new}, HTTP_HOST=ALICE_HOST
    )
    assert locked.status_code == 400
    assert "Too many wrong passwords" in locked.content.decode()
    shopper.refresh_from_db()
    assert shopper.check_password(PASSWORD)
