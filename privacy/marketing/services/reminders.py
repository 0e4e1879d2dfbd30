"""The abandoned-checkout reminder (issue 28 item 6): one marketing email, later.

Only a **signed-in** shopper can get one, and only if their proved account address is
a confirmed newsletter subscriber. The checkout must carry no DNT or GPC signal; that
is recorded when the payment page opens (`checkout_reminder_record`). The email goes
`CHECKOUT_REMINDER_DELAY_MINUTES` after the checkout, from the beat task
`marketing.checkout_reminders_send_due_task`.

It is marketing mail, so the campaigns' CAN-SPAM rules apply:

- the company's name in From;
- the "Advertisement" label;
- the postal address;
- an unsubscribe link at the bottom and the RFC 8058 one-click headers;
- the suppression list, checked again when the row is sent (shopsocial/mail).

Cancelled when:

- the order is paid (an order transition hook);
- the shopper starts another checkout (one email per cart);
- the shopper opts out before it goes.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from orders.accounts.selectors import email_verified_for_user
from orders.models import Order
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import storefront_reverse

from ..models import CheckoutReminder, Subscriber, Suppression, email_normalise
from ..rendering import ADVERTISEMENT_LABEL, ONE_CLICK, marketing_from_email
from ..selectors import preferences_url, unsubscribe_url

Status = CheckoutReminder.Status
# An order in these states was not bought: the checkout was left (or its hold ran out).
_ABANDONED = (Order.Status.PENDING_PAYMENT, Order.Status.CANCELED)


def _subscriber_for(user: AbstractBaseUser) -> Subscriber | None:
    """The confirmed, unsuppressed subscriber of the account's proved address, if any."""
    email = email_verified_for_user(user=user)
    if not email or not user.is_active:
        return None
    email = email_normalise(email)
    if Suppression.objects.filter(email=email).exists():
        return None
    return Subscriber.objects.filter(email=email, status=Subscriber.Status.CONFIRMED).first()


@transaction.atomic
def checkout_reminder_record(
    *, order: Order, user: AbstractBaseUser, dnt: bool, gpc: bool
) -> CheckoutReminder | None:
    """At checkout: schedule the reminder, or record why it will never be sent."""
    if not getattr(user, "is_authenticated", False):
        return None  # anonymous checkouts are never reminded, and nothing is kept
    # A new checkout supersedes the shopper's earlier ones: one email per cart.
    CheckoutReminder.objects.filter(user_id=user.pk, status=Status.SCHEDULED).exclude(
        order=order
    ).update(status=Status.CANCELED, reason="superseded by a new checkout")
    if dnt or gpc:
        status, reason = Status.SKIPPED, "DNT/GPC at checkout"
    elif _subscriber_for(user) is None:
        status, reason = Status.SKIPPED, "no marketing opt-in at checkout"
    else:
        status, reason = Status.SCHEDULED, ""
    now = timezone.now()
    reminder, created = CheckoutReminder.objects.get_or_create(
        order=order,
        defaults={
            "user_id": user.pk,
            "status": status,
            "reason": reason,
            "dnt": dnt,
            "gpc": gpc,
            "due_at": now + timedelta(minutes=settings.CHECKOUT_REMINDER_DELAY_MINUTES),
        },
    )
    if not created and reminder.status != Status.SENT:
        # The same order checked out again: the newest signal and opt-in count.
        reminder.status, reminder.reason, reminder.dnt, reminder.gpc = status, reason, dnt, gpc
        reminder.due_at = now + timedelta(minutes=settings.CHECKOUT_REMINDER_DELAY_MINUTES)
        reminder.save(update_fields=["status", "reason", "dnt", "gpc", "due_at"])
    return reminder


def checkout_reminders_cancel_on_payment(*, order: Order, from_status: str, to_status: str) -> None:
    """Order transition hook: the shopper bought, so no reminder of any open checkout."""
    if to_status == Order.Status.PAID and order.customer_id:
        CheckoutReminder.objects.filter(user_id=order.customer_id, status=Status.SCHEDULED).update(
            status=Status.CANCELED, reason="order placed"
        )


def _cancel(reminder: CheckoutReminder, reason: str) -> CheckoutReminder:
    reminder.status, reminder.reason = Status.CANCELED, reason
    reminder.save(update_fields=["status", "reason"])
    return reminder


def _context(order: Order, subscriber: Subscriber) -> dict:
    retailer = order.retailer
    slug = retailer.slug
    first_name = (order.full_name.split() or [""])[0]
    return {
        "label": ADVERTISEMENT_LABEL,
        "from_email": marketing_from_email(),
        "first_name": first_name,
        "retailer_name": retailer.display_name,
        "storefront_url": storefront_reverse(slug, "storefront:home"),
        "cart_url": storefront_reverse(slug, "storefront:cart"),
        "items": [
            {
                "name": line.display_name,
                "quantity": line.quantity,
                "url": storefront_reverse(slug, "storefront:product", line.product.slug),
            }
            for line in order.lines.select_related("product").order_by("pk")
        ],
        "unsubscribe_url": unsubscribe_url(subscriber_id=subscriber.pk),
        "preferences_url": preferences_url(subscriber_id=subscriber.pk),
    }


@transaction.atomic
def checkout_reminder_send(*, reminder_id: int, now=None) -> CheckoutReminder | None:
    """Send one due reminder, or cancel it if it no longer applies. Safe to run twice."""
    now = now or timezone.now()
    reminder = (
        CheckoutReminder.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("order", "order__retailer", "user")
        .filter(pk=reminder_id, status=Status.SCHEDULED, due_at__lte=now)
        .first()
    )
    if reminder is None:
        return None
    order = reminder.order
    if order.status not in _ABANDONED:
        return _cancel(reminder, "order placed")
    bought_since = Order.objects.filter(
        customer_id=reminder.user_id, created_at__gte=order.created_at
    ).exclude(status__in=_ABANDONED)
    if bought_since.exists():
        return _cancel(reminder, "order placed")
    max_age = timedelta(hours=settings.CHECKOUT_REMINDER_MAX_AGE_HOURS)
    if now - reminder.created_at > max_age:
        return _cancel(reminder, "too late to remind")
    subscriber = _subscriber_for(reminder.user)
    if subscriber is None:
        return _cancel(reminder, "opted out before sending")
    context = _context(order, subscriber)
    email_enqueue(
        kind=OutboundEmail.Kind.MARKETING,
        to=subscriber.email,
        template="cart_reminder",
        context=context,
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": ONE_CLICK,
        },
        dedupe_key=f"checkout-reminder:{reminder.pk}",
    )
    reminder.status, reminder.sent_at = Status.SENT, now
    reminder.save(update_fields=["status", "sent_at"])
    return reminder


def checkout_reminders_send_due(*, now=None) -> int:
    """Periodic (beat): every due reminder, each in its own transaction."""
    now = now or timezone.now()
    ids = list(
        CheckoutReminder.objects.filter(status=Status.SCHEDULED, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:1000]
    )
    sent = 0
    for reminder_id in ids:
        reminder = checkout_reminder_send(reminder_id=reminder_id, now=now)
        sent += bool(reminder and reminder.status == Status.SENT)
    return sent
