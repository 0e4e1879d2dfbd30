"""Retailers' bank accounts for payouts: set (behind the password), read masked.

Services and selectors for `PayoutAccount` in one small module (services.py is past
its size). The account number is decrypted only by the ACH file writer
(`ach.py`); nothing here returns it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.us import rtn

from retailers import crypto
from retailers.models import Retailer, RetailerAuditEvent
from shopsocial.mail.addresses import email_normalise
from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import company_reverse

from .models import PayoutAccount


def routing_number_clean(value: str) -> str:
    """Nine digits with a valid ABA checksum (python-stdnum), else ValidationError."""
    try:
        return rtn.validate(value)
    except StdnumError:
        raise ValidationError("Enter a valid 9-digit ABA routing number.") from None


def account_number_clean(value: str) -> str:
    digits = "".join((value or "").split()).replace("-", "")
    if not digits.isdigit() or not 4 <= len(digits) <= 17:
        raise ValidationError("Enter the account number: 4 to 17 digits.")
    return digits


def payout_account_current(*, retailer: Retailer) -> PayoutAccount | None:
    return PayoutAccount.objects.filter(retailer=retailer, replaced_at__isnull=True).first()


def payout_accounts_current(*, retailer_ids) -> dict[int, PayoutAccount]:
    rows = PayoutAccount.objects.filter(
        retailer_id__in=retailer_ids, replaced_at__isnull=True
    ).select_related("prenote_batch")
    return {account.retailer_id: account for account in rows}


def payout_account_wait_reason(account: PayoutAccount | None, *, now: datetime) -> str:
    """Why a payout to this account must wait ('' when it may be paid)."""
    if account is None:
        return "No bank account for payouts: add one under Earnings → Payout account."
    if settings.PAYOUT_ACH_PRENOTES and (
        account.prenote_batch_id is None
        or account.prenote_batch.status != account.prenote_batch.Status.PAID
    ):
        return (
            "Your bank account is being verified with a zero-dollar test deposit "
            "(prenote): payouts to it start with the next payout."
        )
    if account.payable_from > now:
        day = timezone.localdate(account.payable_from)
        return (
            "Your payout account changed recently: for your safety, payouts to it "
            f"start on {day.isoformat()}."
        )
    return ""


@sensitive_variables("password", "account_number", "digits")
@transaction.atomic
def payout_account_set(
    *,
    retailer: Retailer,
    actor: AbstractBaseUser,
    password: str,
    holder_name: str,
    routing_number: str,
    account_number: str,
    account_type: str,
) -> PayoutAccount:
    """Record a new payout account after the password is typed again.

    A change replaces the current row (kept for the record), makes payouts wait
    `PAYOUT_ACCOUNT_CHANGE_WAIT_DAYS`, and emails "your payout account changed" to
    the address on file when the old account was set and to the current one. Raises
    PermissionDenied for a wrong password (nothing is written).
    """
    if not password or not actor.check_password(password):
        raise PermissionDenied("The password is not correct.")
    routing = routing_number_clean(routing_number)
    digits = account_number_clean(account_number)
    holder = " ".join((holder_name or "").split())
    if not holder:
        raise ValidationError({"holder_name": "Enter the account holder's name."})
    if account_type not in PayoutAccount.AccountType.values:
        raise ValidationError({"account_type": "Choose checking or savings."})
    Retailer.objects.select_for_update().get(pk=retailer.pk)  # one change at a time
    now = timezone.now()
    old = payout_account_current(retailer=retailer)
    wait = timedelta(days=settings.PAYOUT_ACCOUNT_CHANGE_WAIT_DAYS) if old else timedelta(0)
    if old is not None:
        old.replaced_at = now
        old.save(update_fields=["replaced_at"])
    account = PayoutAccount(
        retailer=retailer,
        holder_name=holder[:22],
        routing_number=routing,
        account_number_encrypted=crypto.encrypt(digits),
        account_last4=digits[-4:],
        account_type=account_type,
        notify_email=retailer.email,
        payable_from=now + wait,
    )
    account.full_clean(exclude=["account_number_encrypted", "account_last4"])
    account.save()
    RetailerAuditEvent.objects.create(
        retailer=retailer,
        actor=actor,
        action=RetailerAuditEvent.Action.CONTACT_UPDATED,
        detail="payout account " + ("changed" if old else "added"),
    )
    if old is not None:
        _changed_notify(retailer=retailer, old=old, new=account)
    return account


def payout_accounts_prenote_assign(*, batch) -> int:
    """Current accounts never prenoted get their zero-dollar prenote in this ACH run."""
    if not settings.PAYOUT_ACH_PRENOTES:
        return 0
    return PayoutAccount.objects.filter(
        replaced_at__isnull=True, prenote_batch__isnull=True
    ).update(prenote_batch=batch)


def _changed_notify(*, retailer: Retailer, old: PayoutAccount, new: PayoutAccount) -> None:
    addresses = []
    for address in (old.notify_email, retailer.email):
        if address and email_normalise(address) not in [email_normalise(a) for a in addresses]:
            addresses.append(address)
    context = {
        "retailer_name": retailer.display_name,
        "retailer_number": retailer.retailer_number,
        "old_account": old.account_masked,
        "new_account": new.account_masked,
        "payable_from": timezone.localdate(new.payable_from).isoformat(),
        "account_url": company_reverse("retailers:backoffice-payout-account"),
        "privacy_url": company_reverse("privacy:policy"),
    }
    for address in addresses:
        email_enqueue(
            kind="transactional",
            to=address,
            template="earnings_payout_account_changed",
            context=context,
            dedupe_key=f"payout-account:{new.pk}:{email_normalise(address)}",
        )
