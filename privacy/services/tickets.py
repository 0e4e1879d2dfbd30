"""Tickets: opened from /contact/, a message thread between the person and staff."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from privacy.models import Ticket, TicketMessage
from privacy.selectors import ticket_token
from retailers.models import Retailer
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import company_url, shared_path, storefront_url

# No 0/O or 1/I/L: easy to read out on the phone.
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def ticket_url(*, ticket: Ticket) -> str:
    path = shared_path("privacy:contact-ticket", ticket.reference, ticket_token(ticket=ticket))
    site = ticket.opened_on
    if site is not None and not site.is_company:
        return storefront_url(site.slug, path)
    return company_url(path)


def _new_reference() -> str:
    return "T-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


@transaction.atomic
def ticket_create(
    *,
    topic: str,
    name: str,
    email: str,
    phone: str = "",
    order_number: str = "",
    user: AbstractBaseUser | None = None,
    opened_on: Retailer | None = None,
) -> Ticket:
    """A ticket with a fresh reference and no message yet (a live chat adds them)."""
    ticket = Ticket(
        topic=topic,
        name=name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        order_number=order_number.strip(),
        secret_salt=secrets.token_urlsafe(32),
        user=user if user is not None and user.is_authenticated else None,
        opened_on=opened_on,
    )
    for _attempt in range(5):
        ticket.reference = _new_reference()
        ticket.full_clean()
        try:
            with transaction.atomic():
                ticket.save()
            break
        except IntegrityError:  # reference already taken: draw again
            ticket.pk = None
    else:  # pragma: no cover - 31^8 references
        raise RuntimeError("could not allocate a ticket reference")
    return ticket


@transaction.atomic
def ticket_open(
    *,
    topic: str,
    name: str,
    email: str,
    message: str,
    phone: str = "",
    order_number: str = "",
    user: AbstractBaseUser | None = None,
    opened_on: Retailer | None = None,
) -> Ticket:
    """Open a ticket and email the person its reference and secret link."""
    ticket = ticket_create(
        topic=topic,
        name=name,
        email=email,
        phone=phone,
        order_number=order_number,
        user=user,
        opened_on=opened_on,
    )
    first = TicketMessage(ticket=ticket, author=TicketMessage.Author.CUSTOMER, body=message.strip())
    first.full_clean()
    first.save()
    ticket_opened_email_enqueue(ticket=ticket)
    return ticket


def ticket_opened_email_enqueue(*, ticket: Ticket) -> OutboundEmail:
    """The "we have your message" email with the ticket's private link (once per ticket)."""
    return email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=ticket.email,
        template="ticket_opened",
        context={
            "name": ticket.name,
            "reference": ticket.reference,
            "topic": ticket.get_topic_display(),
            "ticket_url": ticket_url(ticket=ticket),
        },
        dedupe_key=f"ticket-opened:{ticket.pk}",
    )


@transaction.atomic
def ticket_reply_customer(*, ticket: Ticket, body: str) -> TicketMessage:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == Ticket.Status.CLOSED:
        raise ValidationError("This request is closed. To ask something new, write to us again.")
    reply = TicketMessage(ticket=ticket, author=TicketMessage.Author.CUSTOMER, body=body.strip())
    reply.full_clean()
    reply.save()
    ticket.status = Ticket.Status.OPEN
    ticket.save(update_fields=["status", "updated_at"])
    return reply


@transaction.atomic
def ticket_reply_staff(*, ticket: Ticket, staff_user: AbstractBaseUser, body: str) -> TicketMessage:
    """Staff answer: stored in the thread and emailed with the secret link."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    reply = TicketMessage(
        ticket=ticket, author=TicketMessage.Author.STAFF, staff_user=staff_user, body=body.strip()
    )
    reply.full_clean()
    reply.save()
    if ticket.status == Ticket.Status.OPEN:
        ticket.status = Ticket.Status.ANSWERED
        ticket.save(update_fields=["status", "updated_at"])
    email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=ticket.email,
        template="ticket_reply",
        context={
            "name": ticket.name,
            "reference": ticket.reference,
            "body": reply.body,
            "ticket_url": ticket_url(ticket=ticket),
        },
        dedupe_key=f"ticket-reply:{reply.pk}",
    )
    return reply


@transaction.atomic
def ticket_update(*, ticket: Ticket, status: str, assignee: AbstractBaseUser | None) -> Ticket:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    ticket.status = status
    ticket.assignee = assignee
    ticket.full_clean()
    ticket.save(update_fields=["status", "assignee", "updated_at"])
    return ticket
