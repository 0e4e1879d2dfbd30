"""Breach notification: every affected person is told by email and in-site within
7 business days of discovery.

`breach_incident_notify` writes one BreachNotification per affected address (one
transaction, deduplicated by a unique constraint); batches then give each one an
outbox row (kind LEGAL: suppression never blocks it, `dedupe_key` makes it
once-only) and send it. A periodic task resumes anything left behind.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone

from privacy.models import BreachIncident, BreachNotification
from privacy.selectors import breach_deadline, breach_progress
from retailers.models import Retailer
from shopsocial.celery import task_queue
from shopsocial.invalidation import breach_list_key, cached
from shopsocial.mail.addresses import email_normalise
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue, email_send
from shopsocial.urls_util import company_reverse

logger = logging.getLogger(__name__)

ROW_CHUNK = 2000
SEND_BATCH = 500


# --- Who is affected ------------------------------------------------------------
def email_list_parse(lines: Iterable[str]) -> Iterator[tuple[int, str, bool]]:
    """(line number, normalised address, valid?) per non-blank line; the first CSV column."""
    for number, row in enumerate(csv.reader(lines), start=1):
        if not row or not row[0].strip() or row[0].strip().startswith("#"):
            continue
        value = email_normalise(row[0])
        if number == 1 and value in ("email", "email address", "e-mail"):
            continue  # a header row
        try:
            validate_email(value)
        except ValidationError:
            yield number, value, False
        else:
            yield number, value, True


def _uploaded_emails(incident: BreachIncident) -> Iterator[str]:
    with incident.email_list.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace")
        for _number, value, valid in email_list_parse(text):
            if valid:
                yield value


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end, time.max, tzinfo=tz),
    )


def breach_affected_emails(*, incident: BreachIncident) -> Iterator[str]:
    """Every affected address, normalised; may repeat (the unique constraint dedupes)."""
    from orders.models import Order

    scope = incident.scope
    querysets: list[models.QuerySet] = []
    if scope == BreachIncident.Scope.ALL_SHOPPERS:
        querysets.append(Order.objects.exclude(email="").values_list("email", flat=True))
        querysets.append(
            get_user_model()
            .objects.filter(is_staff=False, retailer__isnull=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    elif scope == BreachIncident.Scope.ALL_RETAILERS:
        querysets.append(
            Retailer.objects.filter(kind=Retailer.Kind.RETAILER)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    elif scope == BreachIncident.Scope.SELECTED_RETAILERS:
        querysets.append(
            incident.selected_retailers.exclude(email="").values_list("email", flat=True)
        )
    elif scope == BreachIncident.Scope.ORDER_DATE_RANGE:
        start, end = _day_bounds(incident.orders_from, incident.orders_to)
        querysets.append(
            Order.objects.filter(created_at__gte=start, created_at__lte=end)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    elif scope == BreachIncident.Scope.EMAIL_LIST:
        yield from _uploaded_emails(incident)
    for qs in querysets:
        for value in qs.iterator(chunk_size=ROW_CHUNK):
            yield email_normalise(value)


def breach_list_affected_count(*, incident: BreachIncident) -> int:
    """Distinct valid addresses in an uploaded list (read once per uploaded file).

    The other scopes are counted by PostgreSQL (selectors.breach_incidents_for_admin);
    a list is a file, so it is parsed here, by the same code Notify uses.
    """
    if not incident.email_list:
        return 0
    name, count = cached(
        breach_list_key(incident.pk),
        lambda: (incident.email_list.name, len(set(breach_affected_emails(incident=incident)))),
        timeout=3600,
    )
    if name != incident.email_list.name:  # a new file, not yet saved: count it now
        return len(set(breach_affected_emails(incident=incident)))
    return count


# --- Notify ---------------------------------------------------------------------
@transaction.atomic
def breach_incident_notify(*, incident: BreachIncident) -> int:
    """Create one notification per affected address (all or nothing), then send them.

    Running it again adds only people not yet covered (e.g. a re-uploaded list)
    and never a second row for the same address. Returns rows created.
    """
    incident = BreachIncident.objects.select_for_update().get(pk=incident.pk)
    if incident.law_enforcement_hold:
        raise ValidationError("This incident is on a law-enforcement hold: notices must wait.")
    before = incident.notifications.count()
    batch: list[BreachNotification] = []
    for email in breach_affected_emails(incident=incident):
        batch.append(BreachNotification(incident=incident, email=email))
        if len(batch) >= ROW_CHUNK:
            BreachNotification.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        BreachNotification.objects.bulk_create(batch, ignore_conflicts=True)
    if incident.notify_started_at is None:
        incident.notify_started_at = timezone.now()
        incident.save(update_fields=["notify_started_at"])
    created = incident.notifications.count() - before
    incident_id = incident.pk
    transaction.on_commit(lambda: breach_notifications_dispatch(incident_id=incident_id))
    return created


def breach_notifications_pending_ids(*, incident_id: int) -> list[int]:
    """Notifications whose email is not sent yet (no outbox row, or a pending one)."""
    return list(
        BreachNotification.objects.filter(incident_id=incident_id)
        .filter(
            models.Q(email_message__isnull=True)
            | models.Q(email_message__status=OutboundEmail.Status.PENDING)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def breach_notifications_dispatch(*, incident_id: int) -> int:
    """Queue one Celery batch per SEND_BATCH un-sent notifications. Returns batches."""
    ids = breach_notifications_pending_ids(incident_id=incident_id)
    batches = 0
    for start in range(0, len(ids), SEND_BATCH):
        chunk = ids[start : start + SEND_BATCH]
        try:
            task_queue("privacy.breach_notifications_send_batch_task", chunk)
        except Exception:  # broker down: the periodic resume picks them up
            logger.warning("breach batch for incident %s not dispatched", incident_id)
            break
        batches += 1
    return batches


def _notice_context(incident: BreachIncident) -> dict:
    return {
        "title": incident.title,
        "description": incident.description,
        "data_involved": incident.data_involved,
        "discovered_on": timezone.localdate(incident.discovered_at).isoformat(),
        "contact_url": company_reverse("privacy:contact"),
        "policy_url": company_reverse("privacy:policy"),
        # Where to choose a new password (accounts: shoppers; retailers' back office).
        "password_reset_url": company_reverse("orders:account-password-reset"),
        "backoffice_reset_url": company_reverse("backoffice-password-reset"),
    }


@transaction.atomic
def breach_notifications_prepare(*, notification_ids: list[int]) -> list[int]:
    """Give each notification its outbox row (once: dedupe_key); return the outbox ids."""
    rows = list(
        # of=self: lock only the notices, not the shared incident row (another
        # worker holding it would make skip_locked skip every notice).
        BreachNotification.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk__in=notification_ids, email_message__isnull=True)
        .select_related("incident")
    )
    if rows:
        contexts: dict[int, dict] = {}
        OutboundEmail.objects.bulk_create(
            [
                OutboundEmail(
                    kind=OutboundEmail.Kind.LEGAL,
                    dedupe_key=f"breach-notice:{n.pk}",
                    to=n.email,
                    template="breach_notice",
                    context=contexts.setdefault(n.incident_id, _notice_context(n.incident)),
                )
                for n in rows
            ],
            ignore_conflicts=True,
        )
        by_key = dict(
            OutboundEmail.objects.filter(
                dedupe_key__in=[f"breach-notice:{n.pk}" for n in rows]
            ).values_list("dedupe_key", "pk")
        )
        for n in rows:
            n.email_message_id = by_key[f"breach-notice:{n.pk}"]
        BreachNotification.objects.bulk_update(rows, ["email_message"])
    return list(
        BreachNotification.objects.filter(
            pk__in=notification_ids,
            email_message__status=OutboundEmail.Status.PENDING,
        ).values_list("email_message_id", flat=True)
    )


def breach_notifications_send_batch(*, notification_ids: list[int]) -> list[int]:
    """Send a batch. Returns the notification ids that failed and should be retried.

    Each email is sent under a row lock and marked sent in the same step
    (`email_send`): a sent notice is never sent again, a failed one stays pending.
    """
    email_ids = breach_notifications_prepare(notification_ids=notification_ids)
    failed_email_ids = []
    for email_id in email_ids:
        try:
            email_send(email_id=email_id)
        except Exception:  # logged by email_send, without the address
            failed_email_ids.append(email_id)
    if not failed_email_ids:
        return []
    failed = BreachNotification.objects.filter(
        email_message_id__in=failed_email_ids,
        email_message__status=OutboundEmail.Status.PENDING,
    )
    failed.update(failed_attempts=models.F("failed_attempts") + 1)
    return list(failed.values_list("pk", flat=True))


def breach_notifications_resume() -> int:
    """Periodic: re-dispatch every notifying incident's un-sent notices."""
    batches = 0
    for incident_id in BreachIncident.objects.filter(
        notify_started_at__isnull=False, law_enforcement_hold=False
    ).values_list("pk", flat=True):
        batches += breach_notifications_dispatch(incident_id=incident_id)
    return batches


