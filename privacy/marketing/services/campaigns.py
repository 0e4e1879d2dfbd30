"""Campaigns: the compliance gate, start/pause/resume, and the chunked, at-most-once send.

A send is a CampaignRecipient row per (campaign, subscriber), unique. Workers claim
small batches with SELECT ... FOR UPDATE SKIP LOCKED and mark them SENDING in a
committed transaction *before* handing them to the mail provider, so a retried or
redelivered task never sends a row twice; a row a dead worker left SENDING becomes
INTERRUPTED and is not resent. The suppression list is read right before each batch
is sent, so an opt-out after the campaign was queued is honoured.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import connection, transaction
from django.db.models import F, Max, Min
from django.utils import timezone

from shopsocial.celery import task_queue
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue

from ..models import Campaign, CampaignRecipient, Subscriber, Subscription, email_normalise
from ..rendering import CampaignRenderer, campaign_compliance_problems, message_compliance_problems
from ..selectors import emails_suppressed_among

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1000  # recipients per Celery task
BATCH_SIZE = 50  # recipients claimed (and committed as SENDING) at a time
STALE_AFTER = timedelta(minutes=15)  # SENDING longer than this: the worker died
IDLE_AFTER = timedelta(minutes=5)  # pending rows untouched this long: re-dispatch

Status = CampaignRecipient.Status


class CampaignComplianceError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class CampaignStateError(Exception):
    pass


class TransientSendError(Exception):
    """The provider refused a send; the rest of the batch went back to pending."""


def _gate(campaign: Campaign) -> None:
    problems = campaign_compliance_problems(campaign)
    if problems:
        raise CampaignComplianceError(problems)


@transaction.atomic
def campaign_schedule(*, campaign_id: int) -> Campaign:
    """Check the campaign now and let the beat task start it at `send_at`."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.status != Campaign.Status.DRAFT:
        raise CampaignStateError(f"Only a draft can be scheduled (this one is {campaign.status}).")
    if campaign.send_at is None:
        raise CampaignStateError("Set “Send at” first.")
    _gate(campaign)
    campaign.status = Campaign.Status.SCHEDULED
    campaign.save(update_fields=["status"])
    return campaign


def _recipients_create(campaign: Campaign) -> int:
    """One INSERT ... SELECT: every confirmed subscriber in the audience, once (unique)."""
    recipient = CampaignRecipient._meta.db_table
    subscription = Subscription._meta.db_table
    subscriber = Subscriber._meta.db_table
    params: list = [campaign.pk, Subscriber.Status.CONFIRMED]
    retailer_filter = ""
    if campaign.audience == Campaign.Audience.RETAILERS:
        retailer_filter = "AND s.retailer_id = ANY(%s)"
        params.append(list(campaign.retailers.values_list("pk", flat=True)))
    sql = f"""
        INSERT INTO {recipient} (campaign_id, subscriber_id, retailer_id, status, attempts, error)
        SELECT DISTINCT ON (s.subscriber_id) %s, s.subscriber_id, s.retailer_id, 'pending', 0, ''
        FROM {subscription} s JOIN {subscriber} sub ON sub.id = s.subscriber_id
        WHERE sub.status = %s AND s.confirmed_at IS NOT NULL {retailer_filter}
        ORDER BY s.subscriber_id, s.confirmed_at
        ON CONFLICT (campaign_id, subscriber_id) DO NOTHING
    """  # noqa: S608 - table names from model metadata; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def campaign_start(*, campaign_id: int) -> Campaign:
    """Gate, queue the recipients, and fan the send out over Celery after commit."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED):
            raise CampaignStateError(f"This campaign is already {campaign.get_status_display()}.")
        _gate(campaign)
        _recipients_create(campaign)
        campaign.status = Campaign.Status.SENDING
        campaign.started_at = timezone.now()
        campaign.save(update_fields=["status", "started_at"])
        transaction.on_commit(lambda: campaign_dispatch(campaign_id=campaign_id))
    return campaign


def campaign_dispatch(*, campaign_id: int) -> int:
    """Queue one chunk task per CHUNK_SIZE id range that still has pending rows."""
    bounds = CampaignRecipient.objects.filter(campaign_id=campaign_id, status=Status.PENDING)
    bounds = bounds.aggregate(lo=Min("pk"), hi=Max("pk"))
    if bounds["lo"] is None:
        campaign_finish_if_done(campaign_id=campaign_id)
        return 0
    queued = 0
    for first in range(bounds["lo"], bounds["hi"] + 1, CHUNK_SIZE):
        try:
            task_queue(
                "marketing.campaign_send_chunk_task", campaign_id, first, first + CHUNK_SIZE - 1
            )
        except Exception:  # broker down: the watchdog dispatches again
            logger.warning("campaign %s: chunk not dispatched; broker unavailable", campaign_id)
            break
        queued += 1
    return queued


@transaction.atomic
def campaign_pause(*, campaign_id: int) -> Campaign:
    updated = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).update(
        status=Campaign.Status.PAUSED
    )
    if not updated:
        raise CampaignStateError("Only a campaign that is sending can be paused.")
    return Campaign.objects.get(pk=campaign_id)


@transaction.atomic
def campaign_resume(*, campaign_id: int) -> Campaign:
    updated = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.PAUSED).update(
        status=Campaign.Status.SENDING
    )
    if not updated:
        raise CampaignStateError("Only a paused campaign can be resumed.")
    transaction.on_commit(lambda: campaign_dispatch(campaign_id=campaign_id))
    return Campaign.objects.get(pk=campaign_id)


def campaign_finish_if_done(*, campaign_id: int) -> bool:
    if CampaignRecipient.objects.filter(
        campaign_id=campaign_id, status__in=[Status.PENDING, Status.SENDING]
    ).exists():
        return False
    return bool(
        Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).update(
            status=Campaign.Status.SENT, finished_at=timezone.now()
        )
    )


def _batch_claim(*, campaign_id: int, first_id: int, last_id: int) -> list[CampaignRecipient]:
    """Claim up to BATCH_SIZE pending rows; committed as SENDING before anything is sent."""
    with transaction.atomic():
        rows = list(
            CampaignRecipient.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                campaign_id=campaign_id,
                pk__gte=first_id,
                pk__lte=last_id,
                status=Status.PENDING,
            )
            .select_related("subscriber", "retailer")
            .order_by("pk")[:BATCH_SIZE]
        )
        if rows:
            CampaignRecipient.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
            )
    return rows


def _mark(ids: list[int], status: str, **fields) -> None:
    if ids:
        CampaignRecipient.objects.filter(pk__in=ids, status=Status.SENDING).update(
            status=status, **fields
        )


def _batch_send(rows: list[CampaignRecipient], renderer: CampaignRenderer, mailer) -> int:
    suppressed = emails_suppressed_among(r.subscriber.email for r in rows)
    sent: list[int] = []
    skipped: list[int] = []
    failed: list[int] = []
    error = ""
    unsent: list[int] = []
    company_name = settings.COMPANY["name"]
    for n, row in enumerate(rows):
        if email_normalise(row.subscriber.email) in suppressed:
            skipped.append(row.pk)
            continue
        rendered = renderer.render(
            to=row.subscriber.email,
            subscriber_id=row.subscriber_id,
            retailer_name=row.retailer.display_name if row.retailer else company_name,
        )
        if message_compliance_problems(rendered):
            failed.append(row.pk)
            error = "compliance gate"
            continue
        try:
            mailer.send_messages([rendered.as_email(campaign_id=renderer.campaign.pk)])
        except Exception as exc:
            # The provider may or may not have this one: never resend it. The rest of
            # the batch was not attempted and goes back to pending for the retry.
            failed.append(row.pk)
            error = type(exc).__name__
            unsent = [r.pk for r in rows[n + 1 :]]
            break
        sent.append(row.pk)
    now = timezone.now()
    with transaction.atomic():  # one commit per batch
        _mark(sent, Status.SENT, sent_at=now)
        _mark(skipped, Status.SUPPRESSED)
        _mark(failed, Status.FAILED, error=error[:120])
        _mark(unsent, Status.PENDING, claimed_at=None)
    if unsent:
        raise TransientSendError(error)
    return len(sent)


def campaign_send_chunk(*, campaign_id: int, first_id: int, last_id: int) -> int:
    """Send the pending recipients with ids in [first_id, last_id]. Safe to run twice."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.status != Campaign.Status.SENDING:
        return 0
    renderer = CampaignRenderer(campaign)
    mailer = mailers.default
    sent = 0
    mailer.open()
    try:
        while Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).exists():
            rows = _batch_claim(campaign_id=campaign_id, first_id=first_id, last_id=last_id)
            if not rows:
                break
            sent += _batch_send(rows, renderer, mailer)
    finally:
        mailer.close()
    campaign_finish_if_done(campaign_id=campaign_id)
    return sent


