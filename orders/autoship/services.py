"""Autoship writes: set up at checkout, activated when paid, run on each due date.

A run is a row before it is attempted (`AutoshipRun`, one per autoship and date): a
second run on the same date finds it and places nothing; a run interrupted between
placing the order and charging it charges again with the same idempotency key, so
the gateway answers with the first charge instead of taking a second.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shopsocial.celery import task_queue
from storefront.cart import variant_display_name

from ..accounts.selectors import email_verified_for_user
from ..gateways import (
    ChargeOutcome,
    GatewayError,
    GatewaySession,
    OffSessionCharge,
    SetupRequest,
    gateway_get,
)
from ..models import Order
from ..selectors import shipping_method_get, shipping_methods_active
from ..services import CheckoutError, CustomerDetails, order_payment_cancel, order_payment_confirm
from ..services.money import to_minor
from ..services.placement import order_place
from ..services.transitions import order_note
from .emails import (
    autoship_declined_enqueue,
    autoship_items_skipped_enqueue,
    autoship_reminder_enqueue,
)
from .models import Autoship, AutoshipLine, AutoshipRun
from .selectors import autoship_ids_due, autoships_to_remind

logger = logging.getLogger(__name__)

# How far ahead a customer may move a delivery.
MAX_DAYS_AHEAD = 26 * 7


class AutoshipError(Exception):
    """A refused self-service change; the message is fit for the customer."""


# --- Checkout -------------------------------------------------------------------------
def autoship_eligible(*, user) -> bool:
    """Autoship needs an account whose email address is confirmed."""
    return bool(user is not None and user.is_authenticated and email_verified_for_user(user=user))


def autoship_checkout_check(
    *, user, choices: dict[int, int], items: Iterable[tuple[int, int]]
) -> None:
    if choices and not autoship_eligible(user=user):
        raise CheckoutError(CheckoutError.Code.AUTOSHIP)


@transaction.atomic
def autoship_pending_create(*, order: Order, user, choices: dict[int, int]) -> list[Autoship]:
    """One autoship per interval chosen, waiting for the order's payment."""
    quantities = {line.variant_id: line.quantity for line in order.lines.all()}
    by_interval: dict[int, list[int]] = defaultdict(list)
    for variant_id, weeks in choices.items():
        if variant_id in quantities and weeks in Autoship.Interval.values:
            by_interval[weeks].append(variant_id)
    created = []
    for weeks, variant_ids in sorted(by_interval.items()):
        autoship = Autoship.objects.create(
            customer=user,
            retailer=order.retailer,
            source_order=order,
            interval_weeks=weeks,
            gateway=order.gateway,
        )
        AutoshipLine.objects.bulk_create(
            AutoshipLine(autoship=autoship, variant_id=pk, quantity=quantities[pk])
            for pk in variant_ids
        )
        created.append(autoship)
    return created


def autoship_source_order_paid(*, order: Order) -> None:
    """Called when an order is paid: its pending autoships fetch the saved card after commit."""
    if Autoship.objects.filter(source_order=order, status=Autoship.Status.PENDING).exists():
        order_id = order.pk
        transaction.on_commit(lambda: task_queue("autoship.autoship_activate_task", order_id))


def autoship_source_order_transition(*, order: Order, from_status: str, to_status: str) -> None:
    """The order-transition hook (orders.hooks): a paid source order starts its autoships."""
    if to_status == Order.Status.PAID:
        autoship_source_order_paid(order=order)


def autoship_activate(*, order_id: int) -> list[Autoship]:
    """Read the payment method the gateway saved and start the order's autoships."""
    order = Order.objects.filter(pk=order_id, status=Order.Status.PAID).first()
    if order is None or not order.checkout_session_id:
        return []
    if not Autoship.objects.filter(source_order=order, status=Autoship.Status.PENDING).exists():
        return []
    gateway = gateway_get()
    saved = gateway.saved_payment_method_retrieve(order.checkout_session_id)  # no lock held
    if saved is None:
        logger.warning("autoship: order %s paid without a saved payment method", order.pk)
        return []
    paid_on = (order.paid_at or timezone.now()).date()
    started = []
    with transaction.atomic():
        for autoship in Autoship.objects.select_for_update().filter(
            source_order=order, status=Autoship.Status.PENDING
        ):
            autoship.status = Autoship.Status.ACTIVE
            autoship.gateway = gateway.name
            autoship.gateway_customer_id = saved.customer_id
            autoship.payment_method_id = saved.payment_method_id
            autoship.next_date = autoship.date_after(paid_on)
            autoship.full_clean()
            autoship.save()
            started.append(autoship)
    return started


