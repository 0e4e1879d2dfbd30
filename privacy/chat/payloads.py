"""What the sockets send: plain JSON-able dicts. Text is sent as text; the pages put it
in the DOM with textContent, never as markup."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from privacy.models import TicketMessage

from . import selectors
from .models import Chat


def _admin_url(ticket_id: int) -> str:
    # The admin lives in the company site's urlconf, whatever this thread served last.
    return reverse(
        "admin:privacy_ticket_change", args=[ticket_id], urlconf=settings.PUBLIC_SCHEMA_URLCONF
    )


def _staff_name(user) -> str:
    return (user.first_name or "Support") if user is not None else "Support"


def message_payload(message: TicketMessage, *, chat_id: int) -> dict:
    staff = message.author == TicketMessage.Author.STAFF
    return {
        "type": "message",
        "chat": chat_id,
        "id": message.pk,
        "author": str(message.author),
        "name": _staff_name(message.staff_user) if staff else "",
        "body": message.body,
        "at": message.created_at.isoformat(),
    }


def state_payload(chat: Chat) -> dict:
    return {
        "chat": chat.pk,
        "status": chat.status,
        "agent": _staff_name(chat.agent) if chat.agent_id else "",
        "outcome": chat.outcome,
        "reference": chat.ticket.reference,
    }


def chat_summary(chat: Chat) -> dict:
    """A queue entry for the console."""
    ticket = chat.ticket
    return {
        "id": chat.pk,
        "kind": chat.kind,
        "name": ticket.name,
        "topic": ticket.get_topic_display(),
        "site": chat.storefront.display_name if not chat.storefront.is_company else "Company site",
        "retailer": (
            f"{chat.retailer.display_name} (Retailer ID {chat.retailer.retailer_number})"
            if chat.retailer_id
            else ""
        ),
        "waiting_since": timezone.localtime(chat.created_at).strftime("%H:%M"),
    }


def chat_detail(chat: Chat) -> dict:
    """A claimed chat in full: the thread and the person's earlier tickets."""
    ticket = chat.ticket
    return {
        **chat_summary(chat),
        "email": ticket.email,
        "reference": ticket.reference,
        "ticket_admin_url": _admin_url(ticket.pk),
        "messages": [
            message_payload(m, chat_id=chat.pk) for m in selectors.chat_messages(chat=chat)
        ],
        "earlier_tickets": [
            {
                "reference": t.reference,
                "topic": t.get_topic_display(),
                "status": t.get_status_display(),
                "opened": timezone.localtime(t.created_at).strftime("%Y-%m-%d"),
                "admin_url": _admin_url(t.pk),
            }
            for t in selectors.tickets_earlier_for_chat(chat=chat)
        ],
    }
