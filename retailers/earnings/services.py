"""Earnings writes: accrual, clawback, reassignment, release, payouts.

Called explicitly by the order flow (orders/services/transitions.py calls
`commission_on_order_transition`) in the transaction of the status change, so a
duplicate or out-of-order gateway event that changes nothing writes nothing, and one
that does is covered by the database's (order, key) uniqueness.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone

from orders.giftcards.selectors import giftcard_product_ids
from orders.models import Order
from retailers.models import Retailer
from shopsocial.csv_safe import csv_writer
from shopsocial.mail.addresses import email_normalise
from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import company_reverse

from . import payout_accounts, rules, selectors
from .models import (
    CommissionEntry,
    CommissionPlan,
    CustomerProtection,
    PayoutBatch,
    PayoutLine,
    ProtectionReassignment,
)

Entry = CommissionEntry
S = Order.Status
ZERO = Decimal("0.00")
# How long the catch-up job keeps looking at a company-site sale credited to nobody.
CATCH_UP_DAYS = timedelta(days=7)


class EarningsError(Exception):
    """A refused earnings action; the message is for staff or the retailer."""


# --- What an order earns ----------------------------------------------------------


def order_commission_base(order: Order) -> Decimal:
    """Merchandise after discounts: never tax or shipping (the checkout's totals)."""
    from orders.services.money import commission_base

    return commission_base(order)


def plan_for(day: date) -> CommissionPlan | None:
    return (
        CommissionPlan.objects.filter(effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=day))
        .prefetch_related("level_rates", "category_rates")
        .first()
    )


def _rate_for(*, plan: CommissionPlan, level: str, category_id: int, parent_id: int | None):
    overrides = {c.category_id: c.rate for c in plan.category_rates.all()}
    if category_id in overrides:
        return overrides[category_id]
    if parent_id in overrides:
        return overrides[parent_id]
    for level_rate in plan.level_rates.all():
        if level_rate.level == level:
            return level_rate.rate
    return Decimal("0")


PlanMemo = dict[date, CommissionPlan | None]


def order_commission(
    *, order: Order, retailer: Retailer, plans: PlanMemo | None = None
) -> tuple[Decimal, Decimal]:
    """(base, commission) the order earns `retailer` under the plan in force when it was paid.

    `plans` memoises the plan per day across a batch of orders.
    """
    base = order_commission_base(order)
    day = timezone.localdate(order.paid_at or timezone.now())
    plans = {} if plans is None else plans
    if day not in plans:
        plans[day] = plan_for(day)
    plan = plans[day]
    if plan is None or base <= 0:
        return base, ZERO
    prefetched = "lines" in getattr(order, "_prefetched_objects_cache", {})
    lines = order.lines.all() if prefetched else order.lines.select_related("product__category")
    # Gift cards are not product sales: their lines earn nothing (issue 28).
    not_sales = giftcard_product_ids()
    items = [
        (
            line.unit_price * line.quantity,
            ZERO
            if line.product_id in not_sales
            else _rate_for(
                plan=plan,
                level=retailer.level,
                category_id=line.product.category_id,
                parent_id=line.product.category.parent_id,
            ),
        )
        for line in lines
    ]
    merchandise = sum((total for total, _ in items), ZERO)
    bases = rules.lines_base(line_totals=items, discount=merchandise - base)
    return base, rules.commission_for(bases)


# --- Customer protection ----------------------------------------------------------


def customer_keys(order: Order, *, proved_only: bool = False) -> list[str]:
    """Who the customer is, from order data only: their account and their email.

    Protection is *started* only from what the shopper proved (`proved_only=True`:
    the account, and the email only when that account verified it), so a retailer
    cannot claim a prospect by placing a guest order with their address (issue 30
    item 4). Looking up an existing protection may use the typed address: every
    protection it can find was started by proof, and it only decides who earns.
    """
    keys = []
    if order.customer_id:
        keys.append(selectors.customer_key_for_user(order.customer_id))
    email = (
        selectors.order_email_proved(order=order)
        if proved_only
        else email_normalise(order.email or "")
    )
    if email:
        keys.append(selectors.customer_key_for_email(email))
    return keys


