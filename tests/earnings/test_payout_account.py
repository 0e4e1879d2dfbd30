"""Bank details for payouts: validated, encrypted, masked, behind the password; a change
is announced to the old and new address and payouts to it wait."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from retailers import crypto
from retailers.earnings import services
from retailers.earnings.models import PayoutAccount, PayoutLine
from retailers.models import Retailer, RetailerAuditEvent
from tests.conftest import COMPANY_HOST

from .conftest import PASSWORD, with_login
from .test_payouts import shipped_and_due

pytestmark = pytest.mark.django_db
URL = "/backoffice/earnings/payout-account/"
ACCOUNT = "000123456789"


def details(**overrides) -> dict:
    return {
        "holder_name": "Alice Example",
        "routing_number": "021000021",
        "account_number": ACCOUNT,
        "account_type": "checking",
        "password": PASSWORD,
        **overrides,
    }


@pytest.fixture
def signed_in(client, alice):
    from tests.retailers.conftest import sign_in

    with_login(alice, "pa1")
    sign_in(client, alice, PASSWORD)
    return client


def post(client, **overrides):
    return client.post(URL, details(**overrides), HTTP_HOST=COMPANY_HOST)


def test_a_retailer_adds_bank_details_stored_encrypted_and_shown_masked(
    signed_in, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(signed_in)
    assert response.status_code == 302
    account = PayoutAccount.objects.get(retailer=alice)
    assert (account.holder_name, account.routing_number, account.account_last4) == (
        "Alice Example",
        "021000021",
        "6789",
    )
    assert ACCOUNT not in account.account_number_encrypted
    assert crypto.decrypt(account.account_number_encrypted) == ACCOUNT
    assert account.payable_from <= timezone.now()  # a first account needs no wait
    page = signed_in.get(URL, HTTP_HOST=COMPANY_HOST).content.decode()
    assert 'id="pa-account">Checking ••••6789<' in page
    assert 'id="pa-routing">•••••0021<' in page
    assert ACCOUNT not in page and "021000021" not in page
    assert 'id="pa-wait"' not in page
    assert mailoutbox == []  # nothing changed hands: no "changed" email


@pytest.mark.parametrize(
    ("field", "value"),
    [("routing_number", "021000022"), ("routing_number", "12345"), ("account_number", "12ab")],
)
def test_invalid_bank_details_are_refused_and_nothing_is_stored(signed_in, alice, field, value):
    response = post(signed_in, **{field: value})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not PayoutAccount.objects.filter(retailer=alice).exists()


def test_a_wrong_password_changes_nothing_and_is_audited(signed_in, alice, mailoutbox):
    response = post(signed_in, password="not-it")
    assert response.status_code == 400
    assert "That password is not right." in response.content.decode()
    assert not PayoutAccount.objects.filter(retailer=alice).exists()
    assert RetailerAuditEvent.objects.filter(
        retailer=alice, action="reauth_failed", detail="payout_account"
    ).exists()


def test_a_change_emails_old_and_new_address_and_payouts_wait(
    signed_in, alice, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.PAYOUT_ACCOUNT_CHANGE_WAIT_DAYS = 10
    post(signed_in)
    Retailer.objects.filter(pk=alice.pk).update(email="new-alice@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(signed_in, account_number="55554444", account_type="savings")
    assert response.status_code == 302
    old, new = PayoutAccount.objects.filter(retailer=alice).order_by("created_at")
    assert old.replaced_at is not None and new.replaced_at is None
    wait = new.payable_from - new.created_at
    assert timedelta(days=10) - timedelta(seconds=5) < wait <= timedelta(days=10)
    assert sorted(m.to[0] for m in mailoutbox) == ["new-alice@example.com", "pa1@example.com"]
    mail = mailoutbox[0]
    assert mail.subject == "Your payout account changed"
    assert "••••6789" in mail.body and "••••4444" in mail.body
    assert "55554444" not in mail.body and mail.alternatives
    page = signed_in.get(URL, HTTP_HOST=COMPANY_HOST).content.decode()
    assert 'id="pa-wait"' in page and 'id="pa-account">Savings ••••4444<' in page


def test_an_ach_run_holds_retailers_without_an_account_or_with_a_fresh_change(
    plan, alice, bob, candles, settings
):
    from retailers.earnings.payout_accounts import payout_account_set

    settings.PAYOUT_RAIL = "ach"
    settings.PAYOUT_ACH_PRENOTES = False  # prenotes: tests/earnings/test_ach.py
    with_login(alice, "pa2")
    with_login(bob, "pa3")
    shipped_and_due(alice, candles, "200.00")
    shipped_and_due(bob, candles, "200.00")
    kwargs = details()
    payout_account_set(retailer=alice, actor=alice.user, **kwargs)
    payout_account_set(retailer=alice, actor=alice.user, **{**kwargs, "account_number": "9999"})
    finance = get_user_model().objects.create_user("fin-pa", "fin-pa@example.com", "x")
    batch = services.payout_batch_create(period_end=timezone.localdate(), actor=finance)
    lines = {line.retailer_id: line for line in PayoutLine.objects.filter(batch=batch)}
    assert lines[alice.pk].held and "payouts to it start on" in lines[alice.pk].hold_reason
    assert lines[bob.pk].held and lines[bob.pk].hold_reason.startswith("No bank account")
    assert lines[alice.pk].amount == Decimal("40.00")


def test_finance_sees_bank_details_masked_only_and_support_not_at_all(client, alice):
    from retailers.earnings.payout_accounts import payout_account_set

    with_login(alice, "pa4")
    payout_account_set(retailer=alice, actor=alice.user, **details())
    User = get_user_model()
    finance = User.objects.create_user("fin-pa2", "f2@example.com", "x", is_staff=True)
    finance.groups.add(Group.objects.get(name="Finance"))
    client.force_login(finance)
    page = client.get("/admin/earnings/payoutaccount/", HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 200
    text = page.content.decode()
    assert "••••6789" in text and ACCOUNT not in text and "021000021" not in text
    account = PayoutAccount.objects.get(retailer=alice)
    detail = client.get(
        f"/admin/earnings/payoutaccount/{account.pk}/change/", HTTP_HOST=COMPANY_HOST
    ).content.decode()
    assert (
        "••••6789" in detail
        and ACCOUNT not in detail
        and account.account_number_encrypted not in detail
    )

    support = User.objects.create_user("sup-pa", "s@example.com", "x", is_staff=True)
    support.groups.add(Group.objects.get_or_create(name="Support")[0])
    client.force_login(support)
    assert client.get("/admin/earnings/payoutaccount/", HTTP_HOST=COMPANY_HOST).status_code == 403