# --- The run --------------------------------------------------------------------------
def autoship_run(*, today: date) -> dict[str, int]:
    """What the beat task and `manage.py autoship_run` do: charge what is due, remind."""
    outcome: dict[str, int] = defaultdict(int)
    for autoship_id in autoship_ids_due(today=today):
        run = autoship_charge(autoship_id=autoship_id, today=today)
        if run is not None:
            outcome[run.status] += 1
    outcome["reminded"] = autoship_reminders_send(today=today)
    return dict(outcome)


def autoship_charge(*, autoship_id: int, today: date) -> AutoshipRun | None:
    """Place today's order for the autoship and charge it off-session (once per date)."""
    run = _autoship_place(autoship_id=autoship_id, today=today)
    if run is None or run.status != AutoshipRun.Status.PLACED:
        return run
    return _autoship_settle(run=run, today=today)


def _customer_details(autoship: Autoship) -> CustomerDetails:
    """The first order's name and address (referenced, not copied); the proved email."""
    source = autoship.source_order
    return CustomerDetails(
        email=email_verified_for_user(user=autoship.customer) or source.email,
        full_name=source.full_name,
        phone=source.phone,
        ship_line1=source.ship_line1,
        ship_line2=source.ship_line2,
        ship_city=source.ship_city,
        ship_state=source.ship_state,
        ship_postal_code=source.ship_postal_code,
        billing_same_as_shipping=source.billing_same_as_shipping,
        bill_line1=source.bill_line1,
        bill_line2=source.bill_line2,
        bill_city=source.bill_city,
        bill_state=source.bill_state,
        bill_postal_code=source.bill_postal_code,
    )


def _shipping_code(autoship: Autoship) -> str:
    method = autoship.source_order.shipping_method
    if method is not None and shipping_method_get(code=method.code) is not None:
        return method.code
    active = shipping_methods_active()
    return active[0].code if active else ""


@transaction.atomic
def _autoship_place(*, autoship_id: int, today: date) -> AutoshipRun | None:
    autoship = (
        Autoship.objects.select_for_update(of=("self",))
        .select_related("source_order__shipping_method", "customer", "retailer")
        .filter(pk=autoship_id)
        .first()
    )
    if autoship is None:
        return None
    existing = AutoshipRun.objects.filter(autoship=autoship, run_date=today).first()
    if existing is not None:
        return existing  # a rerun: a PLACED run is charged again with the same key
    if autoship.status != Autoship.Status.ACTIVE or not autoship.due_date:
        return None
    if autoship.due_date > today:
        return None
    delivery = autoship.next_date
    available: list[tuple[int, int]] = []
    skipped: list[str] = []
    for line in autoship.lines.select_related("variant__product"):
        variant = line.variant
        if variant.on_sale and variant.stock >= line.quantity:
            available.append((variant.pk, line.quantity))
        else:
            skipped.append(variant_display_name(variant))
    run = AutoshipRun(autoship=autoship, run_date=today, delivery_date=delivery)
    order = None
    if available:
        try:
            order = order_place(
                items=available,
                retailer=autoship.retailer,
                customer=_customer_details(autoship),
                user=autoship.customer,
                gateway=gateway_get().name,
                shipping_method_code=_shipping_code(autoship),
                percent_off=settings.AUTOSHIP_DISCOUNT_PERCENT,
                percent_off_label="AUTOSHIP",
            )
        except CheckoutError as exc:
            if exc.code != CheckoutError.Code.OUT_OF_STOCK:
                logger.warning("autoship %s: not placed (%s)", autoship.pk, exc.code)
                run.status = AutoshipRun.Status.FAILED
                run.save()
                _advance(autoship, delivery)
                return run
            skipped += [name for name in exc.products if name not in skipped]
    run.skipped_items = skipped
    if order is None:
        run.status = AutoshipRun.Status.NOTHING_IN_STOCK
        run.save()
        _advance(autoship, delivery)
        autoship_items_skipped_enqueue(autoship=autoship, run=run)
        return run
    run.status = AutoshipRun.Status.PLACED
    run.order = order
    run.save()
    order_note(
        order=order,
        actor=f"autoship:{autoship.pk}",
        message=f"Autoship delivery of {delivery:%Y-%m-%d}, every {autoship.interval_weeks} weeks",
    )
    return run


def _advance(autoship: Autoship, delivery: date) -> None:
    autoship.next_date = autoship.date_after(delivery)
    autoship.retry_on = None
    autoship.failed_attempts = 0
    autoship.save(update_fields=["next_date", "retry_on", "failed_attempts", "updated_at"])


