"""NACHA ACH file for a payout run: PPD credits, one batch per run.

Layout (NACHA Operating Rules, Appendix One): 94-character records - 1 file header,
5 batch header, 6 entry detail, 8 batch control, 9 file control - and lines of 9s
up to a multiple of 10 records (blocking factor 10). Entry hash: the sum of the
receiving banks' 8-digit routing prefixes, last 10 digits. Transaction codes: 22/32
credit to checking/savings, 23/33 their zero-dollar prenotes (sent for a new account
before its first credit).

The file is built from the ledger: a credit per paid (not held) payout line, whose
amount is the sum of the entries it pays; a prenote per account whose
`prenote_batch` is this run. It is deterministic (its dates come from the run), so a
second download is the same file. Account numbers are decrypted here and only here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from retailers import crypto

from .models import PayoutAccount, PayoutBatch, PayoutLine

RECORD = 94
BLOCKING = 10
CREDIT = {"checking": "22", "savings": "32"}
PRENOTE = {"checking": "23", "savings": "33"}
SERVICE_CLASS_CREDITS = "220"


class AchError(Exception):
    """The run cannot be written as an ACH file (message for Finance)."""


@dataclass(frozen=True)
class AchSettings:
    originator_id: str  # company identification, 10 characters (e.g. "1" + EIN)
    odfi_routing: str  # the originating bank's routing number (9 digits)
    company_name: str  # 16 characters on the receiver's statement
    destination_name: str  # the ODFI's name, 23 characters
    entry_description: str  # 10 characters, e.g. COMMISSION


def ach_settings() -> AchSettings:
    conf = settings.PAYOUT_ACH
    values = AchSettings(
        originator_id=str(conf.get("ORIGINATOR_ID", "")),
        odfi_routing=str(conf.get("ODFI_ROUTING", "")),
        company_name=str(conf.get("COMPANY_NAME", "")),
        destination_name=str(conf.get("DESTINATION_NAME", "")),
        entry_description=str(conf.get("ENTRY_DESCRIPTION", "COMMISSION")),
    )
    if not re.fullmatch(r"[0-9]{9}", values.odfi_routing):
        raise ImproperlyConfigured("PAYOUT_ACH['ODFI_ROUTING'] must be a 9-digit routing number.")
    if not values.originator_id or len(values.originator_id) > 10:
        raise ImproperlyConfigured("PAYOUT_ACH['ORIGINATOR_ID'] must be 1 to 10 characters.")
    if not values.company_name:
        raise ImproperlyConfigured("PAYOUT_ACH['COMPANY_NAME'] is required.")
    return values


def _alnum(value: str, width: int) -> str:
    """Upper-case ASCII, left-justified, space-filled, cut to `width`."""
    ascii_ = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Z0-9 .,&'/-]", "", ascii_.upper())
    return cleaned[:width].ljust(width)


def _num(value: int, width: int) -> str:
    text = str(value)
    if value < 0 or len(text) > width:
        raise AchError(f"{value} does not fit a {width}-digit field.")
    return text.zfill(width)


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_exact())


def effective_entry_date(created: date) -> date:
    """The next banking day after the run is prepared (weekends and US federal holidays)."""
    calendar = holidays.country_holidays("US", years=[created.year, created.year + 1])
    day = created + timedelta(days=1)
    while day.weekday() >= 5 or day in calendar:
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class _Entry:
    code: str
    routing: str
    account: str
    cents: int
    ident: str
    name: str


@sensitive_variables("entries")
def ach_file_build(*, batch: PayoutBatch) -> str:
    """The run's NACHA file (text, records separated by newlines)."""
    if batch.rail != PayoutBatch.Rail.ACH:
        raise AchError(f"Payout #{batch.pk} is not an ACH run ({batch.get_rail_display()}).")
    conf = ach_settings()
    lines = list(
        PayoutLine.objects.filter(batch=batch, held=False)
        .select_related("retailer")
        .order_by("retailer__retailer_number")
    )
    accounts = {
        a.retailer_id: a
        for a in PayoutAccount.objects.filter(
            retailer_id__in=[line.retailer_id for line in lines], replaced_at__isnull=True
        )
    }
    entries = []
    for prenote in (
        PayoutAccount.objects.filter(prenote_batch=batch)
        .select_related("retailer")
        .order_by("retailer__retailer_number", "pk")
    ):
        entries.append(_entry(prenote, PRENOTE, 0))
    for line in lines:
        account = accounts.get(line.retailer_id)
        if account is None:
            raise AchError(f"Retailer {line.retailer.retailer_number} has no payout account.")
        entries.append(_entry(account, CREDIT, _cents(line.amount)))
    if not entries:
        raise AchError(f"Payout #{batch.pk} has nothing to send.")
    return _render(batch=batch, conf=conf, entries=entries)


