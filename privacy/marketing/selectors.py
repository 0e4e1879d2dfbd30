"""Marketing reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count

from shopsocial.urls_util import company_reverse, company_url, shared_path

from . import tokens
from .models import Campaign, CampaignRecipient, Subscriber, Subscription, Suppression
from .models import email_normalise as email_normalise


def email_is_suppressed(email: str) -> bool:
    """settings.MAIL_SUPPRESSION_CHECK: consulted when each MARKETING email row is sent."""
    return Suppression.objects.filter(email=email_normalise(email)).exists()


def emails_suppressed_among(emails: Iterable[str]) -> set[str]:
    """The normalised addresses among `emails` that are on the suppression list (one query)."""
    keys = {email_normalise(e) for e in emails}
    if not keys:
        return set()
    return set(Suppression.objects.filter(email__in=keys).values_list("email", flat=True))


def unsubscribe_url(*, subscriber_id: int) -> str:
    """The one-click URL (List-Unsubscribe and the link at the bottom of every message)."""
    return company_reverse("marketing:unsubscribe", tokens.unsubscribe_token_make(subscriber_id))


def preferences_url(*, subscriber_id: int) -> str:
    token = tokens.unsubscribe_token_make(subscriber_id)
    return company_reverse("marketing:newsletter-preferences", token)


def subscriber_from_unsubscribe_token(*, token: str) -> Subscriber | None:
    subscriber_id = tokens.unsubscribe_token_read(token)
    if subscriber_id is None:
        return None
    return Subscriber.objects.filter(pk=subscriber_id).first()


def subscription_from_confirm_token(*, token: str) -> Subscription | None:
    subscription_id = tokens.confirm_token_read(token)
    if subscription_id is None:
        return None
    return (
        Subscription.objects.select_related("subscriber", "retailer")
        .filter(pk=subscription_id)
        .first()
    )


def subscriptions_for_subscriber(*, subscriber: Subscriber) -> list[Subscription]:
    return list(subscriber.subscriptions.select_related("retailer").order_by("created_at"))


def survey_url_for_order(order) -> str:
    """The survey link for the shipping email: on the storefront that took the order."""
    path = shared_path("marketing:survey", tokens.survey_token_make(order.pk))
    retailer = order.retailer
    if retailer.is_company:
        return company_url(path)
    return retailer.storefront_url(path)


def order_from_survey_token(*, token: str):
    from orders.models import Order

    order_id = tokens.survey_token_read(token)
    if order_id is None:
        return None
    return Order.objects.select_related("retailer").filter(pk=order_id).first()


@dataclass(frozen=True)
class CampaignProgress:
    total: int
    sent: int
    suppressed: int
    failed: int
    interrupted: int
    remaining: int

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.suppressed} skipped as suppressed, {self.failed} failed, "
            f"{self.interrupted} interrupted, {self.remaining} remaining (of {self.total})"
        )


def campaign_progress(*, campaign_id: int) -> CampaignProgress:
    counts = dict(
        CampaignRecipient.objects.filter(campaign_id=campaign_id)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    s = CampaignRecipient.Status
    return CampaignProgress(
        total=sum(counts.values()),
        sent=counts.get(s.SENT, 0),
        suppressed=counts.get(s.SUPPRESSED, 0),
        failed=counts.get(s.FAILED, 0),
        interrupted=counts.get(s.INTERRUPTED, 0),
        remaining=counts.get(s.PENDING, 0) + counts.get(s.SENDING, 0),
    )


def campaigns_due(*, now) -> list[int]:
    return list(
        Campaign.objects.filter(status=Campaign.Status.SCHEDULED, send_at__lte=now).values_list(
            "pk", flat=True
        )
    )