def _autoship_settle(*, run: AutoshipRun, today: date) -> AutoshipRun:
    """Charge the placed order off-session (outside any row lock) and apply the outcome."""
    autoship = run.autoship
    order = run.order
    assert order is not None
    gateway = gateway_get()
    try:
        result = gateway.off_session_charge(
            OffSessionCharge(
                customer_id=autoship.gateway_customer_id,
                payment_method_id=autoship.payment_method_id,
                amount=to_minor(order.total),
                currency=order.currency.lower(),
                idempotency_key=run.idempotency_key,
                metadata={
                    "order_id": str(order.pk),
                    "order_number": order.number,
                    "retailer": autoship.retailer.slug,
                    "autoship_id": str(autoship.pk),
                },
            )
        )
    except GatewayError:
        # Unreachable: the run stays PLACED; the next hourly run charges with the same key.
        logger.warning("autoship %s: gateway unavailable; will retry", autoship.pk)
        return run
    with transaction.atomic():
        autoship = Autoship.objects.select_for_update().get(pk=autoship.pk)
        run = AutoshipRun.objects.select_for_update().get(pk=run.pk)
        if run.status != AutoshipRun.Status.PLACED:
            return run
        run.payment_intent_id = result.payment_intent_id
        if result.outcome == ChargeOutcome.SUCCEEDED:
            session = GatewaySession(
                id="",
                url="",
                status="complete",
                payment_status="paid",
                amount_total=to_minor(order.total),
                currency=order.currency.lower(),
                payment_intent_id=result.payment_intent_id,
                metadata={"order_id": str(order.pk)},
            )
            order = order_payment_confirm(
                order_id=order.pk, session=session, actor=f"autoship:{autoship.pk}"
            )
            run.status = AutoshipRun.Status.PAID
            run.save(update_fields=["status", "payment_intent_id"])
            _advance(autoship, run.delivery_date)
            if run.skipped_items:
                autoship_items_skipped_enqueue(autoship=autoship, run=run)
            return run
        order_payment_cancel(
            order_id=order.pk,
            actor=f"autoship:{autoship.pk}",
            reason=f"Autoship charge declined ({result.decline_code or 'declined'})",
        )
        run.status = AutoshipRun.Status.DECLINED
        run.decline_code = result.decline_code[:60]
        run.save(update_fields=["status", "payment_intent_id", "decline_code"])
        retries = settings.AUTOSHIP_RETRY_DAYS
        autoship.failed_attempts += 1
        if autoship.failed_attempts > len(retries):
            autoship.status = Autoship.Status.PAUSED
            autoship.retry_on = None
        else:
            autoship.retry_on = today + timedelta(days=retries[autoship.failed_attempts - 1])
        autoship.save(update_fields=["status", "retry_on", "failed_attempts", "updated_at"])
        autoship_declined_enqueue(autoship=autoship, run=run)
    return run


def autoship_reminders_send(*, today: date) -> int:
    """One reminder per delivery, AUTOSHIP_REMINDER_DAYS before it."""
    target = today + timedelta(days=settings.AUTOSHIP_REMINDER_DAYS)
    sent = 0
    for autoship in autoships_to_remind(delivery=target):
        with transaction.atomic():
            updated = (
                Autoship.objects.filter(pk=autoship.pk, status=Autoship.Status.ACTIVE)
                .exclude(reminded_for=target)
                .update(reminded_for=target)
            )
            if updated:
                autoship_reminder_enqueue(autoship=autoship, delivery=target)
                sent += 1
    return sent


# --- Self-service (the customer's account) --------------------------------------------
def _changeable(autoship: Autoship) -> None:
    if autoship.status == Autoship.Status.CANCELED:
        raise AutoshipError("This autoship is canceled.")
    if autoship.status == Autoship.Status.PENDING:
        raise AutoshipError("This autoship starts once its first order is paid.")


def _locked(autoship: Autoship) -> Autoship:
    return Autoship.objects.select_for_update().get(pk=autoship.pk)


@transaction.atomic
def autoship_skip_next(*, autoship: Autoship, today: date) -> Autoship:
    """Skip the next delivery: the one after it is the new next one."""
    autoship = _locked(autoship)
    _changeable(autoship)
    skipped = autoship.next_date
    autoship.next_date = autoship.date_after(max(skipped, today))
    autoship.retry_on = None
    autoship.failed_attempts = 0
    autoship.save(update_fields=["next_date", "retry_on", "failed_attempts", "updated_at"])
    AutoshipRun.objects.get_or_create(
        autoship=autoship,
        run_date=today,
        defaults={"delivery_date": skipped, "status": AutoshipRun.Status.SKIPPED},
    )
    return autoship