def credited_retailer(*, order: Order) -> Retailer | None:
    """Who earns the order's commission: the protecting retailer, the storefront, or on
    the company site the retailer the shopper named ("who helped you?").

    None when the company keeps the sale (company site, nobody named, no protection).
    """
    storefront = order.retailer
    days = settings.CUSTOMER_PROTECTION_DAYS
    if days > 0 and settings.CUSTOMER_PROTECTION_POLICY == "first_retailer":
        protection = selectors.protection_first(
            keys=customer_keys(order), at=order.paid_at or timezone.now()
        )
        if protection and protection.retailer.is_active:
            return protection.retailer
    if storefront.is_company:
        helper = order.helped_by
        return helper if helper is not None and helper.is_active else None
    return storefront


def _accrual_note(*, order: Order, retailer: Retailer) -> str:
    if retailer.pk == order.retailer_id:
        return ""
    if retailer.pk == order.helped_by_id:
        return "Company site: the shopper named you"
    return "Protected customer (another storefront)"


_PROTECTION_UPSERT = """
INSERT INTO earnings_customerprotection AS p
    (customer_key, retailer_id, first_order_id, last_order_at, started_at, expires_at)
SELECT k, %(retailer)s, %(order)s, %(now)s, %(now)s, %(expires)s FROM unnest(%(keys)s::text[]) AS k
ON CONFLICT (customer_key) DO UPDATE SET
    retailer_id = CASE WHEN p.expires_at <= EXCLUDED.started_at
        THEN EXCLUDED.retailer_id ELSE p.retailer_id END,
    first_order_id = CASE WHEN p.expires_at <= EXCLUDED.started_at
        THEN EXCLUDED.first_order_id ELSE p.first_order_id END,
    started_at = CASE WHEN p.expires_at <= EXCLUDED.started_at
        THEN EXCLUDED.started_at ELSE p.started_at END,
    last_order_at = CASE WHEN p.expires_at <= EXCLUDED.started_at
        OR p.retailer_id = EXCLUDED.retailer_id THEN EXCLUDED.last_order_at ELSE p.last_order_at END,
    expires_at = CASE WHEN p.expires_at <= EXCLUDED.started_at
        THEN EXCLUDED.expires_at ELSE p.expires_at END
"""


def _protection_record(*, order: Order, retailer: Retailer) -> None:
    """Start (or, once lapsed, restart) protection for the customer; one upsert per order.

    A customer still protected by someone else stays theirs; the retailer who has them
    gets the last order date updated.
    """
    days = settings.CUSTOMER_PROTECTION_DAYS
    keys = customer_keys(order, proved_only=True)
    if days <= 0 or not keys:
        return
    now = order.paid_at or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _PROTECTION_UPSERT,
            {
                "retailer": retailer.pk,
                "order": order.pk,
                "now": now,
                "expires": now + timedelta(days=days),
                "keys": keys,
            },
        )


@transaction.atomic
def protection_reassign(
    *, protection: CustomerProtection, to_retailer: Retailer, reason: str, actor
) -> CustomerProtection:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give a reason for the reassignment.")
    if to_retailer.is_company:
        raise ValidationError("Choose a retailer, not the company site.")
    protection = CustomerProtection.objects.select_for_update().get(pk=protection.pk)
    if protection.retailer_id == to_retailer.pk:
        raise ValidationError("The customer already belongs to that retailer.")
    ProtectionReassignment.objects.create(
        protection=protection,
        from_retailer_id=protection.retailer_id,
        to_retailer=to_retailer,
        reason=reason[:300],
        actor=actor,
    )
    protection.retailer = to_retailer
    protection.save(update_fields=["retailer"])
    return protection


