"""Privacy reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from shopsocial.mail.addresses import email_normalise
from shopsocial.versions import memoized

from .business_days import add_business_days, business_days_between
from .models import BreachIncident, BreachNotification, PolicyVersion, Ticket

CHANGE_NOTICE_DAYS = 30


# --- Policy ---------------------------------------------------------------------
def policy_versions_published(*, today: date | None = None) -> QuerySet[PolicyVersion]:
    today = today or timezone.localdate()
    return PolicyVersion.objects.filter(published=True, effective_date__lte=today)


def policy_version_current(*, today: date | None = None) -> PolicyVersion | None:
    return policy_versions_published(today=today).first()


@dataclass(frozen=True)
class PolicyChangeNotice:
    version: str
    effective_date: date


def policy_change_notice(*, today: date | None = None) -> PolicyChangeNotice | None:
    """The notice shown on every page for 30 days after a new version takes effect."""
    today = today or timezone.localdate()
    versions = memoized(
        ("policy-latest-two", today),
        lambda: list(
            policy_versions_published(today=today).values_list("version", "effective_date")[:2]
        ),
        depends=("policy",),
        ttl=300,
    )
    if len(versions) < 2:  # the first version is not a change
        return None
    label, effective = versions[0]
    if today - effective >= timedelta(days=CHANGE_NOTICE_DAYS):
        return None
    return PolicyChangeNotice(version=label, effective_date=effective)


# --- Tickets --------------------------------------------------------------------
def ticket_token(*, ticket: Ticket) -> str:
    """The secret in the ticket's link: an HMAC (SECRET_KEY) of its reference and salt."""
    return salted_hmac(
        "privacy.ticket", f"{ticket.reference}:{ticket.secret_salt}", algorithm="sha256"
    ).hexdigest()


def ticket_get_by_secret(*, reference: str, token: str) -> Ticket | None:
    """The ticket behind a secret link, or None for any wrong reference or token."""
    ticket = Ticket.objects.filter(reference=reference).first()
    if ticket is None or not constant_time_compare(ticket_token(ticket=ticket), token):
        return None
    return ticket


# --- Breach ---------------------------------------------------------------------
def user_notice_emails(*, user: AbstractBaseUser) -> set[str]:
    """The addresses that identify a signed-in person: their own and, for a retailer, the shop's."""
    emails = set()
    if getattr(user, "email", ""):
        emails.add(email_normalise(user.email))
    retailer = getattr(user, "retailer", None) if user.pk else None
    if retailer is not None and retailer.email:
        emails.add(email_normalise(retailer.email))
    return emails


def breach_notices_for_user(*, user: AbstractBaseUser) -> QuerySet[BreachNotification]:
    """Unacknowledged breach notices addressed to this signed-in person."""
    if not user.is_authenticated:
        return BreachNotification.objects.none()
    emails = user_notice_emails(user=user)
    if not emails:
        return BreachNotification.objects.none()
    return (
        BreachNotification.objects.filter(email__in=emails, acknowledged_at__isnull=True)
        .select_related("incident")
        .order_by("incident__discovered_at", "pk")
    )


def breach_notices_for_user_cached(*, user: AbstractBaseUser) -> list[BreachNotification]:
    """`breach_notices_for_user`, kept in process memory (shown on every page).

    Refreshed at once when notices are created or acknowledged and when incidents
    or retailers change (their versions); at most 30 s old otherwise.
    """
    if not user.is_authenticated:
        return []
    return memoized(
        ("breach-notices", user.pk, user.email),
        lambda: list(breach_notices_for_user(user=user)),
        depends=("breach", "hostmap"),
        ttl=30,
    )


@dataclass(frozen=True)
class BreachDeadline:
    discovered_on: date
    deadline: date
    business_days_left: int  # negative: overdue by that many business days


def breach_deadline(*, incident: BreachIncident, today: date | None = None) -> BreachDeadline:
    today = today or timezone.localdate()
    discovered_on = timezone.localdate(incident.discovered_at)
    deadline = add_business_days(discovered_on, 7)
    return BreachDeadline(
        discovered_on=discovered_on,
        deadline=deadline,
        business_days_left=business_days_between(today, deadline),
    )


@dataclass(frozen=True)
class BreachProgress:
    notices: int
    notified: int
    failed: int
    acknowledged: int

    @property
    def unnotified(self) -> int:
        return self.notices - self.notified


def breach_progress(*, incident: BreachIncident) -> BreachProgress:
    from shopsocial.mail.models import OutboundEmail

    counts = BreachNotification.objects.filter(incident=incident).aggregate(
        notices=Count("pk"),
        notified=Count("pk", filter=Q(email_message__status=OutboundEmail.Status.SENT)),
        failed=Count(
            "pk",
            filter=(
                Q(email_message__status=OutboundEmail.Status.FAILED)
                | Q(failed_attempts__gt=0, email_message__status=OutboundEmail.Status.PENDING)
            ),
        ),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
    )
    return BreachProgress(**counts)