def _entry(account: PayoutAccount, codes: dict[str, str], cents: int) -> _Entry:
    return _Entry(
        code=codes[account.account_type],
        routing=account.routing_number,
        account=crypto.decrypt(account.account_number_encrypted),
        cents=cents,
        ident=account.retailer.retailer_number,
        name=account.holder_name,
    )


def _render(*, batch: PayoutBatch, conf: AchSettings, entries: list[_Entry]) -> str:
    created = timezone.localtime(batch.created_at)
    odfi8 = conf.odfi_routing[:8]
    batch_number = 1
    records = [
        "1"
        + "01"
        + " "
        + conf.odfi_routing
        + conf.originator_id.rjust(10)
        + created.strftime("%y%m%d")
        + created.strftime("%H%M")
        + chr(ord("A") + (batch.pk - 1) % 26)
        + "094"
        + "10"
        + "1"
        + _alnum(conf.destination_name, 23)
        + _alnum(conf.company_name, 23)
        + _alnum(f"PAYOUT{batch.pk}", 8),
        "5"
        + SERVICE_CLASS_CREDITS
        + _alnum(conf.company_name, 16)
        + _alnum("", 20)
        + conf.originator_id.rjust(10)
        + "PPD"
        + _alnum(conf.entry_description, 10)
        + batch.period_end.strftime("%y%m%d")
        + effective_entry_date(created.date()).strftime("%y%m%d")
        + "   "
        + "1"
        + odfi8
        + _num(batch_number, 7),
    ]
    for sequence, entry in enumerate(entries, start=1):
        records.append(
            "6"
            + entry.code
            + entry.routing[:8]
            + entry.routing[8]
            + entry.account.ljust(17)
            + _num(entry.cents, 10)
            + _alnum(entry.ident, 15)
            + _alnum(entry.name, 22)
            + "  "
            + "0"
            + odfi8
            + _num(sequence, 7)
        )
    entry_hash = sum(int(e.routing[:8]) for e in entries) % 10**10
    credits = sum(e.cents for e in entries)
    records.append(
        "8"
        + SERVICE_CLASS_CREDITS
        + _num(len(entries), 6)
        + _num(entry_hash, 10)
        + _num(0, 12)
        + _num(credits, 12)
        + conf.originator_id.rjust(10)
        + " " * 19
        + " " * 6
        + odfi8
        + _num(batch_number, 7)
    )
    count_with_control = len(records) + 1
    blocks = -(-count_with_control // BLOCKING)
    records.append(
        "9"
        + _num(1, 6)
        + _num(blocks, 6)
        + _num(len(entries), 8)
        + _num(entry_hash, 10)
        + _num(0, 12)
        + _num(credits, 12)
        + " " * 39
    )
    records.extend(["9" * RECORD] * (blocks * BLOCKING - len(records)))
    for record in records:
        if len(record) != RECORD:
            raise AchError(f"internal: a {record[0]} record is {len(record)} characters")
    return "\n".join(records) + "\n"
