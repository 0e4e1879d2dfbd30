"""Stripe Connect, the other payout rail: Express onboarding from the back office, a
transfer per payout line with its own idempotency key, and `account.updated` /
`transfer.*` webhooks through the signed, recorded webhook path. Against the offline
gateway, and against the real `stripe` library with a fake HTTP client."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import parse_qsl, urlparse

import pytest
import stripe
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils import timezone

from orders.gateways.offline import offline_transfer_reverse
from orders.gateways.stripe import StripeGateway
from orders.models import OfflineConnectAccount, OfflineTransfer, WebhookEvent
from retailers.earnings import selectors, services
from retailers.earnings.models import CommissionEntry, ConnectAccount, PayoutBatch
from tests.conftest import COMPANY_HOST

from .conftest import PASSWORD, with_login
from .test_payouts import shipped_and_due

pytestmark = pytest.mark.django_db
STRIPE_WEBHOOK_SECRET = "whsec_connect_test"
ADMIN = "/admin/earnings/payoutbatch/"
START = "/backoffice/earnings/payout-account/stripe/"


@pytest.fixture
def finance():
    user = get_user_model().objects.create_user("fin-connect", "fin-connect@example.com", "x")
    user.groups.add(Group.objects.get(name="Finance"))
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def connect_rail(settings):
    settings.PAYOUT_RAIL = "stripe"


def sign_in(client, retailer, username):
    from tests.retailers.conftest import sign_in as do_sign_in

    with_login(retailer, username)
    do_sign_in(client, retailer, PASSWORD)


def send_transfers(client, finance, batch):
    client.force_login(finance)
    return client.post(
        ADMIN, {"action": "send_transfers", "_selected_action": [batch.pk]}, HTTP_HOST=COMPANY_HOST
    )


def test_offline_onboarding_transfers_and_a_reversal(
    client, plan, alice, bob, candles, finance, connect_rail, django_capture_on_commit_callbacks
):
    sign_in(client, alice, "cn1")
    with_login(bob, "cn2")
    page = client.get("/backoffice/earnings/payout-account/", HTTP_HOST=COMPANY_HOST)
    assert b"Set up Stripe payouts" in page.content
    response = client.post(START, HTTP_HOST=COMPANY_HOST)
    account = ConnectAccount.objects.get(retailer=alice)
    assert not account.payouts_enabled
    onboarding = urlparse(response["Location"])
    assert onboarding.path == f"/offline-gateway/connect/{account.account_id}/"
    assert b"Complete onboarding" in client.get(onboarding.path, HTTP_HOST=COMPANY_HOST).content
    # Asking again reuses the same account (one per retailer).
    client.post(START, HTTP_HOST=COMPANY_HOST)
    assert OfflineConnectAccount.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(onboarding.path + "submit/", HTTP_HOST=COMPANY_HOST)
    assert urlparse(done["Location"]).path == "/backoffice/earnings/payout-account/stripe/return/"
    account.refresh_from_db()
    assert account.payouts_enabled  # from the signed account.updated webhook
    assert WebhookEvent.objects.filter(type="account.updated").count() == 1
    back = client.get(done["Location"], HTTP_HOST=COMPANY_HOST, follow=True)
    assert b"Stripe payouts are set up" in back.content

    shipped_and_due(alice, candles, "200.00")  # 40.00
    shipped_and_due(bob, candles, "200.00")  # no Connect account: held with the reason
    batch = services.payout_batch_create(period_end=timezone.localdate(), actor=finance)
    assert batch.rail == PayoutBatch.Rail.STRIPE
    held = batch.lines.get(retailer=bob)
    assert held.held and "Set up payouts with Stripe" in held.hold_reason
    # Mark paid alone is refused on this rail: the transfers mark it paid.
    with pytest.raises(services.EarningsError, match="send its transfers"):
        services.payout_batch_mark_paid(batch=batch, actor=finance)

    with django_capture_on_commit_callbacks(execute=True):
        send_transfers(client, finance, batch)
    line = batch.lines.get(retailer=alice)
    transfer = OfflineTransfer.objects.get()
    assert (line.transfer_id, line.transfer_status) == (transfer.transfer_id, "created")
    assert (transfer.amount, transfer.destination) == (4000, account.account_id)
    assert transfer.idempotency_key == f"payout-line-{line.pk}"
    assert WebhookEvent.objects.filter(type="transfer.created").count() == 1
    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.PAID
    assert selectors.owed_to_retailer(retailer=alice) == Decimal("0.00")

    # Reversed at the gateway: the line did not pay, the entries are payable again.
    with django_capture_on_commit_callbacks(execute=True):
        offline_transfer_reverse(transfer_id=transfer.transfer_id)
    line.refresh_from_db()
    assert line.held and line.transfer_status == "reversed"
    assert selectors.owed_to_retailer(retailer=alice) == Decimal("40.00")
    assert CommissionEntry.objects.filter(
        retailer=alice, status=CommissionEntry.Status.PAYABLE, payout_line=None
    ).exists()
    again = services.payout_batch_create(period_end=timezone.localdate(), actor=finance)
    assert again.lines.get(retailer=alice).amount == Decimal("40.00")


class FakeConnectHTTP(stripe.HTTPClient):
    """api.stripe.com for accounts, account links and transfers; records every request."""

    name = "fake-connect"

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[dict] = []
        self.accounts: dict[str, dict] = {}
        self.transfers: dict[str, dict] = {}
        self.by_key: dict[str, dict] = {}

    def request(self, method, url, headers, post_data=None, **kwargs):
        params = dict(parse_qsl(post_data or "", keep_blank_values=True))
        path = urlparse(url).path
        self.requests.append(
            {"method": method, "path": path, "headers": dict(headers), "params": params}
        )
        key = headers.get("Idempotency-Key")
        if method == "post" and key in self.by_key:
            return self._json(self.by_key[key])  # Stripe replays the first answer
        if method == "post" and path == "/v1/accounts":
            account = {
                "id": f"acct_{len(self.accounts) + 1}",
                "object": "account",
                "type": params["type"],
                "details_submitted": False,
                "payouts_enabled": False,
            }
            self.accounts[account["id"]] = account
            self.by_key[key] = account
            return self._json(account)
        if method == "get" and path.startswith("/v1/accounts/"):
            return self._json(self.accounts[path.rsplit("/", 1)[1]])
        if method == "post" and path == "/v1/account_links":
            return self._json(
                {
                    "object": "account_link",
                    "url": f"https://connect.stripe.com/setup/e/{params['account']}",
                }
            )
        if method == "post" and path == "/v1/transfers":
            transfer = {
                "id": f"tr_{len(self.transfers) + 1}",
                "object": "transfer",
                "amount": int(params["amount"]),
                "amount_reversed": 0,
                "currency": params["currency"],
                "destination": params["destination"],
                "metadata": {
                    k.removeprefix("metadata[").removesuffix("]"): v
                    for k, v in params.items()
                    if k.startswith("metadata[")
                },
            }
            self.transfers[transfer["id"]] = transfer
            self.by_key[key] = transfer
            return self._json(transfer)
        if method == "get" and path.startswith("/v1/transfers/"):
            transfer = self.transfers.get(path.rsplit("/", 1)[1])
            if transfer is None:
                return json.dumps({"error": {"type": "invalid_request_error"}}), 404, {}
            return self._json(transfer)
        raise AssertionError(f"unexpected Stripe call {method} {path}")

    def close(self):
        pass

    @staticmethod
    def _json(body: dict):
        return json.dumps(body), 200, {"request-id": "req_fake"}


@pytest.fixture
def fake_stripe(monkeypatch) -> FakeConnectHTTP:
    fake = FakeConnectHTTP()
    monkeypatch.setattr(StripeGateway, "default_http_client", staticmethod(lambda: fake))
    with override_settings(
        STRIPE_SECRET_KEY="sk_test_fake", STRIPE_WEBHOOK_SECRET=STRIPE_WEBHOOK_SECRET
    ):
        yield fake


def event(event_id: str, event_type: str, obj: dict) -> dict:
    return {"id": event_id, "object": "event", "type": event_type, "data": {"object": obj}}


def post_signed(client, body: dict, *, secret: str = STRIPE_WEBHOOK_SECRET):
    payload = json.dumps(body)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret)
    return client.post(
        "/webhooks/stripe/",
        data=payload,
        content_type="application/json",
        HTTP_HOST=COMPANY_HOST,
        HTTP_STRIPE_SIGNATURE=header,
    )


def test_stripe_connect_through_the_real_library_with_signed_webhooks(
    client, plan, alice, candles, finance, connect_rail, fake_stripe
):
    sign_in(client, alice, "cs1")
    response = client.post(START, HTTP_HOST=COMPANY_HOST)
    assert response["Location"] == "https://connect.stripe.com/setup/e/acct_1"
    create, link = fake_stripe.requests
    assert create["path"] == "/v1/accounts" and create["params"]["type"] == "express"
    assert create["params"]["capabilities[transfers][requested]"] == "true"
    assert create["headers"]["Idempotency-Key"] == f"connect-account-{alice.pk}"
    assert link["params"]["type"] == "account_onboarding"
    assert link["params"]["return_url"].endswith(
        "/backoffice/earnings/payout-account/stripe/return/"
    )

    # Stripe says onboarding is done; the body is not trusted: the account is read back.
    forged = event("evt_a1", "account.updated", {"id": "acct_1", "payouts_enabled": True})
    assert post_signed(client, forged).status_code == 200
    assert not ConnectAccount.objects.get(retailer=alice).payouts_enabled
    fake_stripe.accounts["acct_1"].update(details_submitted=True, payouts_enabled=True)
    updated = event("evt_a2", "account.updated", {"id": "acct_1"})
    assert post_signed(client, updated).status_code == 200
    assert ConnectAccount.objects.get(retailer=alice).payouts_enabled
    # A replay changes nothing twice; a wrong signature is refused.
    assert post_signed(client, updated).status_code == 200
    assert WebhookEvent.objects.filter(event_id="evt_a2").count() == 1
    assert post_signed(client, updated, secret="whsec_wrong").status_code == 400

    shipped_and_due(alice, candles, "200.00")
    batch = services.payout_batch_create(period_end=timezone.localdate(), actor=finance)
    line = batch.lines.get()
    assert send_transfers(client, finance, batch).status_code == 302
    call = fake_stripe.requests[-1]
    assert call["path"] == "/v1/transfers"
    assert call["headers"]["Idempotency-Key"] == f"payout-line-{line.pk}"
    assert (call["params"]["amount"], call["params"]["destination"]) == ("4000", "acct_1")
    line.refresh_from_db()
    assert line.transfer_id == "tr_1"
    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.PAID
    # Sending again sends nothing (the batch is paid; each line has its transfer).
    before = len(fake_stripe.requests)
    send_transfers(client, finance, batch)
    assert len(fake_stripe.requests) == before

    created = event("evt_t1", "transfer.created", {"id": "tr_1"})
    assert post_signed(client, created).status_code == 200
    assert selectors.owed_to_retailer(retailer=alice) == Decimal("0.00")
    fake_stripe.transfers["tr_1"]["amount_reversed"] = 4000
    reversed_ = event("evt_t2", "transfer.reversed", {"id": "tr_1"})
    for _ in range(2):  # delivered twice: applied once
        assert post_signed(client, reversed_).status_code == 200
    line.refresh_from_db()
    assert line.held and line.transfer_status == "reversed"
    assert selectors.owed_to_retailer(retailer=alice) == Decimal("40.00")
    assert WebhookEvent.objects.filter(event_id="evt_t2").count() == 1
    # A transfer that pays none of our lines is recorded and acknowledged.
    fake_stripe.transfers["tr_9"] = {**fake_stripe.transfers["tr_1"], "id": "tr_9", "metadata": {}}
    assert (
        post_signed(client, event("evt_t9", "transfer.created", {"id": "tr_9"})).status_code == 200
    )
    assert WebhookEvent.objects.filter(event_id="evt_t9").exists()


def test_a_retried_run_sends_each_line_once(
    client, plan, alice, bob, candles, finance, connect_rail, fake_stripe
):
    for retailer, name, acct in ((alice, "cr1", "acct_a"), (bob, "cr2", "acct_b")):
        with_login(retailer, name)
        fake_stripe.accounts[acct] = {"id": acct, "payouts_enabled": True}
        ConnectAccount.objects.create(retailer=retailer, account_id=acct, payouts_enabled=True)
        shipped_and_due(retailer, candles, "200.00")
    batch = services.payout_batch_create(period_end=timezone.localdate(), actor=finance)
    first, second = batch.lines.order_by("pk")
    # Stripe is down for bob's transfer (after the library's own retries): alice's is sent.
    real = fake_stripe.request

    def bob_down(method, url, headers, post_data=None, **kwargs):
        if urlparse(url).path == "/v1/transfers" and "acct_b" in (post_data or ""):
            return json.dumps({"error": {"type": "api_error"}}), 500, {}
        return real(method, url, headers, post_data, **kwargs)

    fake_stripe.request = bob_down
    from retailers.earnings.connect import payout_batch_transfers_send

    run = payout_batch_transfers_send(batch=batch, actor=finance)
    assert (run.sent, run.paid) == (1, False)
    assert run.failed == 1
    fake_stripe.request = real
    run = payout_batch_transfers_send(batch=batch, actor=finance)
    assert (run.sent, run.failed, run.paid) == (1, 0, True)
    keys = [
        r["headers"]["Idempotency-Key"]
        for r in fake_stripe.requests
        if r["path"] == "/v1/transfers"
    ]
    assert keys.count(f"payout-line-{first.pk}") == 1
    assert set(keys) == {f"payout-line-{first.pk}", f"payout-line-{second.pk}"}
    assert len(fake_stripe.transfers) == 2