@transaction.atomic
def autoship_reschedule(
    *, autoship: Autoship, next_date: date, interval_weeks: int, today: date
) -> Autoship:
    """Move the next delivery and/or change how often it comes."""
    autoship = _locked(autoship)
    _changeable(autoship)
    if interval_weeks not in Autoship.Interval.values:
        raise AutoshipError("Choose every 4, 8 or 12 weeks.")
    if not today < next_date <= today + timedelta(days=MAX_DAYS_AHEAD):
        raise AutoshipError("Choose a date from tomorrow up to 26 weeks ahead.")
    autoship.next_date = next_date
    autoship.interval_weeks = interval_weeks
    autoship.retry_on = None
    autoship.save(update_fields=["next_date", "interval_weeks", "retry_on", "updated_at"])
    return autoship


@transaction.atomic
def autoship_line_quantity_set(*, autoship: Autoship, line_id: int, quantity: int) -> Autoship:
    """Change a line's quantity; 0 removes it (the last line cannot go: cancel instead)."""
    autoship = _locked(autoship)
    _changeable(autoship)
    line = autoship.lines.filter(pk=line_id).first()
    if line is None:
        raise AutoshipError("That item is not in this autoship.")
    if quantity == 0:
        if autoship.lines.count() == 1:
            raise AutoshipError("That is the only item: cancel the autoship instead.")
        line.delete()
        return autoship
    line.quantity = quantity
    line.full_clean()
    line.save(update_fields=["quantity"])
    return autoship


@transaction.atomic
def autoship_pause(*, autoship: Autoship) -> Autoship:
    autoship = _locked(autoship)
    _changeable(autoship)
    autoship.status = Autoship.Status.PAUSED
    autoship.retry_on = None
    autoship.save(update_fields=["status", "retry_on", "updated_at"])
    return autoship


@transaction.atomic
def autoship_resume(*, autoship: Autoship, today: date) -> Autoship:
    autoship = _locked(autoship)
    _changeable(autoship)
    autoship.status = Autoship.Status.ACTIVE
    autoship.failed_attempts = 0
    autoship.retry_on = None
    if autoship.next_date is None or autoship.next_date <= today:
        autoship.next_date = today + timedelta(days=1)
    autoship.full_clean()
    autoship.save()
    return autoship


@transaction.atomic
def autoship_cancel(*, autoship: Autoship) -> Autoship:
    """One click, no questions: nothing more is placed or charged."""
    autoship = _locked(autoship)
    if autoship.status == Autoship.Status.CANCELED:
        return autoship
    autoship.status = Autoship.Status.CANCELED
    autoship.canceled_at = timezone.now()
    autoship.retry_on = None
    autoship.save(update_fields=["status", "canceled_at", "retry_on", "updated_at"])
    return autoship


def autoship_card_update_start(*, autoship: Autoship, success_url: str, cancel_url: str) -> str:
    """Open the gateway's hosted page where the customer saves a new card; its URL."""
    _changeable(autoship)
    if not autoship.gateway_customer_id:
        raise AutoshipError("There is no saved card to replace yet.")
    session = gateway_get().setup_session_create(
        SetupRequest(
            customer_id=autoship.gateway_customer_id,
            customer_email=email_verified_for_user(user=autoship.customer),
            success_url=success_url,
            cancel_url=cancel_url,
            idempotency_key=f"autoship-{autoship.pk}-card-{timezone.now():%Y%m%d%H%M%S}",
            metadata={"autoship_id": str(autoship.pk)},
        )
    )
    return session.url


def autoship_card_update_finish(*, autoship: Autoship, session_id: str) -> Autoship:
    """The hosted page sent the customer back: keep the new card's id (never the card)."""
    saved = gateway_get().saved_payment_method_retrieve(session_id)
    if saved is None or saved.customer_id != autoship.gateway_customer_id:
        raise AutoshipError("The new card was not saved. Nothing changed.")
    with transaction.atomic():
        autoship = _locked(autoship)
        autoship.payment_method_id = saved.payment_method_id
        autoship.save(update_fields=["payment_method_id", "updated_at"])
    return autoship


# --- "My data" ------------------------------------------------------------------------
def autoship_export(user, emails: set[str]) -> list[dict]:
    return [
        {
            "every_weeks": a.interval_weeks,
            "status": a.status,
            "next_date": a.next_date,
            "items": [(line.variant.sku, line.quantity) for line in a.lines.all()],
        }
        for a in Autoship.objects.filter(customer_id=user.pk).prefetch_related("lines__variant")
    ]


def autoship_forget(user, emails: set[str]) -> int:
    """Erasure: the autoships stop and go (the orders they placed stay, as orders do)."""
    deleted, _ = Autoship.objects.filter(customer_id=user.pk).delete()
    return deleted
