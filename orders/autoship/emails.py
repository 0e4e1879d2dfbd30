"""Autoship email: transactional (about the customer's own deliveries), rows first.

Contexts hold only what the message shows: the first name, the date, item names,
the links to the account page (skip, change date, edit). No address, no card.
"""

from __future__ import annotations

from datetime import date

from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import company_reverse, storefront_reverse

from .models import Autoship, AutoshipRun


def _context(autoship: Autoship) -> dict:
    retailer = autoship.retailer
    page = storefront_reverse(retailer.slug, "orders:autoship-detail", autoship.pk)
    return {
        "first_name": (autoship.source_order.full_name.split() or [""])[0],
        "retailer_name": retailer.display_name,
        "placed_on": "our website"
        if retailer.is_company
        else f"{retailer.display_name}'s storefront",
        "interval_weeks": autoship.interval_weeks,
        "items": [
            f"{line.quantity} × {line.variant.product.name}"
            + (f" ({line.variant.label})" if line.variant.label else "")
            for line in autoship.lines.select_related("variant__product")
        ],
        "autoship_url": page,
        "skip_url": page + "#skip",
        "date_url": page + "#date",
        "edit_url": page + "#edit",
        "card_url": page + "#card",
        "privacy_url": company_reverse("privacy:policy"),
    }


def _to(autoship: Autoship) -> str:
    from ..accounts.selectors import email_verified_for_user

    return email_verified_for_user(user=autoship.customer) or autoship.source_order.email


def autoship_reminder_enqueue(*, autoship: Autoship, delivery: date) -> OutboundEmail:
    return email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=_to(autoship),
        template="autoship_reminder",
        context={**_context(autoship), "delivery_date": delivery.isoformat()},
        dedupe_key=f"autoship:{autoship.pk}:reminder:{delivery.isoformat()}",
    )


def autoship_declined_enqueue(*, autoship: Autoship, run: AutoshipRun) -> OutboundEmail:
    """Each declined try says so, and when the next one is (or that it is paused)."""
    return email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=_to(autoship),
        template="autoship_declined",
        context={
            **_context(autoship),
            "delivery_date": run.delivery_date.isoformat(),
            "attempt": autoship.failed_attempts,
            "retry_on": autoship.retry_on.isoformat() if autoship.retry_on else "",
            "paused": autoship.status == Autoship.Status.PAUSED,
        },
        dedupe_key=f"autoship:{autoship.pk}:declined:{run.run_date.isoformat()}",
    )


def autoship_items_skipped_enqueue(*, autoship: Autoship, run: AutoshipRun) -> OutboundEmail:
    return email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=_to(autoship),
        template="autoship_items_skipped",
        context={
            **_context(autoship),
            "delivery_date": run.delivery_date.isoformat(),
            "skipped": list(run.skipped_items),
            "nothing_sent": run.status == AutoshipRun.Status.NOTHING_IN_STOCK,
            "order_number": run.order.number if run.order_id else "",
        },
        dedupe_key=f"autoship:{autoship.pk}:skipped:{run.run_date.isoformat()}",
    )