def campaign_watchdog(*, now=None) -> int:
    """Periodic: rows a dead worker left SENDING become INTERRUPTED (never resent);
    campaigns with idle pending rows are dispatched again; finished ones are closed."""
    now = now or timezone.now()
    CampaignRecipient.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - STALE_AFTER
    ).update(status=Status.INTERRUPTED, error="worker stopped mid-send")
    redispatched = 0
    for campaign_id in Campaign.objects.filter(status=Campaign.Status.SENDING).values_list(
        "pk", flat=True
    ):
        if campaign_finish_if_done(campaign_id=campaign_id):
            continue
        recent = CampaignRecipient.objects.filter(
            campaign_id=campaign_id, claimed_at__gte=now - IDLE_AFTER
        ).exists()
        if not recent:
            campaign_dispatch(campaign_id=campaign_id)
            redispatched += 1
    return redispatched


def campaigns_start_due(*, now=None) -> list[int]:
    """Beat: start every scheduled campaign whose time has come."""
    from ..selectors import campaigns_due

    started = []
    for campaign_id in campaigns_due(now=now or timezone.now()):
        try:
            campaign_start(campaign_id=campaign_id)
        except CampaignComplianceError as exc:
            Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SCHEDULED).update(
                status=Campaign.Status.DRAFT
            )
            logger.warning("campaign %s refused by the compliance gate: %s", campaign_id, exc)
            continue
        except CampaignStateError:
            continue
        started.append(campaign_id)
    return started


@transaction.atomic
def campaign_test_send(*, campaign_id: int, to: str) -> OutboundEmail:
    """Send the campaign to one staff address, as marketing mail (suppression applies)."""
    campaign = Campaign.objects.get(pk=campaign_id)
    _gate(campaign)
    subscriber, _ = Subscriber.objects.get_or_create(email=email_normalise(to))
    retailer = (
        campaign.retailers.first() if campaign.audience == campaign.Audience.RETAILERS else None
    )
    rendered = CampaignRenderer(campaign).render(
        to=subscriber.email,
        subscriber_id=subscriber.pk,
        retailer_name=retailer.display_name if retailer else settings.COMPANY["name"],
    )
    return email_enqueue(
        kind=OutboundEmail.Kind.MARKETING,
        to=subscriber.email,
        template="marketing_prerendered",
        context={
            "subject": f"[Test] {rendered.subject}",
            "text": rendered.text,
            "html": rendered.html,
            "from_email": rendered.from_email,
        },
        headers=rendered.headers,
        dedupe_key=f"campaign-test:{campaign.pk}:{uuid.uuid4().hex}",
    )