# --- Ledger writes ----------------------------------------------------------------


def _entry_add(**fields) -> None:
    """Insert one entry; a duplicate (order, key) changes nothing (ON CONFLICT DO NOTHING)."""
    Entry.objects.bulk_create([Entry(**fields)], ignore_conflicts=True)


def _holder(order: Order) -> tuple[int, Decimal] | None:
    """(retailer id, net commission) currently held for the order, or None."""
    rows = (
        Entry.objects.filter(order=order)
        .values("retailer_id")
        .annotate(net=Sum("amount"))
        .order_by()
    )
    holders = [(r["retailer_id"], r["net"]) for r in rows if r["net"] != 0]
    return holders[0] if holders else None


def commission_accrue(*, order: Order, plans: PlanMemo | None = None) -> None:
    """The order is paid: one accrual for the credited retailer (once, by the database)."""
    retailer = credited_retailer(order=order)
    if retailer is None:
        return None
    base, amount = order_commission(order=order, retailer=retailer, plans=plans)
    _entry_add(
        retailer=retailer,
        order=order,
        kind=Entry.Kind.ACCRUAL,
        key="paid",
        base=base,
        amount=amount,
        note=_accrual_note(order=order, retailer=retailer),
        available_at=_available_at(order),
    )
    _protection_record(order=order, retailer=retailer)


def protection_on_email_proved(*, order: Order) -> None:
    """Order hook (issue 30 item 4): the buyer proved a paid order's address through its
    own link: protection starts now for the retailer its accrual credited (as it would
    have at payment had the address been proved then). Unpaid orders wait for payment."""
    accrual = Entry.objects.filter(order=order, kind=Entry.Kind.ACCRUAL, key="paid").first()
    if accrual is None:
        return
    _protection_record(order=order, retailer=accrual.retailer)


def _available_at(order: Order) -> datetime | None:
    if order.shipped_at is None:
        return None
    return order.shipped_at + timedelta(days=settings.EARNINGS_RETURN_WINDOW_DAYS)


