"""Year-end report files (Form 1099-NEC data for the filing service)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.db import transaction

from retailers import crypto
from retailers.models import Retailer, RetailerAuditEvent
from retailers.validators import tax_id_format


@transaction.atomic
def form_1099_csv(*, rows: list[tuple[Retailer, Decimal]], year: int, reveal_by=None) -> str:
    """One row per recipient. Tax IDs in full only with `reveal_by` (audited per retailer)."""
    out = io.StringIO()
    writer = csv.writer(out)
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
                retailer.address_line1,
                retailer.address_line2,
                retailer.city,
                retailer.state,
                retailer.postal_code,
                f"{total:.2f}",
                year,
            ]
        )
    return out.getvalue()
