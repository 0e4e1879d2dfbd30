"""Privacy reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from shopsocial.invalidation import BREACH_OPEN, FRAGMENT_SECONDS, POLICY_PUBLISHED, cached
from shopsocial.mail.addresses import email_normalise

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
    published = cached(  # every published version, newest first (a handful of rows)
        POLICY_PUBLISHED,
        lambda: list(
            PolicyVersion.objects.filter(published=True).values_list("version", "effective_date")
        ),
        timeout=300,
    )
    versions = [row for row in published if row[1] <= today][:2]
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
def breach_notices_for_user(*, user: AbstractBaseUser) -> QuerySet[BreachNotification]:
    """Unacknowledged breach notices addressed to this signed-in person: by their verified
    address, and for a retailer by the shop's address on file, but only for incidents that
    reached retailers as retailers (an address typed into Contact Information is not proof
    of owning it, so it never unlocks a shopper's notice)."""
    from orders.accounts.selectors import emails_verified_for_user

    if not user.is_authenticated:
        return BreachNotification.objects.none()
    match = Q(email__in=emails_verified_for_user(user=user))
    retailer = getattr(user, "retailer", None)
    if retailer is not None and retailer.email:
        shop = email_normalise(retailer.email)
        selected = BreachIncident.objects.filter(
            scope=BreachIncident.Scope.SELECTED_RETAILERS, selected_retailers=retailer
        ).values("pk")
        match |= Q(email=shop, incident__scope=BreachIncident.Scope.ALL_RETAILERS)
        match |= Q(email=shop, incident__in=selected)
    return (
        BreachNotification.objects.filter(match, acknowledged_at__isnull=True)
        .select_related("incident")
        .order_by("incident__discovered_at", "pk")
    )


def breach_notices_for_user_cached(*, user: AbstractBaseUser) -> list[BreachNotification]:
    """`breach_notices_for_user` as a list, read on every signed-in page (one query):
    a notice shows on the next request after it is created and goes once acknowledged
    (`BREACH_OPEN` is deleted by every write to a notice or an incident)."""
    if not user.is_authenticated:
        return []
    if not cached(BREACH_OPEN, _any_breach_notice_open, timeout=FRAGMENT_SECONDS):
        return []  # nearly always: no query (the key is in every page's prefetch)
    return list(breach_notices_for_user(user=user))


def _any_breach_notice_open() -> bool:
    return BreachNotification.objects.filter(acknowledged_at__isnull=True).exists()


# The characters Python's str.strip() removes from an address (email_normalise).
_WHITESPACE = " \t\n\r\x0b\x0c"


def _norm(field: str) -> Func:
    """email_normalise in SQL: lower(btrim(field))."""
    return Lower(Func(F(field), Value(_WHITESPACE), function="BTRIM"))


class _DayStartAt(Func):
    """The first instant of a date in a time zone: (date::timestamp AT TIME ZONE tz)."""

    template = "(%(expressions)s)"
    arg_joiner = "::timestamp AT TIME ZONE "
    output_field = DateTimeField()


class _NextDay(Func):
    template = "(%(expressions)s + 1)"
    output_field = DateField()


def _count_distinct(queryset: QuerySet, field: str) -> Coalesce:
    """A scalar subquery: distinct normalised addresses in `field` over `queryset`."""
    counted = (
        queryset.exclude(**{field: ""})
        .order_by()
        .annotate(_one=Value(1))
        .values("_one")
        .annotate(n=Count(_norm(field), distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def breach_incidents_with_affected_count(
    queryset: QuerySet[BreachIncident],
) -> QuerySet[BreachIncident]:
    """Annotate `affected_count`: the distinct addresses an incident's scope covers.

    Computed by PostgreSQL in the list's one query: after Notify, the incident's
    notification rows; before, the addresses its scope selects (the all-shoppers
    and all-retailers counts do not depend on the row, so PostgreSQL computes them
    once). An uploaded list is a file, not a table: None (`breach_list_affected_count`).
    """
    from django.contrib.auth import get_user_model

    from orders.models import Order
    from retailers.models import Retailer

    scope = BreachIncident.Scope
    tz = timezone.get_current_timezone_name()
    orders = Order.objects.all()
    shoppers = get_user_model().objects.filter(is_staff=False, retailer__isnull=True)
    order_addresses = orders.exclude(email="").order_by().annotate(e=_norm("email")).values("e")
    through = BreachIncident.selected_retailers.through.objects.filter(
        breachincident_id=OuterRef("pk")
    )
    in_range = orders.filter(
        created_at__gte=_DayStartAt(OuterRef("orders_from"), Value(tz)),
        created_at__lt=_DayStartAt(_NextDay(OuterRef("orders_to")), Value(tz)),
    )
    notified = (
        BreachNotification.objects.filter(incident=OuterRef("pk"))
        .order_by()
        .values("incident")
        .annotate(n=Count("pk"))
        .values("n")
    )
    all_shoppers = _count_distinct(orders, "email") + _count_distinct(
        shoppers.exclude(email="").annotate(e=_norm("email")).exclude(e__in=order_addresses),
        "email",
    )
    return queryset.annotate(
        affected_count=Case(
            When(
                notify_started_at__isnull=False,
                then=Coalesce(Subquery(notified, output_field=IntegerField()), 0),
            ),
            When(scope=scope.ALL_SHOPPERS, then=all_shoppers),
            When(
                scope=scope.ALL_RETAILERS,
                then=_count_distinct(Retailer.objects.filter(kind=Retailer.Kind.RETAILER), "email"),
            ),
            When(
                scope=scope.SELECTED_RETAILERS,
                then=_count_distinct(through, "retailer__email"),
            ),
            When(scope=scope.ORDER_DATE_RANGE, then=_count_distinct(in_range, "email")),
            default=None,
            output_field=IntegerField(),
        )
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


def _progress_filters() -> dict[str, Q]:
    from shopsocial.mail.models import OutboundEmail

    return {
        "notices": Q(),
        "notified": Q(email_message__status=OutboundEmail.Status.SENT),
        "failed": (
            Q(email_message__status=OutboundEmail.Status.FAILED)
            | Q(failed_attempts__gt=0, email_message__status=OutboundEmail.Status.PENDING)
        ),
        "acknowledged": Q(acknowledged_at__isnull=False),
    }


def breach_progress(*, incident: BreachIncident) -> BreachProgress:
    counts = BreachNotification.objects.filter(incident=incident).aggregate(
        **{name: Count("pk", filter=q) for name, q in _progress_filters().items()}
    )
    return BreachProgress(**counts)


def breach_incidents_for_admin(queryset: QuerySet[BreachIncident]) -> QuerySet[BreachIncident]:
    """The admin list in one query: `affected_count` and `progress` (a BreachProgress)
    for every row, computed by PostgreSQL."""
    subqueries = {
        f"progress_{name}": Coalesce(
            Subquery(
                BreachNotification.objects.filter(q, incident=OuterRef("pk"))
                .order_by()
                .values("incident")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )
        for name, q in _progress_filters().items()
    }
    return breach_incidents_with_affected_count(queryset).annotate(**subqueries)


def breach_progress_of_row(incident: BreachIncident) -> BreachProgress:
    """The progress of a row from `breach_incidents_for_admin` (or a query)."""
    if not hasattr(incident, "progress_notices"):
        return breach_progress(incident=incident)
    return BreachProgress(
        **{name: getattr(incident, f"progress_{name}") for name in _progress_filters()}
    )