def commission_clawback(*, order: Order) -> None:
    """Refunds take back commission in proportion to what was refunded of the total."""
    accrual = Entry.objects.filter(order=order, key="paid").first()
    if accrual is None:
        return None
    target = rules.clawback_target(
        accrued=accrual.amount, refunded=order.refunded_amount, order_total=order.total
    )
    taken = -(
        Entry.objects.filter(order=order, kind=Entry.Kind.REFUND).aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    delta = target - taken
    if delta <= 0:
        return None
    holder = _holder(order)
    retailer_id = holder[0] if holder else accrual.retailer_id
    now = timezone.now()
    if order.shipped_at is None and order.status == S.REFUNDED:
        # Refunded before shipping: the accrual and its clawback settle together, now.
        Entry.objects.filter(order=order, status=Entry.Status.PENDING).update(available_at=now)
    _entry_add(
        retailer_id=retailer_id,
        order=order,
        kind=Entry.Kind.REFUND,
        key=f"refund:{order.refunded_amount}",
        base=ZERO,
        amount=-delta,
        note=f"Refund of {order.refunded_amount:.2f} of {order.total:.2f}",
        available_at=accrual.available_at or (now if order.shipped_at is None else None),
    )


def commission_on_order_transition(*, order: Order, from_status: str, to_status: str) -> None:
    """The order flow's one call into earnings, inside the status change's transaction."""
    if to_status == S.PAID:
        commission_accrue(order=order)
    elif to_status == S.SHIPPED and from_status != S.SHIPPED:
        Entry.objects.filter(order=order, available_at__isnull=True).update(
            available_at=_available_at(order)
        )
    if to_status in (S.REFUNDED, S.PARTIALLY_REFUNDED):
        commission_clawback(order=order)


@transaction.atomic
def commission_reassign(*, order: Order | None, to_retailer: Retailer, reason: str, actor) -> Order:
    """Move an order's net commission to another retailer: two new entries, audited."""
    if order is None:  # a team override line (the month's team sales: no order)
        raise ValidationError("A team override line has no order: nothing to reassign.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give a reason for the reassignment.")
    if to_retailer.is_company:
        raise ValidationError("Choose a retailer, not the company site.")
    Order.objects.select_for_update().get(pk=order.pk)
    holder = _holder(order)
    if holder is None:
        raise ValidationError("This order has no commission to reassign.")
    from_id, net = holder
    if from_id == to_retailer.pk:
        raise ValidationError("The commission already belongs to that retailer.")
    n = Entry.objects.filter(order=order, kind=Entry.Kind.REASSIGN_OUT).count() + 1
    available_at = _available_at(order)
    common = {"order": order, "base": ZERO, "note": reason[:200], "available_at": available_at}
    Entry.objects.create(
        retailer_id=from_id,
        kind=Entry.Kind.REASSIGN_OUT,
        key=f"reassign:{n}:out",
        amount=-net,
        **common,
    )
    Entry.objects.create(
        retailer=to_retailer,
        kind=Entry.Kind.REASSIGN_IN,
        key=f"reassign:{n}:in",
        amount=net,
        **common,
    )
    ProtectionReassignment.objects.create(
        order=order,
        from_retailer_id=from_id,
        to_retailer=to_retailer,
        reason=reason[:300],
        actor=actor,
    )
    return order


def commissions_accrue_missing(*, limit: int = 2_000) -> int:
    """Safety net (beat): accrue every paid order that has no accrual yet. Safe to run twice.

    Up to `limit` orders are read in primary-key order with their lines prefetched and
    accrued in one transaction, sharing a plan memo.
    """
    settled = (S.PAID, S.SHIPPED, S.PARTIALLY_REFUNDED, S.REFUNDED)
    orders = (
        Order.objects.filter(status__in=settled)
        # An anti-join (NOT EXISTS), not NOT IN: at a million orders NOT IN over the
        # ledger runs as a subplan per order (the month close calls this; bench/team.py).
        .exclude(Exists(Entry.objects.filter(key="paid", order_id=OuterRef("pk"))))
        # A company-site sale nobody is credited with never gets an entry: look at such
        # orders only while they are recent (a protection may still credit them).
        .exclude(
            Q(retailer__kind=Retailer.Kind.COMPANY, helped_by__isnull=True)
            & (Q(customer__isnull=True, email="") | Q(paid_at__lt=timezone.now() - CATCH_UP_DAYS))
        )
        .select_related("retailer", "helped_by")
        .prefetch_related("lines__product__category")
        .order_by("pk")[:limit]
    )
    plans: PlanMemo = {}
    done = 0
    with transaction.atomic():  # every insert is idempotent: a failed run is simply redone
        for order in orders:
            commission_accrue(order=order, plans=plans)
            if order.status in (S.REFUNDED, S.PARTIALLY_REFUNDED):
                commission_clawback(order=order)
            done += 1
    return done


def commissions_release_due(*, as_of: datetime | None = None) -> int:
    """Pending entries whose return window has passed become payable. Safe to run twice."""
    as_of = as_of or timezone.now()
    return Entry.objects.filter(
        status=Entry.Status.PENDING, available_at__isnull=False, available_at__lte=as_of
    ).update(status=Entry.Status.PAYABLE, payable_at=timezone.now())


# --- Payouts ----------------------------------------------------------------------


def tax_id_problem(retailer: Retailer) -> str:
    """Why a retailer cannot be paid yet ('' when the SSN/EIN on file is usable).

    The number is decrypted and checked inside this function only; it is never
    returned, logged or shown.
    """
    from retailers import crypto
    from retailers.validators import ein_normalize, ssn_normalize

    if not retailer.tax_id_encrypted or not retailer.tax_id_kind:
        return "No SSN or EIN on file: add it under Contact Information (call us to change it)."
    try:
        digits = crypto.decrypt(retailer.tax_id_encrypted)
        (ein_normalize if retailer.tax_id_kind == "ein" else ssn_normalize)(digits)
    except Exception:  # undecryptable or invalid: either way it cannot go on a 1099
        return "The SSN or EIN on file is not valid: please call Retailer Services."
    return ""


@transaction.atomic
def payout_batch_create(*, period_end: date, actor, minimum: Decimal | None = None) -> PayoutBatch:
    """Pay every payable balance (entries payable by `period_end`) from the minimum up.

    Retailers whose tax ID is missing or invalid get a held line with the reason and
    keep their entries payable. A positive balance under the minimum gets a held
    `below_minimum` line (it carries over, its entries stay payable) and the retailer
    and Finance are emailed. Nothing payable at all -> EarningsError, nothing created.
    """
    minimum = Decimal(settings.PAYOUT_MINIMUM) if minimum is None else minimum
    cutoff = timezone.make_aware(
        datetime.combine(period_end + timedelta(days=1), datetime.min.time())
    )
    commissions_release_due(as_of=min(cutoff, timezone.now()))
    due = Entry.objects.filter(
        status=Entry.Status.PAYABLE, payout_line__isnull=True, payable_at__lt=cutoff
    )
    # Lock what this batch may pay, so two batches never pay the same entry.
    locked = list(due.select_for_update().values_list("pk", flat=True))
    due = Entry.objects.filter(pk__in=locked)
    balances = {
        row["retailer_id"]: row["total"]
        for row in due.values("retailer_id").annotate(total=Sum("amount")).order_by()
    }
    payable = {rid: total for rid, total in balances.items() if total >= minimum and total > 0}
    below = {rid: total for rid, total in balances.items() if 0 < total < minimum}
    if not payable:
        raise EarningsError(
            f"Nothing is payable up to {period_end.isoformat()} (minimum {minimum:.2f})."
        )
    batch = PayoutBatch.objects.create(
        period_end=period_end, minimum=minimum, created_by=actor, rail=settings.PAYOUT_RAIL
    )
    accounts = payout_accounts.payout_accounts_current(retailer_ids=payable)
    connected = selectors.connect_accounts_for(retailer_ids=payable)
    now = timezone.now()
    for retailer in Retailer.objects.filter(pk__in=payable).order_by("pk"):
        problem = tax_id_problem(retailer)
        if not problem and batch.rail == PayoutBatch.Rail.ACH:
            problem = payout_accounts.payout_account_wait_reason(accounts.get(retailer.pk), now=now)
        if not problem and batch.rail == PayoutBatch.Rail.STRIPE:
            problem = selectors.connect_wait_reason(connected.get(retailer.pk))
        line = PayoutLine.objects.create(
            batch=batch,
            retailer=retailer,
            amount=payable[retailer.pk],
            held=bool(problem),
            hold_reason=problem,
        )
        if not problem:
            due.filter(retailer=retailer).update(payout_line=line)
    if batch.rail == PayoutBatch.Rail.ACH:
        payout_accounts.payout_accounts_prenote_assign(batch=batch)
    carried = [
        PayoutLine.objects.create(
            batch=batch,
            retailer=retailer,
            amount=below[retailer.pk],
            held=True,
            below_minimum=True,
            hold_reason=(
                f"Your balance is under the ${minimum:.2f} payout minimum: "
                "it carries over to the next payout."
            ),
        )
        for retailer in Retailer.objects.filter(pk__in=below).order_by("pk")
    ]
    _carry_over_notify(batch=batch, lines=carried)
    return batch


def finance_recipients() -> list[str]:
    """Who hears about payouts: PAYOUT_FINANCE_EMAILS plus active Finance staff."""
    from django.contrib.auth import get_user_model

    emails = {email_normalise(e) for e in settings.PAYOUT_FINANCE_EMAILS if e}
    emails |= {
        email_normalise(e)
        for e in get_user_model()
        .objects.filter(groups__name="Finance", is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    }
    return sorted(emails)


def _carry_over_notify(*, batch: PayoutBatch, lines: list[PayoutLine]) -> None:
    """Each carried-over retailer gets an email; Finance gets one list per batch."""
    if not lines:
        return
    common = {
        "batch": batch.pk,
        "minimum": f"{batch.minimum:.2f}",
        "period_end": batch.period_end.isoformat(),
        "privacy_url": company_reverse("privacy:policy"),
    }
    for line in lines:
        _payout_line_email(
            line=line,
            template="earnings_carryover",
            context=common,
            statement_day=timezone.localdate(),
            dedupe_key=f"payout-carry:{batch.pk}:{line.retailer_id}",
        )
    rows = [
        {"retailer_number": line.retailer.retailer_number, "amount": f"{line.amount:.2f}"}
        for line in lines
    ]
    total = sum((line.amount for line in lines), ZERO)
    for to in finance_recipients():
        email_enqueue(
            kind="transactional",
            to=to,
            template="earnings_carryover_finance",
            context={**common, "rows": rows, "count": len(rows), "total": f"{total:.2f}"},
            dedupe_key=f"payout-carry-finance:{batch.pk}:{to}",
        )


def payout_csv(*, batch: PayoutBatch) -> str:
    """The bank file: one row per paid retailer (no tax IDs, no bank data held here)."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["retailer_id", "legal_name", "email", "amount_usd", "batch", "period_end"])
    for line in (
        batch.lines.filter(held=False)
        .select_related("retailer")
        .order_by("retailer__retailer_number")
    ):
        r = line.retailer
        writer.writerow(
            [
                r.retailer_number,
                r.legal_name or r.display_name,
                r.email,
                f"{line.amount:.2f}",
                batch.pk,
                batch.period_end.isoformat(),
            ]
        )
    return out.getvalue()


@transaction.atomic
def payout_batch_mark_paid(*, batch: PayoutBatch, actor) -> PayoutBatch:
    """The bank has paid: entries become paid, each retailer gets their statement by email."""
    batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == PayoutBatch.Status.PAID:
        raise EarningsError(f"Payout #{batch.pk} is already marked paid.")
    if (
        batch.rail == PayoutBatch.Rail.STRIPE
        and batch.lines.filter(held=False, transfer_id="").exists()
    ):
        raise EarningsError(
            f"Payout #{batch.pk} pays through Stripe: send its transfers (they mark it paid)."
        )
    now = timezone.now()
    batch.status = PayoutBatch.Status.PAID
    batch.paid_at = now
    batch.save(update_fields=["status", "paid_at"])
    Entry.objects.filter(payout_line__batch=batch).update(status=Entry.Status.PAID)
    for line in batch.lines.filter(held=False).select_related("retailer"):
        _payout_line_email(
            line=line,
            template="earnings_payout",
            context={"batch": batch.pk, "period_end": batch.period_end.isoformat()},
            statement_day=batch.period_end,
            dedupe_key=f"payout:{batch.pk}:{line.retailer_id}",
        )
    return batch


def _payout_line_email(
    *, line: PayoutLine, template: str, context: dict, statement_day: date, dedupe_key: str
) -> None:
    """Tell a payout line's retailer about it (no address on file: nothing is sent)."""
    retailer = line.retailer
    if not retailer.email:
        return
    email_enqueue(
        kind="transactional",
        to=retailer.email,
        template=template,
        context={
            **context,
            "retailer_name": retailer.display_name,
            "retailer_number": retailer.retailer_number,
            "amount": f"{line.amount:.2f}",
            "statement_url": _statement_url(statement_day),
            "privacy_url": company_reverse("privacy:policy"),
        },
        dedupe_key=dedupe_key,
    )


def _statement_url(day: date) -> str:
    # Zero-padded month, as the statement links have always been written.
    return company_reverse("retailers:backoffice-statement", f"{day:%Y}", f"{day:%m}")
