"""Queue and send email. Templates: `email/<template>_subject.txt`, `.txt`, `.html`."""

from __future__ import annotations

import email.policy
import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone
from django.utils.module_loading import import_string

from shopsocial.celery import task_queue

from .branding import email_brand, html_inline
from .links import email_links_resolve
from .models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


class EmailMessage(EmailMultiAlternatives):
    """Header lines up to RFC 5322's 998 characters instead of folding at 78.

    Python folds a long header with no space in it (a List-Unsubscribe URL with a signed
    token) into RFC 2047 encoded-words, which mail providers do not read as a URL.
    """

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def _suppression_check() -> Callable[[str], bool] | None:
    path = getattr(settings, "MAIL_SUPPRESSION_CHECK", "")
    return import_string(path) if path else None


def email_dispatch(*, email_id: int) -> None:
    """Hand the row to Celery. If the broker is down, the periodic redispatch retries."""
    try:
        task_queue("mail.email_send_task", email_id)
    except Exception:  # broker unreachable: the row stays pending
        logger.warning("email %s not dispatched; broker unavailable", email_id)


def email_enqueue(
    *,
    kind: str,
    to: str,
    template: str,
    context: dict,
    dedupe_key: str,
    headers: dict | None = None,
) -> OutboundEmail:
    """Write the email row (once per dedupe_key) and dispatch it after commit."""
    email, created = OutboundEmail.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            "to": to,
            "template": template,
            "context": context,
            "headers": headers or {},
        },
    )
    if created:
        transaction.on_commit(lambda: email_dispatch(email_id=email.pk))
    return email


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template rendered as text: no HTML escaping (includes too).

    An apostrophe in a name must arrive as ', not &#x27;. HTML parts keep
    Django's autoescaping (`render_html`).
    """
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def render_html(template_name: str, context: dict) -> str:
    return get_template(template_name).render(context)


def email_render(*, email: OutboundEmail) -> EmailMultiAlternatives:
    ctx = {
        **email.context,
        **email_links_resolve(email.context.get("links")),
        "company": settings.COMPANY,
        "email_kind": email.kind,
    }
    ctx["brand"] = email_brand(ctx)
    subject = render_text(f"email/{email.template}_subject.txt", ctx).strip()
    text = render_text(f"email/{email.template}.txt", ctx)
    html = html_inline(render_html(f"email/{email.template}.html", ctx))
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=text,
        from_email=email.context.get("from_email") or settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        reply_to=[settings.EMAIL_REPLY_TO],
        headers=email.headers or None,
    )
    message.attach_alternative(html, "text/html")
    return message


class EmailSendError(Exception):
    """Sending failed; the attempt is recorded on the row and the task may retry."""


def email_send(*, email_id: int) -> OutboundEmail | None:
    """Send one pending email. Safe to run twice: a sent row is never sent again.

    A failed attempt is committed (attempts, last error; FAILED after the last one
    for marketing only) before EmailSendError is raised, so it survives the retry.
    """
    failure: Exception | None = None
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return None
        check = _suppression_check()
        if email.kind == OutboundEmail.Kind.MARKETING and check and check(email.to):
            email.status = OutboundEmail.Status.SUPPRESSED
            email.save(update_fields=["status"])
            return email
        email.attempts += 1
        try:
            message = email_render(email=email)
            message.send()
        except Exception as exc:
            failure = exc
            email.last_error = type(exc).__name__
            # Only marketing gives up; order mail and breach notices must never be
            # lost, so they stay pending for the periodic re-dispatch.
            if email.attempts >= MAX_ATTEMPTS and email.kind == OutboundEmail.Kind.MARKETING:
                email.status = OutboundEmail.Status.FAILED
            email.save(update_fields=["attempts", "last_error", "status"])
            logger.warning(
                "email %s failed (attempt %s): %s", email.pk, email.attempts, type(exc).__name__
            )
        else:
            status = getattr(message, "anymail_status", None)
            email.esp_message_id = (getattr(status, "message_id", None) or "")[:255]
            email.status = OutboundEmail.Status.SENT
            email.sent_at = timezone.now()
            email.save(
                update_fields=["attempts", "status", "sent_at", "esp_message_id", "last_error"]
            )
    if failure is not None:
        raise EmailSendError(f"email {email_id}: {type(failure).__name__}") from failure
    return email


def email_redispatch_pending(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Re-dispatch rows still pending (e.g. the broker was down when they were written)."""
    cutoff = timezone.now() - older_than
    ids = list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.PENDING, created_at__lte=cutoff
        ).values_list("pk", flat=True)[:5000]
    )
    for email_id in ids:
        email_dispatch(email_id=email_id)
    return len(ids)