# --- In-site notice -------------------------------------------------------------
@transaction.atomic
def breach_notice_acknowledge(
    *, notification: BreachNotification, user: AbstractBaseUser
) -> BreachNotification:
    updated = BreachNotification.objects.filter(
        pk=notification.pk, acknowledged_at__isnull=True
    ).update(acknowledged_at=timezone.now(), acknowledged_by=user)
    notification.refresh_from_db()
    if updated:
        logger.info("breach notice %s acknowledged", notification.pk)
    return notification


# --- Deadline alerts ------------------------------------------------------------
ALERT_WITHIN_BUSINESS_DAYS = 2


def compliance_recipients() -> list[str]:
    emails = {email_normalise(e) for e in getattr(settings, "PRIVACY_COMPLIANCE_EMAILS", []) if e}
    emails |= {
        email_normalise(e)
        for e in get_user_model()
        .objects.filter(groups__name="Compliance", is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    }
    return sorted(emails)


def breach_deadline_alerts_send(*, today: date | None = None) -> int:
    """Email compliance staff about incidents 2 business days (or less) from their
    deadline with people still un-notified. Once per incident, recipient and day."""
    today = today or timezone.localdate()
    recipients = compliance_recipients()
    sent = 0
    for incident in BreachIncident.objects.all():
        deadline = breach_deadline(incident=incident, today=today)
        if deadline.business_days_left > ALERT_WITHIN_BUSINESS_DAYS:
            continue
        progress = breach_progress(incident=incident)
        unnotified = progress.unnotified if incident.notify_started_at else None
        if unnotified == 0:
            continue
        context = {
            "title": incident.title,
            "incident_id": incident.pk,
            "deadline": deadline.deadline.isoformat(),
            "business_days_left": deadline.business_days_left,
            "unnotified": unnotified,
            "not_started": incident.notify_started_at is None,
            "on_hold": incident.law_enforcement_hold,
            "admin_url": company_reverse("admin:privacy_breachincident_change", incident.pk),
        }
        for to in recipients:
            with transaction.atomic():
                email_enqueue(
                    kind=OutboundEmail.Kind.TRANSACTIONAL,
                    to=to,
                    template="breach_deadline_alert",
                    context=context,
                    dedupe_key=f"breach-alert:{incident.pk}:{today.isoformat()}:{to}",
                )
            sent += 1
    return sent
