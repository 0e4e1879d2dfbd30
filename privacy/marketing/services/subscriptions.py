"""Sign-up with double opt-in, consent records, unsubscribe and the suppression list."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from retailers.models import Retailer
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import company_url, shared_path

from .. import tokens
from ..models import ConsentRecord, Subscriber, Subscription, Suppression, email_normalise

UNCONFIRMED_KEEP = timedelta(days=30)


def consent_text() -> str:
    """The exact words shown next to every sign-up form (the same template renders both)."""
    return " ".join(render_to_string("marketing/partials/consent_text.html").split())


def _site_url(retailer: Retailer, path: str) -> str:
    return company_url(path) if retailer.is_company else retailer.storefront_url(path)


@transaction.atomic
def subscription_request(*, email: str, retailer: Retailer, host: str, path: str) -> Subscription:
    """Record a sign-up and its consent, and send the confirmation link (double opt-in).

    Nothing marketing is sent until the link is confirmed. The confirmation email is
    the answer to the person's own request, so it goes as transactional mail.
    """
    address = email_normalise(email)
    subscriber, _ = Subscriber.objects.get_or_create(email=address)
    subscription, _ = Subscription.objects.get_or_create(subscriber=subscriber, retailer=retailer)
    consent = ConsentRecord(
        subscriber=subscriber,
        retailer=retailer,
        action=ConsentRecord.Action.SIGNED_UP,
        consent_text=consent_text(),
        host=host[:255],
        path=path[:255],
    )
    consent.full_clean()
    consent.save()
    already_confirmed = (
        subscriber.status == Subscriber.Status.CONFIRMED and subscription.confirmed_at is not None
    )
    if not already_confirmed:
        token = tokens.confirm_token_make(subscription.pk)
        email_enqueue(
            kind=OutboundEmail.Kind.TRANSACTIONAL,
            to=address,
            template="newsletter_confirm",
            context={
                "confirm_url": _site_url(
                    retailer, shared_path("marketing:newsletter-confirm", token)
                ),
                "site_name": retailer.display_name,
            },
            dedupe_key=f"newsletter-confirm:{consent.pk}",
        )
    return subscription


@transaction.atomic
def subscription_confirm(*, subscription: Subscription, host: str, path: str) -> Subscription:
    """The person clicked the link and pressed Confirm: they are on the list from now.

    A confirmed, fresh opt-in lifts an earlier opt-out of the same address.
    """
    now = timezone.now()
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    subscriber = Subscriber.objects.select_for_update().get(pk=subscription.subscriber_id)
    if subscription.confirmed_at is not None and subscriber.status == Subscriber.Status.CONFIRMED:
        return subscription
    subscription.confirmed_at = now
    subscription.save(update_fields=["confirmed_at"])
    subscriber.status = Subscriber.Status.CONFIRMED
    subscriber.confirmed_at = now
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
    Suppression.objects.filter(email=subscriber.email).delete()
    ConsentRecord.objects.create(
        subscriber=subscriber,
        retailer=subscription.retailer,
        action=ConsentRecord.Action.CONFIRMED,
        host=host[:255],
        path=path[:255],
    )
    return subscription


@transaction.atomic
def suppression_add(*, email: str, reason: str, source: str) -> Suppression:
    """Put an address on the global list (idempotent) and mark its subscriber unsubscribed."""
    address = email_normalise(email)
    suppression, _ = Suppression.objects.get_or_create(
        email=address, defaults={"reason": reason, "source": source[:60]}
    )
    Subscriber.objects.filter(email=address).exclude(status=Subscriber.Status.UNSUBSCRIBED).update(
        status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )
    return suppression


@transaction.atomic
def subscriber_unsubscribe(
    *, subscriber: Subscriber, source: str, host: str = "", path: str = ""
) -> Suppression:
    """Unsubscribe from all marketing email at once. Idempotent."""
    was_unsubscribed = (
        Subscriber.objects.filter(pk=subscriber.pk, status=Subscriber.Status.UNSUBSCRIBED).exists()
        and Suppression.objects.filter(email=subscriber.email).exists()
    )
    suppression = suppression_add(
        email=subscriber.email, reason=Suppression.Reason.UNSUBSCRIBED, source=source
    )
    if not was_unsubscribed:
        ConsentRecord.objects.create(
            subscriber=subscriber,
            action=ConsentRecord.Action.UNSUBSCRIBED,
            consent_text=f"Unsubscribed from all marketing email ({source}).",
            host=host[:255],
            path=path[:255],
        )
    return suppression


@transaction.atomic
def subscribers_purge_unconfirmed(*, now: datetime | None = None) -> int:
    """Forget sign-ups never confirmed within UNCONFIRMED_KEEP (address, consent records)."""
    cutoff = (now or timezone.now()) - UNCONFIRMED_KEEP
    stale = Subscriber.objects.filter(status=Subscriber.Status.PENDING, created_at__lt=cutoff)
    count = stale.count()
    stale.delete()
    return count
