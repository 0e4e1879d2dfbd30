"""Stripe Connect, the other payout rail (PAYOUT_RAIL=stripe): Express accounts and transfers.

Services and selectors for `ConnectAccount` and the Connect side of `PayoutLine`, in
one module like `payout_accounts.py`. Gateway calls never run inside a transaction
that holds locks; each transfer carries the idempotency key `payout-line-<pk>`, so a
retried run never pays a line twice. Webhooks (`account.updated`, `transfer.*`) come
through the order app's signed, recorded webhook path (`orders/hooks.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from orders.gateways import ConnectAccount as GatewayAccount
from orders.gateways import (
    ConnectTransfer,
    EventKind,
    GatewayError,
    GatewayNotFoundError,
    gateway_get,
)
from retailers.models import Retailer, RetailerAuditEvent
from shopsocial.urls_util import company_reverse

from .models import CommissionEntry, ConnectAccount, PayoutBatch, PayoutLine
from .selectors import connect_account_for, connect_accounts_for
from .services import EarningsError, payout_batch_mark_paid

TRANSFER_CREATED = "created"
TRANSFER_REVERSED = "reversed"
REVERSED_REASON = "The transfer to your Stripe account was reversed: it is paid again next time."


class ConnectError(Exception):
    """A Connect step that could not be done; the message is for the retailer or staff."""


def connect_onboarding_link(*, retailer: Retailer, actor) -> str:
    """The gateway's onboarding page for the retailer's Express account (made on first use)."""
    gateway = gateway_get()
    account = connect_account_for(retailer=retailer)
    try:
        if account is None:
            made = gateway.connect_account_create(
                email=retailer.email,
                idempotency_key=f"connect-account-{retailer.pk}",
                metadata={"retailer": str(retailer.retailer_number)},
            )
            account, _ = ConnectAccount.objects.get_or_create(
                retailer=retailer,
                defaults={
                    "account_id": made.id,
                    "details_submitted": made.details_submitted,
                    "payouts_enabled": made.payouts_enabled,
                },
            )
            RetailerAuditEvent.objects.create(
                retailer=retailer,
                actor=actor,
                action=RetailerAuditEvent.Action.CONTACT_UPDATED,
                detail="Stripe payouts account created",
            )
        return gateway.connect_account_link_create(
            account_id=account.account_id,
            refresh_url=company_reverse("retailers:backoffice-connect-start"),
            return_url=company_reverse("retailers:backoffice-connect-return"),
        )
    except GatewayError as exc:
        raise ConnectError("Stripe could not be reached: please try again in a minute.") from exc


def connect_account_refresh(*, retailer: Retailer) -> ConnectAccount | None:
    """Read the account back from the gateway (the retailer came back from onboarding)."""
    account = connect_account_for(retailer=retailer)
    if account is None:
        return None
    try:
        current = gateway_get().connect_account_retrieve(account.account_id)
    except GatewayError:
        return account  # the webhook brings the news later
    connect_account_apply(account=current)
    account.refresh_from_db()
    return account


def connect_account_apply(*, account: GatewayAccount) -> bool:
    """Store what the gateway reports of an account; False when it is not ours."""
    return bool(
        ConnectAccount.objects.filter(account_id=account.id).update(
            details_submitted=account.details_submitted,
            payouts_enabled=account.payouts_enabled,
        )
    )


def _minor(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


@dataclass(frozen=True)
class TransferRun:
    sent: int
    failed: int
    paid: bool


def payout_batch_transfers_send(*, batch: PayoutBatch, actor) -> TransferRun:
    """Send a transfer for every paid line of a Connect batch that has none yet.

    Each line's transfer uses the idempotency key `payout-line-<pk>`: a run cut short
    and run again sends only what is missing, and the gateway answers a repeat with
    the same transfer. When every line has its transfer the batch is marked paid.
    """
    if batch.rail != PayoutBatch.Rail.STRIPE:
        raise EarningsError(f"Payout #{batch.pk} is not a Stripe Connect payout.")
    if batch.status == PayoutBatch.Status.PAID:
        raise EarningsError(f"Payout #{batch.pk} is already marked paid.")
    gateway = gateway_get()
    lines = list(
        batch.lines.filter(held=False, transfer_id="").select_related("retailer").order_by("pk")
    )
    accounts = connect_accounts_for(retailer_ids=[line.retailer_id for line in lines])
    sent = failed = 0
    for line in lines:
        account = accounts.get(line.retailer_id)
        if account is None:
            failed += 1
            continue
        try:
            transfer = gateway.transfer_create(
                destination=account.account_id,
                amount=_minor(line.amount),
                currency="usd",
                idempotency_key=f"payout-line-{line.pk}",
                metadata={
                    "payout_batch": str(batch.pk),
                    "payout_line": str(line.pk),
                    "retailer": str(line.retailer.retailer_number),
                },
            )
        except GatewayError:
            failed += 1
            continue
        PayoutLine.objects.filter(pk=line.pk, transfer_id="").update(
            transfer_id=transfer.id, transfer_status=TRANSFER_CREATED
        )
        sent += 1
    paid = False
    if not batch.lines.filter(held=False, transfer_id="").exists():
        payout_batch_mark_paid(batch=batch, actor=actor)
        paid = True
    return TransferRun(sent=sent, failed=failed, paid=paid)


def _line_for(transfer: ConnectTransfer) -> PayoutLine | None:
    line = PayoutLine.objects.filter(transfer_id=transfer.id).first()
    if line is None and transfer.metadata.get("payout_line", "").isdigit():
        # transfer.created may arrive before the run stored the transfer's id.
        line = PayoutLine.objects.filter(
            pk=int(transfer.metadata["payout_line"]), transfer_id__in=("", transfer.id)
        ).first()
    return line


def transfer_apply(*, transfer: ConnectTransfer) -> bool:
    """Store what the gateway reports of a transfer; False when it pays no line of ours.

    A reversed transfer did not pay: its line becomes held with the reason, and its
    entries are payable again (paid by the next run), so what is owed goes back up.
    """
    line = _line_for(transfer)
    if line is None:
        return False
    line = PayoutLine.objects.select_for_update().get(pk=line.pk)
    if not transfer.reversed:
        if not line.transfer_id:
            line.transfer_id = transfer.id
            line.transfer_status = TRANSFER_CREATED
            line.save(update_fields=["transfer_id", "transfer_status"])
        return True
    if line.transfer_status == TRANSFER_REVERSED:
        return True
    line.transfer_id = transfer.id
    line.transfer_status = TRANSFER_REVERSED
    line.held = True
    line.hold_reason = REVERSED_REASON
    line.save(update_fields=["transfer_id", "transfer_status", "held", "hold_reason"])
    CommissionEntry.objects.filter(payout_line=line).update(
        payout_line=None, status=CommissionEntry.Status.PAYABLE
    )
    return True


class PayoutEvents:
    """The handler orders/webhooks calls for Connect events (registered in apps.py)."""

    def prepare(self, *, gateway, event):
        try:
            if event.kind == EventKind.CONNECT_ACCOUNT_UPDATED:
                return gateway.connect_account_retrieve(event.object_id)
            return gateway.transfer_retrieve(event.object_id)
        except GatewayNotFoundError:
            return None

    def apply(self, *, event, prepared) -> bool:
        if prepared is None:
            return False
        with transaction.atomic():
            if isinstance(prepared, ConnectTransfer):
                return transfer_apply(transfer=prepared)
            return connect_account_apply(account=prepared)
