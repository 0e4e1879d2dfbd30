"""Year-end report files (Form 1099-NEC data for the filing service)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from retailers import crypto
from retailers.models import Retailer, RetailerAuditEvent
from retailers.validators import tax_id_format
from shopsocial.csv_safe import csv_writer


@transaction.atomic
def form_1099_csv(*, rows: list[tuple[Retailer, Decimal]], year: int, reveal_by=None) -> str:
    """One row per recipient. Tax IDs in full only with `reveal_by` (audited per retailer)."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(
        [
            "retailer_id",
            "legal_name",
            "tin_type",
            "tin",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "zip",
            "box1_nonemployee_compensation",
            "tax_year",
        ]
    )
    for retailer, total in rows:
        if reveal_by is not None and retailer.tax_id_encrypted:
            tin = tax_id_format(retailer.tax_id_kind, crypto.decrypt(retailer.tax_id_encrypted))
            RetailerAuditEvent.objects.create(
                retailer=retailer,
                actor=reveal_by,
                action=RetailerAuditEvent.Action.TAX_ID_REVEALED,
                detail=f"Form 1099-NEC export {year}",
            )
        else:
            tin = retailer.tax_id_masked
        writer.writerow(
            [
                retailer.retailer_number,
                retailer.legal_name or retailer.display_name,
                retailer.tax_id_kind.upper(),
                tin,
                *(getattr(retailer, name) for name in Retailer.ADDRESS),
                f"{total:.2f}",
                year,
            ]
        )
    return out.getvalue()


def statements_write_all(*, year: int, month: int, directory) -> int:
    """Close a month: one statement CSV per retailer with entries or a balance, streamed.

    Two server-side cursors (balances, then the month's entries, both ordered by
    retailer) are walked side by side, so memory stays flat whatever the number of
    retailers or entries. Returns the number of statements written.
    """
    from pathlib import Path

    from .models import CommissionEntry, PayoutLine, order_label_for
    from .selectors import month_bounds, statements_stream

    start, end = month_bounds(year, month)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    entries = (
        CommissionEntry.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by("retailer_id", "created_at", "pk")
        .values_list(
            "retailer_id",
            "created_at",
            "order__number",
            "order__retailer_id",
            "order__helped_by_id",
            "kind",
            "base",
            "amount",
        )
        .iterator(chunk_size=5000)
    )
    payouts = (
        PayoutLine.objects.filter(
            held=False, batch__status="paid", batch__paid_at__gte=start, batch__paid_at__lt=end
        )
        .order_by("retailer_id", "batch__paid_at", "pk")
        .values_list("retailer_id", "batch__paid_at", "batch_id", "batch__rail", "amount")
        .iterator(chunk_size=5000)
    )
    pending = next(entries, None)
    paying = next(payouts, None)
    written = 0
    for retailer_id, opening, _movement, closing in statements_stream(year=year, month=month):
        with (directory / f"statement-{year:04d}-{month:02d}-{retailer_id}.csv").open(
            "w", newline=""
        ) as f:
            writer = csv_writer(f)
            writer.writerow(["date", "order", "kind", "base", "amount"])
            writer.writerow(["", "", "opening balance", "", f"{opening:.2f}"])
            while pending is not None and pending[0] < retailer_id:
                pending = next(entries, None)  # entries of retailers with no row (none)
            while pending is not None and pending[0] == retailer_id:
                _, created_at, number, taken_by, helped_by, kind, base, amount = pending
                label = order_label_for(
                    retailer_id=retailer_id,
                    number=number,
                    taken_by_id=taken_by,
                    helped_by_id=helped_by,
                )
                writer.writerow(
                    [timezone.localdate(created_at).isoformat(), label, kind, base, amount]
                )
                pending = next(entries, None)
            while paying is not None and paying[0] < retailer_id:
                paying = next(payouts, None)
            while paying is not None and paying[0] == retailer_id:
                _, paid_at, batch_id, rail, amount = paying
                writer.writerow(
                    [
                        timezone.localdate(paid_at).isoformat(),
                        f"payout #{batch_id}",
                        f"paid ({rail})",
                        "",
                        -amount,
                    ]
                )
                paying = next(payouts, None)
            writer.writerow(["", "", "closing balance", "", f"{closing:.2f}"])
        written += 1
    return written
